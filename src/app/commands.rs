//! Custom commands from the config file (`[[commands]]`, as k9s plugins and gh-dash keybindings
//! are): a key, where it works, and a shell command whose placeholders (`{short_id}`, `{url}`,
//! `{frame.path}`, `{frame.line}`, `{tag:server_name}` …) are filled from the selected error and
//! shell-quoted, so a server's text can never become a second command.

use super::keymap::Ctx;
use super::msg::Effect;
use super::overlay::{self, Confirm, Confirmed, Overlay};
use super::state::{App, NoticeKind};
use super::update::notify;

/// A command the user configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomCommand {
    pub key: char,
    /// Where the key works: the list, an opened error, or everywhere.
    pub ctx: Ctx,
    pub description: String,
    pub run: String,
    pub confirm: bool,
    /// Changes something: hidden in read-only mode.
    pub mutating: bool,
    /// Wait for Enter after it ends, so its output can be read.
    pub pause: bool,
}

/// The placeholders a command may use.
pub const PLACEHOLDERS: &[&str] = &[
    "id",
    "short_id",
    "title",
    "url",
    "project",
    "status",
    "event_id",
    "frame.path",
    "frame.line",
    "frame.function",
];

/// Every `{…}` of `run`, checked against the known placeholders (`tag:KEY` too).
pub fn check(run: &str) -> Result<(), String> {
    for p in placeholders(run) {
        if !PLACEHOLDERS.contains(&p.as_str()) && !p.starts_with("tag:") {
            return Err(format!(
                "unknown placeholder {{{p}}}: use one of {}, or {{tag:KEY}}",
                PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(())
}

fn placeholders(run: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = run;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                out.push(after[..j].to_string());
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    out
}

/// POSIX shell single quotes: the value is one word, whatever it holds.
pub fn shell_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\\''"))
}

/// The value of one placeholder for the error the keys act on.
fn value(app: &App, name: &str) -> Option<String> {
    let e = app.target()?;
    let ev = app.event.data.as_ref().filter(|_| app.event.is(&e.id));
    let frame = ev.and_then(super::share::top_frame);
    let v = match name {
        "id" => e.id.clone(),
        "short_id" => e.short_id.clone(),
        "title" => e.title.clone(),
        "url" => e.url.clone()?,
        "project" => e.project.clone()?,
        "status" => e.status.as_str().to_string(),
        "event_id" => ev?.id.clone(),
        "frame.path" => frame?.filename.clone()?,
        "frame.line" => frame?.line?.to_string(),
        "frame.function" => frame?.function.clone()?,
        tag => {
            let key = tag.strip_prefix("tag:")?;
            ev?.tags
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())?
        }
    };
    Some(crate::text::sanitize(&v))
}

/// `run` with every placeholder filled and quoted, or which one this error lacks.
pub fn expand(app: &App, run: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = run;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let name = &after[..j];
        let v = value(app, name).ok_or_else(|| format!("this error has no {{{name}}}"))?;
        out.push_str(&shell_quote(&v));
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The custom command bound to `c` where the user is, if any.
pub fn find(app: &App, c: char) -> Option<usize> {
    let here = app.contexts();
    app.commands
        .iter()
        .position(|k| k.key == c && (k.ctx == Ctx::Everywhere || here.contains(&k.ctx)))
}

/// Runs command `i`: refused in read-only mode when it changes things, asked first when it
/// says so, then handed the terminal.
pub fn start(app: &mut App, i: usize, fx: &mut Vec<Effect>) {
    let Some(cmd) = app.commands.get(i).cloned() else {
        return;
    };
    if cmd.mutating
        && let Some(r) = app.caps.refuses_writes()
    {
        return notify(app, &r, NoticeKind::Error);
    }
    let line = match expand(app, &cmd.run) {
        Ok(l) => l,
        Err(e) => {
            return notify(
                app,
                &format!("`{}` cannot run: {e}.", cmd.description),
                NoticeKind::Error,
            );
        }
    };
    if cmd.confirm {
        overlay::ask(
            app,
            Overlay::Confirm(Confirm {
                title: cmd.description.clone(),
                lines: vec!["Run this command?".into(), String::new(), line.clone()],
                warning: None,
                on_yes: Confirmed::RunCommand {
                    line,
                    pause: cmd.pause,
                },
                typed: None,
            }),
        );
        return;
    }
    fx.push(Effect::RunCommand {
        line,
        pause: cmd.pause,
    });
}
