//! `errtui watch`: polls the list and prints each error that is new, regressed, escalating or
//! spiking, once, as a line or an NDJSON object, until interrupted. For scripts, chat bots and
//! pagers.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use super::{Failure, Global, backend_from, list_all, print};
use crate::model::{ErrorSummary, ListQuery, parse_minutes};
use crate::text::sanitize;

/// Why an error is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    New,
    Regressed,
    Escalating,
    Spike,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::New => "new",
            Signal::Regressed => "regressed",
            Signal::Escalating => "escalating",
            Signal::Spike => "spike",
        }
    }
}

pub use crate::app::watching::spiking;

/// What changed between two polls: errors not seen before, and the server's own signals
/// (substatus) that were not there before, and spikes that began.
pub fn signals(
    before: &HashMap<String, ErrorSummary>,
    now: &[ErrorSummary],
) -> Vec<(Signal, ErrorSummary)> {
    let mut out = Vec::new();
    for e in now {
        let was = before.get(&e.id);
        let sub = e.triage.substatus.as_deref();
        let was_sub = was.and_then(|w| w.triage.substatus.as_deref());
        let signal = if was.is_none() {
            Some(match sub {
                Some("regressed") => Signal::Regressed,
                Some("escalating") => Signal::Escalating,
                _ => Signal::New,
            })
        } else if sub == Some("regressed") && was_sub != Some("regressed") {
            Some(Signal::Regressed)
        } else if sub == Some("escalating") && was_sub != Some("escalating") {
            Some(Signal::Escalating)
        } else if spiking(&e.stats_24h) && !was.is_some_and(|w| spiking(&w.stats_24h)) {
            Some(Signal::Spike)
        } else {
            None
        };
        if let Some(s) = signal {
            out.push((s, e.clone()));
        }
    }
    out
}

pub async fn watch(
    g: &Global,
    query: Option<String>,
    interval: &str,
    limit: usize,
    json: bool,
) -> Result<(), Failure> {
    let minutes_or_secs = interval.trim();
    let every = parse_interval(minutes_or_secs).map_err(Failure::Usage)?;
    let b = backend_from(g)?;
    let q = ListQuery {
        text: query.unwrap_or_default(),
        ..ListQuery::default()
    };
    let mut seen: HashMap<String, ErrorSummary> = HashMap::new();
    let mut told: HashSet<(String, Signal)> = HashSet::new();
    let mut first = true;
    let mut failures = 0u32;
    loop {
        match list_all(b.as_ref(), &q, limit).await {
            Ok(items) => {
                failures = 0;
                if !first {
                    for (signal, e) in signals(&seen, &items) {
                        if told.insert((e.id.clone(), signal)) {
                            print(&line(signal, &e, json)?)?;
                        }
                    }
                }
                first = false;
                seen = items.into_iter().map(|e| (e.id.clone(), e)).collect();
            }
            Err(e) => {
                failures += 1;
                eprintln!("errtui: {e} (trying again)");
            }
        }
        // Back off after errors: twice the pause per failure, at most ten minutes.
        let pause = every * 2u32.saturating_pow(failures.min(5));
        tokio::select! {
            _ = tokio::time::sleep(pause.min(Duration::from_secs(600))) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// `30s`, `2m`, `1h`, or bare seconds.
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    if let Some(secs) = s.strip_suffix('s') {
        return secs
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Duration::from_secs)
            .ok_or_else(|| format!("`{s}` is not an interval: write 30s, 2m or 1h"));
    }
    if let Ok(n) = s.parse::<u64>() {
        return if n > 0 {
            Ok(Duration::from_secs(n))
        } else {
            Err("the interval must be longer than zero".into())
        };
    }
    parse_minutes(s).map(|m| Duration::from_secs(m * 60))
}

fn line(signal: Signal, e: &ErrorSummary, json: bool) -> Result<String, Failure> {
    if json {
        let mut v = serde_json::to_value(e).map_err(|x| Failure::Fail(x.to_string()))?;
        if let Some(o) = v.as_object_mut() {
            o.insert("event".into(), serde_json::json!(signal.as_str()));
        }
        let text = serde_json::to_string(&v).map_err(|x| Failure::Fail(x.to_string()))?;
        return Ok(crate::text::escape_c1(&text) + "\n");
    }
    Ok(format!(
        "{:<10} {} {} ({} events) {}\n",
        signal.as_str(),
        sanitize(&e.short_id),
        crate::text::truncate(&sanitize(&e.title), 80),
        e.count,
        e.url
            .as_deref()
            .and_then(crate::text::web_link)
            .unwrap_or_default()
    ))
}
