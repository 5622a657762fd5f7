//! The real binary in a pseudo-terminal: it draws, quits on `q`, and restores the terminal on
//! quit and on panic.

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Run {
    output: String,
    success: bool,
}

/// What the test does once the screen shows what it waits for.
enum Then<'a> {
    Type(&'a [u8]),
    /// A signal sent with `kill -SIG pid`.
    Signal(&'a str),
}

fn run_in_pty(env: &[(&str, &str)], then: Then<'_>, wait_for: &str) -> Run {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("openpty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_errtui"));
    cmd.arg("demo");
    cmd.env("TERM", "xterm-256color");
    // What the run remembers goes to a directory of its own, not the machine's.
    cmd.env("ERRTUI_STATE_DIR", crate::cli::empty_home().join("state"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = pair.slave.spawn_command(cmd).expect("spawn");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut writer = pair.master.take_writer().expect("writer");
    let mut out = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut sent = false;
    loop {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(chunk) => out.extend(chunk),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if !sent && String::from_utf8_lossy(&out).contains(wait_for) {
            match then {
                Then::Type(keys) => {
                    writer.write_all(keys).expect("keys");
                    writer.flush().expect("flush");
                }
                Then::Signal(sig) => {
                    let pid = child.process_id().expect("pid");
                    let ok = std::process::Command::new("kill")
                        .arg(format!("-{sig}"))
                        .arg(pid.to_string())
                        .status()
                        .expect("kill")
                        .success();
                    assert!(ok, "kill -{sig} {pid}");
                }
            }
            sent = true;
        }
        if let Ok(Some(_)) = child.try_wait() {
            // Collect what is still buffered.
            while let Ok(chunk) = rx.recv_timeout(Duration::from_millis(200)) {
                out.extend(chunk);
            }
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "errtui did not finish; output so far:\n{}",
                String::from_utf8_lossy(&out)
            );
        }
    }
    let status = child.wait().expect("wait");
    Run {
        output: String::from_utf8_lossy(&out).into_owned(),
        success: status.success(),
    }
}

#[test]
fn quits_on_q_and_restores_the_terminal() {
    let r = run_in_pty(&[], Then::Type(b"q"), "DEMO-");
    assert!(r.success, "{}", r.output);
    assert!(
        r.output.contains("\u{1b}[?1049h"),
        "entered the alternate screen"
    );
    let after_draw = &r.output[r.output.find("DEMO-").expect("drew the list")..];
    assert!(
        after_draw.contains("\u{1b}[?1049l"),
        "left the alternate screen"
    );
    assert!(
        after_draw.contains("\u{1b}[?25h"),
        "showed the cursor again"
    );
}

#[test]
fn restores_the_terminal_on_panic() {
    let r = run_in_pty(&[("ERRTUI_TEST_PANIC", "1")], Then::Type(b""), "\u{0}never");
    assert!(!r.success);
    let entered = r
        .output
        .find("\u{1b}[?1049h")
        .expect("entered the alternate screen");
    let after = &r.output[entered..];
    assert!(
        after.contains("\u{1b}[?1049l") && after.contains("\u{1b}[?25h"),
        "{:?}",
        r.output
    );
    assert!(
        r.output.contains("panicking on purpose"),
        "the panic message is visible after restore"
    );
}

#[test]
fn every_stop_signal_restores_the_terminal_as_q_does() {
    for sig in ["TERM", "HUP", "INT", "QUIT"] {
        let r = run_in_pty(&[], Then::Signal(sig), "DEMO-");
        let after_draw = &r.output[r.output.find("DEMO-").expect("drew the list")..];
        assert!(
            after_draw.contains("\u{1b}[?1049l"),
            "SIG{sig}: left the alternate screen: {:?}",
            r.output
        );
        assert!(
            after_draw.contains("\u{1b}[?25h"),
            "SIG{sig}: showed the cursor again"
        );
        assert!(
            !after_draw.contains("panicked"),
            "SIG{sig}: no panic: {after_draw:?}"
        );
    }
}

/// The colour numbers a screen's escapes set (`ESC [ 38;5;N m`, `48;5;N`, or `3x`/`4x`/`9x`/`10x`).
fn colours(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("\u{1b}[") {
        rest = &rest[i + 2..];
        let params: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ';')
            .collect();
        if !rest[params.len()..].starts_with('m') {
            continue;
        }
        let ps: Vec<u32> = params.split(';').filter_map(|p| p.parse().ok()).collect();
        let mut k = 0;
        while k < ps.len() {
            match ps[k] {
                38 | 48 if ps.get(k + 1) == Some(&5) => {
                    out.extend(ps.get(k + 2));
                    k += 3;
                }
                38 | 48 if ps.get(k + 1) == Some(&2) => {
                    out.push(1000);
                    k += 5;
                }
                n @ (30..=37 | 40..=47) => {
                    out.push(n % 10);
                    k += 1;
                }
                n @ (90..=97 | 100..=107) => {
                    out.push(n % 10 + 8);
                    k += 1;
                }
                _ => k += 1,
            }
        }
    }
    out
}

#[test]
fn no_color_draws_with_attributes_only_and_the_theme_uses_sixteen_colours() {
    let plain = run_in_pty(&[("NO_COLOR", "1")], Then::Type(b"q"), "DEMO-");
    assert!(plain.success);
    assert!(plain.output.contains("DEMO-"));
    assert_eq!(
        colours(&plain.output),
        Vec::<u32>::new(),
        "NO_COLOR drew colours"
    );
    let coloured = colours(&run_in_pty(&[], Then::Type(b"q"), "DEMO-").output);
    assert!(!coloured.is_empty(), "colours without NO_COLOR");
    // Only the terminal's 16 colours, which its theme keeps readable on its background.
    assert!(coloured.iter().all(|&c| c < 16), "{coloured:?}");
}
