//! The detail pane: what the error is, how often and since when, its trend, and the opened
//! event in foldable sections (breadcrumbs, request, user, contexts, tags, SDK).

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Widget};

use super::format::{ago_at, before, buckets, grouped};
use super::{pane_block, placeholder, theme};
use crate::app::error_view::event_position;
use crate::app::msg::Section;
use crate::app::state::{App, Load, View};
use crate::model::{ErrorSummary, Event, MASK};
use crate::text::{sanitize, sanitize_lines, truncate, width, wrap};

const LABEL: usize = 14;
/// Lines a trend chart takes: three give 24 heights of bar.
const CHART_HEIGHT: u16 = 3;

pub fn draw(f: &mut Frame, app: &App, area: Rect, focused: bool, ui: &mut crate::ui::UiState) {
    // In the list view the pane follows the selection; otherwise it shows the opened error.
    let summary: Option<&ErrorSummary> = if app.view == View::List {
        app.selected()
    } else {
        app.detail.data.as_ref().map(|d| &d.summary).or_else(|| {
            let id = app.detail.key.as_deref()?;
            app.list.items.iter().find(|e| e.id == id)
        })
    };
    let title = match summary {
        Some(s) => format!(" {} ", sanitize(&s.short_id)),
        None => " Detail ".to_string(),
    };
    let block = pane_block(title, focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(s) = summary else {
        placeholder(
            f,
            inner,
            vec![Line::from(Span::styled("No error selected", theme::dim()))],
        );
        return;
    };
    let mut out = Out {
        lines: Vec::new(),
        sections: Vec::new(),
        charts: Vec::new(),
        w: inner.width.saturating_sub(1) as usize,
    };
    lines(app, s, &mut out);
    let max = (out.lines.len() as u16).saturating_sub(inner.height);
    ui.detail_max = max;
    ui.sections = out.sections;
    let scroll = app.detail_scroll.min(max);
    f.render_widget(Paragraph::new(out.lines).scroll((scroll, 0)), inner);
    for chart in &out.charts {
        chart.draw(f.buffer_mut(), inner, scroll);
    }
}

struct Out {
    lines: Vec<Line<'static>>,
    sections: Vec<(Section, u16)>,
    /// Charts drawn over the blank lines kept for them.
    charts: Vec<Chart>,
    w: usize,
}

/// A trend chart (ratatui's `Sparkline`) over `height` lines from `line` of the pane's text.
struct Chart {
    line: u16,
    col: u16,
    width: u16,
    height: u16,
    data: Vec<u64>,
}

impl Chart {
    /// Draws the rows of the chart that the scrolled pane shows.
    fn draw(&self, buf: &mut Buffer, inner: Rect, scroll: u16) {
        let own = Rect::new(0, 0, self.width, self.height);
        let mut scratch = Buffer::empty(own);
        Sparkline::default()
            .data(&self.data)
            .style(theme::info())
            .render(own, &mut scratch);
        for row in 0..self.height {
            let Some(y) = (self.line + row).checked_sub(scroll) else {
                continue;
            };
            if y >= inner.height {
                continue;
            }
            for x in 0..self.width.min(inner.width.saturating_sub(self.col)) {
                if let (Some(from), Some(to)) = (
                    scratch.cell((x, row)),
                    buf.cell_mut((inner.x + self.col + x, inner.y + y)),
                ) {
                    *to = from.clone();
                }
            }
        }
    }
}

impl Out {
    fn push(&mut self, l: Line<'static>) {
        self.lines.push(l);
    }
    fn blank(&mut self) {
        self.lines.push(Line::default());
    }
    /// `name  value`, the value cut to the pane.
    fn field(&mut self, name: &str, value: &str) {
        let v = truncate(&sanitize(value), self.w.saturating_sub(LABEL));
        self.push(Line::from(vec![
            Span::styled(format!("{name:<LABEL$}"), theme::dim()),
            Span::raw(v),
        ]));
    }
    /// `name  value`, the value wrapped under itself.
    fn field_wrapped(&mut self, name: &str, value: &str) {
        let room = self.w.saturating_sub(LABEL).max(8);
        for (i, l) in wrap(&sanitize(value), room).into_iter().enumerate() {
            let label = if i == 0 { name } else { "" };
            self.push(Line::from(vec![
                Span::styled(format!("{label:<LABEL$}"), theme::dim()),
                Span::raw(l),
            ]));
        }
    }
    /// A section heading; returns whether its body shows (not folded).
    fn section(&mut self, app: &App, sec: Section, note: String) -> bool {
        self.blank();
        let folded = app.folded.contains(&sec);
        self.sections.push((sec, self.lines.len() as u16));
        let mut style = theme::heading();
        if app.section == Some(sec) && app.view == View::Detail {
            style = style.add_modifier(Modifier::REVERSED);
        }
        let mark = if folded { "▸" } else { "▾" };
        let text = format!("{mark} {}{note}", sec.title());
        self.push(Line::from(Span::styled(truncate(&text, self.w), style)));
        !folded
    }
}

fn lines(app: &App, s: &ErrorSummary, out: &mut Out) {
    let w = out.w;
    for l in wrap(&sanitize(&s.title), w) {
        out.push(Line::from(Span::styled(l, theme::title())));
    }
    if !s.culprit.is_empty() {
        out.push(Line::from(Span::styled(
            truncate(&sanitize(&s.culprit), w),
            theme::dim(),
        )));
    }
    out.blank();
    out.push(Line::from(vec![
        Span::styled(format!("{:<LABEL$}", "Status"), theme::dim()),
        Span::styled(
            format!(
                "{}{}",
                s.status.as_str(),
                if app.pending.contains_key(&s.id) {
                    " (saving…)"
                } else {
                    ""
                }
            ),
            theme::status(&s.status),
        ),
        Span::styled("   Level ", theme::dim()),
        Span::styled(sanitize(s.level.as_str()), theme::level(&s.level)),
    ]));
    let t = &s.triage;
    if let Some(how) = t.status_details.describe() {
        out.field("", &how);
    }
    if app.caps.triage.assign.is_none() {
        let mut owner = t
            .assignee
            .as_ref()
            .map(|a| a.label())
            .unwrap_or_else(|| "nobody (a assigns)".into());
        if t.is_bookmarked {
            owner.push_str("   ★ bookmarked");
        }
        if let Some(p) = &t.priority {
            owner.push_str(&format!("   priority {p}"));
        }
        out.field("Assigned", &owner);
    }
    let users = if app.caps.user_counts {
        grouped(s.user_count)
    } else {
        "— (not counted by this server)".into()
    };
    out.field("Events", &format!("{}   Users {users}", grouped(s.count)));
    out.field("First seen", &ago_at(app.now, s.first_seen, app.utc));
    out.field("Last seen", &ago_at(app.now, s.last_seen, app.utc));

    let detail = app.detail.data.as_ref().filter(|d| d.summary.id == s.id);
    match (app.detail.load(), detail) {
        (_, Some(d)) => {
            let text = match app.detail.offline_since(app.detail.key.as_deref()) {
                Some(at) => Some(super::offline_text(app, at, &app.detail.track)),
                None => super::stale_text(app, &app.detail.track),
            };
            if let Some(text) = text {
                for l in wrap(&text, w) {
                    out.push(Line::from(Span::styled(l, theme::error())));
                }
            }
            let rel = |r: &Option<crate::model::Release>| {
                r.as_ref()
                    .map(|r| r.version.clone())
                    .unwrap_or_else(|| "—".into())
            };
            out.field("First release", &rel(&d.first_release));
            out.field("Last release", &rel(&d.last_release));
            if let Some(m) = &d.message
                && !m.is_empty()
                && !s.title.contains(m.as_str())
            {
                out.blank();
                out.push(Line::from(Span::styled("Message", theme::heading())));
                for l in sanitize_lines(m).iter().flat_map(|l| wrap(l, w)) {
                    out.push(Line::from(l));
                }
            }
        }
        (Load::Failed(failure), None) => {
            out.blank();
            out.push(Line::from(Span::styled(
                "Could not load the details:",
                theme::error(),
            )));
            for l in wrap(&sanitize(&failure.message), w) {
                out.push(Line::from(l));
            }
            if failure.kind == crate::app::state::FailureKind::NotAvailable {
                for l in wrap(&super::diagnosis_text(app), w) {
                    out.push(Line::from(l));
                }
            }
            out.push(Line::from(Span::styled("Ctrl-r retries", theme::dim())));
        }
        _ => out.push(Line::from(Span::styled("Loading details…", theme::info()))),
    }
    if let Some(o) = &s.origin {
        out.field("From", &format!("profile {o}"));
    }
    if let Some(p) = &s.project {
        out.field("Project", p);
    }
    if let Some(url) = &s.url {
        out.field("Link", url);
    }
    if let Some(issue) = detail.and_then(|d| d.linked_issue.as_ref()) {
        out.field("GitLab issue", &format!("{issue}  (L opens)"));
    }
    // Status changes, assignments and comments, newest first.
    if let Some(d) = detail.filter(|d| !d.activity.is_empty())
        && out.section(
            app,
            Section::Activity,
            format!(" ({}, newest first · c comments)", d.activity.len()),
        )
    {
        for a in d.activity.iter().take(50) {
            let when = a
                .date
                .map(|t| match super::format::ago_short(app.now, Some(t)) {
                    n if n == "now" => "just now".to_string(),
                    n => format!("{n} ago"),
                })
                .unwrap_or_default();
            let who = a.user.as_deref().unwrap_or("");
            let head = format!("{when:<12}{:<18}", truncate(&sanitize(who), 17));
            if a.kind == "note" {
                out.push(Line::from(vec![
                    Span::styled(head, theme::dim()),
                    Span::styled("commented", theme::dim()),
                ]));
                for l in sanitize_lines(&a.text)
                    .iter()
                    .flat_map(|l| wrap(l, w.saturating_sub(2)))
                {
                    out.push(Line::from(format!("  {l}")));
                }
            } else {
                out.push(Line::from(vec![
                    Span::styled(head, theme::dim()),
                    Span::raw(truncate(&sanitize(&a.text), w.saturating_sub(30))),
                ]));
            }
        }
    }

    // Trend: what the list row knows, and the detail's 30 days.
    let h24 = detail
        .map(|d| &d.summary.stats_24h)
        .filter(|v| !v.is_empty())
        .unwrap_or(&s.stats_24h);
    let d30 = detail.map(|d| d.stats_30d.as_slice()).unwrap_or(&[]);
    if (!h24.is_empty() || !d30.is_empty()) && out.section(app, Section::Trend, String::new()) {
        for (name, pts, unit) in [("Last 24h", h24.as_slice(), "h"), ("Last 30d", d30, "day")] {
            if pts.is_empty() {
                continue;
            }
            let max = pts.iter().copied().max().unwrap_or(0);
            let sum: u64 = pts.iter().sum();
            let room = w.saturating_sub(LABEL + 2).max(1);
            // Fewer points than columns: each bar as wide as fits.
            let data = buckets(pts, room);
            let per = (room / data.len().max(1)).clamp(1, 4);
            let data: Vec<u64> = data
                .iter()
                .flat_map(|&v| std::iter::repeat_n(v, per))
                .collect();
            out.charts.push(Chart {
                line: out.lines.len() as u16,
                col: LABEL as u16,
                width: data.len() as u16,
                height: CHART_HEIGHT,
                data,
            });
            out.push(Line::from(Span::styled(
                format!("{name:<LABEL$}"),
                theme::dim(),
            )));
            for _ in 1..CHART_HEIGHT {
                out.blank();
            }
            out.push(Line::from(Span::styled(
                format!(
                    "{:<LABEL$}{} events, peak {}/{unit}",
                    "",
                    grouped(sum),
                    grouped(max)
                ),
                theme::dim(),
            )));
        }
    }

    let ev = app.event.data.as_ref().filter(|_| app.event.is(&s.id));
    match ev {
        Some(ev) => event_sections(app, ev, out),
        None if app.view == View::List => {}
        None => {
            out.blank();
            let text = match app.event.load() {
                Load::Failed(f) => format!("Could not load the event: {}", sanitize(&f.message)),
                _ => "Loading the event…".into(),
            };
            for l in wrap(&text, w) {
                out.push(Line::from(Span::styled(l, theme::info())));
            }
        }
    }
}

fn event_sections(app: &App, ev: &Event, out: &mut Out) {
    let w = out.w;
    let pos = match event_position(app) {
        Some((p, Some(total))) => format!(" {} of {}", grouped(p), grouped(total)),
        Some((p, None)) => format!(" {}", grouped(p)),
        None => match &app.event_ref {
            crate::model::EventRef::Recommended => " (recommended)".into(),
            crate::model::EventRef::Oldest => " (oldest)".into(),
            _ => String::new(),
        },
    };
    let loading = if app.event.load().is_loading() {
        " · loading another…"
    } else {
        ""
    };
    if out.section(app, Section::Event, format!("{pos}{loading}")) {
        out.field("Event", &ev.id);
        if let Some(d) = ev.date {
            out.field("When", &ago_at(app.now, Some(d), app.utc));
        }
        for (name, v) in [
            ("Release", &ev.release),
            ("Environment", &ev.environment),
            ("User", &ev.user),
        ] {
            if let Some(v) = v {
                out.field(name, v);
            }
        }
        if !ev.exceptions.is_empty() {
            let chain: Vec<&str> = ev.exceptions.iter().rev().map(|e| e.ty.as_str()).collect();
            out.field("Exceptions", &chain.join(" ← "));
        }
        if let Some(m) = &ev.message {
            out.field_wrapped("Message", m);
        }
        if !ev.other_entries.is_empty() {
            out.field("Also has", &ev.other_entries.join(", "));
        }
        let nav = match &app.caps.event_history {
            Some(_) => "only the latest event on this server".to_string(),
            None => {
                let mut keys = vec!["[ older", "] newer"];
                if app.caps.event_ends {
                    keys.push("{ oldest");
                }
                keys.extend(["} latest", "E all events", "T tags"]);
                keys.join(" · ")
            }
        };
        out.push(Line::from(Span::styled(
            format!("{:<LABEL$}{}", "", truncate(&nav, w.saturating_sub(LABEL))),
            theme::dim(),
        )));
    }

    if !ev.breadcrumbs.is_empty()
        && out.section(
            app,
            Section::Breadcrumbs,
            format!(" ({}, oldest first)", ev.breadcrumbs.len()),
        )
    {
        for b in &ev.breadcrumbs {
            let at = before(ev.date, b.timestamp);
            let level = sanitize(b.level.as_deref().unwrap_or(""));
            let cat = sanitize(
                b.category
                    .as_deref()
                    .or(b.ty.as_deref())
                    .unwrap_or("default"),
            );
            let msg = sanitize(b.message.as_deref().unwrap_or(""));
            let lead = 9 + 8 + 14;
            let level_style = match level.as_str() {
                "error" | "fatal" => theme::error(),
                "warning" => theme::level(&crate::model::Level::Warning),
                _ => theme::dim(),
            };
            out.push(Line::from(vec![
                Span::styled(format!("{at:>8} "), theme::dim()),
                Span::styled(format!("{:<7} ", truncate(&level, 7)), level_style),
                Span::styled(format!("{:<13} ", truncate(&cat, 13)), theme::info()),
                Span::raw(truncate(&msg, w.saturating_sub(lead))),
            ]));
            if app.crumb_data
                && let Some(d) = &b.data
            {
                let text = sanitize(&d.to_string());
                for l in wrap(&text, w.saturating_sub(lead)) {
                    out.push(Line::from(Span::styled(
                        format!("{:lead$}{l}", ""),
                        theme::dim(),
                    )));
                }
            }
        }
        if !app.crumb_data && ev.breadcrumbs.iter().any(|b| b.data.is_some()) {
            out.push(Line::from(Span::styled(
                "D shows each breadcrumb's data",
                theme::dim(),
            )));
        }
    }

    if let Some(raw) = &ev.request {
        let r = if app.reveal {
            raw.clone()
        } else {
            raw.masked()
        };
        let masked = !app.reveal && r != *raw;
        let note = if masked {
            " (secrets masked: x shows them)"
        } else if app.reveal {
            " (secrets shown: x masks them)"
        } else {
            ""
        };
        if out.section(app, Section::Request, note.to_string()) {
            let line = format!(
                "{} {}",
                r.method.as_deref().unwrap_or(""),
                r.url.as_deref().unwrap_or("")
            );
            out.field_wrapped("", line.trim());
            for (k, v) in &r.query {
                pair(out, "Query", k, v);
            }
            for (k, v) in &r.headers {
                pair(out, "Header", k, v);
            }
            if let Some(body) = &r.data {
                out.field_wrapped("Body", &truncate(body, 2000));
            }
        }
    }

    if !ev.user_details.is_empty() && out.section(app, Section::User, String::new()) {
        for (k, v) in &ev.user_details {
            out.field(k, v);
        }
    }
    if !ev.contexts.is_empty() && out.section(app, Section::Contexts, String::new()) {
        for (name, fields) in &ev.contexts {
            let inline: Vec<String> = fields
                .iter()
                .filter(|(k, _)| k.as_str() != "type")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            // One line per context when it fits; otherwise its fields one by one.
            let one = inline.join("  ");
            if width(&sanitize(&one)) + LABEL <= w {
                out.field(name, &one);
            } else {
                out.field(name, "");
                for (k, v) in fields {
                    out.field(&format!("  {k}"), v);
                }
            }
        }
    }
    if !ev.tags.is_empty() && out.section(app, Section::Tags, String::new()) {
        for (k, v) in &ev.tags {
            out.field(k, v);
        }
    }
    if let Some(sdk) = &ev.sdk
        && out.section(app, Section::Sdk, String::new())
    {
        let text = match &sdk.version {
            Some(v) => format!("{} {v}", sdk.name),
            None => sdk.name.clone(),
        };
        out.field("", &text);
    }
    out.blank();
    out.push(Line::from(Span::styled(
        truncate(
            "Enter stack trace · J/K section · Space fold · Z zoom · Y copy summary",
            w,
        ),
        theme::dim(),
    )));
}

/// A query parameter or header: masked values stand out.
fn pair(out: &mut Out, kind: &str, k: &str, v: &str) {
    let name = truncate(&sanitize(k), 24);
    let room = out.w.saturating_sub(LABEL + width(&name) + 2);
    let style = if v == MASK {
        theme::dim()
    } else {
        ratatui::style::Style::new()
    };
    out.push(Line::from(vec![
        Span::styled(format!("{kind:<LABEL$}"), theme::dim()),
        Span::styled(format!("{name}: "), theme::bold()),
        Span::styled(truncate(&sanitize(v), room), style),
    ]));
}
