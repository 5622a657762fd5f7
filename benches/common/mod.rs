//! The rows the benchmarks list: one shape, so their figures compare.

use errtui::model::*;

/// Error `i` of a large list: a long title, 24 hours of stats, seen `i` seconds before `now`.
pub fn row(i: usize, now: Timestamp) -> ErrorSummary {
    ErrorSummary {
        id: (5_000_000 + i).to_string(),
        short_id: format!("WEB-{i:X}"),
        title: format!(
            "TypeError: Cannot read properties of undefined (reading 'price') in batch {i}"
        ),
        culprit: "app/components/CartSummary in CartSummary".into(),
        status: Status::Unresolved,
        level: Level::Error,
        count: (i as u64 * 7919) % 50_000,
        user_count: (i as u64 * 104_729) % 5_000,
        first_seen: Some(now - chrono::Duration::days(30)),
        last_seen: Some(now - chrono::Duration::seconds(i as i64)),
        url: Some(format!(
            "https://sentry.example.com/organizations/acme/issues/{}/",
            5_000_000 + i
        )),
        project: Some("web".into()),
        platform: Some("javascript".into()),
        stats_24h: (0..24).map(|h| ((i + h) as u64 * 31) % 17).collect(),
        triage: Triage::default(),
        origin: None,
    }
}
