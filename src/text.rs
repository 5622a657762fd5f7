//! Untrusted text: everything a server sends passes through here before it reaches a terminal.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Removes escape sequences (CSI, OSC, DCS, …) and every other control character.
/// Tabs become a space and newlines become a space, so one value always stays on one line.
pub fn sanitize(input: &str) -> String {
    if !input.chars().any(needs_work) {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS introducers: swallow the sequence like ESC [ / ESC ].
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Like [`sanitize`] but keeps line breaks, for multi-line values (messages, source lines).
pub fn sanitize_lines(input: &str) -> Vec<String> {
    input
        .split('\n')
        .map(|l| sanitize(l.trim_end_matches('\r')))
        .collect()
}

fn needs_work(c: char) -> bool {
    c == '\u{1b}' || c == '\t' || c == '\n' || c == '\r' || is_unsafe(c)
}

/// Characters that must never reach a terminal or a clipboard from a server.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        // Bidi marks, overrides and isolates can reorder what the user sees (U+061C too).
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        // Invisible: zero-width space and joiners, word joiner, byte-order mark.
        || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
        // Line and paragraph separators break a line where the user sees none.
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// A URL that is safe to open or copy: http(s) only, sanitised.
pub fn web_link(url: &str) -> Option<String> {
    let clean = sanitize(url).trim().to_string();
    let lower = clean.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then_some(clean)
}

/// JSON for output: serde_json leaves U+0080–U+009F raw, and some terminals act on them.
pub fn escape_c1(json: &str) -> String {
    if !json.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
        return json.to_string();
    }
    json.chars()
        .map(|c| {
            if ('\u{80}'..='\u{9f}').contains(&c) {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => {
            chars.next();
            skip_string(chars);
        }
        Some(_) => {
            // Two-character escape (ESC c, ESC 7, ESC ( B …): drop the next char too.
            chars.next();
        }
        None => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Parameters and intermediates, then one final byte in 0x40..=0x7e.
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Terminated by BEL, ST (ESC \) or C1 ST.
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Display width in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` cells, ending with `…` when something was cut. Never splits a
/// grapheme cluster (an emoji sequence, a letter with its accents).
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    out
}

/// Truncates, then pads with spaces to exactly `cells` cells (for aligned tables).
pub fn fit(s: &str, cells: usize) -> String {
    let mut t = truncate(s, cells);
    let w = width(&t);
    for _ in w..cells {
        t.push(' ');
    }
    t
}

/// Right-aligned variant of [`fit`].
pub fn fit_right(s: &str, cells: usize) -> String {
    let t = truncate(s, cells);
    let w = width(&t);
    let mut out = " ".repeat(cells.saturating_sub(w));
    out.push_str(&t);
    out
}

/// Breaks `s` into lines of at most `cells` cells, at spaces where possible.
pub fn wrap(s: &str, cells: usize) -> Vec<String> {
    let cells = cells.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in s.split(' ') {
        let ww = width(word);
        if used > 0 && used + 1 + ww > cells {
            out.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        if ww > cells {
            // A word longer than a line: hard-break it between grapheme clusters.
            for g in word.graphemes(true) {
                let cw = width(g);
                if used + cw > cells && used > 0 {
                    out.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push_str(g);
                used += cw;
            }
        } else {
            line.push_str(word);
            used += ww;
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_csi_osc_and_controls() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("x\u{1b}]52;c;ZXZpbA==\u{7}y"), "xy");
        assert_eq!(
            sanitize("x\u{1b}]8;;http://e\u{1b}\\link\u{1b}]8;;\u{1b}\\y"),
            "xlinky"
        );
        assert_eq!(sanitize("bell\u{7}\u{0}\u{8}"), "bell");
        assert_eq!(sanitize("a\u{9b}2Jb"), "ab");
        assert_eq!(sanitize("line1\nline2\ttab"), "line1 line2 tab");
        assert_eq!(sanitize("rtl\u{202e}evil"), "rtlevil");
        assert_eq!(sanitize("plain ünïcödé 日本"), "plain ünïcödé 日本");
    }

    #[test]
    fn truncate_and_fit_respect_wide_chars() {
        assert_eq!(truncate("日本語テキスト", 5), "日本…");
        assert_eq!(width(&fit("日本語", 7)), 7);
        assert_eq!(fit("abc", 2), "a…");
        assert_eq!(fit_right("42", 5), "   42");
        // Combining marks take no cell.
        assert_eq!(width(&fit("e\u{301}x", 4)), 4);
    }
}
