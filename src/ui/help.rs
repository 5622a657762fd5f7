//! The `?` overlay, drawn from the key registry so it never disagrees with dispatch: the keys of
//! the pane in use first, with every alias, then the keys that work everywhere, then the rest.
//! Also the message log (`M`).

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::{centered, theme};
use crate::app::keymap::{Binding, Ctx, applies};
use crate::app::state::{App, NoticeKind};
use crate::text::{sanitize, truncate};

fn where_(b: &Binding) -> &'static str {
    match b.ctx {
        [Ctx::Stack] => "trace",
        [Ctx::Keys] => "keys",
        [Ctx::Settings] => "settings",
        [Ctx::List] => "list",
        [Ctx::Events, ..] | [Ctx::Tags] => "events/tags",
        c if c.contains(&Ctx::Error) => "error",
        _ => "",
    }
}

/// The help's lines: this pane's keys, then everywhere's, then elsewhere's.
pub fn help_lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let here = app.contexts();
    let key_w = 12;
    let entry = |b: &Binding, tag: &str| {
        let tag = if tag.is_empty() {
            String::new()
        } else {
            format!(" ({tag})")
        };
        let room = w.saturating_sub(key_w + 2);
        Line::from(vec![
            Span::styled(format!(" {:<key_w$} ", b.label), theme::key()),
            Span::raw(truncate(&format!("{}{tag}", b.desc), room)),
        ])
    };
    let mut out = Vec::new();
    type Pick<'a> = Box<dyn Fn(&Binding) -> bool + 'a>;
    let groups: [(&str, Pick); 3] = [
        (
            "This pane",
            Box::new(|b: &Binding| !b.ctx.contains(&Ctx::Everywhere) && applies(b, &here)),
        ),
        (
            "Everywhere",
            Box::new(|b: &Binding| b.ctx.contains(&Ctx::Everywhere)),
        ),
        ("Elsewhere", Box::new(|b: &Binding| !applies(b, &here))),
    ];
    for (name, pick) in groups.iter() {
        let items: Vec<&Binding> = app
            .keymap
            .bindings
            .iter()
            .filter(|b| pick(b) && app.offers(b.action))
            .collect();
        if items.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::default());
        }
        out.push(Line::from(Span::styled(
            format!(" {name}"),
            theme::heading(),
        )));
        for b in items {
            let tag = if *name == "Elsewhere" { where_(b) } else { "" };
            out.push(entry(b, tag));
        }
    }
    // Commands that change things are hidden in read-only mode.
    let shown: Vec<_> = app
        .commands
        .iter()
        .filter(|c| !(c.mutating && app.caps.read_only.is_some()))
        .collect();
    if !shown.is_empty() {
        out.push(Line::default());
        out.push(Line::from(Span::styled(" Your commands", theme::heading())));
        for c in shown {
            let room = w.saturating_sub(key_w + 2);
            let tag = match c.ctx {
                Ctx::List => " (list)",
                Ctx::Error => " (error)",
                _ => "",
            };
            out.push(Line::from(vec![
                Span::styled(format!(" {:<key_w$} ", c.key), theme::key()),
                Span::raw(truncate(
                    &format!("{}{tag}", sanitize(&c.description)),
                    room,
                )),
            ]));
        }
    }
    out
}

/// A scrolling overlay nearly the size of the screen.
fn scroller(f: &mut Frame, title: String, lines: Vec<Line<'static>>, scroll: u16, wrap: bool) {
    let screen = f.area();
    let w = screen.width.min(76);
    let h = (lines.len() as u16 + 2)
        .min(screen.height.saturating_sub(2))
        .max(3);
    let area = centered(screen, w, h);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::focus_border())
        .title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let max = (lines.len() as u16).saturating_sub(inner.height);
    let mut p = Paragraph::new(lines);
    if wrap {
        p = p.wrap(Wrap { trim: false });
    }
    f.render_widget(p.scroll((scroll.min(max), 0)), inner);
}

pub fn draw(f: &mut Frame, app: &App) {
    let w = f.area().width.min(76).saturating_sub(2) as usize;
    let lines = help_lines(app, w);
    scroller(
        f,
        format!(
            " Keys · {} · j/k scroll · any other key closes ",
            app.caps.name
        ),
        lines,
        app.overlay_scroll,
        false,
    );
}

pub fn draw_messages(f: &mut Frame, app: &App) {
    let lines: Vec<Line<'static>> = if app.log.is_empty() {
        vec![Line::from(Span::styled("No messages yet.", theme::dim()))]
    } else {
        app.log
            .iter()
            .map(|n| {
                let at = super::format::absolute(n.at, app.utc);
                let time = at.split(' ').nth(1).unwrap_or("").to_string();
                Line::from(vec![
                    Span::styled(format!("{time} "), theme::dim()),
                    Span::styled(
                        sanitize(&n.text),
                        match n.kind {
                            NoticeKind::Error => theme::error(),
                            NoticeKind::Info => ratatui::style::Style::new(),
                        },
                    ),
                ])
            })
            .collect()
    };
    scroller(
        f,
        format!(
            " Messages ({}) · j/k scroll · any other key closes ",
            app.log.len()
        ),
        lines,
        app.overlay_scroll,
        true,
    );
}
