//! Dialogs: confirmations that name what they change, and one-line text input.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{centered, theme};
use crate::app::state::Modal;
use crate::text::{sanitize, wrap};

pub fn draw(f: &mut Frame, modal: &Modal) {
    let screen = f.area();
    let w = screen.width.min(76);
    let inner_w = w.saturating_sub(4) as usize;
    let (title, lines) = match modal {
        Modal::Confirm {
            title,
            lines,
            warning,
            ..
        } => {
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
            out.push(Line::from(vec![
                Span::styled("y", theme::key()),
                Span::raw(" yes · "),
                Span::styled("any other key", theme::key()),
                Span::raw(" no"),
            ]));
            (title.clone(), out)
        }
        Modal::Input { title, buf, .. } => (
            title.clone(),
            vec![
                Line::default(),
                Line::from(vec![
                    Span::raw(sanitize(buf)),
                    Span::styled("█", theme::dim()),
                ]),
                Line::default(),
                Line::from(Span::styled(
                    "Enter confirms · Esc cancels · Ctrl-u clears",
                    theme::dim(),
                )),
            ],
        ),
    };
    let area = centered(screen, w, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme::focus_border())
                .title(format!(" {} ", sanitize(&title))),
        ),
        ratatui::layout::Rect { ..area },
    );
}
