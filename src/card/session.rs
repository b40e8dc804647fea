//! The card session: one exclusive transaction as a value ([`Session`]), with the PIN and
//! signing operations (spec §8).
//!
//! * [`BeidCard::session`] begins an exclusive transaction of the transport; dropping the
//!   [`Session`] ends it. A card reset or removal inside it is a typed
//!   [`TransportError`](crate::TransportError) and ends it.
//! * PIN: [`Session::verify_pin`] (typed outcome, never re-sent), [`Session::pin_status`]
//!   (tries left without spending one where the card allows it), [`Session::change_pin`],
//!   [`Session::log_off`].
//! * Signing with the authentication key ("PIN once", spec §8.9): [`Session::sign_authentication`]
//!   uses a PIN verified earlier in the card session.
//! * Signing with the non-repudiation key ("PIN just before"): only through
//!   [`Session::non_repudiation`], a value consumed by its one signature, which sends MSE:SET,
//!   VERIFY, PSO:CDS back to back (eid-mw's order, spec §8.9, §13.1 step 7) — nothing can be
//!   sent in between, and a wrong PIN or a reset gives no signature and no retry.
//!
//! APDU economy (spec §13): MSE:SET is sent only when the key or algorithm differs from the
//! security environment this library last set in the card session (forgotten on reset, LOG
//! OFF, INTERNAL AUTHENTICATE through [`BeidCard::channel`], and any failed signature); no
//! SELECT is sent.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::apdu::Command;
use crate::apdu::pin_pad::{PinModifyStructure, PinPadOptions, PinPadResult, PinVerifyStructure};
use crate::card::BeidCard;
use crate::error::{ArgumentError, CardError, Error, PinError, Result};
use crate::files::Certificate;
use crate::pin::Pin;
use crate::transport::{PinPadEntry, Transport};
use crate::vocab::{
    CommandKind, EcdsaAlgorithm, FileId, Generation, HashAlgorithm, KeyReference, RsaAlgorithm,
    SignatureAlgorithm, Status,
};

/// The outcome of a VERIFY or CHANGE REFERENCE DATA (spec §8.3, §8.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum PinOutcome {
    /// `90 00`: the PIN is verified (or changed).
    Verified,
    /// `63 Cx`: wrong PIN, `tries_left` tries left (the counter was decremented).
    Wrong {
        /// Tries left before the PIN blocks.
        tries_left: u8,
    },
    /// `69 83`: the PIN is blocked.
    Blocked,
}

impl PinOutcome {
    /// True at one try left: the next wrong PIN blocks the card — warn the holder first.
    pub const fn is_last_try(self) -> bool {
        matches!(self, PinOutcome::Wrong { tries_left: 1 })
    }

    /// `Ok(())` for [`PinOutcome::Verified`], else the matching [`PinError`].
    pub fn into_result(self) -> Result<()> {
        match self {
            PinOutcome::Verified => Ok(()),
            PinOutcome::Wrong { tries_left } => Err(PinError::Wrong { tries_left }.into()),
            PinOutcome::Blocked => Err(PinError::Blocked.into()),
        }
    }
}

/// The PIN state as the card reports it without spending a try (spec §8.3, §9.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum PinStatus {
    /// Tries left, from GET CARD DATA `P2 = 01` byte 28 (applet 1.8).
    TriesLeft(u8),
    /// The PIN is verified in this card session (empty VERIFY answered `90 00`, applet 1.7:
    /// the card does not say how many tries are left then).
    Verified,
    /// Not verified, this many tries left (empty VERIFY answered `63 Cx`, applet 1.7).
    NotVerified {
        /// Tries left.
        tries_left: u8,
    },
    /// The PIN is blocked.
    Blocked,
}

/// What to sign: a digest computed by the caller, or a caller-built PKCS#1 DigestInfo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignInput<'a> {
    /// The digest of the message under `hash`. The card's native algorithm for that hash is
    /// used unless one is given ([`SignatureAlgorithm::for_digest`]).
    Digest {
        /// The hash function.
        hash: HashAlgorithm,
        /// The digest (its length must match `hash`).
        digest: &'a [u8],
    },
    /// A complete DER `DigestInfo` for RSA algorithm `01` (any hash the caller chooses,
    /// spec §8.8); RSA cards only.
    DigestInfo(&'a [u8]),
    /// Bytes for ECDSA algorithm `40` ("hash not specified": 20, 28, 32, 48 or 64 bytes);
    /// applet 1.8 only.
    RawEcdsa(&'a [u8]),
    /// The message itself: the library hashes it (aws-lc-rs) with `hash`, or with the card's
    /// default when `None` (SHA-256 on RSA cards, SHA-384 on applet 1.8, the hashes eid-mw
    /// uses), then signs the digest as [`SignInput::Digest`]. MD5 is refused.
    #[cfg(any(feature = "verify", feature = "cms"))]
    Message {
        /// The hash function, or `None` for the card's default.
        hash: Option<HashAlgorithm>,
        /// The bytes to sign.
        message: &'a [u8],
    },
}

/// A signature made by the card, with what a caller needs to verify and embed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    key: KeyReference,
    algorithm: SignatureAlgorithm,
    raw: Vec<u8>,
    certificate: Option<Arc<Certificate>>,
}

impl Signature {
    /// The key that signed (`82` authentication or `83` non-repudiation).
    pub fn key(&self) -> KeyReference {
        self.key
    }

    /// The algorithm selected with MSE:SET.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// The certificate of the key that signed, as read from this card (EF Cert#2 or #3), to
    /// verify the signature and embed it. Present when the card had read it before the
    /// signature (`read_all`, `read_file`, [`Session::signing_certificate`]): signing never
    /// spends APDUs on it.
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_deref()
    }

    /// The signature exactly as the card returned it: PKCS#1 bytes (RSA), plain `r ‖ s`
    /// (ECDSA, spec §8.8).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The standard encoding: the PKCS#1 signature for RSA, the DER `ECDSA-Sig-Value`
    /// `SEQUENCE { r INTEGER, s INTEGER }` for ECDSA (what X.509, CMS and `openssl dgst`
    /// expect).
    pub fn to_standard(&self) -> Vec<u8> {
        match self.algorithm {
            SignatureAlgorithm::Rsa(_) => self.raw.clone(),
            SignatureAlgorithm::Ecdsa(_) => ecdsa_der(&self.raw),
        }
    }
}

/// DER `SEQUENCE { INTEGER r, INTEGER s }` from plain `r ‖ s` (two halves of equal length),
/// encoded with the `der` crate (leading zeros stripped, a `00` added where the high bit is
/// set). An input `der` cannot encode gives an empty vector.
pub fn ecdsa_der(rs: &[u8]) -> Vec<u8> {
    use der::Encode;
    let (r, s) = rs.split_at(rs.len() / 2);
    let int = |v: &[u8]| der::asn1::UintRef::new(v).and_then(|u| u.to_der());
    let body = match (int(r), int(s)) {
        (Ok(r), Ok(s)) => [r, s].concat(),
        _ => return Vec::new(),
    };
    der::asn1::AnyRef::new(der::Tag::Sequence, &body)
        .and_then(|seq| seq.to_der())
        .unwrap_or_default()
}

impl<T: Transport> BeidCard<T> {
    /// Begin a card session: an exclusive transaction of the transport, ended when the
    /// returned [`Session`] is dropped.
    pub fn session(&mut self) -> Result<Session<'_, T>> {
        self.channel.transport_mut().begin_transaction()?;
        Ok(Session { card: self })
    }
}

/// One exclusive transaction with the card; PIN and signing operations live here.
///
/// Ends the transaction on drop (an error ending it is ignored there: the card is then gone).
pub struct Session<'c, T: Transport> {
    card: &'c mut BeidCard<T>,
}

impl<T: Transport> core::fmt::Debug for Session<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session").field("card", &self.card).finish()
    }
}

impl<T: Transport> Drop for Session<'_, T> {
    fn drop(&mut self) {
        let _ = self.card.channel.transport_mut().end_transaction();
    }
}

/// A PIN-pad answer: the card's status word as for a keyboard PIN, or the reader's own.
fn pin_pad_outcome(result: PinPadResult, command: CommandKind) -> Result<PinOutcome> {
    match result {
        PinPadResult::Card(sw) => pin_outcome(sw, command),
        PinPadResult::Timeout => Err(PinError::EntryTimedOut.into()),
        PinPadResult::Cancelled => Err(PinError::EntryCancelled.into()),
        PinPadResult::NewPinsDiffer => Err(PinError::PinPadRefused {
            sw: crate::vocab::StatusWord(0x6402),
        }
        .into()),
        PinPadResult::WrongLength => Err(PinError::PinPadRefused {
            sw: crate::vocab::StatusWord(0x6403),
        }
        .into()),
        _ => Err(PinError::PinPadRefused {
            sw: crate::vocab::StatusWord(0x6B80),
        }
        .into()),
    }
}

fn pin_outcome(sw: crate::vocab::StatusWord, command: CommandKind) -> Result<PinOutcome> {
    match sw.status() {
        Status::Success => Ok(PinOutcome::Verified),
        Status::VerificationFailed { tries_left: 0 } | Status::AuthenticationBlocked => {
            Ok(PinOutcome::Blocked)
        }
        Status::VerificationFailed { tries_left } => Ok(PinOutcome::Wrong { tries_left }),
        _ => Err(CardError::Status { command, sw }.into()),
    }
}

impl<'c, T: Transport> Session<'c, T> {
    /// The card this session talks to.
    pub fn card(&self) -> &BeidCard<T> {
        self.card
    }

    /// The applet generation.
    pub fn generation(&self) -> Generation {
        self.card.generation()
    }

    /// VERIFY the cardholder PIN once (spec §8.3). A wrong PIN costs one try and is reported as
    /// [`PinOutcome::Wrong`]; the library never re-sends it. The PIN block is zeroized.
    pub fn verify_pin(&mut self, pin: &Pin) -> Result<PinOutcome> {
        let sw = self.card.channel.transmit_into(
            &Command::verify(&pin.block()),
            &mut Zeroizing::new(Vec::new()),
        )?;
        pin_outcome(sw, CommandKind::Verify).map_err(|e| self.card.refine(e))
    }

    /// The PIN state without spending a try (spec §8.3, §9.2): on applet 1.8 GET CARD DATA
    /// `P2 = 01` (byte 28); on 1.7 an empty VERIFY, which the 1.7 and 1.8 manuals say never
    /// decrements the counter. On V1 cards an empty VERIFY counts as a wrong PIN (RM17 §6.5),
    /// so nothing is sent and the answer is an [`ArgumentError::NotSupported`].
    pub fn pin_status(&mut self) -> Result<PinStatus> {
        let r = self.pin_status_inner();
        r.map_err(|e| self.card.refine(e))
    }

    fn pin_status_inner(&mut self) -> Result<PinStatus> {
        match self.generation() {
            g if g.is_ec() => {
                let data = self
                    .card
                    .channel
                    .transmit_ok(&Command::get_card_data_extended())?;
                let cd = crate::files::CardData::parse(&data)?;
                match cd.pin_tries_left() {
                    Some(0) => Ok(PinStatus::Blocked),
                    Some(n) => Ok(PinStatus::TriesLeft(n)),
                    None => Err(CardError::Status {
                        command: CommandKind::GetCardData,
                        sw: crate::vocab::StatusWord::SUCCESS,
                    }
                    .into()),
                }
            }
            Generation::Applet17 => {
                let sw = self
                    .card
                    .channel
                    .transmit_into(&Command::verify_status(), &mut Vec::new())?;
                Ok(match pin_outcome(sw, CommandKind::Verify)? {
                    PinOutcome::Verified => PinStatus::Verified,
                    PinOutcome::Wrong { tries_left } => PinStatus::NotVerified { tries_left },
                    PinOutcome::Blocked => PinStatus::Blocked,
                })
            }
            generation => Err(ArgumentError::NotSupported {
                command: CommandKind::Verify,
                generation,
            }
            .into()),
        }
    }

    /// CHANGE REFERENCE DATA (spec §8.4): the current PIN and the new one. A wrong current PIN
    /// costs a try ([`PinOutcome::Wrong`]). Both PIN blocks are zeroized.
    pub fn change_pin(&mut self, current: &Pin, new: &Pin) -> Result<PinOutcome> {
        let cmd = Command::change_reference_data(&current.block(), &new.block());
        let sw = self
            .card
            .channel
            .transmit_into(&cmd, &mut Zeroizing::new(Vec::new()))?;
        pin_outcome(sw, CommandKind::ChangeReferenceData).map_err(|e| self.card.refine(e))
    }

    /// The certificate of `key` (authentication `82` or non-repudiation `83`): read from the
    /// card the first time (EF Cert#2 / #3), then kept; later signatures with that key carry
    /// it ([`Signature::certificate`]). `None` for a card without that certificate (kids
    /// cards) or another key.
    pub fn signing_certificate(&mut self, key: KeyReference) -> Result<Option<Arc<Certificate>>> {
        if let Some(c) = self.card.cached_certificate(key) {
            return Ok(Some(c));
        }
        let file = match key {
            KeyReference::Authentication => FileId::AuthenticationCertificate,
            KeyReference::NonRepudiation => FileId::NonRepudiationCertificate,
            _ => return Ok(None),
        };
        self.card.read_file_inner(file, &mut |_, _| {})?;
        Ok(self.card.cached_certificate(key))
    }

    /// What the reader's PIN pad can do: `(verify, change)` (spec §13.5); `(false, false)`
    /// without one.
    pub fn pin_pad_capabilities(&mut self) -> (bool, bool) {
        self.card.channel.pin_pad_capabilities()
    }

    /// VERIFY with the PIN entered on the reader's keypad (FEATURE_VERIFY_PIN_DIRECT, spec
    /// §13.5): the host never sees the digits. A wrong PIN is [`PinOutcome::Wrong`] as with
    /// [`verify_pin`](Self::verify_pin); the holder pressing Cancel or not answering is
    /// [`PinError::EntryCancelled`] / [`PinError::EntryTimedOut`] (nothing reached the card, no
    /// try spent); a reader without a PIN pad is an
    /// [`ArgumentError::NoPinPad`](crate::ArgumentError::NoPinPad) before anything is sent.
    pub fn verify_pin_pad(&mut self, options: PinPadOptions) -> Result<PinOutcome> {
        let structure = PinVerifyStructure::new(options);
        let r = self
            .card
            .channel
            .pin_pad_entry(PinPadEntry::Verify(&structure))
            .and_then(|r| pin_pad_outcome(r, CommandKind::Verify));
        r.map_err(|e| self.card.refine(e))
    }

    /// CHANGE REFERENCE DATA with the current PIN and the new one (twice) entered on the
    /// reader's keypad (FEATURE_MODIFY_PIN_DIRECT, spec §13.5). New PINs that differ or have
    /// the wrong length are refused by the reader ([`PinError::PinPadRefused`]).
    pub fn change_pin_pad(&mut self, options: PinPadOptions) -> Result<PinOutcome> {
        let structure = PinModifyStructure::new(options);
        let r = self
            .card
            .channel
            .pin_pad_entry(PinPadEntry::Modify(&structure))
            .and_then(|r| pin_pad_outcome(r, CommandKind::ChangeReferenceData));
        r.map_err(|e| self.card.refine(e))
    }

    /// Unblock the PIN with the PUK: RESET RETRY COUNTER as commons-eid sends it (spec §8.5).
    /// Open question (spec §8.5, §15): RM17 does not document the command and on applet 1.8
    /// unblocking belongs to the administration role (RM18 §3.1), so a citizen's card may
    /// refuse it; the library sends it once and reports what the card answers —
    /// [`PinOutcome::Verified`] when the counter was reset, [`PinOutcome::Wrong`] /
    /// [`PinOutcome::Blocked`] for the PUK's own counter, or the refusal as a
    /// [`CardError::Status`] (`69 82`: not allowed here, do it at the municipality). Never
    /// retried. The PUK block is zeroized.
    pub fn unblock_pin(&mut self, puk: &crate::pin::Puk) -> Result<PinOutcome> {
        let sw = self.card.channel.transmit_into(
            &Command::reset_retry_counter(&puk.block()),
            &mut Zeroizing::new(Vec::new()),
        )?;
        pin_outcome(sw, CommandKind::ResetRetryCounter).map_err(|e| self.card.refine(e))
    }

    /// LOG OFF (spec §8.6): the card forgets every PIN right.
    pub fn log_off(&mut self) -> Result<()> {
        self.card.se = None;
        match self.card.channel.transmit_ok(&Command::log_off()) {
            Ok(_) => Ok(()),
            Err(e) => Err(self.card.refine(e)),
        }
    }

    /// Sign with the authentication key (`82`, "PIN once", spec §8.9) using a PIN verified
    /// earlier in this card session. `algorithm` `None` picks the card's native algorithm for
    /// the input ([`SignatureAlgorithm::for_digest`]). Without a verified PIN the card answers
    /// `69 82` and the result is [`PinError::NotVerified`]; nothing is retried.
    ///
    /// APDUs: PSO:CDS + GET RESPONSE, plus MSE:SET when the key or algorithm changed.
    pub fn sign_authentication(
        &mut self,
        input: SignInput<'_>,
        algorithm: Option<SignatureAlgorithm>,
    ) -> Result<Signature> {
        let (algorithm, dtbs) = self.prepare(input, algorithm)?;
        let r = self
            .set_environment(KeyReference::Authentication, algorithm)
            .and_then(|()| self.compute(KeyReference::Authentication, algorithm, &dtbs));
        r.map_err(|e| self.card.refine(e))
    }

    /// INTERNAL AUTHENTICATE with the basic key `81` and algorithm `02` (ECDSA over a
    /// SHA-384-sized value, spec §7.5, §8.11): the card signs `challenge` (48 bytes, as every
    /// reader sends) as an already-computed digest; the answer is `r‖s` (96 bytes on P-384). No
    /// PIN; no MSE:SET before it (eid-mw's order). Applet 1.8 only: on earlier cards the basic
    /// key is not published and nothing is sent ([`ArgumentError::NotSupported`]). A card
    /// answering with an error gives [`CardError::Status`].
    pub fn internal_authenticate(&mut self, challenge: &[u8]) -> Result<Vec<u8>> {
        let generation = self.generation();
        if !generation.is_ec() {
            return Err(ArgumentError::NotSupported {
                command: CommandKind::InternalAuthenticate,
                generation,
            }
            .into());
        }
        let cmd = Command::internal_authenticate(
            crate::vocab::AlgorithmReference::ECDSA_SHA384,
            KeyReference::Basic,
            challenge,
        )?;
        // The card's current security environment is not ours to assume afterwards.
        self.card.se = None;
        let mut out = Vec::new();
        let sw = self.card.channel.transmit_into(&cmd, &mut out)?;
        if sw.status() == Status::Success && !out.is_empty() {
            Ok(out)
        } else {
            Err(CardError::from_status(
                CommandKind::InternalAuthenticate,
                sw,
                Some(self.card.life_cycle()),
            )
            .into())
        }
    }

    /// The only way to sign with the non-repudiation key (`83`, "PIN just before", spec §8.9):
    /// a value holding the PIN that makes exactly one signature and is consumed by it.
    pub fn non_repudiation<'s>(&'s mut self, pin: &'s Pin) -> NonRepudiation<'s, 'c, T> {
        NonRepudiation {
            session: self,
            pin: PinFrom::Digits(pin),
        }
    }

    /// The same one-shot non-repudiation signature, with the PIN entered on the reader's keypad
    /// (spec §13.5): MSE:SET, the PIN-pad VERIFY, PSO:CDS back to back.
    pub fn non_repudiation_pin_pad<'s>(
        &'s mut self,
        options: PinPadOptions,
    ) -> NonRepudiation<'s, 'c, T> {
        NonRepudiation {
            session: self,
            pin: PinFrom::PinPad(options),
        }
    }

    /// Choose the algorithm and build the DTBS, refusing (before any APDU) inputs the card
    /// cannot take.
    fn prepare(
        &self,
        input: SignInput<'_>,
        algorithm: Option<SignatureAlgorithm>,
    ) -> Result<(SignatureAlgorithm, Zeroizing<Vec<u8>>)> {
        let generation = self.generation();
        let unsupported = || -> Error {
            ArgumentError::NotSupported {
                command: CommandKind::ComputeDigitalSignature,
                generation,
            }
            .into()
        };
        let (algorithm, dtbs) = match input {
            #[cfg(any(feature = "verify", feature = "cms"))]
            SignInput::Message { hash, message } => {
                let hash = hash.unwrap_or(HashAlgorithm::default_for(generation));
                let digest = hash.digest(message).ok_or_else(unsupported)?;
                return self.prepare(
                    SignInput::Digest {
                        hash,
                        digest: digest.as_ref(),
                    },
                    algorithm,
                );
            }
            SignInput::Digest { hash, digest } => {
                if digest.len() != hash.digest_len() {
                    return Err(ArgumentError::DigestLength {
                        expected: hash.digest_len(),
                        len: digest.len(),
                    }
                    .into());
                }
                let algorithm = match algorithm {
                    Some(a) => a,
                    None => {
                        SignatureAlgorithm::for_digest(generation, hash).ok_or_else(unsupported)?
                    }
                };
                let dtbs = match algorithm {
                    SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1) => {
                        let prefix = hash.digest_info_prefix().ok_or_else(unsupported)?;
                        [prefix, digest].concat()
                    }
                    a if a.hash() == Some(hash) || a.hash().is_none() => digest.to_vec(),
                    _ => return Err(unsupported()),
                };
                (algorithm, dtbs)
            }
            SignInput::DigestInfo(di) => (
                algorithm.unwrap_or(SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1)),
                di.to_vec(),
            ),
            SignInput::RawEcdsa(bytes) => (
                algorithm.unwrap_or(SignatureAlgorithm::Ecdsa(EcdsaAlgorithm::Raw)),
                bytes.to_vec(),
            ),
        };
        if !algorithm.is_supported_by(generation) {
            return Err(unsupported());
        }
        if dtbs.len() > 255 {
            return Err(ArgumentError::DataTooLong {
                command: CommandKind::ComputeDigitalSignature,
                len: dtbs.len(),
                max: 255,
            }
            .into());
        }
        Ok((algorithm, Zeroizing::new(dtbs)))
    }

    /// MSE:SET unless the card already has this environment from us (spec §8.7).
    fn set_environment(&mut self, key: KeyReference, algorithm: SignatureAlgorithm) -> Result<()> {
        let wanted = (key, algorithm.reference());
        if self.card.se == Some(wanted) {
            return Ok(());
        }
        self.card.se = None;
        self.card
            .channel
            .transmit_ok(&Command::mse_set(wanted.1, key))?;
        self.card.se = Some(wanted);
        Ok(())
    }

    /// PSO:CDS (+ GET RESPONSE through the channel, spec §8.8).
    fn compute(
        &mut self,
        key: KeyReference,
        algorithm: SignatureAlgorithm,
        dtbs: &[u8],
    ) -> Result<Signature> {
        let cmd = Command::pso_compute_digital_signature(dtbs)?;
        let mut raw = Vec::new();
        let sw = match self.card.channel.transmit_into(&cmd, &mut raw) {
            Ok(sw) => sw,
            Err(e) => {
                self.card.se = None;
                return Err(e);
            }
        };
        match sw.status() {
            Status::Success if !raw.is_empty() => Ok(Signature {
                key,
                algorithm,
                raw,
                certificate: self.card.cached_certificate(key),
            }),
            Status::SecurityStatusNotSatisfied => {
                self.card.se = None;
                Err(PinError::NotVerified.into())
            }
            _ => {
                self.card.se = None;
                Err(CardError::Status {
                    command: CommandKind::ComputeDigitalSignature,
                    sw,
                }
                .into())
            }
        }
    }
}

/// A non-repudiation signature about to be made: holds the PIN, signs once, is consumed
/// (spec §8.9 "PIN just before"). Built by [`Session::non_repudiation`].
pub struct NonRepudiation<'s, 'c, T: Transport> {
    session: &'s mut Session<'c, T>,
    pin: PinFrom<'s>,
}

/// Where the PIN of a non-repudiation signature comes from.
#[derive(Debug, Clone, Copy)]
enum PinFrom<'s> {
    Digits(&'s Pin),
    PinPad(PinPadOptions),
}

impl<T: Transport> core::fmt::Debug for NonRepudiation<'_, '_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("NonRepudiation")
            .field("pin", &self.pin)
            .finish_non_exhaustive()
    }
}

impl<T: Transport> NonRepudiation<'_, '_, T> {
    /// MSE:SET, VERIFY, PSO:CDS back to back inside the session's transaction, then GET
    /// RESPONSE. The input is checked before any APDU. A wrong PIN gives
    /// [`PinError::Wrong`] (or [`PinError::Blocked`]) and no PSO:CDS; a reset or removal at
    /// any point gives the [`TransportError`](crate::TransportError) and no signature. Nothing
    /// is retried or signed twice.
    ///
    /// MSE:SET is always sent here (eid-mw's order): on 1.7 no command may come between VERIFY
    /// and PSO:CDS (spec §8.9), so it cannot follow VERIFY.
    pub fn sign(
        self,
        input: SignInput<'_>,
        algorithm: Option<SignatureAlgorithm>,
    ) -> Result<Signature> {
        let s = self.session;
        let (algorithm, dtbs) = s.prepare(input, algorithm)?;
        s.card.se = None;
        if let Err(e) = s.set_environment(KeyReference::NonRepudiation, algorithm) {
            return Err(s.card.refine(e));
        }
        let verified = match self.pin {
            PinFrom::Digits(pin) => s.verify_pin(pin),
            PinFrom::PinPad(options) => s.verify_pin_pad(options),
        };
        if let Err(e) = verified.and_then(PinOutcome::into_result) {
            s.card.se = None;
            return Err(e);
        }
        let r = s.compute(KeyReference::NonRepudiation, algorithm, &dtbs);
        r.map_err(|e| s.card.refine(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_der_encoding() {
        let mut rs = vec![0u8; 96];
        rs[0] = 0x80; // r needs a leading 00
        rs[48 + 47] = 0x05; // s = 5
        let der = ecdsa_der(&rs);
        assert_eq!(&der[..4], &[0x30, 0x36, 0x02, 0x31]);
        assert_eq!(der[4], 0x00);
        assert_eq!(&der[der.len() - 3..], &[0x02, 0x01, 0x05]);
        assert_eq!(der.len(), 2 + 0x36);
    }
}
