//! The `?` overlay, drawn from the key registry so it never disagrees with dispatch.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{centered, theme};
use crate::app::keymap::{BINDINGS, Ctx};
use crate::app::state::App;

pub fn draw(f: &mut Frame, app: &App) {
    let mut lines = vec![Line::default()];
    for b in BINDINGS {
        let r#where = if b.ctx.contains(&Ctx::Everywhere) {
            ""
        } else if b.ctx == [Ctx::Stack] {
            " (stack trace)"
        } else if b.ctx == [Ctx::List] {
            " (list)"
        } else {
            ""
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<8}", b.label), theme::key()),
            Span::raw(b.desc),
            Span::styled(r#where, theme::dim()),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!("  {} · any key closes this help", app.caps.name),
        theme::dim(),
    )));
    let area = centered(f.area(), 64, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme::focus_border())
                .title(" Keys "),
        ),
        area,
    );
}
