//! The client keys (DSNs) pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::{pane_block, placeholder, theme};
use crate::app::state::{App, Load, RotationStage};
use crate::model::ClientKey;
use crate::text::{sanitize, truncate, wrap};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let count = app.keys.items.len();
    let block = pane_block(
        format!(
            " Client keys (DSNs) · {} · {count} key{} ",
            app.caps.name,
            if count == 1 { "" } else { "s" }
        ),
        true,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    if count == 0 {
        let lines = match &app.keys.track.load {
            Load::Failed(crate::app::state::Failure { message: error, .. }) => vec![
                Line::from(Span::styled(
                    "Could not load the client keys",
                    theme::error(),
                )),
                Line::from(sanitize(error)),
                Line::default(),
                Line::from(Span::styled("Ctrl-r tries again", theme::dim())),
            ],
            Load::Ready => vec![
                Line::from("This project has no client keys."),
                Line::from(Span::styled("n creates one", theme::dim())),
            ],
            _ => vec![Line::from(Span::styled(
                "Loading client keys…",
                theme::info(),
            ))],
        };
        return placeholder(f, inner, lines);
    }
    let rotation = rotation_line(app);
    let detail_h = if app.keys.expanded { 9 } else { 0 };
    let [table_area, rot_area, detail_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(rotation.is_some() as u16),
        Constraint::Length(detail_h),
    ])
    .areas(inner);

    let wide = inner.width >= 100;
    let name_w = 22u16;
    let fixed = name_w + 7 + if wide { 11 + 12 } else { 0 } + 4;
    let dsn_w = inner.width.saturating_sub(fixed).max(10);
    let mut header = vec![Cell::from("Name"), Cell::from("Active")];
    if wide {
        header.push(Cell::from("Created"));
        header.push(Cell::from("Rate limit"));
    }
    header.push(Cell::from("DSN"));
    let rows: Vec<Row> = app
        .keys
        .items
        .iter()
        .map(|k| {
            let mut cells = vec![
                Cell::from(truncate(&name(k), name_w as usize)),
                Cell::from(Span::styled(
                    if k.active.is_none() {
                        "?"
                    } else {
                        k.active_word()
                    },
                    match k.active {
                        Some(true) => theme::status(&crate::model::Status::Resolved),
                        Some(false) => theme::dim(),
                        None => theme::level(&crate::model::Level::Warning),
                    },
                )),
            ];
            if wide {
                cells.push(Cell::from(created(k)));
                cells.push(Cell::from(super::format::rate_limit_text(k.rate_limit)));
            }
            cells.push(Cell::from(Span::styled(
                truncate(
                    &k.dsn.as_deref().map(sanitize).unwrap_or_else(|| "—".into()),
                    dsn_w as usize,
                ),
                theme::info(),
            )));
            let row = Row::new(cells);
            if k.may_be_active() {
                row
            } else {
                row.style(theme::dim())
            }
        })
        .collect();
    let mut widths = vec![Constraint::Length(name_w), Constraint::Length(6)];
    if wide {
        widths.push(Constraint::Length(10));
        widths.push(Constraint::Length(11));
    }
    widths.push(Constraint::Length(dsn_w));
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme::dim()))
        .column_spacing(1)
        .row_highlight_style(theme::selected());
    let mut state = TableState::default().with_selected(Some(app.keys.selected));
    f.render_stateful_widget(table, table_area, &mut state);

    if let Some(line) = rotation {
        f.render_widget(Paragraph::new(line), rot_area);
    }
    if app.keys.expanded
        && let Some(k) = app.keys.selected()
    {
        f.render_widget(
            Paragraph::new(full(k, detail_area.width as usize)),
            detail_area,
        );
    }
}

fn name(k: &ClientKey) -> String {
    match &k.name {
        Some(n) => sanitize(n),
        None => format!("key {}", sanitize(&k.id)),
    }
}

fn created(k: &ClientKey) -> String {
    k.created
        .map(|c| c.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "—".into())
}

/// One key in full: what Enter shows.
fn full(k: &ClientKey, w: usize) -> Vec<Line<'static>> {
    let field = |name: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{name:<12}"), theme::dim()),
            Span::raw(v),
        ])
    };
    let mut out = vec![
        Line::from(Span::styled("─".repeat(w), theme::dim())),
        field("Name", name(k)),
        field("Id", sanitize(&k.id)),
        field(
            "Active",
            match k.active {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "unknown: the server does not report it".into(),
            },
        ),
        field("Created", created(k)),
        field("Rate limit", super::format::rate_limit_text(k.rate_limit)),
        field("Public key", sanitize(&k.public_key)),
    ];
    let dsn = k.dsn.as_deref().map(sanitize).unwrap_or_else(|| "—".into());
    for (i, part) in wrap(&dsn, w.saturating_sub(12)).into_iter().enumerate() {
        out.push(field(if i == 0 { "DSN" } else { "" }, part));
    }
    out
}

fn rotation_line(app: &App) -> Option<Line<'static>> {
    let r = app.rotation.as_ref()?;
    let old = sanitize(r.old.name.as_deref().unwrap_or(&r.old.id));
    let step = match &r.stage {
        RotationStage::Naming => "1/4 naming the new key".to_string(),
        RotationStage::ConfirmCreate => "1/4 waiting for your go to create the new key".to_string(),
        RotationStage::Creating { .. } => "1/4 creating the new key…".to_string(),
        RotationStage::Testing { .. } => {
            "2/4 new key created, DSN copied; sending a test event…".to_string()
        }
        RotationStage::Confirming { .. } => {
            "3/4 the test event arrived; waiting for your go to delete the old key".to_string()
        }
        RotationStage::Deleting { .. } => "4/4 deleting the old key…".to_string(),
    };
    Some(Line::from(vec![
        Span::styled(format!("Rotating “{old}”: "), theme::heading()),
        Span::raw(step),
    ]))
}
