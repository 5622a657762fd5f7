//! The opened error's events list and its tag breakdowns.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::format::{ago_short, grouped};
use super::{pane_block, placeholder, theme};
use crate::app::state::{App, Load, View, tag_rows};
use crate::text::{fit, sanitize, truncate};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    match app.view {
        View::Events => events(f, app, area),
        _ => tags(f, app, area),
    }
}

fn short_id(app: &App) -> String {
    // Opened from a link whose detail never came: the id the user gave.
    app.target()
        .map(|t| t.short_id.as_str())
        .or(app.detail.key.as_deref())
        .map(sanitize)
        .unwrap_or_default()
}

/// What a pane shows while it has nothing: loading, failed, or empty.
fn empty(app: &App, track: &crate::app::state::Tracker, what: &str) -> Vec<Line<'static>> {
    if let Some(lines) = super::unavailable_lines(app, track, what) {
        return lines;
    }
    match track.load {
        Load::Loading { .. } | Load::Idle => {
            vec![Line::from(Span::styled(
                format!("Loading {what}…"),
                theme::info(),
            ))]
        }
        _ => vec![Line::from(format!("No {what}."))],
    }
}

fn events(f: &mut Frame, app: &App, area: Rect) {
    let list = &app.event_list;
    let n = list.items.len();
    let of = match (list.total, list.next.is_some()) {
        (Some(t), _) if t > n as u64 => format!(" of {}", grouped(t)),
        (_, true) => "+".into(),
        _ => String::new(),
    };
    let pos = if n > 0 {
        format!(" {}/{n}{of}", list.selected + 1)
    } else {
        String::new()
    };
    let title = format!(" Events of {}{pos} · newest first ", short_id(app));
    let block = pane_block(title, true);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if n == 0 {
        placeholder(f, inner, empty(app, &list.track, "events"));
        return;
    }
    let shown = app
        .event
        .data
        .as_ref()
        .filter(|_| app.event.key == app.detail.key)
        .map(|e| e.id.as_str());
    let rows_visible = inner.height.saturating_sub(1) as usize;
    let offset = list.selected.saturating_sub(rows_visible.saturating_sub(1));
    let wide = inner.width >= 100;
    let (rel_w, env_w, user_w) = if wide { (16, 12, 22) } else { (10, 8, 14) };
    let fixed = 2 + 5 + rel_w + env_w + user_w + 6;
    let msg_w = inner.width.saturating_sub(fixed).max(8);
    let header =
        Row::new(vec!["", "Seen", "Release", "Env", "User", "Message"]).style(theme::dim());
    let end = (offset + rows_visible).min(n);
    let rows: Vec<Row> = list.items[offset..end]
        .iter()
        .map(|e| {
            let opt = |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "—".into());
            Row::new(vec![
                Cell::from(if Some(e.id.as_str()) == shown {
                    "●"
                } else {
                    " "
                }),
                Cell::from(ago_short(app.now, e.date)),
                Cell::from(truncate(&opt(&e.release), rel_w as usize)),
                Cell::from(truncate(&opt(&e.environment), env_w as usize)),
                Cell::from(truncate(&opt(&e.user), user_w as usize)),
                Cell::from(truncate(&opt(&e.message), msg_w as usize)),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(1),
        Constraint::Length(5),
        Constraint::Length(rel_w),
        Constraint::Length(env_w),
        Constraint::Length(user_w),
        Constraint::Length(msg_w),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme::selected());
    let mut state = TableState::default().with_selected(Some(list.selected - offset));
    f.render_stateful_widget(table, inner, &mut state);
}

fn tags(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.tags;
    let title = format!(
        " Tags of {} · Enter searches the list for the value ",
        short_id(app)
    );
    let block = pane_block(title, true);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if t.items.is_empty() {
        placeholder(f, inner, empty(app, &t.track, "tags"));
        return;
    }
    let selected = tag_rows(&t.items).get(t.selected).copied();
    let w = inner.width as usize;
    let bar_w = (w / 4).clamp(10, 30);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut sel_line = 0usize;
    for (ti, tag) in t.items.iter().enumerate() {
        if ti > 0 {
            lines.push(Line::default());
        }
        lines.push(Line::from(vec![
            Span::styled(sanitize(&tag.key), theme::heading()),
            Span::styled(format!("  {} events", grouped(tag.total)), theme::dim()),
        ]));
        for (vi, v) in tag.top.iter().enumerate() {
            let pct = tag.percent(v.count);
            let filled = ((pct as usize) * bar_w).div_ceil(100).min(bar_w);
            let value = if v.value.is_empty() {
                "(empty)".to_string()
            } else {
                sanitize(&v.value)
            };
            let lead = 2 + bar_w + 6 + 10;
            let is_sel = selected == Some((ti, vi));
            if is_sel {
                sel_line = lines.len();
            }
            let mut row = Line::from(vec![
                Span::raw("  "),
                Span::styled("█".repeat(filled), theme::info()),
                Span::styled("░".repeat(bar_w - filled), theme::dim()),
                Span::raw(format!(" {pct:>3}% ")),
                Span::styled(fit(&grouped(v.count), 9), theme::dim()),
                Span::raw(" "),
                Span::raw(truncate(&value, w.saturating_sub(lead))),
            ]);
            if is_sel {
                row = row.style(theme::selected().add_modifier(Modifier::BOLD));
            }
            lines.push(row);
        }
        let shown: u64 = tag.top.iter().map(|v| v.count).sum();
        if tag.total > shown && !tag.top.is_empty() {
            let rest = tag.total - shown;
            lines.push(Line::from(Span::styled(
                format!("  {} other values: {}%", grouped(rest), tag.percent(rest)),
                theme::dim(),
            )));
        }
    }
    let h = inner.height as usize;
    let offset = (sel_line + 2).saturating_sub(h);
    f.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), inner);
}
