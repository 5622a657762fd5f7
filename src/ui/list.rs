//! The error list: only the visible rows are built, so 100,000 loaded errors draw as fast as 40.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::format::{ago_short, compact};
use super::{pane_block, placeholder, theme};
use crate::app::state::{App, Load};
use crate::model::Level;
use crate::text::{sanitize, truncate};
use crate::ui::UiState;

pub fn draw(f: &mut Frame, app: &App, area: Rect, focused: bool, ui: &mut UiState) {
    let total = app.list.items.len();
    let more = if app.list.next.is_some() { "+" } else { "" };
    let stale = super::stale_text(app, &app.list.track);
    let searching = app.list.searching && app.list.load().is_loading();
    let mut title = if total > 0 {
        match app.list.total.filter(|&t| t > total as u64) {
            Some(all) => format!(
                " Errors {}/{} of {} ",
                app.list.selected + 1,
                total,
                super::format::grouped(all)
            ),
            None => format!(" Errors {}/{}{} ", app.list.selected + 1, total, more),
        }
    } else {
        " Errors ".to_string()
    };
    if let Some(at) = app.cached_at {
        let age = super::kept_age(app, at);
        let state = if app.list.track.stale().is_some() {
            "offline, cached"
        } else {
            "cached"
        };
        title.push_str(&format!("· {state} {age} "));
    }
    if !app.marks.is_empty() {
        title.push_str(&format!("· {} marked ", app.marks.len()));
    }
    if let Some(n) = app.count {
        title.push_str(&format!("· {n}… "));
    }
    if app.mark_anchor.is_some() {
        title.push_str("· range: V ends it ");
    }
    if searching && total > 0 {
        title.push_str("· searching… ");
    } else if stale.is_some() && total > 0 {
        title.push_str("· stale ");
    }
    let block = pane_block(title, focused);
    let mut inner = block.inner(area);
    f.render_widget(block, area);

    if total == 0 {
        let unavailable = super::unavailable_lines(app, &app.list.track, "errors");
        let lines = match (app.list.load(), unavailable) {
            (_, Some(lines)) => lines,
            (Load::Loading { .. } | Load::Idle, None) if !app.list.loaded_once => {
                vec![Line::from(Span::styled("Loading errors…", theme::info()))]
            }
            (Load::Loading { .. }, None) => {
                vec![Line::from(Span::styled("Searching…", theme::info()))]
            }
            _ => {
                let what = match app.query.status {
                    crate::model::StatusFilter::All => String::new(),
                    s => format!("{} ", s.as_str()),
                };
                let mut l = vec![Line::from(format!("No {what}errors"))];
                if !app.query.text.is_empty() {
                    l.push(Line::from(format!("match “{}”", sanitize(&app.query.text))));
                }
                l.push(Line::default());
                l.push(Line::from(Span::styled(
                    "f changes the status filter · / searches",
                    theme::dim(),
                )));
                l
            }
        };
        placeholder(f, inner, lines);
        return;
    }

    // Rows whose refresh failed say so for as long as they are on screen.
    if let Some(text) = stale
        && inner.height > 2
    {
        let lines = crate::text::wrap(&text, inner.width.max(1) as usize);
        let h = (lines.len() as u16).min(2).min(inner.height - 2);
        f.render_widget(
            ratatui::widgets::Paragraph::new(
                lines
                    .into_iter()
                    .take(h as usize)
                    .map(|l| Line::from(Span::styled(l, theme::error())))
                    .collect::<Vec<_>>(),
            ),
            Rect { height: h, ..inner },
        );
        inner.y += h;
        inner.height -= h;
    }
    let rows_visible = inner.height.saturating_sub(1) as usize; // one line of header
    // A refresh moved the selected error down (rows arrived above it) or up: a list scrolled
    // down moves its window as much, so the row stays on its line; at the top, what arrived
    // shows above it.
    let (shift, by) = app.list.shifted;
    if shift != ui.list_shift_seen {
        ui.list_shift_seen = shift;
        if ui.list_offset > 0 {
            ui.list_offset = ui.list_offset.saturating_add_signed(by);
        }
    }
    let offset = scroll_offset(ui.list_offset, app.list.selected, rows_visible, total);
    ui.list_offset = offset;
    ui.list_rows = (
        inner.y + 1,
        (rows_visible.min(total.saturating_sub(offset))) as u16,
    );

    // Fixed columns; the title takes what remains.
    let wide = inner.width >= 100;
    let id_w = 10u16;
    let nums_w = 6u16;
    let seen_w = 4u16;
    let status_w = if wide { 10 } else { 5 };
    // Who owns each error, where there is room and the server assigns.
    let owner_w: u16 = if wide && app.caps.triage.assign.is_none() {
        12
    } else {
        0
    };
    // Rows of several projects (all projects of an organization) say whose they are.
    let projects: std::collections::HashSet<&str> = app
        .list
        .items
        .iter()
        .filter_map(|e| e.project.as_deref())
        .collect();
    // Rows of a combined view say which profile they come from (and project, when several).
    let combined = app.list.items.iter().any(|e| e.origin.is_some());
    let proj_w: u16 = match (inner.width >= 70, combined, projects.len() > 1) {
        (true, true, true) => 16,
        (true, true, false) => 12,
        (true, false, true) => 10,
        _ => 0,
    };
    let whence = |e: &crate::model::ErrorSummary| -> String {
        let project = e.project.as_deref().unwrap_or("");
        match &e.origin {
            Some(o) if projects.len() > 1 && !project.is_empty() => format!("{o}/{project}"),
            Some(o) => o.clone(),
            None => project.to_string(),
        }
    };
    // A 24-hour sparkline where the server sends stats and the room allows.
    let trend_w: u16 = if wide && app.list.items.iter().any(|e| !e.stats_24h.is_empty()) {
        12
    } else {
        0
    };
    let fixed = 3
        + id_w
        + nums_w * 2
        + seen_w
        + status_w
        + 6
        + if trend_w > 0 { trend_w + 1 } else { 0 }
        + if owner_w > 0 { owner_w + 1 } else { 0 }
        + if proj_w > 0 { proj_w + 1 } else { 0 };
    let title_w = inner.width.saturating_sub(fixed).max(10);

    let header = Row::new(vec![
        Cell::from(""),
        Cell::from("ID"),
        Cell::from(match (proj_w > 0, combined) {
            (true, true) => "From",
            (true, false) => "Project",
            _ => "",
        }),
        Cell::from("Error"),
        Cell::from(Line::from("Events").right_aligned()),
        Cell::from(Line::from("Users").right_aligned()),
        Cell::from("Seen"),
        Cell::from(if wide { "Status" } else { "State" }),
        Cell::from(if owner_w > 0 { "Owner" } else { "" }),
        Cell::from(if trend_w > 0 { "24h" } else { "" }),
    ])
    .style(theme::dim());

    let end = (offset + rows_visible).min(total);
    let rows: Vec<Row> = app.list.items[offset..end]
        .iter()
        .map(|e| {
            let title = sanitize(&e.title);
            let culprit = sanitize(&e.culprit);
            let tw = title_w as usize;
            let mut spans = Vec::new();
            let mut tw = tw;
            if let Some(m) = app.marks_seen.get(&e.id) {
                let word = format!("{} ", m.word());
                tw = tw.saturating_sub(word.len());
                spans.push(Span::styled(word, theme::heading()));
            }
            if e.triage.is_bookmarked {
                spans.push(Span::styled("★ ", theme::key()));
                tw = tw.saturating_sub(2);
            }
            spans.push(Span::styled(truncate(&title, tw), theme::title()));
            let used = crate::text::width(&title).min(tw);
            if !culprit.is_empty() && used + 3 < tw {
                spans.push(Span::styled(
                    format!("  {}", truncate(&culprit, tw - used - 2)),
                    theme::dim(),
                ));
            }
            let pending = app.pending.contains_key(&e.id);
            let status_text = match (&e.status, wide) {
                (s, true) => s.as_str().to_string(),
                (crate::model::Status::Unresolved, false) => "open".into(),
                (crate::model::Status::Resolved, false) => "res".into(),
                (crate::model::Status::Ignored, false) => "ign".into(),
                (s, false) => truncate(s.as_str(), 5),
            };
            let status_text = if pending {
                format!("{status_text}…")
            } else {
                status_text
            };
            let marked = app.marks.contains(&e.id);
            let owner = e
                .triage
                .assignee
                .as_ref()
                .map(|a| truncate(&sanitize(&a.label()), owner_w as usize))
                .unwrap_or_default();
            let mut row = Row::new(vec![
                Cell::from(Line::from(vec![
                    Span::styled(if marked { "✓" } else { " " }, theme::key()),
                    Span::styled(level_mark(&e.level), theme::level(&e.level)),
                ])),
                Cell::from(Span::styled(sanitize(&e.short_id), theme::dim())),
                Cell::from(Span::styled(
                    truncate(&sanitize(&whence(e)), proj_w as usize),
                    theme::dim(),
                )),
                Cell::from(Line::from(spans)),
                Cell::from(Line::from(compact(e.count)).right_aligned()),
                Cell::from(
                    Line::from(if app.caps.user_counts {
                        compact(e.user_count)
                    } else {
                        "—".into()
                    })
                    .right_aligned(),
                ),
                Cell::from(ago_short(app.now, e.last_seen)),
                Cell::from(Span::styled(status_text, theme::status(&e.status))),
                Cell::from(Span::styled(owner, theme::dim())),
                Cell::from(Span::styled(
                    if trend_w > 0 {
                        super::format::sparkline(&super::format::buckets(
                            &e.stats_24h,
                            trend_w as usize,
                        ))
                    } else {
                        String::new()
                    },
                    theme::info(),
                )),
            ]);
            // Rows of the old query while a new one loads, and rows the filter now hides.
            if searching || crate::app::update::hidden_by_filter(app, &e.status) {
                row = row.style(theme::dim());
            }
            if marked {
                row = row.style(theme::marked());
            }
            row
        })
        .collect();

    let widths = [
        Constraint::Length(2),
        Constraint::Length(id_w),
        Constraint::Length(proj_w),
        Constraint::Length(title_w),
        Constraint::Length(nums_w),
        Constraint::Length(nums_w - 1),
        Constraint::Length(seen_w),
        Constraint::Length(status_w),
        Constraint::Length(owner_w),
        Constraint::Length(trend_w),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(if focused {
            theme::selected()
        } else {
            theme::dim()
        });
    let mut state =
        TableState::default().with_selected(Some(app.list.selected.saturating_sub(offset)));
    f.render_stateful_widget(table, inner, &mut state);
}

fn level_mark(l: &Level) -> &'static str {
    match l {
        Level::Fatal => "█",
        Level::Error => "●",
        Level::Warning => "▲",
        Level::Info => "i",
        _ => "·",
    }
}

/// Keeps the selection visible while moving the window as little as possible.
pub fn scroll_offset(prev: usize, selected: usize, rows: usize, total: usize) -> usize {
    if rows == 0 {
        return selected;
    }
    let mut off = prev.min(total.saturating_sub(1));
    if selected < off {
        off = selected;
    } else if selected >= off + rows {
        off = selected + 1 - rows;
    }
    off
}
