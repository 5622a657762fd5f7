//! The detail pane: what the error is, how often, since when, and the latest event's context.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::{ago_long, grouped, sparkline};
use super::{pane_block, placeholder, theme};
use crate::app::state::{App, Load};
use crate::model::ErrorSummary;
use crate::text::{sanitize, sanitize_lines, truncate, wrap};

pub fn draw(f: &mut Frame, app: &App, area: Rect, focused: bool, ui: &mut crate::ui::UiState) {
    // In the list view the pane follows the selection; otherwise it shows the opened error.
    let summary: Option<&ErrorSummary> = if app.view == crate::app::state::View::List {
        app.selected()
    } else {
        app.detail.data.as_ref().map(|d| &d.summary).or_else(|| {
            let id = app.detail.key.as_deref()?;
            app.list.items.iter().find(|e| e.id == id)
        })
    };
    let title = match summary {
        Some(s) => format!(" {} ", sanitize(&s.short_id)),
        None => " Detail ".to_string(),
    };
    let block = pane_block(title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(s) = summary else {
        placeholder(
            f,
            inner,
            vec![Line::from(Span::styled("No error selected", theme::dim()))],
        );
        return;
    };
    let lines = lines(app, s, inner.width.saturating_sub(1) as usize);
    let max = (lines.len() as u16).saturating_sub(inner.height);
    ui.detail_max = max;
    let scroll = app.detail_scroll.min(max);
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

fn field(name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<14}"), theme::dim()),
        Span::raw(value),
    ])
}

fn lines(app: &App, s: &ErrorSummary, w: usize) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    for l in wrap(&sanitize(&s.title), w) {
        out.push(Line::from(Span::styled(l, theme::title())));
    }
    if !s.culprit.is_empty() {
        out.push(Line::from(Span::styled(
            truncate(&sanitize(&s.culprit), w),
            theme::dim(),
        )));
    }
    out.push(Line::default());
    out.push(Line::from(vec![
        Span::styled(format!("{:<14}", "Status"), theme::dim()),
        Span::styled(
            format!(
                "{}{}",
                s.status.as_str(),
                if app.pending.contains_key(&s.id) {
                    " (saving…)"
                } else {
                    ""
                }
            ),
            theme::status(&s.status),
        ),
        Span::styled("   Level ", theme::dim()),
        Span::styled(sanitize(s.level.as_str()), theme::level(&s.level)),
    ]));
    out.push(field(
        "Events",
        format!(
            "{}   Users {}",
            grouped(s.count),
            if app.caps.user_counts {
                grouped(s.user_count)
            } else {
                "— (not counted by this server)".into()
            }
        ),
    ));
    out.push(field("First seen", ago_long(app.now, s.first_seen)));
    out.push(field("Last seen", ago_long(app.now, s.last_seen)));

    let detail = app.detail.data.as_ref().filter(|d| d.summary.id == s.id);
    match (app.detail.load(), detail) {
        (_, Some(d)) => {
            if let Some(text) = super::stale_text(app, &app.detail.track) {
                for l in wrap(&text, w) {
                    out.push(Line::from(Span::styled(l, theme::error())));
                }
            }
            let rel = |r: &Option<crate::model::Release>| {
                r.as_ref()
                    .map(|r| sanitize(&r.version))
                    .unwrap_or_else(|| "—".into())
            };
            out.push(field("First release", rel(&d.first_release)));
            out.push(field("Last release", rel(&d.last_release)));
            if !d.stats_24h.is_empty() {
                out.push(field("Last 24h", sparkline(&d.stats_24h)));
            }
            if let Some(m) = &d.message
                && !m.is_empty()
                && !s.title.contains(m.as_str())
            {
                out.push(Line::default());
                out.push(Line::from(Span::styled("Message", theme::heading())));
                for l in sanitize_lines(m).iter().flat_map(|l| wrap(l, w)) {
                    out.push(Line::from(l));
                }
            }
        }
        (Load::Failed(failure), None) => {
            out.push(Line::default());
            out.push(Line::from(Span::styled(
                "Could not load the details:",
                theme::error(),
            )));
            for l in wrap(&sanitize(&failure.message), w) {
                out.push(Line::from(l));
            }
            if failure.kind == crate::app::state::FailureKind::NotAvailable {
                for l in wrap(&super::diagnosis_text(app), w) {
                    out.push(Line::from(l));
                }
            }
            out.push(Line::from(Span::styled("Ctrl-r retries", theme::dim())));
        }
        _ => out.push(Line::from(Span::styled("Loading details…", theme::info()))),
    }
    if let Some(p) = &s.project {
        out.push(field("Project", sanitize(p)));
    }
    if let Some(url) = &s.url {
        out.push(field(
            "Link",
            truncate(&sanitize(url), w.saturating_sub(14)),
        ));
    }

    // The latest event, when it is here (it is fetched when the error is opened).
    if let Some(ev) = app.event.data.as_ref().filter(|_| app.event.is(&s.id)) {
        out.push(Line::default());
        out.push(Line::from(Span::styled("Latest event", theme::heading())));
        out.push(field("Event", sanitize(&ev.id)));
        if let Some(d) = ev.date {
            out.push(field("When", ago_long(app.now, Some(d))));
        }
        for (name, v) in [
            ("Release", &ev.release),
            ("Environment", &ev.environment),
            ("User", &ev.user),
        ] {
            if let Some(v) = v {
                out.push(field(name, truncate(&sanitize(v), w.saturating_sub(14))));
            }
        }
        if let Some(r) = &ev.request {
            let req = format!(
                "{} {}",
                r.method.as_deref().unwrap_or(""),
                r.url.as_deref().unwrap_or("")
            );
            out.push(field(
                "Request",
                truncate(&sanitize(req.trim()), w.saturating_sub(14)),
            ));
        }
        if !ev.exceptions.is_empty() {
            let chain: Vec<String> = ev
                .exceptions
                .iter()
                .rev()
                .map(|e| sanitize(&e.ty))
                .collect();
            out.push(field(
                "Exceptions",
                truncate(&chain.join(" ← "), w.saturating_sub(14)),
            ));
        }
        if !ev.tags.is_empty() {
            out.push(Line::default());
            out.push(Line::from(Span::styled("Tags", theme::heading())));
            for (k, v) in &ev.tags {
                out.push(Line::from(vec![
                    Span::styled(
                        format!("  {:<20} ", truncate(&sanitize(k), 20)),
                        theme::dim(),
                    ),
                    Span::raw(truncate(&sanitize(v), w.saturating_sub(23))),
                ]));
            }
        }
        if !ev.breadcrumbs.is_empty() {
            out.push(Line::default());
            out.push(Line::from(Span::styled(
                "Breadcrumbs (latest last)",
                theme::heading(),
            )));
            for b in ev.breadcrumbs.iter().rev().take(10).rev() {
                let at = b
                    .timestamp
                    .map(|t| t.format("%H:%M:%S").to_string())
                    .unwrap_or_default();
                let cat = sanitize(b.category.as_deref().unwrap_or(""));
                let msg = sanitize(b.message.as_deref().unwrap_or(""));
                out.push(Line::from(vec![
                    Span::styled(format!("  {at:<8} "), theme::dim()),
                    Span::styled(format!("{:<12} ", truncate(&cat, 12)), theme::info()),
                    Span::raw(truncate(&msg, w.saturating_sub(24))),
                ]));
            }
        }
        if !ev.other_entries.is_empty() {
            out.push(field("Also has", sanitize(&ev.other_entries.join(", "))));
        }
    } else if let Some(d) = detail
        && !d.tags.is_empty()
    {
        out.push(Line::default());
        out.push(Line::from(Span::styled("Tags", theme::heading())));
        let tags: Vec<String> = d
            .tags
            .iter()
            .map(|t| format!("{} ({})", sanitize(&t.key), t.total_values))
            .collect();
        for l in wrap(&tags.join(" · "), w.saturating_sub(2)) {
            out.push(Line::from(format!("  {l}")));
        }
    }
    if app.view != crate::app::state::View::List {
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            "Enter shows the stack trace",
            theme::dim(),
        )));
    }
    out
}
