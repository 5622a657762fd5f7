//! The error-tracking settings pane (GitLab).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{pane_block, placeholder, theme};
use crate::app::state::{App, Load};
use crate::text::{sanitize, wrap};

pub fn draw(f: &mut Frame, app: &App, area: Rect) {
    let block = pane_block(
        format!(" Error-tracking settings · {} ", app.caps.name),
        true,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width.saturating_sub(2) as usize;
    let Some(s) = &app.settings.data else {
        let lines = match &app.settings.track.load {
            Load::Failed(crate::app::state::Failure { message: error, .. }) => {
                let mut l = vec![Line::from(Span::styled(
                    "Could not load the settings",
                    theme::error(),
                ))];
                l.extend(wrap(&sanitize(error), w).into_iter().map(Line::from));
                l.push(Line::default());
                l.push(Line::from(Span::styled("Ctrl-r tries again", theme::dim())));
                l
            }
            _ => vec![Line::from(Span::styled(
                "Loading the settings…",
                theme::info(),
            ))],
        };
        return placeholder(f, inner, lines);
    };
    let field = |name: &str, v: String| {
        Line::from(vec![
            Span::styled(format!(" {name:<16}"), theme::dim()),
            Span::raw(v),
        ])
    };
    let opt = |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "—".into());
    let mut lines = vec![
        Line::default(),
        Line::from(vec![
            Span::styled(format!(" {:<16}", "Error tracking"), theme::dim()),
            Span::styled(
                if s.active { "on" } else { "off" },
                if s.active {
                    theme::status(&crate::model::Status::Resolved)
                } else {
                    theme::error()
                },
            ),
        ]),
        field(
            "Backend",
            if s.integrated {
                "GitLab integrated".into()
            } else {
                "Sentry".into()
            },
        ),
        field("Sentry project", opt(&s.project_name)),
        field("Sentry URL", opt(&s.sentry_external_url)),
        field("API URL", opt(&s.api_url)),
        Line::default(),
    ];
    if let Load::Failed(crate::app::state::Failure { message: error, .. }) =
        &app.settings.track.load
    {
        lines.push(Line::from(Span::styled(
            " The last change failed:",
            theme::error(),
        )));
        lines.extend(
            wrap(&sanitize(error), w)
                .into_iter()
                .map(|l| Line::from(format!(" {l}"))),
        );
        lines.push(Line::default());
    }
    for l in wrap(
        "a turns error tracking on or off; b switches between Sentry and GitLab's integrated backend (both ask first). The Sentry URL and token can only be set in GitLab's web UI.",
        w,
    ) {
        lines.push(Line::from(Span::styled(format!(" {l}"), theme::dim())));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
