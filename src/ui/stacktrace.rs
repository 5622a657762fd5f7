//! The stack trace: each exception of the chain, in-app frames emphasised with their source,
//! library frames folded, newest frame first unless the user flips it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{pane_block, placeholder, theme};
use crate::app::state::{App, StackOptions};
use crate::model::{Event, Frame as StackFrame};
use crate::text::{cut_middle, sanitize, truncate, width, wrap};

pub fn draw(f: &mut Frame, app: &App, area: Rect, focused: bool, ui: &mut crate::ui::UiState) {
    let order = if app.stack.newest_first {
        "newest first"
    } else {
        "oldest first"
    };
    let fold = if app.stack.show_library {
        "all frames"
    } else {
        "in-app frames"
    };
    let which = match crate::app::error_view::event_position(app) {
        Some((1, _)) if app.event_ref == crate::model::EventRef::Latest => String::new(),
        Some((p, Some(t))) => format!(
            " · event {} of {}",
            super::format::grouped(p),
            super::format::grouped(t)
        ),
        Some((p, None)) => format!(" · event {}", super::format::grouped(p)),
        None => String::new(),
    };
    let kept = match app.event.offline_since(app.event_shown.as_deref()) {
        Some(at) => format!("· offline, cached {} ", super::kept_age(app, at)),
        None => String::new(),
    };
    let block = pane_block(
        format!(" Stack trace{which} {kept}· {order} · {fold} "),
        focused,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let ev = app
        .event
        .data
        .as_ref()
        .filter(|_| app.event.key.is_some() && app.event.key == app.detail.key);
    let Some(ev) = ev else {
        let lines = match super::unavailable_lines(app, &app.event.track, "the event") {
            Some(lines) => lines,
            None => vec![Line::from(Span::styled(
                "Loading the event…",
                theme::info(),
            ))],
        };
        placeholder(f, inner, lines);
        return;
    };
    let lines = lines(ev, &app.stack, inner.width as usize);
    let max = (lines.len() as u16).saturating_sub(inner.height);
    ui.stack_max = max;
    f.render_widget(
        Paragraph::new(lines).scroll((app.stack_scroll.min(max), 0)),
        inner,
    );
}

/// The text of the stack pane, also used by tests.
pub fn lines(ev: &Event, opts: &StackOptions, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if ev.exceptions.is_empty() {
        out.push(Line::from(Span::styled(
            "This event has no stack trace.",
            theme::dim(),
        )));
        if let Some(m) = &ev.message {
            out.push(Line::default());
            for l in wrap(&sanitize(m), w) {
                out.push(Line::from(l));
            }
        }
        return out;
    }
    let n = ev.exceptions.len();
    let order: Vec<usize> = if opts.newest_first {
        (0..n).rev().collect()
    } else {
        (0..n).collect()
    };
    for (pos, &i) in order.iter().enumerate() {
        let ex = &ev.exceptions[i];
        if pos > 0 {
            out.push(Line::default());
            out.push(Line::from(Span::styled(
                if opts.newest_first {
                    "── caused by ──"
                } else {
                    "── which led to ──"
                },
                theme::dim(),
            )));
        }
        let mut head = vec![Span::styled(
            sanitize(&ex.ty),
            theme::error().add_modifier(ratatui::style::Modifier::BOLD),
        )];
        if !ex.value.is_empty() {
            head.push(Span::raw(": "));
        }
        let value = sanitize(&ex.value);
        // The position and "unhandled" marks stay on the first line: the value wraps around them.
        let position = (n > 1).then(|| format!("  ({} of {n})", n - i));
        let unhandled = (ex.handled == Some(false)).then_some("  unhandled");
        let marks = position.as_deref().map_or(0, crate::text::width)
            + unhandled.map_or(0, crate::text::width);
        let first_w = w
            .saturating_sub(crate::text::width(&sanitize(&ex.ty)) + 2 + marks)
            .max(10);
        let mut wrapped = wrap(&value, first_w).into_iter();
        if let Some(first) = wrapped.next().filter(|_| !ex.value.is_empty()) {
            head.push(Span::styled(first, theme::bold()));
        }
        if let Some(p) = position {
            head.push(Span::styled(p, theme::dim()));
        }
        if let Some(u) = unhandled {
            head.push(Span::styled(u, theme::error()));
        }
        out.push(Line::from(head));
        for rest in wrapped {
            out.push(Line::from(Span::styled(rest, theme::bold())));
        }
        if ex.frames.is_empty() {
            out.push(Line::from(Span::styled("  (no frames)", theme::dim())));
            continue;
        }
        let frames: Vec<&StackFrame> = if opts.newest_first {
            ex.frames.iter().rev().collect()
        } else {
            ex.frames.iter().collect()
        };
        let mut folded = 0usize;
        let flush = |out: &mut Vec<Line<'static>>, folded: &mut usize| {
            if *folded > 0 {
                out.push(Line::from(Span::styled(
                    format!(
                        "  ⋯ {} library frame{} (z shows)",
                        folded,
                        if *folded == 1 { "" } else { "s" }
                    ),
                    theme::dim(),
                )));
                *folded = 0;
            }
        };
        let any_in_app = frames.iter().any(|f| f.in_app);
        for fr in frames {
            // With no in-app frame at all, folding would hide everything: show them.
            if !fr.in_app && !opts.show_library && any_in_app {
                folded += 1;
                continue;
            }
            flush(&mut out, &mut folded);
            // Without in-app information (GitLab), every frame gets its source.
            frame_lines(
                &mut out,
                fr,
                w,
                fr.in_app || opts.show_library || !any_in_app,
            );
        }
        flush(&mut out, &mut folded);
    }
    out
}

fn frame_lines(out: &mut Vec<Line<'static>>, fr: &StackFrame, w: usize, with_context: bool) {
    let style = if fr.in_app {
        theme::in_app()
    } else {
        theme::dim()
    };
    let fn_style = if fr.in_app {
        theme::info()
    } else {
        theme::dim()
    };
    let marker = if fr.in_app { "  ● " } else { "  · " };
    let func = fr
        .function
        .as_deref()
        .map(sanitize)
        .unwrap_or_else(|| "?".into());
    let loc = sanitize(&fr.location());
    let (lw, fw) = (width(&loc), width(&func));
    if 4 + lw + 4 + fw <= w {
        out.push(Line::from(vec![
            Span::styled(marker, style),
            Span::styled(loc, style),
            Span::styled(" in ", theme::dim()),
            Span::styled(func, fn_style),
        ]));
    } else {
        // Too long for one line: the path on its own (its middle cut, never its end), then
        // the function under it.
        out.push(Line::from(vec![
            Span::styled(marker, style),
            Span::styled(cut_middle(&loc, w.saturating_sub(4)), style),
        ]));
        out.push(Line::from(vec![
            Span::styled("      in ", theme::dim()),
            Span::styled(cut_middle(&func, w.saturating_sub(9)), fn_style),
        ]));
    }
    if !with_context {
        return;
    }
    let num_w = fr
        .context
        .iter()
        .map(|c| c.line.to_string().len())
        .max()
        .unwrap_or(1);
    for c in &fr.context {
        let failing = Some(c.line) == fr.line;
        let code = sanitize(&c.code.replace('\t', "    "));
        let gutter = format!(
            "{} {:>num_w$} │ ",
            if failing { "    →" } else { "     " },
            c.line
        );
        let cont = format!("{} │ ", " ".repeat(6 + num_w));
        let room = w.saturating_sub(width(&gutter)).max(10);
        // Long lines wrap under themselves rather than lose their end.
        for (k, part) in wrap(&code, room).into_iter().enumerate() {
            let g = if k == 0 { gutter.clone() } else { cont.clone() };
            if failing {
                out.push(Line::from(vec![
                    Span::styled(g, theme::error()),
                    Span::styled(part, theme::failing_line()),
                ]));
            } else {
                out.push(Line::from(vec![
                    Span::styled(g, theme::dim()),
                    Span::raw(part),
                ]));
            }
        }
    }
    // Local variables, where the event carries them.
    for (k, v) in fr.vars.iter().take(MAX_VARS) {
        let name = truncate(&sanitize(k), 24);
        let room = w.saturating_sub(8 + width(&name) + 3);
        out.push(Line::from(vec![
            Span::styled("        ", theme::dim()),
            Span::styled(name, theme::bold()),
            Span::styled(" = ", theme::dim()),
            Span::raw(truncate(&sanitize(v), room)),
        ]));
    }
    if fr.vars.len() > MAX_VARS {
        out.push(Line::from(Span::styled(
            format!("        … {} more variables", fr.vars.len() - MAX_VARS),
            theme::dim(),
        )));
    }
}

/// Variables shown per frame.
const MAX_VARS: usize = 30;
