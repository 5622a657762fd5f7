//! Dialogs: confirmations that name what they change, and one-line text input.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{centered, editor_spans, theme};
use crate::app::state::{Confirm, Overlay};
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
