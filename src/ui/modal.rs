//! Dialogs: confirmations that name what they change, and one-line text input.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{centered, editor_spans, theme};
use crate::app::menu::{self, Menu, Pick, PickKind};
use crate::app::state::{App, Confirm, Overlay};
use crate::text::{sanitize, wrap};

/// `waiting` is how many questions queue behind this one; the border says so.
pub fn draw(f: &mut Frame, overlay: &Overlay, waiting: usize) {
    let screen = f.area();
    let w = screen.width.min(76);
    let inner_w = (w.saturating_sub(4) as usize).max(1);
    let (title, lines) = match overlay {
        Overlay::Confirm(Confirm {
            title,
            lines,
            warning,
            typed,
            ..
        }) => {
            let mut out = vec![Line::default()];
            for l in lines {
                out.extend(wrap(&sanitize(l), inner_w).into_iter().map(Line::from));
            }
            if let Some(warn) = warning {
                out.push(Line::default());
                out.extend(
                    wrap(&format!("⚠ {}", sanitize(warn)), inner_w)
                        .into_iter()
                        .map(|l| Line::from(Span::styled(l, theme::error()))),
                );
            }
            out.push(Line::default());
            match typed {
                Some(ed) => {
                    let mut spans = vec![Span::raw("Type yes to confirm: ")];
                    spans.extend(editor_spans(ed));
                    out.push(Line::from(spans));
                    out.push(Line::from(Span::styled(
                        "Enter confirms · Esc cancels",
                        theme::dim(),
                    )));
                }
                None => out.push(Line::from(vec![
                    Span::styled("y", theme::key()),
                    Span::raw("/"),
                    Span::styled("n", theme::key()),
                    Span::raw("  y yes · n or Esc no"),
                ])),
            }
            (title.clone(), out)
        }
        Overlay::Prompt { title, editor, .. } => (
            title.clone(),
            vec![
                Line::default(),
                Line::from(editor_spans(editor)),
                Line::default(),
                Line::from(Span::styled(
                    "Enter confirms · Esc cancels · Ctrl-u clears",
                    theme::dim(),
                )),
            ],
        ),
        _ => return,
    };
    let area = centered(screen, w, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme::focus_border())
                .title(format!(" {} ", sanitize(&title)))
                .title_bottom(match waiting {
                    0 => String::new(),
                    1 => " 1 more question waits ".to_string(),
                    n => format!(" {n} more questions wait "),
                }),
        ),
        area,
    );
}

fn boxed(f: &mut Frame, title: &str, lines: Vec<Line<'static>>, w: u16) {
    let area = centered(f.area(), w, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme::focus_border())
                .title(format!(" {} ", sanitize(title))),
        ),
        area,
    );
}

/// A triage menu: each item with its key; what the server cannot do is dim, with why.
pub fn draw_menu(f: &mut Frame, app: &App, m: &Menu) {
    let w = f.area().width.min(64);
    let inner = (w.saturating_sub(4) as usize).max(1);
    let items = menu::items(app, m.kind);
    let mut lines = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let mut label = Span::raw(crate::text::truncate(&it.label, inner.saturating_sub(4)));
        let mut key = Span::styled(format!(" {} ", it.key), theme::key());
        if let Some(r) = &it.refused {
            label = label.style(theme::dim());
            key = key.style(theme::dim());
            if !reasons.contains(r) {
                reasons.push(r.clone());
            }
        }
        if i == m.selected {
            label = label.patch_style(
                ratatui::style::Style::default().add_modifier(ratatui::style::Modifier::REVERSED),
            );
        }
        lines.push(Line::from(vec![key, Span::raw(" "), label]));
    }
    for r in reasons {
        lines.push(Line::default());
        lines.extend(
            wrap(&sanitize(&r), inner)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme::dim()))),
        );
    }
    lines.push(Line::default());
    if m.kind.takes_reason() {
        lines.push(Line::from(Span::styled(
            if m.reason {
                "w: a reason will be asked and posted as a comment (w again: none)"
            } else {
                "w adds a reason, posted as a comment"
            },
            theme::dim(),
        )));
    }
    lines.push(Line::from(Span::styled(
        format!(
            "{} again takes the first · j/k Enter · Esc closes",
            m.kind.key()
        ),
        theme::dim(),
    )));
    boxed(f, &menu::title(m), lines, w);
}

/// A picker: the filter line, then the matching options.
pub fn draw_pick(f: &mut Frame, app: &App, p: &Pick) {
    let screen = f.area();
    let w = screen.width.min(70);
    let inner = (w.saturating_sub(4) as usize).max(1);
    let rows = (screen.height.saturating_sub(8) as usize).clamp(3, 14);
    let options = menu::pick_options(app, p);
    let (what, loading, failed) = match p.kind {
        PickKind::Release => (
            "release",
            app.releases.data.is_none() && app.releases.load().is_loading(),
            app.releases.load().failure().map(|f| f.message.clone()),
        ),
        PickKind::Person => (
            "member or team",
            app.people.data.is_none() && app.people.load().is_loading(),
            app.people.load().failure().map(|f| f.message.clone()),
        ),
        PickKind::Profile | PickKind::Palette => ("thing", false, None),
        PickKind::Project => (
            "project",
            app.projects.data.is_none() && app.projects.load().is_loading(),
            app.projects.load().failure().map(|f| f.message.clone()),
        ),
        PickKind::Environment => (
            "environment",
            app.environments.data.is_none() && app.environments.load().is_loading(),
            app.environments.load().failure().map(|f| f.message.clone()),
        ),
    };
    let mut spans = vec![Span::styled("filter: ", theme::dim())];
    spans.extend(editor_spans(&p.filter));
    let mut lines = vec![Line::from(spans), Line::default()];
    let selected = p.selected.min(options.len().saturating_sub(1));
    let start = selected.saturating_sub(rows - 1);
    for (i, o) in options.iter().enumerate().skip(start).take(rows) {
        let label_w = inner.saturating_sub(2).min(30);
        let mut label = Span::raw(format!(
            "{:<label_w$}",
            crate::text::truncate(&o.label, label_w)
        ));
        if i == selected {
            label = label.patch_style(
                ratatui::style::Style::default().add_modifier(ratatui::style::Modifier::REVERSED),
            );
        }
        lines.push(Line::from(vec![
            Span::raw("  "),
            label,
            Span::raw(" "),
            Span::styled(
                crate::text::truncate(&o.detail, inner.saturating_sub(label_w + 3)),
                theme::dim(),
            ),
        ]));
    }
    if options.is_empty() {
        let text = match (loading, failed) {
            (true, _) => format!("Loading each {what}…"),
            (_, Some(e)) => format!("Could not load them: {}", sanitize(&e)),
            _ => "Nothing matches.".into(),
        };
        lines.extend(
            wrap(&text, inner)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, theme::info()))),
        );
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!(
            "{} of them · type to filter · ↑/↓ · Enter picks · Esc",
            options.len()
        ),
        theme::dim(),
    )));
    let title = match p.kind {
        PickKind::Release => format!("Resolve {} in release", p.what),
        PickKind::Person => format!("Assign {} to", p.what),
        PickKind::Profile => "Switch to profile".to_string(),
        PickKind::Palette => "Command palette".to_string(),
        PickKind::Environment | PickKind::Project => "Show the errors of".to_string(),
    };
    boxed(f, &title, lines, w);
}
