//! Numbers and times as people read them.

use crate::model::Timestamp;

/// "now", "42s", "5m", "3h", "2d", "5w", "4mo", "2y".
pub fn ago_short(now: Timestamp, t: Option<Timestamp>) -> String {
    let Some(t) = t else {
        return "—".into();
    };
    let s = (now - t).num_seconds();
    if s < 0 {
        return "now".into();
    }
    match s {
        0..=9 => "now".into(),
        10..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        86_400..=1_209_599 => format!("{}d", s / 86_400),
        1_209_600..=5_183_999 => format!("{}w", s / 604_800),
        5_184_000..=31_535_999 => format!("{}mo", s / 2_592_000),
        _ => format!("{}y", s / 31_536_000),
    }
}

/// "5 minutes ago (2026-11-21 22:01 UTC)".
pub fn ago_long(now: Timestamp, t: Option<Timestamp>) -> String {
    let Some(t) = t else {
        return "unknown".into();
    };
    let s = (now - t).num_seconds().max(0);
    let (n, unit) = match s {
        0..=59 => (s, "second"),
        60..=3599 => (s / 60, "minute"),
        3600..=86_399 => (s / 3600, "hour"),
        86_400..=2_591_999 => (s / 86_400, "day"),
        2_592_000..=31_535_999 => (s / 2_592_000, "month"),
        _ => (s / 31_536_000, "year"),
    };
    let rel = if s < 10 {
        "just now".to_string()
    } else {
        format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
    };
    format!("{rel} ({})", t.format("%Y-%m-%d %H:%M UTC"))
}

/// An absolute time in the local zone ("2026-11-22 14:03:07 +01:00"), or in UTC.
pub fn absolute(t: Timestamp, utc: bool) -> String {
    if utc {
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    } else {
        t.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string()
    }
}

/// "5 minutes ago · 2026-11-22 14:03:07 +01:00".
pub fn ago_at(now: Timestamp, t: Option<Timestamp>, utc: bool) -> String {
    let Some(t) = t else {
        return "unknown".into();
    };
    let long = ago_long(now, Some(t));
    let rel = long.split(" (").next().unwrap_or("");
    format!("{rel} · {}", absolute(t, utc))
}

/// A breadcrumb's time before its event: "-12.3s", "-2m05s", "-3h10m".
pub fn before(event: Option<Timestamp>, t: Option<Timestamp>) -> String {
    let (Some(e), Some(t)) = (event, t) else {
        return String::new();
    };
    let ms = (e - t).num_milliseconds();
    let sign = if ms < 0 { "+" } else { "-" };
    let ms = ms.unsigned_abs();
    match ms {
        0..=59_999 => format!("{sign}{:.1}s", ms as f64 / 1000.0),
        60_000..=3_599_999 => format!("{sign}{}m{:02}s", ms / 60_000, (ms / 1000) % 60),
        _ => format!("{sign}{}h{:02}m", ms / 3_600_000, (ms / 60_000) % 60),
    }
}

/// 1234 → "1.2k", 1234567 → "1.2M"; small numbers as they are.
pub fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1000.0).replace(".0k", "k"),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0).replace(".0M", "M"),
    }
}

/// 1234567 → "1,234,567".
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// At most `n` counts: when there are more, neighbours are summed, the newest bucket full.
pub fn buckets(pts: &[u64], n: usize) -> Vec<u64> {
    let per = pts.len().div_ceil(n.max(1)).max(1);
    let mut out: Vec<u64> = pts.rchunks(per).map(|c| c.iter().sum()).collect();
    out.reverse();
    out
}

/// A one-line bar chart of counts.
pub fn sparkline(values: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|&v| {
            if max == 0 || v == 0 {
                ' '
            } else {
                BARS[((v * 7) / max) as usize]
            }
        })
        .collect()
}

/// "500 / 1h", or "none".
pub fn rate_limit_text(r: Option<(u64, u64)>) -> String {
    match r {
        None => "none".into(),
        Some((count, window)) => {
            let w = match window {
                60 => "1m".to_string(),
                3600 => "1h".to_string(),
                86_400 => "1d".to_string(),
                s if s % 3600 == 0 => format!("{}h", s / 3600),
                s if s % 60 == 0 => format!("{}m", s / 60),
                s => format!("{s}s"),
            };
            format!("{count} / {w}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn relative_times() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 21, 12, 0, 0)
            .single()
            .expect("time");
        assert_eq!(ago_short(now, Some(now - Duration::seconds(3))), "now");
        assert_eq!(ago_short(now, Some(now - Duration::minutes(5))), "5m");
        assert_eq!(ago_short(now, Some(now - Duration::hours(26))), "1d");
        assert_eq!(ago_short(now, None), "—");
        assert_eq!(
            ago_long(now, Some(now - Duration::minutes(1))),
            "1 minute ago (2026-11-21 11:59 UTC)"
        );
        assert_eq!(compact(98_211), "98.2k");
        assert_eq!(compact(10_000), "10k");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(sparkline(&[0, 1, 7]), " ▂█");
        assert_eq!(rate_limit_text(Some((500, 3600))), "500 / 1h");
        assert_eq!(rate_limit_text(Some((10, 90))), "10 / 90s");
        assert_eq!(rate_limit_text(None), "none");
    }
}
