//! The channel layer shared by every transport: T=0 `61xx`/`6Cxx` handling with bounded loops,
//! APDU counting, and the privacy-preserving APDU observer (spec §1.4, §3.4, §10).

use zeroize::{Zeroize, Zeroizing};

use super::Transport;
use crate::apdu::pin_pad::{PinModifyStructure, PinPadResult, PinVerifyStructure};
use crate::apdu::{Command, ResponseRef};
use crate::error::{ArgumentError, CardError, Error, ProtocolViolation, Result};
use crate::vocab::{CommandKind, Status, StatusWord};

/// What to enter on a PIN pad ([`Channel::pin_pad_entry`]).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum PinPadEntry<'a> {
    /// Verify the PIN.
    Verify(&'a PinVerifyStructure),
    /// Change the PIN.
    Modify(&'a PinModifyStructure),
}

/// Bounds on the channel's automatic loops. The defaults are generous for a Belpic card (the
/// longest case-4 answer is a 256-byte RSA signature) and still stop a misbehaving card fast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelLimits {
    /// Maximum GET RESPONSE rounds for one command (`61xx` chains).
    pub max_get_response: u16,
    /// Maximum re-sends after `6Cxx` for one command.
    pub max_wrong_le: u16,
    /// Maximum assembled response length for one command, in bytes.
    pub max_response_len: usize,
}

impl Default for ChannelLimits {
    fn default() -> Self {
        ChannelLimits {
            max_get_response: 64,
            max_wrong_le: 2,
            max_response_len: 65_536,
        }
    }
}

/// One command/response pair as an observer sees it: PIN data masked (`FF`), and national-number
/// bytes replaced by `*` unless [`ObserverPrivacy::reveal_national_number`] is set.
#[derive(Clone, Copy, Debug)]
pub struct Exchange<'a> {
    /// The C-APDU as sent (masked).
    pub command: &'a [u8],
    /// The R-APDU as received, data then `SW1 SW2` (masked).
    pub response: &'a [u8],
    /// Number of this exchange since the channel was created (1-based).
    pub sequence: u64,
}

/// What an observer may see.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ObserverPrivacy {
    /// Show national-number bytes in responses (default: masked). PIN digits are always masked.
    pub reveal_national_number: bool,
}

type Observer = Box<dyn FnMut(&Exchange<'_>) + Send>;
/// Held-back observer events: masked command, raw response.
type Deferred = Vec<(Vec<u8>, Zeroizing<Vec<u8>>)>;

/// An APDU channel over a [`Transport`]: sends [`Command`]s, completes `61xx` answers with GET
/// RESPONSE and re-sends `6Cxx` answers with the exact Le, within [`ChannelLimits`].
///
/// The channel never retries a command on its own for any other reason, and never a VERIFY.
pub struct Channel<T> {
    transport: T,
    limits: ChannelLimits,
    observer: Option<Observer>,
    privacy: ObserverPrivacy,
    secrets: Vec<Zeroizing<Vec<u8>>>,
    deferred: Option<Deferred>,
    /// Every R-APDU passes through here: zeroized after each exchange and on drop.
    scratch: Zeroizing<Vec<u8>>,
    count: u64,
}

impl<T: Transport> Channel<T> {
    /// A channel with default limits and no observer.
    pub fn new(transport: T) -> Self {
        Channel {
            transport,
            limits: ChannelLimits::default(),
            observer: None,
            privacy: ObserverPrivacy::default(),
            secrets: Vec::new(),
            deferred: None,
            scratch: Zeroizing::new(Vec::with_capacity(258)),
            count: 0,
        }
    }

    /// Replace the loop limits.
    pub fn set_limits(&mut self, limits: ChannelLimits) {
        self.limits = limits;
    }

    /// Install an observer called after every exchange with masked bytes (see [`Exchange`]).
    pub fn set_observer(&mut self, observer: impl FnMut(&Exchange<'_>) + Send + 'static) {
        self.observer = Some(Box::new(observer));
    }

    /// Remove the observer.
    pub fn clear_observer(&mut self) {
        self.observer = None;
    }

    /// Choose what the observer may see.
    pub fn set_privacy(&mut self, privacy: ObserverPrivacy) {
        self.privacy = privacy;
    }

    /// The underlying transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The underlying transport, mutably (bypassing the channel: no T=0 handling, no observer).
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// Give the transport back.
    pub fn into_transport(self) -> T {
        self.transport
    }

    /// Number of APDUs exchanged so far (GET RESPONSE and re-sends included).
    pub fn apdu_count(&self) -> u64 {
        self.count
    }

    /// True when an observer is installed and national-number bytes must be masked for it.
    pub(crate) fn masks_secrets(&self) -> bool {
        self.observer.is_some() && !self.privacy.reveal_national_number
    }

    /// Remember a byte string that observers must not see (a national number). Kept zeroized.
    pub(crate) fn learn_secret(&mut self, secret: &[u8]) {
        if secret.is_empty() || self.secrets.iter().any(|s| s.as_slice() == secret) {
            return;
        }
        self.secrets.push(Zeroizing::new(secret.to_vec()));
    }

    /// Hold observer events back until [`Channel::flush_observer`], so that secrets spanning
    /// several responses (a national number cut by a chunk boundary) can be masked as a whole.
    pub(crate) fn defer_observer(&mut self) {
        if self.observer.is_some() && self.deferred.is_none() {
            self.deferred = Some(Vec::new());
        }
    }

    /// Emit the held-back events, masking every known secret across response boundaries.
    pub(crate) fn flush_observer(&mut self) {
        let Some(events) = self.deferred.take() else {
            return;
        };
        let Some(observer) = self.observer.as_mut() else {
            return;
        };
        let first_seq = self.count + 1 - events.len() as u64;
        // Concatenate the data parts, mask there, then cut back.
        let mut joined: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
        for (_, r) in &events {
            joined.extend_from_slice(r.get(..r.len().saturating_sub(2)).unwrap_or(&[]));
        }
        if !self.privacy.reveal_national_number {
            mask_secrets(&mut joined, &self.secrets);
        }
        let mut pos = 0usize;
        for (i, (c, r)) in events.iter().enumerate() {
            let data_len = r.len().saturating_sub(2);
            let mut resp: Zeroizing<Vec<u8>> =
                Zeroizing::new(joined.get(pos..pos + data_len).unwrap_or(&[]).to_vec());
            resp.extend_from_slice(r.get(data_len..).unwrap_or(&[]));
            pos += data_len;
            observer(&Exchange {
                command: c,
                response: &resp,
                sequence: first_seq + i as u64,
            });
        }
    }

    /// Zero the bytes the last exchange left in the scratch buffer and empty it. Only the used
    /// part is wiped: the spare capacity was wiped when it was last in use.
    fn wipe_scratch(&mut self) {
        self.scratch.as_mut_slice().zeroize();
        self.scratch.clear();
    }

    /// One raw exchange: transmit, count, observe. Appends response data to `out`.
    fn exchange(&mut self, cmd: &Command, out: &mut Vec<u8>) -> Result<StatusWord> {
        self.wipe_scratch();
        let sent = self.transport.transmit(cmd.as_bytes(), &mut self.scratch);
        self.count += 1;
        if let Err(e) = sent {
            self.wipe_scratch();
            return Err(e.into());
        }
        let resp = ResponseRef::parse(&self.scratch, cmd.kind())?;
        if let Some(le) = cmd.le() {
            if resp.data.len() > le as usize {
                let received = resp.data.len();
                self.notify(cmd);
                return Err(CardError::Protocol {
                    command: cmd.kind(),
                    violation: ProtocolViolation::MoreDataThanRequested {
                        requested: le as usize,
                        received,
                    },
                }
                .into());
            }
        }
        out.extend_from_slice(resp.data);
        let sw = resp.sw;
        self.notify(cmd);
        Ok(sw)
    }

    fn notify(&mut self, cmd: &Command) {
        if self.observer.is_none() {
            return;
        }
        self.notify_bytes(cmd.masked_bytes());
    }

    fn notify_bytes(&mut self, command: Vec<u8>) {
        let Some(observer) = self.observer.as_mut() else {
            return;
        };
        if let Some(deferred) = self.deferred.as_mut() {
            deferred.push((command, Zeroizing::new(self.scratch.to_vec())));
            return;
        }
        let mut response = Zeroizing::new(self.scratch.to_vec());
        if !self.privacy.reveal_national_number {
            let n = response.len().saturating_sub(2);
            if let Some(data) = response.get_mut(..n) {
                mask_secrets(data, &self.secrets);
            }
        }
        observer(&Exchange {
            command: &command,
            response: &response,
            sequence: self.count,
        });
    }

    /// What the reader's PIN pad can do: `(verify, change)`; `(false, false)` without one.
    pub fn pin_pad_capabilities(&mut self) -> (bool, bool) {
        self.transport
            .pin_pad()
            .map_or((false, false), |p| (p.can_verify(), p.can_modify()))
    }

    /// Secure PIN entry (spec §13.5): the reader's keypad collects the PIN and sends the VERIFY
    /// (or CHANGE REFERENCE DATA) itself. One exchange, counted; the observer sees the APDU
    /// template with its empty PIN block (`20 FF…`) and the answer. Never retried.
    pub fn pin_pad_entry(&mut self, entry: PinPadEntry<'_>) -> Result<PinPadResult> {
        let (kind, template) = match entry {
            PinPadEntry::Verify(s) => (CommandKind::Verify, s.as_bytes()),
            PinPadEntry::Modify(s) => (CommandKind::ChangeReferenceData, s.as_bytes()),
        };
        let template = match entry {
            PinPadEntry::Verify(_) => crate::apdu::pin_pad::PinPadRequest::parse_verify(template),
            PinPadEntry::Modify(_) => crate::apdu::pin_pad::PinPadRequest::parse_modify(template),
        }
        .map(|r| r.apdu)
        .unwrap_or_default();
        self.wipe_scratch();
        let Some(pad) = self.transport.pin_pad() else {
            return Err(ArgumentError::NoPinPad { command: kind }.into());
        };
        let sent = match entry {
            PinPadEntry::Verify(s) if pad.can_verify() => pad.verify_pin(s, &mut self.scratch),
            PinPadEntry::Modify(s) if pad.can_modify() => pad.modify_pin(s, &mut self.scratch),
            _ => return Err(ArgumentError::NoPinPad { command: kind }.into()),
        };
        self.count += 1;
        if let Err(e) = sent {
            self.wipe_scratch();
            return Err(e.into());
        }
        let sw = ResponseRef::parse(&self.scratch, kind)?.sw;
        self.notify_bytes(template);
        Ok(PinPadResult::from_status(sw))
    }

    /// Send a command and append the complete response data to `out`, handling `61xx` (GET
    /// RESPONSE, chained) and `6Cxx` (re-send with the exact Le). Returns the final status word
    /// (any status other than `61xx`/`6Cxx` is returned as is, not turned into an error).
    pub fn transmit_into(&mut self, command: &Command, out: &mut Vec<u8>) -> Result<StatusWord> {
        let start = out.len();
        let mut sw = self.exchange(command, out)?;
        let mut resends = 0u16;
        let mut rounds = 0u16;
        // The command to re-send on 6Cxx: the original, or the GET RESPONSE in progress.
        let mut last_was_get_response = false;
        loop {
            match sw.status() {
                // Only reads are re-sent (a VERIFY or PSO:CDS never is): the status is the
                // answer, and the caller classifies it.
                Status::WrongLe(_)
                    if !(if last_was_get_response {
                        CommandKind::GetResponse
                    } else {
                        command.kind()
                    })
                    .may_resend_on_wrong_le() =>
                {
                    return Ok(sw);
                }
                Status::WrongLe(n) => {
                    if resends >= self.limits.max_wrong_le {
                        return Err(CardError::Protocol {
                            command: command.kind(),
                            violation: ProtocolViolation::TooManyWrongLength { resends },
                        }
                        .into());
                    }
                    resends += 1;
                    let again = if last_was_get_response {
                        Command::get_response(n)
                    } else {
                        command.with_le(n)
                    };
                    sw = self.exchange(&again, out)?;
                }
                Status::BytesAvailable(n) => {
                    if rounds >= self.limits.max_get_response {
                        return Err(CardError::Protocol {
                            command: command.kind(),
                            violation: ProtocolViolation::TooManyGetResponse { rounds },
                        }
                        .into());
                    }
                    rounds += 1;
                    last_was_get_response = true;
                    sw = self.exchange(&Command::get_response(n), out)?;
                }
                _ => return Ok(sw),
            }
            if out.len() - start > self.limits.max_response_len {
                return Err(CardError::Protocol {
                    command: command.kind(),
                    violation: ProtocolViolation::ResponseTooLong {
                        len: out.len() - start,
                    },
                }
                .into());
            }
        }
    }

    /// Send a command and return its complete response (see [`Channel::transmit_into`]).
    pub fn transmit(&mut self, command: &Command) -> Result<crate::apdu::Response> {
        let mut data = Vec::new();
        let sw = self.transmit_into(command, &mut data)?;
        Ok(crate::apdu::Response::new(data, sw))
    }

    /// Send a command that must end in `90 00`; other status words become
    /// [`CardError::Status`]. Returns the response data.
    pub fn transmit_ok(&mut self, command: &Command) -> Result<Zeroizing<Vec<u8>>> {
        let mut data = Zeroizing::new(Vec::new());
        let sw = self.transmit_into(command, &mut data)?;
        if sw.is_success() {
            Ok(data)
        } else {
            Err(Error::Card(crate::CardError::Status {
                command: command.kind(),
                sw,
            }))
        }
    }

    /// Run `f` inside an exclusive transaction of the transport. The transaction is ended even
    /// when `f` fails; an error of `f` takes precedence over an error ending the transaction.
    pub fn in_transaction<R>(&mut self, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        self.transport.begin_transaction()?;
        let r = f(self);
        let end = self.transport.end_transaction();
        match (r, end) {
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e.into()),
            (Ok(v), Ok(())) => Ok(v),
        }
    }

    /// Reset the card through the transport.
    pub fn reset(&mut self) -> Result<()> {
        self.deferred = None;
        Ok(self.transport.reset()?)
    }
}

impl<T> core::fmt::Debug for Channel<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Channel")
            .field("limits", &self.limits)
            .field("apdu_count", &self.count)
            .field("observer", &self.observer.is_some())
            .finish_non_exhaustive()
    }
}

/// Replace every occurrence of each secret in `data` by `*` bytes.
fn mask_secrets(data: &mut [u8], secrets: &[Zeroizing<Vec<u8>>]) {
    for s in secrets {
        let n = s.len();
        if n == 0 || n > data.len() {
            continue;
        }
        let mut i = 0;
        while i + n <= data.len() {
            if data.get(i..i + n) == Some(s.as_slice()) {
                if let Some(w) = data.get_mut(i..i + n) {
                    w.fill(b'*');
                }
                i += n;
            } else {
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::scripted::unhex as h;
    use crate::transport::{ScriptStep, ScriptedTransport};
    use crate::vocab::CommandKind;
    use std::sync::{Arc, Mutex};

    #[test]
    fn a_verify_or_a_signature_is_never_resent_after_6cxx() {
        // Found by the sign_flow fuzz target: a 6Cxx answer to VERIFY made the channel re-send
        // the PIN with the "exact" Le.
        let pin = crate::Pin::new("1234").unwrap_or_else(|_| unreachable!());
        for cmd in [
            Command::verify(&pin.block()),
            Command::pso_compute_digital_signature(&[0x11; 32]).unwrap_or_else(|_| unreachable!()),
        ] {
            let mut ch = Channel::new(ScriptedTransport::from_responses(vec![
                h("6C08"),
                h("9000"),
            ]));
            let sw = ch.transmit_into(&cmd, &mut Vec::new()).ok();
            assert_eq!(sw, Some(StatusWord(0x6C08)), "{:?}", cmd.kind());
            assert_eq!(ch.apdu_count(), 1, "sent once");
        }
        // A read is re-sent with the exact Le, as before.
        let mut ch = Channel::new(ScriptedTransport::from_responses(vec![
            h("6C02"),
            h("AABB 9000"),
        ]));
        let mut out = Vec::new();
        let sw = ch.transmit_into(&Command::read_binary(0, 4), &mut out).ok();
        assert_eq!(
            (sw, out.len(), ch.apdu_count()),
            (Some(StatusWord::SUCCESS), 2, 2)
        );
    }

    #[test]
    fn get_response_chain_is_followed() {
        let t = ScriptedTransport::new(vec![
            ScriptStep::expect(&h("002A9E9A03010203"), &h("6104")),
            ScriptStep::expect(&h("00C0000004"), &h("AABBCCDD 6102")),
            ScriptStep::expect(&h("00C0000002"), &h("EEFF 9000")),
        ]);
        let mut ch = Channel::new(t);
        let cmd = Command::pso_compute_digital_signature(&[1, 2, 3]).unwrap();
        let r = ch.transmit(&cmd).unwrap();
        assert_eq!(r.data(), &h("AABBCCDDEEFF")[..]);
        assert!(r.sw().is_success());
        assert_eq!(ch.apdu_count(), 3);
        assert!(ch.into_transport().is_finished());
    }

    #[test]
    fn wrong_le_is_resent_with_exact_le() {
        let t = ScriptedTransport::new(vec![
            ScriptStep::expect(&h("00B0000000"), &h("6C03")),
            ScriptStep::expect(&h("00B0000003"), &h("010203 9000")),
        ]);
        let mut ch = Channel::new(t);
        let r = ch.transmit(&Command::read_binary(0, 256)).unwrap();
        assert_eq!(r.data(), &[1, 2, 3]);
    }

    #[test]
    fn wrong_le_on_get_response_keeps_the_chain() {
        let t = ScriptedTransport::new(vec![
            ScriptStep::any(&h("6100")),
            ScriptStep::expect(&h("00C0000000"), &h("6C60")),
            ScriptStep::expect(&h("00C0000060"), &[vec![7u8; 0x60], h("9000")].concat()),
        ]);
        let mut ch = Channel::new(t);
        let cmd = Command::internal_authenticate(
            crate::apdu::AlgorithmReference::ECDSA_SHA384,
            crate::apdu::KeyReference::Basic,
            &[0; 48],
        )
        .unwrap();
        assert_eq!(ch.transmit(&cmd).unwrap().data().len(), 0x60);
    }

    #[test]
    fn endless_61xx_is_bounded() {
        let steps = (0..100).map(|_| ScriptStep::any(&h("01 6101"))).collect();
        let mut ch = Channel::new(ScriptedTransport::new(steps));
        let err = ch.transmit(&Command::get_card_data()).unwrap_err();
        assert!(matches!(
            err,
            Error::Card(crate::CardError::Protocol {
                violation: ProtocolViolation::TooManyGetResponse { rounds: 64 },
                ..
            })
        ));
        assert_eq!(ch.apdu_count(), 65);
    }

    #[test]
    fn endless_6cxx_is_bounded() {
        let steps = (0..10).map(|_| ScriptStep::any(&h("6C10"))).collect();
        let mut ch = Channel::new(ScriptedTransport::new(steps));
        let err = ch.transmit(&Command::read_binary(0, 256)).unwrap_err();
        assert!(matches!(
            err,
            Error::Card(crate::CardError::Protocol {
                violation: ProtocolViolation::TooManyWrongLength { resends: 2 },
                ..
            })
        ));
        assert_eq!(ch.apdu_count(), 3);
    }

    #[test]
    fn status_words_pass_through() {
        let mut ch = Channel::new(ScriptedTransport::new(vec![ScriptStep::any(&h("6B00"))]));
        let r = ch.transmit(&Command::read_binary(0x100, 256)).unwrap();
        assert_eq!(r.status(), Status::WrongParameters);
        let mut ch = Channel::new(ScriptedTransport::new(vec![ScriptStep::any(&h("6A82"))]));
        let e = ch.transmit_ok(&Command::select_fid(0x1234)).unwrap_err();
        assert!(
            matches!(e, Error::Card(crate::CardError::Status { command: CommandKind::Select, sw }) if sw == StatusWord(0x6A82))
        );
    }

    #[test]
    fn too_much_data_and_too_short_answers_are_typed_errors() {
        let mut ch = Channel::new(ScriptedTransport::new(vec![ScriptStep::any(&h(
            "010203 9000",
        ))]));
        let e = ch.transmit(&Command::read_binary(0, 2)).unwrap_err();
        assert!(matches!(
            e,
            Error::Card(crate::CardError::Protocol {
                violation: ProtocolViolation::MoreDataThanRequested {
                    requested: 2,
                    received: 3
                },
                ..
            })
        ));
        let mut ch = Channel::new(ScriptedTransport::new(vec![ScriptStep::any(&h("90"))]));
        assert!(matches!(
            ch.transmit(&Command::get_card_data()).unwrap_err(),
            Error::Card(crate::CardError::Protocol {
                violation: ProtocolViolation::ResponseTooShort { len: 1 },
                ..
            })
        ));
    }

    #[test]
    fn removal_mid_chain_is_reported() {
        let t = ScriptedTransport::new(vec![ScriptStep::any(&h("6110")), ScriptStep::Removed]);
        let mut ch = Channel::new(t);
        let cmd = Command::pso_compute_digital_signature(&[0; 32]).unwrap();
        assert!(matches!(
            ch.transmit(&cmd).unwrap_err(),
            Error::Transport(crate::TransportError::CardRemoved)
        ));
    }

    #[test]
    fn observer_never_sees_pin_and_masks_secrets() {
        #[allow(clippy::type_complexity)]
        let seen: Arc<Mutex<Vec<(Vec<u8>, Vec<u8>)>>> = Arc::default();
        let s2 = seen.clone();
        let t = ScriptedTransport::new(vec![
            ScriptStep::any(&h("9000")),
            ScriptStep::any(&[b"xx12345678901yy".to_vec(), h("9000")].concat()),
        ]);
        let mut ch = Channel::new(t);
        ch.set_observer(move |e| {
            s2.lock()
                .unwrap()
                .push((e.command.to_vec(), e.response.to_vec()))
        });
        ch.learn_secret(b"12345678901");
        let pin = crate::pin::Pin::new("4711").unwrap();
        ch.transmit(&Command::verify(&pin.block())).unwrap();
        ch.transmit(&Command::read_binary(0, 17)).unwrap();
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0].0, h("0020000108 FFFFFFFFFFFFFFFF"));
        assert_eq!(&seen[1].1[..15], b"xx***********yy");
    }

    #[test]
    fn deferred_events_mask_secrets_across_chunks() {
        let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let s2 = seen.clone();
        let t = ScriptedTransport::new(vec![
            ScriptStep::any(&[b"ab12345".to_vec(), h("9000")].concat()),
            ScriptStep::any(&[b"678901cd".to_vec(), h("9000")].concat()),
        ]);
        let mut ch = Channel::new(t);
        ch.set_observer(move |e| s2.lock().unwrap().push(e.response.to_vec()));
        ch.defer_observer();
        ch.transmit(&Command::read_binary(0, 7)).unwrap();
        ch.transmit(&Command::read_binary(7, 8)).unwrap();
        assert!(seen.lock().unwrap().is_empty());
        ch.learn_secret(b"12345678901");
        ch.flush_observer();
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0], [b"ab*****".to_vec(), h("9000")].concat());
        assert_eq!(seen[1], [b"******cd".to_vec(), h("9000")].concat());
    }

    #[test]
    fn reveal_shows_secrets() {
        let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
        let s2 = seen.clone();
        let t = ScriptedTransport::new(vec![ScriptStep::any(
            &[b"12345678901".to_vec(), h("9000")].concat(),
        )]);
        let mut ch = Channel::new(t);
        ch.set_privacy(ObserverPrivacy {
            reveal_national_number: true,
        });
        ch.set_observer(move |e| s2.lock().unwrap().push(e.response.to_vec()));
        ch.learn_secret(b"12345678901");
        ch.transmit(&Command::read_binary(0, 11)).unwrap();
        assert_eq!(&seen.lock().unwrap()[0][..11], b"12345678901");
    }
}
