//! PC/SC transport (cargo feature `pcsc`), on the `pcsc` crate.
//!
//! Belgian eID cards speak T=0 only (spec §1.1), so the card is connected with
//! `SCARD_PROTOCOL_T0`, shared mode. PC/SC transactions are RAII objects in the `pcsc` crate;
//! to offer the begin/end calls of [`Transport`] with the safe `pcsc` API only, the connection lives on a
//! small worker thread that holds the transaction on its stack between
//! [`Transport::begin_transaction`] and [`Transport::end_transaction`]. The cost (a channel
//! round trip, about a microsecond) is negligible next to a card's milliseconds.
//!
//! Dropping a [`PcscTransport`] disconnects with `SCARD_LEAVE_CARD`, so other applications'
//! sessions are not reset (a known pitfall of `pcsc::Card`'s own `Drop`, which resets).
//!
//! [`Watcher`] reports reader and card events (insertion, removal, readers plugged in later).

use std::ffi::CString;
use std::sync::mpsc;
use std::thread;

use zeroize::{Zeroize, Zeroizing};

mod features;
mod watch;
pub use features::{Feature, ReaderFeatures};
pub use watch::{WatchCanceller, WatchEvent, Watcher};

use super::{PinPad, Transport, TransportResult};
use crate::apdu::pin_pad::{PinModifyStructure, PinVerifyStructure};
use crate::error::{TransportError, TransportFailure};

type Result<T> = TransportResult<T>;

/// A reader and what is in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderInfo {
    /// The reader name as PC/SC reports it.
    pub name: String,
    /// A card is present.
    pub card_present: bool,
    /// The card's ATR (empty without a card).
    pub atr: Vec<u8>,
}

impl ReaderInfo {
    /// True when the ATR is one of the Belgian eID ATRs, with the masks middleware uses
    /// (spec §1.1, §1.2). The card itself is only recognised for sure by selecting the applet.
    pub fn looks_like_beid(&self) -> bool {
        is_beid_atr(&self.atr)
    }
}

/// ATR recognition with the Windows registration masks (spec §1.2); see [`crate::vocab::is_beid_atr`].
pub use crate::vocab::is_beid_atr;

/// Map a PC/SC error to the crate's error (removed and reset cards get their own variants).
pub fn map_error(e: pcsc::Error) -> TransportError {
    use pcsc::Error as P;
    match e {
        P::RemovedCard | P::NoSmartcard | P::UnpoweredCard | P::UnresponsiveCard => {
            TransportError::CardRemoved
        }
        P::ResetCard => TransportError::CardReset,
        P::NoReadersAvailable => TransportError::NoReader,
        P::SharingViolation => TransportError::SharingViolation,
        P::NoService | P::ServiceStopped => {
            TransportError::failure(TransportFailure::ServiceUnavailable, e)
        }
        P::ReaderUnavailable | P::UnknownReader => {
            TransportError::failure(TransportFailure::ReaderUnavailable, e)
        }
        P::ProtoMismatch | P::UnsupportedCard => {
            TransportError::failure(TransportFailure::Protocol, e)
        }
        P::InsufficientBuffer => TransportError::failure(TransportFailure::BufferTooSmall, e),
        P::NotTransacted => TransportError::failure(TransportFailure::Transaction, e),
        other => TransportError::failure(TransportFailure::Other, other),
    }
}

/// List the readers and their cards (no card is connected).
pub fn readers() -> Result<Vec<ReaderInfo>> {
    let ctx = pcsc::Context::establish(pcsc::Scope::User).map_err(map_error)?;
    let names = match ctx.list_readers_owned() {
        Ok(n) => n,
        Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
        Err(e) => return Err(map_error(e)),
    };
    let mut states: Vec<pcsc::ReaderState> = names
        .iter()
        .map(|n| pcsc::ReaderState::new(n.clone(), pcsc::State::UNAWARE))
        .collect();
    if !states.is_empty() {
        ctx.get_status_change(std::time::Duration::from_millis(0), &mut states)
            .map_err(map_error)?;
    }
    Ok(states
        .iter()
        .map(|s| {
            let present = s.event_state().contains(pcsc::State::PRESENT);
            ReaderInfo {
                name: s.name().to_string_lossy().into_owned(),
                card_present: present,
                atr: if present {
                    s.atr().to_vec()
                } else {
                    Vec::new()
                },
            }
        })
        .collect())
}

enum Request {
    /// The command bytes, wiped when dropped (a VERIFY carries the PIN block).
    Transmit(Zeroizing<Vec<u8>>),
    /// SCardControl: the control code and the input (a PIN-pad structure).
    Control(u32, Vec<u8>),
    Begin,
    End,
    Reset,
}

type Reply = Result<(Vec<u8>, Option<Vec<u8>>)>;

/// A card in a PC/SC reader, connected with T=0 in shared mode.
pub struct PcscTransport {
    reader: String,
    atr: Vec<u8>,
    features: ReaderFeatures,
    requests: mpsc::Sender<Request>,
    replies: mpsc::Receiver<Reply>,
    worker: Option<thread::JoinHandle<()>>,
}

impl core::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PcscTransport")
            .field("reader", &self.reader)
            .finish_non_exhaustive()
    }
}

impl PcscTransport {
    /// Connect to the card in the reader named `reader`.
    pub fn connect(reader: &str) -> Result<Self> {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).map_err(map_error)?;
        let name = CString::new(reader)
            .map_err(|e| TransportError::failure(TransportFailure::ReaderUnavailable, e))?;
        let card = match ctx.connect(&name, pcsc::ShareMode::Shared, pcsc::Protocols::T0) {
            Ok(card) => card,
            // A card pulled while connecting can surface as a protocol error: say removed.
            Err(e @ (pcsc::Error::ProtoMismatch | pcsc::Error::UnsupportedCard)) => {
                let gone = (0..4).any(|_| {
                    let gone = readers()
                        .map(|all| all.iter().any(|r| r.name == reader && !r.card_present))
                        .unwrap_or(false);
                    if !gone {
                        thread::sleep(std::time::Duration::from_millis(50));
                    }
                    gone
                });
                return Err(if gone {
                    TransportError::CardRemoved
                } else {
                    map_error(e)
                });
            }
            Err(e) => return Err(map_error(e)),
        };
        let atr = card_atr(&card)?;
        let features = reader_features(&card, reader);
        let (req_tx, req_rx) = mpsc::channel();
        let (rep_tx, rep_rx) = mpsc::channel();
        let worker = thread::Builder::new()
            .name("beid-pcsc".into())
            .spawn(move || worker(card, req_rx, rep_tx))
            .map_err(|e| TransportError::failure(TransportFailure::Io, e))?;
        Ok(PcscTransport {
            reader: reader.to_owned(),
            atr,
            features,
            requests: req_tx,
            replies: rep_rx,
            worker: Some(worker),
        })
    }

    /// Connect to the first reader holding a card with a Belgian eID ATR. [`TransportError::NoReader`]
    /// when there is no reader, [`TransportError::NoCard`] when no reader holds such a card.
    pub fn connect_first() -> Result<Self> {
        let all = readers()?;
        if all.is_empty() {
            return Err(TransportError::NoReader);
        }
        let reader = all
            .iter()
            .find(|r| r.card_present && r.looks_like_beid())
            .ok_or(TransportError::NoCard)?;
        Self::connect(&reader.name)
    }

    /// The reader's name.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The PC/SC part 10 features the reader announced (empty for most readers).
    pub fn features(&self) -> &ReaderFeatures {
        &self.features
    }

    fn has_pin_pad(&self) -> bool {
        self.features
            .control_code(Feature::VerifyPinDirect)
            .is_some()
            || self
                .features
                .control_code(Feature::ModifyPinDirect)
                .is_some()
    }

    fn control(&mut self, feature: Feature, input: &[u8], response: &mut Vec<u8>) -> Result<()> {
        response.clear();
        let code = self
            .features
            .control_code(feature)
            .ok_or(TransportError::bare(TransportFailure::ReaderUnavailable))?;
        let data = self.call(Request::Control(code, input.to_vec()))?;
        response.extend_from_slice(&data);
        Ok(())
    }

    fn call(&mut self, req: Request) -> Result<Vec<u8>> {
        let gone = || TransportError::failure(TransportFailure::Io, WorkerGone);
        self.requests.send(req).map_err(|_| gone())?;
        let (data, atr) = self.replies.recv().map_err(|_| gone())??;
        if let Some(atr) = atr {
            self.atr = atr;
        }
        Ok(data)
    }
}

/// The PC/SC worker thread ended unexpectedly.
#[derive(Debug, thiserror::Error)]
#[error("PC/SC worker thread ended")]
struct WorkerGone;

impl Drop for PcscTransport {
    fn drop(&mut self) {
        // Closing the request channel makes the worker disconnect (LEAVE_CARD) and exit.
        let (dead, _) = mpsc::channel();
        self.requests = dead;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

fn card_atr(card: &pcsc::Card) -> Result<Vec<u8>> {
    card.status2_owned()
        .map(|s| s.atr().to_vec())
        .map_err(map_error)
}

fn transmit(card: &pcsc::Card, cmd: &[u8]) -> Result<Vec<u8>> {
    let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
    let r = card
        .transmit(cmd, &mut buf)
        .map(<[u8]>::to_vec)
        .map_err(map_error);
    // The stack buffer may hold response data; never leave it behind.
    buf.zeroize();
    match r {
        // After a card is pulled, some drivers report other errors first (pcsc-lite with vpcd:
        // "not transacted"); a card that is no longer present is `CardRemoved`.
        Err(e) => Err(classify(card, e)),
        // Some reader drivers (vpcd among them) answer a card that has just gone away with an
        // empty response instead of an error; ask PC/SC whether the card is still there so the
        // caller sees `CardRemoved`, not a protocol violation.
        // The driver may take a moment to notice: ask for up to 250 ms. A reader that keeps
        // answering nothing to a present card is a transport failure (never a valid R-APDU).
        Ok(data) if data.len() < 2 => {
            for _ in 0..5 {
                match card.status2_owned() {
                    Err(e) => return Err(map_error(e)),
                    Ok(s) if !s.status().contains(pcsc::Status::PRESENT) => {
                        return Err(TransportError::CardRemoved);
                    }
                    Ok(_) => thread::sleep(std::time::Duration::from_millis(50)),
                }
            }
            Err(TransportError::failure(
                TransportFailure::Protocol,
                EmptyResponse(data.len()),
            ))
        }
        other => other,
    }
}

/// The reader returned fewer than the two status bytes every R-APDU ends with.
#[derive(Debug, thiserror::Error)]
#[error("the reader returned {0} bytes, no status word")]
struct EmptyResponse(usize);

/// An error seen while talking to `card`: `CardRemoved` when the card is no longer present
/// (drivers report a pulled card in several ways: pcsc-lite with vpcd says "not transacted" or
/// "protocol mismatch" before "removed"), the error itself otherwise.
fn classify(card: &pcsc::Card, e: TransportError) -> TransportError {
    if matches!(e, TransportError::CardRemoved | TransportError::CardReset) {
        return e;
    }
    // The service may need a moment to notice the removal: look for up to 200 ms (only on
    // this error path).
    for _ in 0..4 {
        match card.status2_owned() {
            Err(pcsc::Error::RemovedCard) | Err(pcsc::Error::NoSmartcard) => {
                return TransportError::CardRemoved;
            }
            Ok(s) if !s.status().contains(pcsc::Status::PRESENT) => {
                return TransportError::CardRemoved;
            }
            Err(_) => return e,
            Ok(_) => thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
    e
}

/// The reader's features (spec §13.5), asked once at connect. A reader that does not answer
/// the request has none. Open question (spec §13.5): eid-mw does not use "GemPC Pinpad"
/// readers as PIN pads (they have sent a VERIFY with an empty buffer and blocked cards), so
/// neither do we: their keyboard PIN path keeps working. Readers that offer PIN entry only
/// through the PPDU route (`FF C2 01 …`) are treated as readers without a PIN pad.
fn reader_features(card: &pcsc::Card, reader: &str) -> ReaderFeatures {
    if reader.contains("GemPC Pinpad") {
        return ReaderFeatures::default();
    }
    let mut buf = [0u8; 256];
    let code = pcsc::ctl_code(features::GET_FEATURE_REQUEST.into());
    match card.control(code, &[], &mut buf) {
        Ok(answer) => ReaderFeatures::parse(answer),
        Err(_) => ReaderFeatures::default(),
    }
}

/// SCardControl with a PIN-pad structure; the answer is the card's R-APDU or the reader's
/// status. Blocks while the holder types (up to the structure's timeout).
fn control(card: &pcsc::Card, code: u32, input: &[u8]) -> Result<Vec<u8>> {
    let mut buf = [0u8; 258];
    let r = card
        .control(code.into(), input, &mut buf)
        .map(<[u8]>::to_vec)
        .map_err(map_error)
        .map_err(|e| classify(card, e));
    buf.zeroize();
    r
}

fn reconnect(card: &mut pcsc::Card) -> Result<Vec<u8>> {
    card.reconnect(
        pcsc::ShareMode::Shared,
        pcsc::Protocols::T0,
        pcsc::Disposition::ResetCard,
    )
    .map_err(map_error)
    .map_err(|e| classify(card, e))?;
    card_atr(card)
}

fn worker(mut card: pcsc::Card, requests: mpsc::Receiver<Request>, replies: mpsc::Sender<Reply>) {
    while let Ok(req) = requests.recv() {
        let reply = match req {
            Request::Transmit(cmd) => transmit(&card, &cmd).map(|d| (d, None)),
            Request::Control(code, input) => control(&card, code, &input).map(|d| (d, None)),
            Request::End => Ok((Vec::new(), None)),
            Request::Reset => reconnect(&mut card).map(|atr| (Vec::new(), Some(atr))),
            Request::Begin => match card.transaction2() {
                Err((card, e)) => Err(classify(card, map_error(e))),
                Ok(mut tx) => {
                    if replies.send(Ok((Vec::new(), None))).is_err() {
                        return;
                    }
                    // Inside the transaction until End (or the owner goes away).
                    let mut owner_gone = false;
                    loop {
                        let Ok(req) = requests.recv() else {
                            owner_gone = true;
                            break;
                        };
                        let reply = match req {
                            Request::Transmit(cmd) => transmit(&tx, &cmd).map(|d| (d, None)),
                            Request::Control(code, input) => {
                                control(&tx, code, &input).map(|d| (d, None))
                            }
                            Request::Begin => Err(TransportError::failure(
                                TransportFailure::Transaction,
                                NestedTransaction,
                            )),
                            Request::Reset => tx
                                .reconnect(
                                    pcsc::ShareMode::Shared,
                                    pcsc::Protocols::T0,
                                    pcsc::Disposition::ResetCard,
                                )
                                .map_err(map_error)
                                .map_err(|e| classify(&tx, e))
                                .and_then(|()| card_atr(&tx))
                                .map(|atr| (Vec::new(), Some(atr))),
                            Request::End => break,
                        };
                        if replies.send(reply).is_err() {
                            owner_gone = true;
                            break;
                        }
                    }
                    let ended = tx.end(pcsc::Disposition::LeaveCard);
                    if owner_gone {
                        break;
                    }
                    match ended {
                        Ok(()) => Ok((Vec::new(), None)),
                        Err((tx, e)) => Err(classify(&tx, map_error(e))),
                    }
                }
            },
        };
        if replies.send(reply).is_err() {
            break;
        }
    }
    let _ = card.disconnect(pcsc::Disposition::LeaveCard);
}

/// Transactions do not nest.
#[derive(Debug, thiserror::Error)]
#[error("transactions do not nest")]
struct NestedTransaction;

impl Transport for PcscTransport {
    fn transmit(&mut self, command: &[u8], response: &mut Vec<u8>) -> TransportResult {
        response.clear();
        let data = self.call(Request::Transmit(Zeroizing::new(command.to_vec())))?;
        response.extend_from_slice(&data);
        Ok(())
    }

    fn atr(&self) -> Option<&[u8]> {
        Some(&self.atr)
    }

    fn begin_transaction(&mut self) -> TransportResult {
        self.call(Request::Begin).map(drop)
    }

    fn end_transaction(&mut self) -> TransportResult {
        self.call(Request::End).map(drop)
    }

    fn reset(&mut self) -> TransportResult {
        self.call(Request::Reset).map(drop)
    }

    /// The reader's PIN pad when it announced FEATURE_VERIFY_PIN_DIRECT or
    /// FEATURE_MODIFY_PIN_DIRECT (spec §13.5).
    fn pin_pad(&mut self) -> Option<&mut dyn PinPad> {
        if self.has_pin_pad() { Some(self) } else { None }
    }
}

/// Secure PIN entry through SCardControl (spec §13.5).
impl PinPad for PcscTransport {
    fn can_verify(&self) -> bool {
        self.features
            .control_code(Feature::VerifyPinDirect)
            .is_some()
    }

    fn can_modify(&self) -> bool {
        self.features
            .control_code(Feature::ModifyPinDirect)
            .is_some()
    }

    fn verify_pin(
        &mut self,
        structure: &PinVerifyStructure,
        response: &mut Vec<u8>,
    ) -> TransportResult {
        self.control(Feature::VerifyPinDirect, structure.as_bytes(), response)
    }

    fn modify_pin(
        &mut self,
        structure: &PinModifyStructure,
        response: &mut Vec<u8>,
    ) -> TransportResult {
        self.control(Feature::ModifyPinDirect, structure.as_bytes(), response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atr_masks() {
        assert!(is_beid_atr(&crate::vocab::ATR_APPLET_18));
        assert!(is_beid_atr(&crate::vocab::ATR_APPLET_17));
        assert!(is_beid_atr(&[
            0x3B, 0x98, 0x94, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x10
        ]));
        assert!(!is_beid_atr(&[0x3B, 0x8F, 0x80, 0x01]));
    }
}
