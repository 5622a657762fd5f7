//! The `?` overlay, drawn from the key registry so it never disagrees with dispatch.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::{centered, theme};
use crate::app::keymap::{BINDINGS, Ctx};
use crate::app::state::App;

pub fn draw(f: &mut Frame, app: &App) {
    let entries: Vec<Line<'static>> = BINDINGS
        .iter()
        .map(|b| {
            let r#where = if b.ctx.contains(&Ctx::Everywhere) {
                ""
            } else if b.ctx == [Ctx::Stack] {
                " (trace)"
            } else if b.ctx == [Ctx::Keys] {
                " (keys)"
            } else if b.ctx == [Ctx::Settings] {
                " (settings)"
            } else if b.ctx == [Ctx::List] {
                " (list)"
            } else {
                ""
            };
            Line::from(vec![
                Span::styled(format!(" {:<7}", b.label), theme::key()),
                Span::raw(b.desc),
                Span::styled(r#where, theme::dim()),
            ])
        })
        .collect();
    let screen = f.area();
    // One column when it fits, else two side by side.
    let one_col = entries.len() as u16 + 2 <= screen.height;
    let col_w = 50u16;
    let (w, rows) = if one_col {
        (col_w, entries.len() as u16)
    } else {
        (screen.width, entries.len().div_ceil(2) as u16)
    };
    let area = centered(screen, w, rows + 2);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::focus_border())
        .title(format!(" Keys · {} · any key closes ", app.caps.name));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if one_col {
        f.render_widget(Paragraph::new(entries), inner);
    } else {
        let half = entries.len().div_ceil(2);
        let mut right = entries;
        let left: Vec<Line<'static>> = right.drain(..half).collect();
        let [l, r] = ratatui::layout::Layout::horizontal([
            ratatui::layout::Constraint::Percentage(50),
            ratatui::layout::Constraint::Percentage(50),
        ])
        .areas(inner);
        f.render_widget(Paragraph::new(left), l);
        f.render_widget(Paragraph::new(right), r);
    }
}
