//! Card and reader events over PC/SC status change (`SCardGetStatusChange`).
//!
//! A [`Watcher`] follows every reader of the PC/SC service, including readers plugged in later
//! (through PC/SC's plug-and-play pseudo-reader `\\?PnP?\Notification`), and reports
//! [`WatchEvent`]s: a reader appeared or went away, a card was inserted (with its ATR and
//! whether that ATR is a Belgian eID's, spec §1.1–§1.2) or removed. Readers and cards present
//! when the watcher starts are reported first, as if they had just arrived, so a caller handles
//! "already inserted" and "inserted later" the same way.
//!
//! The watcher never connects to a card: reading an inserted card is the caller's job (connect
//! with [`super::PcscTransport::connect`]). A card pulled while the caller reads it makes that
//! read fail with [`TransportError::CardRemoved`](crate::error::TransportError::CardRemoved) and the watcher then reports
//! [`WatchEvent::CardRemoved`]; neither blocks (PC/SC answers a removed card at once).
//!
//! [`Watcher::next_event`] waits at most the given time; a [`WatchCanceller`] from another
//! thread makes a waiting call return `Ok(None)` at once.

use std::collections::VecDeque;
use std::ffi::CString;
use std::time::Duration;

use crate::transport::TransportResult;
use crate::vocab::is_beid_atr;

use super::map_error;

/// Something that happened to a reader or a card.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WatchEvent {
    /// A reader is available (at start, or plugged in later).
    ReaderAdded {
        /// The reader's name.
        reader: String,
    },
    /// A reader went away (unplugged). A card in it is reported removed first.
    ReaderRemoved {
        /// The reader's name.
        reader: String,
    },
    /// A card is in the reader (at start, or inserted later).
    CardInserted {
        /// The reader's name.
        reader: String,
        /// The card's ATR.
        atr: Vec<u8>,
        /// The ATR is a Belgian eID's (spec §1.2 masks); only selecting the applet proves it.
        belgian: bool,
    },
    /// The card left the reader.
    CardRemoved {
        /// The reader's name.
        reader: String,
    },
}

/// Cancels a [`Watcher::next_event`] that is waiting, from any thread.
#[derive(Clone)]
pub struct WatchCanceller {
    ctx: pcsc::Context,
}

impl core::fmt::Debug for WatchCanceller {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("WatchCanceller")
    }
}

impl WatchCanceller {
    /// Make the waiting (or the next) [`Watcher::next_event`] return `Ok(None)`.
    pub fn cancel(&self) -> TransportResult {
        self.ctx.cancel().map_err(map_error)
    }
}

struct Tracked {
    state: pcsc::ReaderState,
    /// A card was reported inserted and not yet removed.
    card: bool,
    /// PC/SC's card event counter (insertions + removals) when `card` was last set.
    count: u32,
}

/// Follows the readers and cards of the PC/SC service (see the module documentation of `beid::transport::pcsc`).
pub struct Watcher {
    ctx: pcsc::Context,
    /// Readers being followed (never the PnP pseudo-reader).
    readers: Vec<Tracked>,
    /// The PnP pseudo-reader, when the service supports it.
    pnp: Option<pcsc::ReaderState>,
    pending: VecDeque<WatchEvent>,
}

impl core::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Watcher")
            .field("readers", &self.reader_names())
            .field("pending", &self.pending)
            .finish()
    }
}

fn name_of(state: &pcsc::ReaderState) -> String {
    state.name().to_string_lossy().into_owned()
}

impl Watcher {
    /// Connect to the PC/SC service and start following its readers.
    pub fn new() -> TransportResult<Watcher> {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).map_err(map_error)?;
        let mut pnp = Some(pcsc::ReaderState::new(
            pcsc::PNP_NOTIFICATION(),
            pcsc::State::UNAWARE,
        ));
        // Learn the PnP pseudo-reader's current state without waiting; a service without PnP
        // support marks it UNKNOWN, and then readers are re-listed on every timeout instead.
        if let Some(state) = pnp.as_mut() {
            match ctx.get_status_change(Duration::ZERO, std::slice::from_mut(state)) {
                Ok(()) | Err(pcsc::Error::Timeout) => {
                    if state.event_state().contains(pcsc::State::UNKNOWN) {
                        pnp = None;
                    } else {
                        state.sync_current_state();
                    }
                }
                Err(_) => pnp = None,
            }
        }
        let mut w = Watcher {
            ctx,
            readers: Vec::new(),
            pnp,
            pending: VecDeque::new(),
        };
        w.rescan()?;
        Ok(w)
    }

    /// A handle that cancels a waiting [`Watcher::next_event`] from another thread.
    pub fn canceller(&self) -> WatchCanceller {
        WatchCanceller {
            ctx: self.ctx.clone(),
        }
    }

    /// The readers being followed.
    pub fn reader_names(&self) -> Vec<String> {
        self.readers.iter().map(|r| name_of(&r.state)).collect()
    }

    /// Re-list the readers: new ones are followed (their present cards are reported by the
    /// next status change), vanished ones are reported removed.
    fn rescan(&mut self) -> TransportResult {
        let names: Vec<CString> = match self.ctx.list_readers_owned() {
            Ok(n) => n,
            Err(pcsc::Error::NoReadersAvailable) => Vec::new(),
            Err(e) => return Err(map_error(e)),
        };
        let mut i = 0;
        while let Some(t) = self.readers.get(i) {
            if names.iter().any(|n| n.as_c_str() == t.state.name()) {
                i += 1;
            } else {
                let t = self.readers.remove(i);
                self.report_gone(&t);
            }
        }
        for n in names {
            if self.readers.iter().all(|t| t.state.name() != n.as_c_str()) {
                self.pending.push_back(WatchEvent::ReaderAdded {
                    reader: n.to_string_lossy().into_owned(),
                });
                self.readers.push(Tracked {
                    state: pcsc::ReaderState::new(n, pcsc::State::UNAWARE),
                    card: false,
                    count: 0,
                });
            }
        }
        Ok(())
    }

    fn report_gone(&mut self, t: &Tracked) {
        let reader = name_of(&t.state);
        if t.card {
            self.pending.push_back(WatchEvent::CardRemoved {
                reader: reader.clone(),
            });
        }
        self.pending.push_back(WatchEvent::ReaderRemoved { reader });
    }

    /// The next event, waiting at most `timeout` (`None`: no limit). `Ok(None)` when the time
    /// is up or the wait was cancelled ([`WatchCanceller`]). A stopped PC/SC service is
    /// [`TransportError`](crate::error::TransportError) with [`crate::error::TransportFailure::ServiceUnavailable`]; the
    /// caller may create a new watcher when it is back.
    pub fn next_event(&mut self, timeout: Option<Duration>) -> TransportResult<Option<WatchEvent>> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                return Ok(Some(e));
            }
            // Readers with an unknown state first learn it without waiting (UNAWARE → the
            // current state); then wait for a change.
            let unaware = self
                .readers
                .iter()
                .any(|t| t.state.current_state() == pcsc::State::UNAWARE);
            let wait = if unaware {
                Some(Duration::ZERO)
            } else {
                timeout
            };
            let mut states: Vec<pcsc::ReaderState> = Vec::with_capacity(self.readers.len() + 1);
            // `ReaderState` is not `Clone`: move the states out and back in.
            for t in &mut self.readers {
                states.push(std::mem::replace(
                    &mut t.state,
                    pcsc::ReaderState::new(CString::default(), pcsc::State::IGNORE),
                ));
            }
            let pnp_index = states.len();
            if let Some(p) = self.pnp.take() {
                states.push(p);
            }
            if states.is_empty() {
                // No reader and no PnP support: poll the reader list.
                std::thread::sleep(
                    timeout
                        .unwrap_or(Duration::from_millis(500))
                        .min(Duration::from_millis(500)),
                );
                self.rescan()?;
                if self.pending.is_empty() && timeout.is_some() {
                    return Ok(None);
                }
                continue;
            }
            let result = self.ctx.get_status_change(wait, &mut states);
            let pnp = if states.len() > pnp_index {
                states.pop()
            } else {
                None
            };
            for (t, s) in self.readers.iter_mut().zip(states) {
                t.state = s;
            }
            self.pnp = pnp;
            match result {
                Ok(()) => {}
                Err(pcsc::Error::Timeout) if unaware => {}
                Err(pcsc::Error::Timeout) => {
                    if self.pnp.is_none() {
                        self.rescan()?;
                        if let Some(e) = self.pending.pop_front() {
                            return Ok(Some(e));
                        }
                    }
                    return Ok(None);
                }
                Err(pcsc::Error::Cancelled) => return Ok(None),
                // A reader vanished between listing and waiting.
                Err(pcsc::Error::UnknownReader) | Err(pcsc::Error::ReaderUnavailable) => {
                    self.rescan()?;
                    continue;
                }
                Err(e) => return Err(map_error(e)),
            }
            self.collect();
        }
    }

    /// Turn the states PC/SC returned into events.
    fn collect(&mut self) {
        let mut rescan = false;
        if let Some(p) = self.pnp.as_mut() {
            if p.event_state().contains(pcsc::State::CHANGED) {
                p.sync_current_state();
                rescan = true;
            }
        }
        let mut i = 0;
        while let Some(t) = self.readers.get_mut(i) {
            let ev = t.state.event_state();
            let changed = ev.contains(pcsc::State::CHANGED)
                || t.state.current_state() == pcsc::State::UNAWARE;
            if ev.intersects(pcsc::State::UNKNOWN | pcsc::State::UNAVAILABLE) {
                let t = self.readers.remove(i);
                self.report_gone(&t);
                continue;
            }
            if changed {
                let present = ev.contains(pcsc::State::PRESENT);
                let count = t.state.event_count();
                let reader = name_of(&t.state);
                if t.card && !present {
                    t.card = false;
                    t.count = count;
                    self.pending.push_back(WatchEvent::CardRemoved { reader });
                } else if present && (!t.card || count.wrapping_sub(t.count) >= 2) {
                    if t.card {
                        // Removed and re-inserted between two calls (the counter moved by a
                        // removal and an insertion; other changes, such as another
                        // application connecting, do not move it).
                        self.pending.push_back(WatchEvent::CardRemoved {
                            reader: reader.clone(),
                        });
                    }
                    t.card = true;
                    t.count = count;
                    let atr = t.state.atr().to_vec();
                    self.pending.push_back(WatchEvent::CardInserted {
                        reader,
                        belgian: is_beid_atr(&atr),
                        atr,
                    });
                }
                t.state.sync_current_state();
            }
            i += 1;
        }
        if rescan {
            // Errors here surface on the next call's own listing.
            let _ = self.rescan();
        }
    }
}
