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
        Some(c) if ('\u{20}'..='\u{7e}').contains(c) => {
            // Two-character escape (ESC c, ESC 7, ESC ( B …): drop the next char too.
            chars.next();
        }
        // ESC ESC starts over; anything else is left for the caller to judge.
        _ => {}
    }
}

fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Parameters and intermediates (0x20..=0x3f), then one final byte in 0x40..=0x7e. Anything
    // else ends the sequence unconsumed, as in a terminal: an ESC there starts a new sequence.
    while let Some(&c) = chars.peek() {
        if ('\u{20}'..='\u{3f}').contains(&c) {
            chars.next();
        } else {
            if ('\u{40}'..='\u{7e}').contains(&c) {
                chars.next();
            }
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

/// Cuts the middle of `s` to fit `max` cells, keeping its start and its end (a path's file
/// name and line number): `src/…/handlers/user.rs:42`. Never splits a grapheme cluster.
pub fn cut_middle(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max < 5 {
        return truncate(s, max);
    }
    let gs: Vec<&str> = s.graphemes(true).collect();
    // The end matters more: two thirds of the room go to it.
    let tail_room = (max - 1) * 2 / 3;
    let head_room = max - 1 - tail_room;
    let mut tail = Vec::new();
    let mut used = 0;
    for g in gs.iter().rev() {
        let w = width(g);
        if used + w > tail_room {
            break;
        }
        used += w;
        tail.push(*g);
    }
    tail.reverse();
    let mut head = String::new();
    let mut hw = 0;
    for g in &gs {
        let w = width(g);
        if hw + w > head_room + (tail_room - used) {
            break;
        }
        hw += w;
        head.push_str(g);
    }
    format!("{head}…{}", tail.concat())
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
    // Words end at a space that is a cluster of its own: a space carrying a combining mark
    // belongs to the word.
    let mut words: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, g) in s.grapheme_indices(true) {
        if g == " " {
            words.push(&s[start..i]);
            start = i + 1;
        }
    }
    words.push(&s[start..]);
    for word in words {
        let ww = width(word);
        if !line.is_empty() && used + 1 + ww > cells {
            out.push(std::mem::take(&mut line));
            used = 0;
        }
        if !line.is_empty() {
            line.push(' ');
            used += 1;
        }
        if ww > cells {
            // A word longer than a line: hard-break it between grapheme clusters.
            for g in word.graphemes(true) {
                let cw = width(g);
                if used + cw > cells && !line.is_empty() {
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
    fn cut_middle_keeps_the_end_of_a_path() {
        let p = "src/very/long/directory/structure/handlers/user_profile.rs:1234";
        for max in 5..70 {
            let c = cut_middle(p, max);
            assert!(width(&c) <= max, "{c} at {max}");
            if max >= 14 {
                assert!(c.ends_with(".rs:1234"), "{c}");
                assert!(c.starts_with("src"), "{c}");
            }
            if max >= 26 {
                assert!(c.ends_with("profile.rs:1234"), "{c}");
            }
        }
        assert_eq!(cut_middle("short.rs:1", 20), "short.rs:1");
        let wide = "日本語/日本語/日本語/日本語.rs:9";
        for max in 5..30 {
            assert!(width(&cut_middle(wide, max)) <= max);
        }
    }

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
    /// Random strings built from the pieces that break naive text code: wide and combining
    /// characters, emoji sequences, flags, escape sequences, C1 controls, bidi and invisible marks.
    fn hostile(rng: &mut fastrand::Rng) -> String {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "0",
            " ",
            "  ",
            "-",
            "日",
            "本",
            "é",
            "e\u{301}",
            "\u{301}",
            "👩\u{200d}💻",
            "🇩🇪",
            "❤\u{fe0f}",
            "\u{1b}[2J",
            "\u{1b}]52;c;ZXZpbA==\u{7}",
            "\u{1b}]8;;http://x\u{1b}\\",
            "\u{1b}",
            "\u{9b}31m",
            "\u{9d}0;t\u{9c}",
            "\u{85}",
            "\u{202e}",
            "\u{2066}",
            "\u{61c}",
            "\u{200b}",
            "\u{feff}",
            "\u{2028}",
            "\n",
            "\r\n",
            "\t",
            "\u{7}",
            "\u{0}",
            "\u{7f}",
            "ﬁ",
            "ｗｉｄｅ",
            "x\u{1b}[",
            "\u{1b}P1$r\u{1b}\\",
        ];
        let n = rng.usize(0..24);
        (0..n).map(|_| PIECES[rng.usize(..PIECES.len())]).collect()
    }

    fn cases() -> impl Iterator<Item = (String, usize)> {
        let mut rng = fastrand::Rng::with_seed(0x05ee_de11);
        (0..4000).map(move |_| {
            let s = hostile(&mut rng);
            (s, rng.usize(0..40))
        })
    }

    #[test]
    fn property_sanitize_leaves_nothing_a_terminal_acts_on() {
        for (s, _) in cases() {
            let clean = sanitize(&s);
            assert!(!clean.chars().any(is_unsafe), "{s:?} -> {clean:?}");
            assert!(
                !clean.contains("[2J") && !clean.contains("]52;") && !clean.contains("8;;http"),
                "{s:?} -> {clean:?}"
            );
            assert_eq!(sanitize(&clean), clean, "idempotent for {s:?}");
            for line in sanitize_lines(&s) {
                assert!(!line.chars().any(is_unsafe), "{s:?} -> {line:?}");
            }
        }
        // Text with nothing unsafe in it passes unchanged.
        for safe in [
            "plain ünïcödé 日本",
            "e\u{301} 🇩🇪 ❤\u{fe0f}",
            "ｗｉｄｅ  two  spaces",
        ] {
            assert_eq!(sanitize(safe), safe);
        }
    }

    #[test]
    fn property_truncate_fits_and_never_splits_a_grapheme() {
        for (raw, max) in cases() {
            let s = sanitize(&raw);
            let t = truncate(&s, max);
            assert!(width(&t) <= max, "{s:?} at {max} -> {t:?}");
            if width(&s) <= max {
                assert_eq!(t, s);
                continue;
            }
            if max == 0 {
                assert_eq!(t, "");
                continue;
            }
            let kept = t.strip_suffix('…').expect("a cut string ends with …");
            // What is kept is whole grapheme clusters from the start of the original.
            let g_s: Vec<&str> = s.graphemes(true).collect();
            let g_k: Vec<&str> = kept.graphemes(true).collect();
            assert_eq!(&g_s[..g_k.len()], &g_k[..], "{s:?} at {max} -> {t:?}");
            let f = fit(&s, max);
            assert_eq!(width(&f), max, "fit pads to exactly {max}: {f:?}");
            assert_eq!(width(&fit_right(&s, max)), max);
        }
    }

    #[test]
    fn property_wrap_fits_loses_nothing_and_never_splits_a_grapheme() {
        for (raw, cells) in cases() {
            let s = sanitize(&raw);
            let cells = cells.max(1);
            let lines = wrap(&s, cells);
            assert!(!lines.is_empty());
            for l in &lines {
                // A line is only wider than asked when it holds one cluster wider than the line.
                assert!(
                    width(l) <= cells || l.graphemes(true).count() == 1,
                    "{s:?} at {cells} -> {lines:?}"
                );
            }
            // Only the spaces a line break replaced are gone; every cluster is there, in order.
            let without = |x: &str| -> Vec<String> {
                x.graphemes(true)
                    .filter(|g| *g != " ")
                    .map(str::to_string)
                    .collect()
            };
            assert_eq!(
                without(&lines.concat()),
                without(&s),
                "{s:?} at {cells} -> {lines:?}"
            );
        }
    }
}
