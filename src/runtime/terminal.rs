//! Entering and leaving the terminal's TUI mode. Restored on quit, on error (Drop) and on panic.

use std::io::{self, Write};
use std::sync::Once;

use base64::Engine;
use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::app::App;

pub struct TerminalGuard {
    terminal: Terminal<CrosstermBackend<io::Stdout>>,
    restored: bool,
}

static PANIC_HOOK: Once = Once::new();

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call twice.
pub fn restore_terminal() {
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        crossterm::event::DisableMouseCapture,
        crossterm::event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        PANIC_HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore_terminal();
                previous(info);
            }));
        });
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(
            out,
            terminal::EnterAlternateScreen,
            crossterm::event::EnableBracketedPaste,
            crossterm::event::EnableMouseCapture,
            cursor::Hide
        ) {
            restore_terminal();
            return Err(e);
        }
        let terminal = match Terminal::new(CrosstermBackend::new(out)) {
            Ok(t) => t,
            Err(e) => {
                restore_terminal();
                return Err(e);
            }
        };
        // Test hook for the pty smoke test: prove the panic path restores the terminal.
        // Debug builds only: release builds carry no way to panic on purpose.
        #[cfg(debug_assertions)]
        if std::env::var_os("ERRTUI_TEST_PANIC").is_some() {
            panic!("ERRTUI_TEST_PANIC is set: panicking on purpose");
        }
        Ok(TerminalGuard {
            terminal,
            restored: false,
        })
    }

    pub fn size(&self) -> (u16, u16) {
        self.terminal
            .size()
            .map(|s| (s.width, s.height))
            .unwrap_or((80, 24))
    }

    /// `Ctrl-z`: give the terminal back, stop, and take it again on `fg` with a full redraw.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore_terminal();
        #[cfg(unix)]
        signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
        // Execution continues here after `fg` (SIGCONT).
        self.take_back()
    }

    /// Hands the terminal to `f` (a custom command), then takes it back with a full redraw.
    pub fn hand_over<T>(&mut self, f: impl FnOnce() -> T) -> io::Result<T> {
        restore_terminal();
        let out = f();
        self.take_back()?;
        Ok(out)
    }

    fn take_back(&mut self) -> io::Result<()> {
        terminal::enable_raw_mode()?;
        execute!(
            io::stdout(),
            terminal::EnterAlternateScreen,
            crossterm::event::EnableBracketedPaste,
            crossterm::event::EnableMouseCapture,
            cursor::Hide,
            terminal::Clear(terminal::ClearType::All)
        )?;
        // A fresh terminal draws everything again. (Terminal::clear would ask the terminal
        // where its cursor is, and the answer can be read by someone else.)
        self.terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(())
    }

    pub fn draw(&mut self, app: &App, ui: &mut crate::ui::UiState) -> io::Result<()> {
        let mut link_area = None;
        let link = app.overlay().and_then(|o| match o {
            crate::app::state::Overlay::Link(url) => Some(url.clone()),
            _ => None,
        });
        self.terminal.draw(|f| {
            crate::ui::draw(f, app, ui);
            if let Some(url) = &link {
                link_area = Some(crate::ui::url_popup_link_area(f.area(), url));
            }
        })?;
        // Lay an OSC 8 hyperlink over the URL the popup shows, so it is clickable over SSH.
        if let (Some(area), Some(url)) = (link_area, &link)
            && area.width > 0
            && let Some(url) = crate::text::web_link(url)
        {
            let shown = crate::text::truncate(&url, area.width as usize);
            let out = self.terminal.backend_mut();
            execute!(out, cursor::MoveTo(area.x, area.y))?;
            write!(out, "\x1b]8;;{url}\x1b\\{shown}\x1b]8;;\x1b\\")?;
            out.flush()?;
        }
        Ok(())
    }

    /// Copies with OSC 52. Inside tmux, also sent wrapped for passthrough, so it works with
    /// either `set-clipboard on` or `allow-passthrough on`.
    /// The bell, or a desktop notification through the terminal: OSC 9 (iTerm2, WezTerm,
    /// Windows Terminal, kitty) and OSC 777 (rxvt, foot, Ghostty), wrapped for tmux.
    pub fn alert(&mut self, text: &str, how: crate::app::watching::Alert) -> io::Result<()> {
        use crate::app::watching::Alert;
        let clean: String = crate::text::sanitize(text)
            .chars()
            .filter(|c| *c != ';')
            .take(200)
            .collect();
        let seq = match how {
            Alert::Off => return Ok(()),
            Alert::Bell => "\x07".to_string(),
            Alert::Notify => {
                let osc9 = format!("\x1b]9;{clean}\x07");
                let osc777 = format!("\x1b]777;notify;errtui;{clean}\x07");
                if std::env::var_os("TMUX").is_some() {
                    format!("{}{}", tmux_passthrough(&osc9), tmux_passthrough(&osc777))
                } else {
                    format!("{osc9}{osc777}")
                }
            }
        };
        let mut out = io::stdout();
        out.write_all(seq.as_bytes())?;
        out.flush()
    }

    pub fn copy_osc52(&mut self, text: &str) -> io::Result<()> {
        // Nothing from a server reaches the clipboard unsanitised: no newline runs a second
        // line when pasted into a shell.
        let seq = osc52(crate::text::sanitize(text).trim());
        let out = self.terminal.backend_mut();
        out.write_all(seq.as_bytes())?;
        if std::env::var_os("TMUX").is_some() {
            out.write_all(tmux_passthrough(&seq).as_bytes())?;
        }
        out.flush()
    }

    pub fn restore(&mut self) {
        if !self.restored {
            self.restored = true;
            restore_terminal();
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        self.restore();
    }
}

pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

pub fn tmux_passthrough(seq: &str) -> String {
    format!("\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_and_wraps_for_tmux() {
        let s = osc52("https://x/1");
        assert_eq!(s, "\x1b]52;c;aHR0cHM6Ly94LzE=\x07");
        assert_eq!(
            tmux_passthrough(&s),
            "\x1bPtmux;\x1b\x1b]52;c;aHR0cHM6Ly94LzE=\x07\x1b\\"
        );
    }
}
