//! `beid watch`: reader and card events, and a read of every Belgian card inserted.
//!
//! Text: one line per event. `--json`: one JSON object per line (`event` is one of
//! `reader_added`, `reader_removed`, `card_inserted`, `card_read`, `read_failed`,
//! `card_removed`, `service_unavailable`). A card pulled while it is being read gives
//! `read_failed` and then `card_removed`, never a hang. Runs until SIGINT / SIGTERM, or until
//! `--events N` events were printed, or `--timeout SECONDS` passed.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::source::SourceKind;
use crate::{Exit, Failure, Global, Result, WatchArgs, json};

struct Printer<'a> {
    g: &'a Global,
    printed: u64,
    limit: Option<u64>,
}

impl Printer<'_> {
    /// Print one event; true when the event limit is reached.
    fn emit(&mut self, v: Value, text: String) -> bool {
        if self.g.json {
            out!("{v}");
        } else {
            out!("{text}");
        }
        let _ = std::io::stdout().flush();
        self.printed += 1;
        self.limit.is_some_and(|l| self.printed >= l)
    }

    /// Read the card just inserted in `reader` through `transport` and print the outcome.
    fn read(
        &mut self,
        reader: &str,
        transport: std::result::Result<Box<dyn beid::transport::Transport + Send>, beid::Error>,
        kind: &SourceKind,
    ) -> bool {
        let read = transport.and_then(|t| beid::BeidCard::open(t)?.read_all());
        match read {
            Ok(contents) => {
                let id = contents.identity();
                let mut card = json::contents(&contents, self.g.show_national_number);
                if let Some(o) = card.as_object_mut() {
                    o.insert("source".into(), kind.json());
                }
                let text = format!(
                    "card read    {reader}: {} {} ({}), card {}",
                    id.given_names(),
                    id.surname(),
                    contents.generation(),
                    id.card_number().map(|n| n.formatted()).unwrap_or_default(),
                );
                self.emit(
                    json!({ "event": "card_read", "reader": reader, "card": card }),
                    text,
                )
            }
            Err(e) => self.emit(
                json!({ "event": "read_failed", "reader": reader, "error": e.to_string() }),
                format!("read failed  {reader}: {e}"),
            ),
        }
    }
}

pub(crate) fn watch(g: &Global, args: &WatchArgs) -> Result<Exit> {
    let mut p = Printer {
        g,
        printed: 0,
        limit: args.events,
    };
    if g.sim.is_some() || g.sim_from.is_some() {
        // The simulator: one insertion and its read, to try the output format.
        let source = crate::source::open(g, false)?;
        let reader = "embedded simulator";
        if p.emit(
            json!({ "event": "card_inserted", "reader": reader, "atr": json::hex(source.transport.atr().unwrap_or_default()), "belgian": true }),
            format!("inserted     {reader}"),
        ) {
            return Ok(Exit::Ok);
        }
        p.read(reader, Ok(source.transport), &source.kind);
        return Ok(Exit::Ok);
    }
    watch_pcsc(&mut p, args)
}

#[cfg(not(feature = "pcsc"))]
fn watch_pcsc(_: &mut Printer<'_>, _: &WatchArgs) -> Result<Exit> {
    Err(Failure::new(
        Exit::NoCard,
        "this beid was built without PC/SC (feature `pcsc`); use --sim",
    ))
}

#[cfg(feature = "pcsc")]
fn watch_pcsc(p: &mut Printer<'_>, args: &WatchArgs) -> Result<Exit> {
    use beid::transport::pcsc::{PcscTransport, WatchEvent, Watcher};

    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Failure::new(Exit::Card, format!("signal handler: {e}")))?;
    }
    let deadline = args
        .timeout
        .map(|s| Instant::now() + Duration::from_secs_f64(s.max(0.0)));
    let tick = Duration::from_millis(250);
    let mut watcher: Option<Watcher> = None;
    let mut said_unavailable = false;
    while !stop.load(Ordering::Relaxed) && deadline.is_none_or(|d| Instant::now() < d) {
        let w = match &mut watcher {
            Some(w) => w,
            None => match Watcher::new() {
                Ok(w) => {
                    said_unavailable = false;
                    watcher.insert(w)
                }
                Err(e) => {
                    if !said_unavailable {
                        said_unavailable = true;
                        if p.emit(
                            json!({ "event": "service_unavailable", "error": e.to_string() }),
                            format!("PC/SC        unavailable ({e}); retrying every second"),
                        ) {
                            return Ok(Exit::Ok);
                        }
                    }
                    std::thread::sleep(Duration::from_secs(1));
                    continue;
                }
            },
        };
        let event = match w.next_event(Some(tick)) {
            Ok(Some(e)) => e,
            Ok(None) => continue,
            Err(e) => {
                // The service went away (pcscd restarted): start over; readers come back as
                // `reader_added`.
                watcher = None;
                if p.emit(
                    json!({ "event": "service_unavailable", "error": e.to_string() }),
                    format!("PC/SC        lost ({e}); reconnecting"),
                ) {
                    return Ok(Exit::Ok);
                }
                said_unavailable = true;
                continue;
            }
        };
        let done = match &event {
            WatchEvent::ReaderAdded { reader } => p.emit(
                json!({ "event": "reader_added", "reader": reader }),
                format!("reader added {reader}"),
            ),
            WatchEvent::ReaderRemoved { reader } => p.emit(
                json!({ "event": "reader_removed", "reader": reader }),
                format!("reader gone  {reader}"),
            ),
            WatchEvent::CardInserted {
                reader,
                atr,
                belgian,
            } => {
                let done = p.emit(
                    json!({ "event": "card_inserted", "reader": reader, "atr": json::hex(atr), "belgian": belgian }),
                    format!(
                        "inserted     {reader}: ATR {}{}",
                        json::hex(atr),
                        if *belgian { " (Belgian eID)" } else { " (not a Belgian eID)" }
                    ),
                );
                if done {
                    true
                } else if *belgian {
                    let t = PcscTransport::connect(reader)
                        .map(|t| Box::new(t) as Box<dyn beid::transport::Transport + Send>)
                        .map_err(beid::Error::from);
                    p.read(reader, t, &SourceKind::Reader(reader.clone()))
                } else {
                    false
                }
            }
            WatchEvent::CardRemoved { reader } => p.emit(
                json!({ "event": "card_removed", "reader": reader }),
                format!("removed      {reader}"),
            ),
            _ => false,
        };
        if done {
            break;
        }
    }
    Ok(Exit::Ok)
}
