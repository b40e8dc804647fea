//! The card protocol layer: [`BeidCard`] selects the Belpic applet, reads GET CARD DATA and
//! reads files with the fewest APDUs (spec §1.3, §3, §9, §13).
//!
//! ```
//! # fn main() -> Result<(), beid::Error> {
//! # let transport = beid_simulator::Profile::Applet17Citizen.card().unwrap();
//! // `transport` is any `beid::transport::Transport`: a PC/SC reader or the simulator.
//! let mut card = beid::BeidCard::open(transport)?;
//! let contents = card.read_all()?;
//! println!("{} {}", contents.identity().given_names(), contents.identity().surname());
//! # Ok(()) }
//! ```

mod contents;
mod options;
mod read;
mod session;

pub use contents::{CardContents, RawCardContents};
pub use options::OpenOptions;
pub use read::ReadOptions;
pub use session::{
    NonRepudiation, PinOutcome, PinStatus, Session, SignInput, Signature, ecdsa_der,
};

use zeroize::Zeroizing;

use crate::apdu::{Command, Status};
use crate::error::{Error, ProtocolViolation, Result};
use crate::files::CardData;
use crate::transport::{Channel, Exchange, ObserverPrivacy, Transport};
use crate::vocab::{CommandKind, FileId, Generation, LifeCycle};
use read::{Shape, plan, subject_serial_numbers, typical_len};

/// Progress of a multi-file read, reported after every READ BINARY.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The file being read.
    pub file: FileId,
    /// Bytes of all files read so far.
    pub bytes: usize,
    /// Expected total (an estimate from typical sizes, refined as real sizes become known).
    pub expected: usize,
}

/// A Belgian eID card behind a [`Transport`].
///
/// Opening the card selects the Belpic applet (`00 A4 04 0C 0F …`) and reads GET CARD DATA; a
/// card that refuses the applet is not a Belgian eID ([`CardError::NotBeid`](crate::CardError::NotBeid)).
pub struct BeidCard<T: Transport> {
    channel: Channel<T>,
    card_data: CardData,
    options: ReadOptions,
    progress: Option<options::ProgressFn>,
    selected: Option<FileId>,
    /// The security environment this library last set with MSE:SET (spec §8.7).
    se: Option<(crate::vocab::KeyReference, crate::vocab::AlgorithmReference)>,
    /// The holder certificates as read from this card (authentication, non-repudiation), so
    /// that signatures carry theirs without spending APDUs.
    holder_certificates: [HolderCertificate; 2],
}

/// A holder certificate as this card has seen it.
enum HolderCertificate {
    /// Not read (or not a certificate).
    None,
    /// The file as read, not parsed yet.
    Read(Vec<u8>),
    /// Parsed.
    Parsed(std::sync::Arc<crate::files::Certificate>),
}

/// Which form of GET CARD DATA to send (spec §9.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CardDataForm {
    /// `80 E4 00 00 1C`: 28 bytes, every generation.
    #[default]
    Short,
    /// `80 E4 00 01 1F`: the 28 bytes plus the PIN tries left (applet 1.8 only; spends no
    /// try). A 1.7 card answers `6B 00`.
    WithPinCounter,
}

impl<T: Transport> core::fmt::Debug for BeidCard<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BeidCard")
            .field("generation", &self.generation())
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

impl<T: Transport> BeidCard<T> {
    /// Open the card with default options: select the applet and read the card data
    /// (2 APDUs). To set read options, an observer or a progress callback, use
    /// [`OpenOptions`].
    pub fn open(transport: T) -> Result<Self> {
        OpenOptions::new().open(transport)
    }

    /// Open the card with these read options.
    #[deprecated(note = "use `beid::OpenOptions::new().read(options).open(transport)`")]
    pub fn open_with(transport: T, options: ReadOptions) -> Result<Self> {
        OpenOptions::new().read(options).open(transport)
    }

    /// Open the card with an observer installed before the first APDU.
    #[deprecated(note = "use `beid::OpenOptions::new().observer(observer).open(transport)`")]
    pub fn open_observed(
        transport: T,
        observer: impl FnMut(&Exchange<'_>) + Send + 'static,
    ) -> Result<Self> {
        OpenOptions::new().observer(observer).open(transport)
    }

    pub(crate) fn from_channel(
        mut channel: Channel<T>,
        options: ReadOptions,
        progress: Option<options::ProgressFn>,
    ) -> Result<Self> {
        let card_data = channel.in_transaction(Self::handshake)?;
        Ok(BeidCard {
            channel,
            card_data,
            options,
            progress,
            selected: None,
            se: None,
            holder_certificates: [HolderCertificate::None, HolderCertificate::None],
        })
    }

    fn handshake(ch: &mut Channel<T>) -> Result<CardData> {
        let sw = ch.transmit_into(&Command::select_applet(), &mut Vec::new())?;
        if !sw.is_success() {
            return Err(Error::Card(crate::CardError::NotBeid { sw }));
        }
        // On a card announcing the 1.8 ATR ask for the long form (PIN counter) directly; fall
        // back to the short form if refused (spec §9.1).
        if ch.transport().atr() == Some(&crate::vocab::ATR_APPLET_18[..]) {
            let mut data = Zeroizing::new(Vec::new());
            let sw = ch.transmit_into(&Command::get_card_data_extended(), &mut data)?;
            if sw.is_success() {
                return Ok(CardData::parse(&data)?);
            }
        }
        let data = ch
            .transmit_ok(&Command::get_card_data())
            .map_err(|e| match e {
                // A card that refuses GET CARD DATA with `6D 00` is in a life cycle where the
                // command is not available (spec §9.1: the minidriver retries on it): not issued.
                Error::Card(crate::CardError::Status { command, sw }) => {
                    Error::Card(crate::CardError::from_status(command, sw, None))
                }
                other => other,
            })?;
        Ok(CardData::parse(&data)?)
    }

    /// Reset the card and open it again (after [`TransportError::CardReset`](crate::TransportError::CardReset), or to drop PIN rights).
    pub fn reconnect(&mut self) -> Result<()> {
        self.selected = None;
        self.se = None;
        self.channel.reset()?;
        self.card_data = self.channel.in_transaction(Self::handshake)?;
        Ok(())
    }

    /// The GET CARD DATA answer read when the card was opened.
    pub fn card_data(&self) -> &CardData {
        &self.card_data
    }

    /// The applet generation.
    pub fn generation(&self) -> Generation {
        self.card_data.generation()
    }

    /// The applet life cycle read at open (GET CARD DATA byte 27, spec §9.2).
    ///
    /// Opening a card that is not issued yet (`07`) succeeds, because its card data is what
    /// a support desk needs to see; the first command it refuses (a file SELECT, VERIFY,
    /// MSE:SET, …) then fails with [`CardError::NotActivated`](crate::CardError::NotActivated)
    /// rather than a bare status word. Check [`LifeCycle::is_personalized`] to refuse such a
    /// card up front.
    pub fn life_cycle(&self) -> LifeCycle {
        self.card_data.life_cycle()
    }

    /// Reclassify a card's refusal given what this card's life cycle says (spec §3.1, §10).
    pub(crate) fn refine(&self, e: Error) -> Error {
        match e {
            Error::Card(crate::CardError::Status { command, sw }) => Error::Card(
                crate::CardError::from_status(command, sw, Some(self.life_cycle())),
            ),
            other => other,
        }
    }

    /// The ATR, when the transport knows it.
    pub fn atr(&self) -> Option<&[u8]> {
        self.channel.transport().atr()
    }

    /// Install an APDU observer (PIN digits always masked; national-number bytes masked unless
    /// [`BeidCard::set_privacy`] says otherwise).
    pub fn set_observer(&mut self, observer: impl FnMut(&Exchange<'_>) + Send + 'static) {
        self.channel.set_observer(observer);
    }

    /// Choose what the observer may see.
    pub fn set_privacy(&mut self, privacy: ObserverPrivacy) {
        self.channel.set_privacy(privacy);
    }

    /// The APDU channel (for commands this type has no method for yet).
    pub fn channel(&mut self) -> &mut Channel<T> {
        self.selected = None;
        self.se = None;
        &mut self.channel
    }

    /// APDUs exchanged so far.
    pub fn apdu_count(&self) -> u64 {
        self.channel.apdu_count()
    }

    /// Give the transport back.
    pub fn into_transport(self) -> T {
        self.channel.into_transport()
    }

    /// Select a file by its absolute path (`00 A4 08 0C 04 DFxx xxxx`, spec §3.1).
    pub fn select(&mut self, file: FileId) -> Result<()> {
        self.selected = None;
        let sw = self
            .channel
            .transmit_into(&Command::select_path(&file.path()), &mut Vec::new())?;
        match sw.status() {
            Status::Success => {
                self.selected = Some(file);
                Ok(())
            }
            Status::FileNotFound => Err(Error::Card(crate::CardError::FileNotFound(file))),
            _ => Err(Error::Card(crate::CardError::from_status(
                CommandKind::Select,
                sw,
                Some(self.life_cycle()),
            ))),
        }
    }

    /// Read a whole file (select + READ BINARY chunks) inside one transaction. Certificate files
    /// that hold no certificate come back as the zero bytes read (see [`CardContents`] for the
    /// parsed view, where they are `None`).
    pub fn read_file(&mut self, file: FileId) -> Result<Vec<u8>> {
        self.transaction(|card| card.read_file_inner(file, &mut |_, _| {}))
    }

    /// Run `f` inside one exclusive transaction of the transport (ended even on error).
    pub fn transaction<R>(&mut self, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        self.channel.transport_mut().begin_transaction()?;
        let r = f(self);
        let end = self.channel.transport_mut().end_transaction();
        match (r, end) {
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e.into()),
            (Ok(v), Ok(())) => Ok(v),
        }
    }

    fn read_file_inner(
        &mut self,
        file: FileId,
        progress: &mut dyn FnMut(usize, Option<usize>),
    ) -> Result<Vec<u8>> {
        self.channel.defer_observer();
        let r = self.read_file_body(file, progress);
        if let Ok(bytes) = &r {
            self.learn_secrets(file, bytes);
            self.remember_certificate(file, bytes);
        }
        self.channel.flush_observer();
        r
    }

    /// Keep a holder certificate file read from the card, as read: parsed only when a
    /// signature asks for it (the read path stays a copy).
    fn remember_certificate(&mut self, file: FileId, bytes: &[u8]) {
        let slot = match file {
            FileId::AuthenticationCertificate => 0,
            FileId::NonRepudiationCertificate => 1,
            _ => return,
        };
        if let Some(s) = self.holder_certificates.get_mut(slot) {
            *s = HolderCertificate::Read(bytes.to_vec());
        }
    }

    /// The certificate of `key` if this card has read it already (parsed once, then kept; an
    /// empty or unreadable file gives `None`).
    pub(crate) fn cached_certificate(
        &mut self,
        key: crate::vocab::KeyReference,
    ) -> Option<std::sync::Arc<crate::files::Certificate>> {
        let slot = match key {
            crate::vocab::KeyReference::Authentication => 0,
            crate::vocab::KeyReference::NonRepudiation => 1,
            _ => return None,
        };
        let s = self.holder_certificates.get_mut(slot)?;
        if let HolderCertificate::Read(bytes) = s {
            *s = match crate::files::Certificate::parse(bytes) {
                Ok(c) if !c.der().is_empty() => HolderCertificate::Parsed(std::sync::Arc::new(c)),
                _ => HolderCertificate::None,
            };
        }
        match s {
            HolderCertificate::Parsed(c) => Some(std::sync::Arc::clone(c)),
            _ => None,
        }
    }

    /// Teach the channel the national number found in `file`, so that observers see it masked.
    /// Skipped entirely when nobody observes (or the caller revealed it): no cost on the hot path.
    fn learn_secrets(&mut self, file: FileId, bytes: &[u8]) {
        if !self.channel.masks_secrets() {
            return;
        }
        match file {
            FileId::Identity => {
                if let Some(Ok(t)) =
                    crate::tlv::iter(bytes).find(|t| t.as_ref().map_or(true, |t| t.tag == 0x06))
                {
                    self.channel.learn_secret(t.value);
                }
            }
            FileId::AuthenticationCertificate | FileId::NonRepudiationCertificate => {
                let found: Vec<Vec<u8>> =
                    subject_serial_numbers(bytes).map(<[u8]>::to_vec).collect();
                for s in found {
                    self.channel.learn_secret(&s);
                }
            }
            _ => {}
        }
    }

    fn read_file_body(
        &mut self,
        file: FileId,
        progress: &mut dyn FnMut(usize, Option<usize>),
    ) -> Result<Vec<u8>> {
        if self.selected != Some(file) {
            self.select(file)?;
        }
        let (shape, guess) = plan(file, self.generation());
        let chunk = self.options.chunk.clamp(1, 256) as usize;
        let mut buf: Vec<u8> = Vec::with_capacity(guess.unwrap_or(chunk));
        let mut known: Option<usize> = match shape {
            Shape::Fixed(n) => Some(n),
            _ => None,
        };
        loop {
            let offset = buf.len();
            if offset >= self.options.max_file_len || offset > 0x7FFF {
                return Err(Error::Card(crate::CardError::Protocol {
                    command: CommandKind::ReadBinary,
                    violation: ProtocolViolation::FileTooLarge { len: offset },
                }));
            }
            let want = match known {
                Some(n) => n.saturating_sub(offset).min(chunk),
                None if offset == 0 => guess.unwrap_or(chunk).min(chunk),
                None => chunk,
            };
            if want == 0 {
                break;
            }
            let cmd = Command::read_binary(offset as u16, want as u16);
            let sw = self.channel.transmit_into(&cmd, &mut buf)?;
            let got = buf.len() - offset;
            match sw.status() {
                Status::Success => {}
                Status::WrongParameters if offset > 0 => break, // 6B00 past the end (§3.2)
                _ => {
                    return Err(Error::Card(crate::CardError::Status {
                        command: CommandKind::ReadBinary,
                        sw,
                    }));
                }
            }
            if got == 0 {
                return Err(Error::Card(crate::CardError::Protocol {
                    command: CommandKind::ReadBinary,
                    violation: ProtocolViolation::EmptyRead { offset },
                }));
            }
            progress(buf.len(), known);
            if got < want {
                break; // the card said the file ends here (6Cxx answer, §3.2)
            }
            // What does the content say about the end?
            match shape {
                Shape::Certificate if buf.first() == Some(&0) => break, // no certificate
                Shape::Certificate | Shape::Der => {
                    if known.is_none() {
                        known = crate::files::der_len(&buf);
                    }
                }
                Shape::Tlv => {
                    if crate::tlv::content_len(&buf).is_some_and(|n| n < buf.len()) {
                        break; // zero padding reached: the content is complete
                    }
                }
                Shape::Jpeg => {
                    // EOI (`FF D9`) can only be in the bytes just read (or straddle the previous
                    // chunk): walk the structure only then, not after every chunk.
                    let fresh = buf.get(offset.saturating_sub(1)..).unwrap_or(&[]);
                    if fresh.windows(2).any(|w| w == [0xFF, 0xD9])
                        && crate::files::jpeg_len(&buf).is_some()
                    {
                        break;
                    }
                }
                Shape::Fixed(_) | Shape::ToEnd => {}
            }
            if known.is_some_and(|n| buf.len() >= n) {
                break;
            }
        }
        Ok(buf)
    }

    /// Read every file of the card as raw bytes, inside one transaction.
    /// Reports progress to the callback set with [`OpenOptions::progress`] or
    /// [`BeidCard::set_progress`].
    pub fn read_raw(&mut self) -> Result<RawCardContents> {
        let mut progress = self.progress.take();
        let r = self.read_raw_reporting(&mut |p| {
            if let Some(f) = progress.as_mut() {
                f(p);
            }
        });
        self.progress = progress;
        r
    }

    fn read_raw_reporting(
        &mut self,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<RawCardContents> {
        let generation = self.generation();
        let files = contents::files_to_read(generation);
        let mut expected: usize = files.iter().map(|f| typical_len(*f, generation)).sum();
        let mut done = 0usize;
        let mut raw = RawCardContents::new(
            self.atr().map(<[u8]>::to_vec),
            self.card_data.raw().to_vec(),
        );
        self.transaction(|card| {
            for &file in files {
                let estimate = typical_len(file, generation);
                let r = card.read_file_inner(file, &mut |n, known| {
                    let file_expected = known.unwrap_or(estimate.max(n));
                    progress(&Progress {
                        file,
                        bytes: done + n,
                        expected: (expected - estimate + file_expected).max(done + n),
                    });
                });
                match r {
                    Ok(bytes) => {
                        expected = expected - estimate + bytes.len();
                        done += bytes.len();
                        raw.insert(file, bytes);
                    }
                    Err(Error::Card(crate::CardError::FileNotFound(f)))
                        if contents::is_optional(f) =>
                    {
                        expected -= estimate;
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(raw)
        })
    }

    /// Read and parse everything: identity, address, photo, signatures, certificates, basic
    /// public key (1.8), TokenInfo and card data (spec §2.1).
    pub fn read_all(&mut self) -> Result<CardContents> {
        CardContents::from_raw(self.read_raw()?)
    }

    /// Set (or replace) the progress callback of [`BeidCard::read_raw`] and
    /// [`BeidCard::read_all`].
    pub fn set_progress(&mut self, progress: impl FnMut(&Progress) + Send + 'static) {
        self.progress = Some(Box::new(progress));
    }

    /// Remove the progress callback.
    pub fn clear_progress(&mut self) {
        self.progress = None;
    }

    /// Send GET CARD DATA again (e.g. the 1.8 long form for the PIN counter, which spends no
    /// try). Returns the parsed answer.
    pub fn get_card_data(&mut self, form: CardDataForm) -> Result<CardData> {
        let cmd = match form {
            CardDataForm::Short => Command::get_card_data(),
            CardDataForm::WithPinCounter => Command::get_card_data_extended(),
        };
        let data = self.channel.transmit_ok(&cmd)?;
        Ok(CardData::parse(&data)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::scripted::unhex as h;
    use crate::transport::{ScriptStep, ScriptedTransport};
    use std::sync::{Arc, Mutex};

    const SERIAL: &str = "534C494E3366002A1122334455667788";

    fn card_data(applet: &str) -> Vec<u8> {
        let tail = match applet {
            "17" => "A5030101011700030021010F",
            _ => "A5030101011800010000020F",
        };
        [h(SERIAL), h(tail), h("9000")].concat()
    }

    fn opening(applet: &str) -> Vec<ScriptStep> {
        vec![
            ScriptStep::expect(&h("00A4040C0FA000000030290570 00AD13100101FF"), &h("9000")),
            ScriptStep::expect(&h("80E400001C"), &card_data(applet)),
        ]
    }

    fn script(applet: &str, rest: Vec<ScriptStep>) -> ScriptedTransport {
        let mut s = opening(applet);
        s.extend(rest);
        ScriptedTransport::new(s)
    }

    fn ok(data: &[u8]) -> Vec<u8> {
        [data, &[0x90, 0x00]].concat()
    }

    const IDENTITY: &str = "010c3030303030313234313630300210534c4790025100002239288f12920363030a30352e30372e32303232040a30352e30372e3230333205074272757373656c060b3031303530333939393633070853706563696d656e080c4e6f726120416e67c3a86c6509000a0442454c470b064c657576656e0c0b3033204d454920323030310d01560e000f01311001301120476a2c4072f5fb07642e256d5edfd79c6a675fc69262d327f9979051517b0801";

    #[test]
    fn open_selects_applet_and_reads_card_data() {
        let card = BeidCard::open(script("17", vec![])).unwrap();
        assert_eq!(card.generation(), Generation::Applet17);
        assert_eq!(card.apdu_count(), 2);
        assert_eq!(card.card_data().serial(), &h(SERIAL)[..]);
    }

    #[test]
    fn open_uses_long_card_data_on_18_atr() {
        let t = ScriptedTransport::new(vec![
            ScriptStep::any(&h("9000")),
            ScriptStep::expect(&h("80E400011F"), &[card_data("18"), vec![]].concat()),
        ])
        .with_atr(&crate::vocab::ATR_APPLET_18);
        // The long form carries 3 more bytes; a short answer is accepted too.
        let card = BeidCard::open(t).unwrap();
        assert_eq!(card.generation(), Generation::Applet18);
    }

    #[test]
    fn not_a_beid_card() {
        let t = ScriptedTransport::new(vec![ScriptStep::any(&h("6A82"))]);
        assert!(matches!(
            BeidCard::open(t),
            Err(Error::Card(crate::CardError::NotBeid { sw })) if sw == crate::apdu::StatusWord(0x6A82)
        ));
    }

    #[test]
    fn identity_read_uses_6cxx_to_find_the_end() {
        let id = h(IDENTITY);
        let t = script(
            "17",
            vec![
                ScriptStep::expect(&h("00A4080C04DF014031"), &h("9000")),
                ScriptStep::expect(&h("00B0000000"), &h("6CB0")),
                ScriptStep::expect(&h("00B00000B0"), &ok(&id)),
            ],
        );
        let mut card = BeidCard::open(t).unwrap();
        assert_eq!(card.read_file(FileId::Identity).unwrap(), id);
        assert_eq!(card.apdu_count(), 5);
        assert!(card.into_transport().is_finished());
    }

    #[test]
    fn der_length_avoids_reading_padding() {
        // A 504-byte certificate followed by padding: 256 + exactly 248, never the zeros.
        let mut cert = vec![0x30, 0x82, 0x01, 0xF4];
        cert.resize(504, 0xAB);
        let t = script(
            "17",
            vec![
                ScriptStep::any(&h("9000")),
                ScriptStep::expect(&h("00B0000000"), &ok(&cert[..256])),
                ScriptStep::expect(&h("00B00100F8"), &ok(&cert[256..])),
            ],
        );
        let mut card = BeidCard::open(t).unwrap();
        assert_eq!(card.read_file(FileId::RrnCertificate).unwrap(), cert);
        assert!(card.into_transport().is_finished());
    }

    #[test]
    fn absent_certificate_costs_one_read() {
        let t = script(
            "17",
            vec![
                ScriptStep::any(&h("9000")),
                ScriptStep::expect(&h("00B0000000"), &ok(&[0u8; 256])),
            ],
        );
        let mut card = BeidCard::open(t).unwrap();
        let bytes = card.read_file(FileId::NonRepudiationCertificate).unwrap();
        assert!(bytes.iter().all(|b| *b == 0));
        assert!(card.into_transport().is_finished());
    }

    #[test]
    fn padded_address_is_read_in_one_apdu() {
        let mut addr = Vec::new();
        crate::tlv::encode(&mut addr, 1, b"Specimenstraat 12");
        crate::tlv::encode(&mut addr, 2, b"1000");
        crate::tlv::encode(&mut addr, 3, b"Brussel");
        addr.resize(117, 0);
        let t = script(
            "17",
            vec![
                ScriptStep::any(&h("9000")),
                ScriptStep::expect(&h("00B0000075"), &ok(&addr)),
            ],
        );
        let mut card = BeidCard::open(t).unwrap();
        assert_eq!(card.read_file(FileId::Address).unwrap(), addr);
    }

    #[test]
    fn eof_by_6b00_and_errors_at_offset_zero() {
        // EC signature file: read to the end; 256 bytes then 6B00.
        let t = script(
            "18",
            vec![
                ScriptStep::any(&h("9000")),
                ScriptStep::expect(&h("00B0000000"), &ok(&[1u8; 256])),
                ScriptStep::expect(&h("00B0010000"), &h("6B00")),
            ],
        );
        let mut card = BeidCard::open(t).unwrap();
        assert_eq!(
            card.read_file(FileId::IdentitySignature).unwrap().len(),
            256
        );

        let t = script(
            "18",
            vec![ScriptStep::any(&h("9000")), ScriptStep::any(&h("6B00"))],
        );
        let mut card = BeidCard::open(t).unwrap();
        assert!(matches!(
            card.read_file(FileId::IdentitySignature),
            Err(Error::Card(crate::CardError::Status { command: CommandKind::ReadBinary, sw })) if sw.0 == 0x6B00
        ));
    }

    #[test]
    fn short_read_without_6cxx_ends_the_file() {
        let t = script(
            "18",
            vec![
                ScriptStep::any(&h("9000")),
                ScriptStep::expect(&h("00B0000000"), &ok(&[7u8; 100])),
            ],
        );
        let mut card = BeidCard::open(t).unwrap();
        assert_eq!(
            card.read_file(FileId::IdentitySignature).unwrap().len(),
            100
        );
    }

    #[test]
    fn empty_success_answer_is_a_protocol_error() {
        let t = script(
            "18",
            vec![ScriptStep::any(&h("9000")), ScriptStep::any(&h("9000"))],
        );
        let mut card = BeidCard::open(t).unwrap();
        assert!(matches!(
            card.read_file(FileId::IdentitySignature),
            Err(Error::Card(crate::CardError::Protocol {
                violation: ProtocolViolation::EmptyRead { offset: 0 },
                ..
            }))
        ));
    }

    #[test]
    fn removal_mid_file_is_a_typed_error() {
        let t = script(
            "17",
            vec![
                ScriptStep::any(&h("9000")),
                ScriptStep::any(&ok(&[0xFF, 0xD8, 0xFF, 0xE0].repeat(64))),
                ScriptStep::Removed,
            ],
        );
        let mut card = BeidCard::open(t).unwrap();
        assert!(matches!(
            card.read_file(FileId::Photo),
            Err(Error::Transport(crate::TransportError::CardRemoved))
        ));
    }

    #[test]
    fn reset_mid_file_then_reconnect() {
        let mut steps = vec![ScriptStep::any(&h("9000")), ScriptStep::Reset];
        steps.extend(opening("17"));
        let mut card = BeidCard::open(script("17", steps)).unwrap();
        assert!(matches!(
            card.read_file(FileId::Photo),
            Err(Error::Transport(crate::TransportError::CardReset))
        ));
        card.reconnect().unwrap();
        assert_eq!(card.generation(), Generation::Applet17);
        assert_eq!(card.into_transport().resets(), 1);
    }

    #[test]
    fn missing_file_is_file_not_found() {
        let t = script("18", vec![ScriptStep::any(&h("6A82"))]);
        let mut card = BeidCard::open(t).unwrap();
        assert!(matches!(
            card.read_file(FileId::BasicPublicKey),
            Err(Error::Card(crate::CardError::FileNotFound(
                FileId::BasicPublicKey
            )))
        ));
    }

    #[test]
    fn file_larger_than_limit_is_refused() {
        let steps: Vec<ScriptStep> = std::iter::once(ScriptStep::any(&h("9000")))
            .chain((0..200).map(|_| ScriptStep::any(&ok(&[0x11; 256]))))
            .collect();
        let mut card = BeidCard::open(script("18", steps)).unwrap();
        assert!(matches!(
            card.read_file(FileId::IdentitySignature),
            Err(Error::Card(crate::CardError::Protocol {
                violation: ProtocolViolation::FileTooLarge { .. },
                ..
            }))
        ));
    }

    #[test]
    fn observer_masks_national_number_split_across_chunks() {
        let id = h(IDENTITY);
        let seen: Arc<Mutex<Vec<u8>>> = Arc::default();
        let s2 = seen.clone();
        // 16-byte chunks: the national number (offset 0x4E..0x59) straddles two answers.
        let mut steps = vec![ScriptStep::any(&h("9000"))];
        for c in id.chunks(16) {
            steps.push(ScriptStep::any(&ok(c)));
        }
        steps.push(ScriptStep::any(&h("6B00"))); // 176 = 11 × 16: the end needs a probe
        let mut card = OpenOptions::new()
            .chunk(16)
            .open(script("17", steps))
            .unwrap();
        card.set_observer(move |e| {
            s2.lock()
                .unwrap()
                .extend_from_slice(&e.response[..e.response.len() - 2])
        });
        assert_eq!(card.read_file(FileId::Identity).unwrap(), id);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), id.len());
        assert!(!seen.windows(11).any(|w| w == b"01050399963"));
        assert!(seen.windows(11).any(|w| w == b"***********"));
    }
}
