//! Drawing. Every function here reads `&App` and draws into a `Frame`; nothing here does IO.

pub mod client_keys;
pub mod detail;
pub mod format;
pub mod help;
pub mod investigate;
pub mod list;
pub mod modal;
pub mod settings;
pub mod stacktrace;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::msg::Pane;
use crate::app::state::{App, NoticeKind, Overlay, View};
use crate::text::{sanitize, truncate, width};

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// What only the drawing knows, kept by the runtime between frames: the list's first visible
/// row and how far the detail and stack panes can scroll.
#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    pub list_offset: usize,
    /// The list shift already applied to `list_offset` (`ListPane::shifted`).
    pub list_shift_seen: u64,
    /// Where the panes were drawn, for the mouse.
    pub panes: Vec<(crate::app::msg::Pane, Rect)>,
    /// The screen line of the list's first row, and how many rows show.
    pub list_rows: (u16, u16),
    pub detail_max: u16,
    pub stack_max: u16,
    /// Where the detail pane's sections start, in lines.
    pub sections: Vec<(crate::app::msg::Section, u16)>,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            list_offset: 0,
            list_shift_seen: 0,
            panes: Vec::new(),
            list_rows: (0, 0),
            detail_max: u16::MAX,
            stack_max: u16::MAX,
            sections: Vec::new(),
        }
    }
}

/// What the mouse is over: a pane, and in the list the row (counted from the first loaded one).
pub fn hit(ui: &UiState, x: u16, y: u16) -> Option<(Pane, Option<usize>)> {
    let (pane, _) = ui
        .panes
        .iter()
        .find(|(_, r)| x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height)?;
    let row = (*pane == Pane::List)
        .then(|| {
            let (top, n) = ui.list_rows;
            (y >= top && y < top + n).then(|| ui.list_offset + (y - top) as usize)
        })
        .flatten();
    Some((*pane, row))
}

pub fn draw(f: &mut Frame, app: &App, ui: &mut UiState) {
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    draw_header(f, app, header);
    ui.panes.clear();
    if app.view == View::Keys {
        client_keys::draw(f, app, body);
    } else if app.view == View::Settings {
        settings::draw(f, app, body);
    } else if matches!(app.view, View::Events | View::Tags) {
        investigate::draw(f, app, body);
    } else if app.split() {
        // Titles need the room more than the preview does, until the screen is very wide.
        let list_pct = if body.width >= 160 { 55 } else { 62 };
        let [left, right] = Layout::horizontal([
            Constraint::Percentage(list_pct),
            Constraint::Percentage(100 - list_pct),
        ])
        .areas(body);
        list::draw(f, app, left, app.view == View::List, ui);
        ui.panes.push((Pane::List, left));
        match app.view {
            View::Stack => {
                stacktrace::draw(f, app, right, true, ui);
                ui.panes.push((Pane::Stack, right));
            }
            _ => {
                detail::draw(f, app, right, app.view == View::Detail, ui);
                ui.panes.push((Pane::Detail, right));
            }
        }
    } else {
        // One pane: narrow terminals, a zoomed pane, or the list without its preview.
        let pane = match app.view {
            View::List => {
                list::draw(f, app, body, true, ui);
                Pane::List
            }
            View::Detail => {
                detail::draw(f, app, body, true, ui);
                Pane::Detail
            }
            _ => {
                stacktrace::draw(f, app, body, true, ui);
                Pane::Stack
            }
        };
        ui.panes.push((pane, body));
    }
    draw_status(f, app, status);
    draw_footer(f, app, footer);
    for o in &app.overlays {
        match o {
            Overlay::Help => help::draw(f, app),
            Overlay::Messages => help::draw_messages(f, app),
            Overlay::Link(url) => draw_url_popup(f, url),
            Overlay::Confirm(_) | Overlay::Prompt { .. } => modal::draw(f, o, app.questions.len()),
            Overlay::Menu(m) => modal::draw_menu(f, app, m),
            Overlay::Pick(p) => modal::draw_pick(f, app, p),
            Overlay::Search(_) => {}
        }
    }
}

fn draw_header(f: &mut Frame, app: &App, area: Rect) {
    // Most important first: narrow terminals cut from the right.
    let mut spans = vec![Span::styled(" errtui ", theme::key())];
    if let Some(p) = &app.profile {
        spans.push(Span::styled(format!("[{}] ", sanitize(p)), theme::bold()));
    }
    if let (Some(_), Some(name)) = (&app.query.project, &app.project_name) {
        spans.push(Span::styled(
            format!("project: {} ", sanitize(name)),
            theme::bold(),
        ));
    }
    if let Some(v) = app.current_view() {
        let n = app.views.iter().position(|x| x.name == v.name).unwrap_or(0) + 1;
        spans.push(Span::styled(
            format!("{n}:{} ", sanitize(&v.name)),
            theme::key(),
        ));
    }
    if app.caps.read_only.is_some() {
        spans.push(Span::styled("READ-ONLY ", theme::error()));
    }
    if app.loading() {
        spans.push(Span::styled(
            format!("{} loading ", SPINNER[app.spinner % SPINNER.len()]),
            theme::info(),
        ));
    }
    spans.push(Span::styled(
        format!("[{}]", app.query.status.as_str()),
        theme::bold(),
    ));
    spans.push(Span::raw(format!(" sort: {}", app.query.sort.label())));
    if !app.query.text.is_empty() {
        spans.push(Span::raw("  search: "));
        spans.push(Span::styled(sanitize(&app.query.text), theme::info()));
    }
    if let Some(w) = crate::app::watching::header_text(app) {
        spans.push(Span::styled(format!("  {w}"), theme::dim()));
    }
    spans.push(Span::raw("  "));
    spans.push(Span::styled(sanitize(&app.source), theme::dim()));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A line editor's text with its cursor.
pub fn editor_spans(ed: &crate::app::state::LineEditor) -> Vec<Span<'static>> {
    let (before, after) = ed.buf.split_at(ed.cursor.min(ed.buf.len()));
    let mut rest = after.chars();
    let at = rest.next().map(|c| c.to_string()).unwrap_or(" ".into());
    vec![
        Span::raw(sanitize(before)),
        Span::styled(sanitize(&at), theme::cursor()),
        Span::raw(sanitize(rest.as_str())),
    ]
}

fn draw_status(f: &mut Frame, app: &App, area: Rect) {
    let search = app.overlays.iter().rev().find_map(|o| match o {
        Overlay::Search(ed) => Some(ed),
        _ => None,
    });
    let line = if let Some(ed) = search {
        let mut spans = vec![Span::styled("/", theme::key())];
        spans.extend(editor_spans(ed));
        spans.push(Span::styled(
            "  Enter search · Esc cancel · Ctrl-u clear",
            theme::dim(),
        ));
        Line::from(spans)
    } else if let Some(secs) = app.rate_limit_left() {
        Line::from(Span::styled(
            truncate(
                &format!("Rate limited by the server: errtui sends nothing for {secs} s."),
                area.width as usize,
            ),
            theme::error(),
        ))
    } else if let Some(n) = &app.notice {
        let style = match n.kind {
            NoticeKind::Error => theme::error(),
            NoticeKind::Info => theme::info(),
        };
        let text = sanitize(&n.text);
        let room = area.width as usize;
        if width(&text) <= room {
            Line::from(Span::styled(text, style))
        } else {
            // Cut, and say where the rest is.
            const MORE: &str = " · M shows more";
            Line::from(vec![
                Span::styled(truncate(&text, room.saturating_sub(width(MORE))), style),
                Span::styled(MORE, theme::dim()),
            ])
        }
    } else {
        Line::default()
    };
    f.render_widget(Paragraph::new(line), area);
}

/// The first key of a binding's label ("Enter" of "Enter/l").
fn first_key(label: &str) -> &str {
    match label.split_once('/') {
        Some((first, _)) if !first.is_empty() => first,
        _ => label,
    }
}

fn draw_footer(f: &mut Frame, app: &App, area: Rect) {
    use crate::app::keymap::Action;
    let all = app.keymap.hints(&app.contexts());
    let hints: Vec<(Action, &str, &str)> = all
        .iter()
        .filter(|(action, ..)| app.offers(*action))
        .map(|(a, k, w)| (*a, first_key(k), *w))
        .collect();
    let cost = |k: &str, w: &str| width(k) + width(w) + 3;
    // `? help` and `q quit` always show; the pane's own keys fill the room before them.
    let kept: Vec<&(Action, &str, &str)> = hints
        .iter()
        .filter(|(a, ..)| matches!(a, Action::Help | Action::Quit))
        .collect();
    let mut room =
        (area.width as usize).saturating_sub(kept.iter().map(|(_, k, w)| cost(k, w)).sum());
    let mut spans = Vec::new();
    let push = |spans: &mut Vec<Span<'static>>, k: &str, w: &str| {
        spans.push(Span::styled(k.to_string(), theme::key()));
        spans.push(Span::styled(format!(" {w}  "), theme::dim()));
    };
    for (a, k, w) in &hints {
        if matches!(a, Action::Help | Action::Quit) {
            continue;
        }
        let c = cost(k, w);
        if c > room {
            break;
        }
        room -= c;
        push(&mut spans, k, w);
    }
    for (_, k, w) in kept {
        push(&mut spans, k, w);
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn url_popup_width(screen: Rect, url: &str) -> u16 {
    // Never `clamp(30, width)`: that panics on terminals narrower than 30 columns.
    (width(url).min(u16::MAX as usize - 4) as u16 + 4)
        .max(30)
        .min(screen.width)
}

/// Where the URL popup draws its link, so the runtime can lay an OSC 8 hyperlink over it.
pub fn url_popup_link_area(screen: Rect, url: &str) -> Rect {
    let popup = centered(screen, url_popup_width(screen, url), 6);
    Rect {
        x: popup.x + 2,
        y: popup.y + 2,
        width: popup.width.saturating_sub(4),
        height: 1,
    }
}

fn draw_url_popup(f: &mut Frame, url: &str) {
    let area = centered(f.area(), url_popup_width(f.area(), url), 6);
    f.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme::focus_border())
        .title(" Open this link in your browser ");
    let inner = block.inner(area);
    f.render_widget(block, area);
    let text = vec![
        Line::default(),
        Line::from(Span::styled(
            truncate(
                &sanitize(url),
                url_popup_link_area(f.area(), url).width as usize,
            ),
            theme::info(),
        )),
        Line::default(),
        Line::from(Span::styled(
            "y copy (OSC 52) · any other key closes",
            theme::dim(),
        )),
    ];
    f.render_widget(
        Paragraph::new(text).block(Block::default().borders(Borders::NONE)),
        Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(1),
            ..inner
        },
    );
}

pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn pane_block(title: String, focused: bool) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(if focused {
            theme::focus_border()
        } else {
            theme::dim()
        })
        .title(Span::styled(
            title,
            if focused { theme::bold() } else { Style::new() },
        ))
}

/// What a pane says while its data is not there: GitLab warming its cache, or a failure
/// (with the backend's diagnosis when data stays unavailable). `None` for a plain load.
pub fn unavailable_lines(
    app: &App,
    track: &crate::app::state::Tracker,
    what: &str,
) -> Option<Vec<Line<'static>>> {
    use crate::app::state::{FailureKind, Load};
    if let (Some(w), true) = (&track.warming, track.load.is_loading()) {
        let secs = (app.now - w.since).num_seconds().max(0);
        return Some(vec![
            Line::from(Span::styled(
                "GitLab is fetching errors from Sentry…",
                theme::info(),
            )),
            Line::from(Span::styled(
                format!(
                    "GitLab fills its cache in the background; errtui asks again (attempt {}, {secs} s so far).",
                    w.attempts + 1
                ),
                theme::dim(),
            )),
        ]);
    }
    let Load::Failed(failure) = &track.load else {
        return None;
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!("Could not load {what}"),
            theme::error(),
        )),
        Line::from(sanitize(&failure.message)),
    ];
    if failure.kind == FailureKind::NotAvailable {
        lines.push(Line::default());
        lines.push(Line::from(diagnosis_text(app)));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Ctrl-r tries again", theme::dim())));
    Some(lines)
}

/// The backend's explanation of unavailable data, or that it is still looking.
pub fn diagnosis_text(app: &App) -> String {
    match &app.diagnosis {
        Some(d) => sanitize(d),
        None => "Finding out why…".to_string(),
    }
}

/// "just now", "5m ago": the age of data kept in errtui's database.
pub fn kept_age(app: &App, at: crate::model::Timestamp) -> String {
    match format::ago_short(app.now, Some(at)).as_str() {
        "now" => "just now".to_string(),
        a => format!("{a} ago"),
    }
}

/// "offline, cached 5m ago (12:03): reason" for a detail or event read from errtui's database
/// because the server could not be reached.
pub fn offline_text(
    app: &App,
    at: crate::model::Timestamp,
    track: &crate::app::state::Tracker,
) -> String {
    let when = if app.utc {
        at.format("%Y-%m-%d %H:%M UTC").to_string()
    } else {
        at.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let reason = track
        .stale()
        .map(|f| format!(": {}", sanitize(&f.message)))
        .unwrap_or_default();
    format!("offline, cached {} ({when}){reason}", kept_age(app, at))
}

/// "stale since 12:03: reason" for data on screen whose refresh failed.
pub fn stale_text(app: &App, track: &crate::app::state::Tracker) -> Option<String> {
    use crate::app::state::FailureKind;
    let f = track.stale()?;
    let since = track
        .last_ok
        .map(|t| format!(" since {}", t.format("%H:%M:%S")))
        .unwrap_or_default();
    let reason = if f.kind == FailureKind::NotAvailable {
        format!("{} {}", sanitize(&f.message), diagnosis_text(app))
    } else {
        sanitize(&f.message)
    };
    Some(format!("stale{since}: {reason}"))
}

/// A message centred in a pane: loading, empty and failed states.
pub fn placeholder(f: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    let h = lines.len() as u16;
    let y = area.y + area.height.saturating_sub(h) / 2;
    f.render_widget(
        Paragraph::new(lines)
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        Rect {
            y,
            height: area.height.saturating_sub(y - area.y),
            ..area
        },
    );
}
