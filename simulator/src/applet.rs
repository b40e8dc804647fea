//! The Belpic applet at APDU level: command dispatch, T=0 output handling, every command of
//! spec §3, §8, §9 and the checklist of §14.
//!
//! One call of [`Applet::process`] consumes one C-APDU and writes one R-APDU (data ‖ SW1 SW2).
//! Nothing allocates on the read path: responses go into the caller's buffer and case-4 data
//! waits in a reused buffer for GET RESPONSE.
//!
//! Choices where the sources are silent (spec §15), made so that every studied reader keeps
//! working:
//! * T=0 semantics for lengths: an absent Le on a case-2 command means `P3 = 00`, i.e. 256
//!   bytes; an absent Lc on VERIFY is the empty VERIFY (spec §8.3).
//! * Case-4 commands (PSO:CDS, INTERNAL AUTHENTICATE) always answer `61 xx`, whether or not the
//!   host appended Le (on T=0 the reader strips it anyway, spec §1.4).
//! * Any command other than GET RESPONSE discards data waiting for GET RESPONSE (ISO 7816-4).
//! * Re-selecting the applet by AID makes the MF current but keeps the PIN rights: eid-mw's
//!   "always select applet" mode puts an applet SELECT before every file SELECT (spec §13.1 step
//!   9), and dropping the rights there would make it ask for the PIN again.
//! * A SELECT with an empty AID selects the card manager (RM18 §6.6 footnote): until the applet
//!   is selected again (or the card reset), every command but SELECT by AID answers `6D 00`.
//! * RESET RETRY COUNTER (`00 2C`) answers `69 82`: unblocking needs the PUK (1.7) or the
//!   administration role (1.8), neither of which a holder has (spec §8.5, §15 item 6); tests use
//!   [`VirtualCard::unblock_pin`](crate::VirtualCard::unblock_pin).
//! * PSO:CDS with the basic key `81` (accepted by MSE:SET for commons-eid) answers `69 82`
//!   (access condition "never", RM18 §4.1).
//! * Wrong DTBS length for the algorithm: `67 00` on RSA cards (RM17 §6.8), `6A 80` on 1.8
//!   (RM18 table 42); an empty DTBS is `67 00` on both.

use std::sync::Arc;

use beid::FileId;
use beid::apdu::{BELPIC_APPLET_AID, ID_DF_AID, PKCS15_AID};
use beid::pin::PinBlock;
use beid::vocab::{Status, StatusWord};
use iso7816::command::CommandView;

use crate::faults::{Faults, XorShift64};
use crate::fs::{Df, FileSystem, Node};
use crate::image::CardImage;
use crate::keys::{HashAlg, SigningKey};
use crate::security::{PinOutcome, Security, SecurityEnvironment, WindowEffect};

// Status words used by the applet (spec §10), from the library's table.
const SW_OK: StatusWord = Status::Success.word();
const SW_WRONG_LENGTH: StatusWord = Status::WrongLength.word();
const SW_NO_PRECISE_DIAGNOSIS: StatusWord = Status::NoPreciseDiagnostic.word();
const SW_CHANNEL_NOT_SUPPORTED: StatusWord = Status::ChannelNotSupported.word();
const SW_NOT_STRUCTURED: StatusWord = Status::IncompatibleFileStructure.word();
const SW_SECURITY_NOT_SATISFIED: StatusWord = Status::SecurityStatusNotSatisfied.word();
const SW_BLOCKED: StatusWord = Status::AuthenticationBlocked.word();
const SW_CONDITIONS_NOT_SATISFIED: StatusWord = Status::ConditionsNotSatisfied.word();
const SW_NO_CURRENT_EF: StatusWord = Status::CommandNotAllowed.word();
const SW_INCORRECT_DATA: StatusWord = Status::IncorrectData.word();
const SW_FILE_NOT_FOUND: StatusWord = Status::FileNotFound.word();
const SW_RECORD_NOT_FOUND: StatusWord = Status::RecordNotFound.word();
const SW_INCORRECT_P1P2: StatusWord = Status::IncorrectP1P2.word();
const SW_LC_INCONSISTENT: StatusWord = Status::LcInconsistent.word();
const SW_REFERENCE_NOT_FOUND: StatusWord = Status::ReferenceNotFound.word();
const SW_WRONG_P1P2: StatusWord = Status::WrongParameters.word();
const SW_INS_NOT_SUPPORTED: StatusWord = Status::InstructionNotSupported.word();
const SW_FILE_NOT_ACTIVATED: StatusWord = Status::FileNotActivatedWarning.word();
const SW_CLA_NOT_SUPPORTED: StatusWord = Status::ClassNotSupported.word();

/// Longest short response (Le = `00`).
const MAX_SHORT_LE: usize = 256;

/// The instructions of the applet, with their class (spec §3.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ins {
    Select,
    ReadBinary,
    UpdateBinary,
    ReadRecord,
    GetResponse,
    GetCardData,
    Verify,
    Change,
    ResetRetryCounter,
    LogOff,
    Mse,
    Pso,
    InternalAuthenticate,
    GetChallenge,
}

impl Ins {
    /// Classify `(CLA, INS)`; `Err(sw)` for a wrong class or an unknown instruction.
    fn classify(cla: u8, ins: u8) -> Result<Ins, StatusWord> {
        let expected_cla = match ins {
            0xE4 | 0xE6 | 0xB2 => 0x80,
            0xA4 | 0xB0 | 0xD6 | 0xC0 | 0x20 | 0x24 | 0x2C | 0x22 | 0x2A | 0x88 | 0x84 => 0x00,
            0x70 => return Err(SW_CHANNEL_NOT_SUPPORTED), // MANAGE CHANNEL (spec §3.5)
            _ if cla == 0x00 || cla == 0x80 => return Err(SW_INS_NOT_SUPPORTED),
            _ => return Err(SW_CLA_NOT_SUPPORTED),
        };
        if cla != expected_cla {
            return Err(SW_CLA_NOT_SUPPORTED);
        }
        Ok(match ins {
            0xA4 => Ins::Select,
            0xB0 => Ins::ReadBinary,
            0xD6 => Ins::UpdateBinary,
            0xB2 => Ins::ReadRecord,
            0xC0 => Ins::GetResponse,
            0xE4 => Ins::GetCardData,
            0x20 => Ins::Verify,
            0x24 => Ins::Change,
            0x2C => Ins::ResetRetryCounter,
            0xE6 => Ins::LogOff,
            0x22 => Ins::Mse,
            0x2A => Ins::Pso,
            0x88 => Ins::InternalAuthenticate,
            _ => Ins::GetChallenge,
        })
    }

    fn window_effect(self) -> WindowEffect {
        match self {
            Ins::Verify
            | Ins::Change
            | Ins::ResetRetryCounter
            | Ins::LogOff
            | Ins::InternalAuthenticate => WindowEffect::Breaks,
            Ins::Mse => WindowEffect::Mse,
            Ins::Pso => WindowEffect::Pso,
            _ => WindowEffect::Other,
        }
    }
}

/// The fields of a parsed short C-APDU.
struct Apdu<'a> {
    p1: u8,
    p2: u8,
    data: &'a [u8],
    /// Ne as sent: 0 when Le is absent, 256 for `00`.
    le: usize,
}

impl Apdu<'_> {
    /// Ne with T=0 semantics: an absent Le is `P3 = 00`, 256 bytes.
    fn ne(&self) -> usize {
        if self.le == 0 { MAX_SHORT_LE } else { self.le }
    }

    fn p1p2(&self) -> u16 {
        u16::from_be_bytes([self.p1, self.p2])
    }
}

/// Signature algorithm families of the generations (spec §8.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// Applet 1.0/1.1: `01`, `02`, `04`.
    RsaV1,
    /// Applet 1.7: `01`, `02`, `04`, `08`, `10`, `20`.
    Rsa17,
    /// Applet 1.8: ECDSA `01`…`40`.
    Ec,
}

impl Family {
    fn of(image: &CardImage) -> Family {
        match image.generation {
            beid::Generation::V1 => Family::RsaV1,
            g if g.is_ec() => Family::Ec,
            _ => Family::Rsa17,
        }
    }

    fn supports(self, alg: u8) -> bool {
        match self {
            Family::RsaV1 => matches!(alg, 0x01 | 0x02 | 0x04),
            Family::Rsa17 => matches!(alg, 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20),
            Family::Ec => matches!(alg, 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40),
        }
    }
}

/// The applet's volatile and persistent state (the content lives in the [`CardImage`]).
#[derive(Clone, Debug)]
pub(crate) struct Applet {
    fs: FileSystem,
    pub(crate) security: Security,
    family: Family,
    /// False after a SELECT with an empty AID (card manager selected).
    selected: bool,
    /// Data waiting for GET RESPONSE: `pending[pending_pos..]`.
    pending: Vec<u8>,
    pending_pos: usize,
    pending_active: bool,
    /// One bit per [`FileId::ALL`] entry: a READ BINARY of the file happened in this session.
    read_files: u32,
    rng: XorShift64,
}

impl Applet {
    pub(crate) fn new(image: &CardImage) -> Self {
        let family = Family::of(image);
        let seed = image
            .card_data
            .iter()
            .fold(0xCBF2_9CE4_8422_2325u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
            });
        Applet {
            fs: FileSystem::default(),
            security: Security::new(
                image.pin.clone(),
                image.pin_tries_left,
                family == Family::Ec,
            ),
            family,
            selected: true,
            pending: Vec::with_capacity(2 * MAX_SHORT_LE),
            pending_pos: 0,
            pending_active: false,
            read_files: 0,
            rng: XorShift64::new(seed),
        }
    }

    /// Power-on / reset: applet selected, MF current, rights, SE and pending data gone (spec
    /// §1.3, §8.9).
    pub(crate) fn reset(&mut self) {
        self.fs.reset();
        self.security.reset();
        self.selected = true;
        self.pending_active = false;
        self.pending.clear();
        self.pending_pos = 0;
        self.read_files = 0;
    }

    pub(crate) fn reseed(&mut self, seed: u64) {
        self.rng = XorShift64::new(seed);
    }

    pub(crate) fn current_ef(&self) -> Option<FileId> {
        self.fs.current_ef()
    }

    /// Process one C-APDU; the R-APDU is appended to `out` (which the caller cleared).
    pub(crate) fn process(
        &mut self,
        image: &mut CardImage,
        faults: &Faults,
        apdu: &[u8],
        out: &mut Vec<u8>,
    ) {
        let sw = self.dispatch(image, faults, apdu, out);
        out.extend_from_slice(&sw.to_bytes());
    }

    fn dispatch(
        &mut self,
        image: &mut CardImage,
        faults: &Faults,
        raw: &[u8],
        out: &mut Vec<u8>,
    ) -> StatusWord {
        let [cla, ins, ..] = *raw else {
            self.pending_active = false;
            return SW_WRONG_LENGTH;
        };
        if !(cla == 0x00 && ins == 0xC0) {
            self.pending_active = false;
        }
        if cla & 0x80 == 0 && cla & 0x03 != 0 {
            // Logical channels other than 0 (spec §3.5).
            return SW_CHANNEL_NOT_SUPPORTED;
        }
        let command = Ins::classify(cla, ins);
        self.security
            .note_command(command.map_or(WindowEffect::Other, Ins::window_effect));
        let command = match command {
            Ok(c) => c,
            Err(sw) => return sw,
        };
        let apdu = match CommandView::try_from(raw) {
            Ok(v) if !v.extended => Apdu {
                p1: v.p1,
                p2: v.p2,
                data: v.data(),
                le: v.expected(),
            },
            _ => return SW_WRONG_LENGTH,
        };
        if !(self.selected || command == Ins::Select && apdu.p1 == 0x04) {
            return SW_INS_NOT_SUPPORTED;
        }
        if !image.is_personalized() {
            match command {
                // Spec §9.2 byte 27, §10 `6D00`: a card that is not yet issued (life cycle
                // `07`, SELECTABLE) answers the applet select, GET CARD DATA and the T=0 and
                // session housekeeping commands; the PIN and key commands are not available
                // in that life cycle.
                Ins::Verify
                | Ins::Change
                | Ins::ResetRetryCounter
                | Ins::Mse
                | Ins::Pso
                | Ins::InternalAuthenticate => return SW_INS_NOT_SUPPORTED,
                _ => {}
            }
        }
        match command {
            Ins::Select => self.select(image, &apdu),
            Ins::ReadBinary => self.read_binary(image, faults, &apdu, out),
            Ins::UpdateBinary => self.update_binary(image, &apdu),
            Ins::ReadRecord => self.read_record(image, faults, &apdu, out),
            Ins::GetResponse => self.get_response(faults, &apdu, out),
            Ins::GetCardData => self.get_card_data(image, &apdu, out),
            Ins::Verify => self.verify(&apdu),
            Ins::Change => self.change(&apdu),
            Ins::ResetRetryCounter => SW_SECURITY_NOT_SATISFIED,
            Ins::LogOff => self.log_off(&apdu),
            Ins::Mse => self.mse_set(image, &apdu),
            Ins::Pso => self.pso(image, faults, &apdu),
            Ins::InternalAuthenticate => self.internal_authenticate(image, faults, &apdu),
            Ins::GetChallenge => self.get_challenge(&apdu, out),
        }
    }

    // ----- T=0 output: 61xx and GET RESPONSE (spec §1.4, §3.4) ------------------------------

    /// Keep `data[from..]` for GET RESPONSE and return the `61 xx` announcing it.
    fn hold(&mut self, faults: &Faults, from: usize) -> StatusWord {
        self.pending_pos = from;
        self.pending_active = self.pending.len() > from;
        self.announce(faults)
    }

    fn announce(&self, faults: &Faults) -> StatusWord {
        let remaining = self.pending.len().saturating_sub(self.pending_pos);
        let next = remaining.min(MAX_SHORT_LE).min(faults.chunk_limit());
        Status::BytesAvailable(next as u16).word()
    }

    fn hold_signature(&mut self, faults: &Faults, signature: &[u8]) -> StatusWord {
        self.pending.clear();
        self.pending.extend_from_slice(signature);
        self.hold(faults, 0)
    }

    fn get_response(&mut self, faults: &Faults, apdu: &Apdu<'_>, out: &mut Vec<u8>) -> StatusWord {
        if apdu.p1p2() != 0 {
            self.pending_active = false;
            return SW_WRONG_P1P2;
        }
        if !self.pending_active {
            return SW_CONDITIONS_NOT_SATISFIED;
        }
        let remaining = self.pending.len().saturating_sub(self.pending_pos);
        let available = remaining.min(MAX_SHORT_LE).min(faults.chunk_limit());
        let ne = apdu.ne();
        if ne > available {
            // Wrong Le: tell the exact length; the chain is not aborted (RM18 §6.1).
            return wrong_le(available);
        }
        let start = self.pending_pos;
        if let Some(chunk) = self.pending.get(start..start + ne) {
            out.extend_from_slice(chunk);
        }
        self.pending_pos += ne;
        if self.pending_pos < self.pending.len() {
            self.announce(faults)
        } else {
            self.pending_active = false;
            SW_OK
        }
    }

    // ----- file access (spec §3) ------------------------------------------------------------

    fn select(&mut self, image: &CardImage, apdu: &Apdu<'_>) -> StatusWord {
        let exists = |f: FileId| image.files.contains_key(&f);
        match apdu.p1 {
            0x04 => {
                if apdu.data.is_empty() {
                    // Card manager (RM18 §6.6 footnote).
                    self.selected = false;
                    self.fs.reset();
                    return SW_OK;
                }
                if apdu.data == BELPIC_APPLET_AID {
                    if apdu.p2 != 0x00 && apdu.p2 != 0x0C {
                        return SW_INCORRECT_P1P2;
                    }
                    self.selected = true;
                    self.fs.reset();
                    return SW_OK;
                }
                if apdu.p2 != 0x0C {
                    return SW_INCORRECT_P1P2;
                }
                if !self.selected {
                    return SW_FILE_NOT_FOUND;
                }
                if apdu.data == PKCS15_AID {
                    self.fs.enter(Node::Df(Df::Belpic));
                } else if apdu.data == ID_DF_AID {
                    self.fs.enter(Node::Df(Df::Id));
                } else {
                    return SW_FILE_NOT_FOUND;
                }
                SW_OK
            }
            0x02 => {
                if apdu.p2 != 0x0C {
                    return SW_INCORRECT_P1P2;
                }
                let [hi, lo] = *apdu.data else {
                    return SW_LC_INCONSISTENT;
                };
                match self.fs.resolve_fid(u16::from_be_bytes([hi, lo]), exists) {
                    Some(node) => self.enter(image, node),
                    None => SW_FILE_NOT_FOUND,
                }
            }
            0x08 => {
                if apdu.p2 != 0x0C {
                    return SW_INCORRECT_P1P2;
                }
                if apdu.data.is_empty() || apdu.data.len() & 1 != 0 {
                    return SW_LC_INCONSISTENT;
                }
                match FileSystem::resolve_path(apdu.data, exists) {
                    Some(node) => self.enter(image, node),
                    None => SW_FILE_NOT_FOUND,
                }
            }
            _ => SW_INCORRECT_P1P2,
        }
    }

    /// Make a resolved node current. On a card that is not personalized (life cycle byte 27
    /// ≠ `0F`, spec §9.2) the DFs can be entered but its EFs are not activated: SELECT answers
    /// `62 83` on applet 1.7 and `69 85` on 1.8 (RM17 §6.3, RM18 §6.6, spec §3.1) and the EF
    /// does not become current, so a following READ BINARY answers `69 86`.
    ///
    /// Open question (spec §15): whether a 1.7 card makes the EF current after its `62 83`
    /// warning is not documented; not entering it keeps every reader on the failure path that
    /// names the file, rather than reading a file the card calls inactive.
    fn enter(&mut self, image: &CardImage, node: Node) -> StatusWord {
        if let Node::Ef(_) = node {
            if !image.is_personalized() {
                return if image.generation.is_ec() {
                    SW_CONDITIONS_NOT_SATISFIED
                } else {
                    SW_FILE_NOT_ACTIVATED
                };
            }
        }
        self.fs.enter(node);
        SW_OK
    }

    fn read_binary(
        &mut self,
        image: &CardImage,
        faults: &Faults,
        apdu: &Apdu<'_>,
        out: &mut Vec<u8>,
    ) -> StatusWord {
        if apdu.p1 & 0x80 != 0 {
            return SW_WRONG_P1P2;
        }
        let Some(file) = self.fs.current_ef() else {
            return SW_NO_CURRENT_EF;
        };
        let Some(content) = image.files.get(&file) else {
            return SW_NO_CURRENT_EF;
        };
        let offset = usize::from(apdu.p1p2());
        if offset >= content.len() {
            return SW_WRONG_P1P2;
        }
        let available = content.len() - offset;
        let ne = apdu.ne();
        let first_read = self.mark_read(file);
        if first_read && faults.wrong_le_first_read_enabled() {
            return wrong_le(ne.min(available));
        }
        if ne > available {
            return wrong_le(available);
        }
        match content.get(offset..offset + ne) {
            Some(chunk) => {
                out.extend_from_slice(chunk);
                SW_OK
            }
            None => SW_WRONG_P1P2,
        }
    }

    /// Mark `file` as read in this session; true when it was not yet.
    fn mark_read(&mut self, file: FileId) -> bool {
        let Some(bit) = FileId::ALL.iter().position(|f| *f == file) else {
            return false;
        };
        let mask = 1u32 << bit;
        let first = self.read_files & mask == 0;
        self.read_files |= mask;
        first
    }

    /// UPDATE BINARY: only EF(Preferences) is writable, with the PIN (spec §8.12, C401 §4.3).
    fn update_binary(&mut self, image: &mut CardImage, apdu: &Apdu<'_>) -> StatusWord {
        let Some(file) = self.fs.current_ef() else {
            return SW_NO_CURRENT_EF;
        };
        if file != FileId::Preferences || !self.security.is_verified() {
            return SW_SECURITY_NOT_SATISFIED;
        }
        if apdu.p1 & 0x80 != 0 {
            return SW_WRONG_P1P2;
        }
        if apdu.data.is_empty() {
            return SW_WRONG_LENGTH;
        }
        let Some(content) = image.files.get_mut(&file) else {
            return SW_NO_CURRENT_EF;
        };
        let offset = usize::from(apdu.p1p2());
        if offset >= content.len() {
            return SW_WRONG_P1P2;
        }
        match Arc::make_mut(content).get_mut(offset..offset + apdu.data.len()) {
            Some(target) => {
                target.copy_from_slice(apdu.data);
                SW_OK
            }
            None => SW_WRONG_LENGTH,
        }
    }

    /// READ RECORD (applet 1.8): the TLV elements with tags `P1..=P2` of the identity or
    /// address file, tag ‖ length ‖ value as stored (spec §3.3).
    ///
    /// Le `00` (or absent) reads the complete records: up to 256 bytes come with `90 00`, more
    /// come as 256 bytes + `61 xx` and the rest through GET RESPONSE (output chaining, RM18
    /// §6.8). Any other Le must equal the records' length (`6C xx` otherwise) unless they are
    /// longer than 256 bytes, where Le bytes come first and the rest is chained.
    fn read_record(
        &mut self,
        image: &CardImage,
        faults: &Faults,
        apdu: &Apdu<'_>,
        out: &mut Vec<u8>,
    ) -> StatusWord {
        if self.family != Family::Ec {
            return SW_INS_NOT_SUPPORTED;
        }
        let Some(file) = self.fs.current_ef() else {
            return SW_NO_CURRENT_EF;
        };
        if !matches!(file, FileId::Identity | FileId::Address) {
            return SW_NOT_STRUCTURED;
        }
        if apdu.p2 < apdu.p1 {
            return SW_RECORD_NOT_FOUND;
        }
        let Some(content) = image.files.get(&file) else {
            return SW_NO_CURRENT_EF;
        };
        self.pending.clear();
        for tlv in beid::tlv::iter(content).map_while(Result::ok) {
            if (apdu.p1..=apdu.p2).contains(&tlv.tag) {
                let end = tlv.value_offset + tlv.value.len();
                if let Some(element) = content.get(tlv.offset..end) {
                    self.pending.extend_from_slice(element);
                }
            }
        }
        let total = self.pending.len();
        if total == 0 {
            return SW_RECORD_NOT_FOUND;
        }
        let complete = apdu.le == 0 || apdu.le == MAX_SHORT_LE;
        let first = if complete {
            total.min(MAX_SHORT_LE)
        } else if apdu.le == total {
            total
        } else if total <= MAX_SHORT_LE {
            self.pending.clear();
            return wrong_le(total);
        } else {
            apdu.le
        };
        if let Some(chunk) = self.pending.get(..first) {
            out.extend_from_slice(chunk);
        }
        if first < total {
            self.hold(faults, first)
        } else {
            SW_OK
        }
    }

    // ----- GET CARD DATA (spec §9) ----------------------------------------------------------

    fn get_card_data(
        &mut self,
        image: &CardImage,
        apdu: &Apdu<'_>,
        out: &mut Vec<u8>,
    ) -> StatusWord {
        if apdu.p1 != 0x00 {
            return SW_WRONG_P1P2;
        }
        match apdu.p2 {
            0x00 => {
                if apdu.ne() != image.card_data.len() {
                    return wrong_le(image.card_data.len());
                }
                out.extend_from_slice(&image.card_data);
                SW_OK
            }
            0x01 if self.family == Family::Ec => {
                let len = image.card_data.len() + 3;
                if apdu.ne() != len {
                    return wrong_le(len);
                }
                out.extend_from_slice(&image.card_data);
                out.extend_from_slice(&[self.security.tries_left(), 0xFF, 0xFF]);
                SW_OK
            }
            _ => SW_WRONG_P1P2,
        }
    }

    // ----- PIN (spec §8.3–§8.6) -------------------------------------------------------------

    /// Check P1 = `00`, P2 = `01` (the cardholder PIN).
    fn pin_reference(apdu: &Apdu<'_>) -> Result<(), StatusWord> {
        match (apdu.p1, apdu.p2) {
            (0x00, 0x01) => Ok(()),
            (0x00, 0x00) | (1.., _) => Err(SW_INCORRECT_P1P2),
            _ => Err(SW_REFERENCE_NOT_FOUND),
        }
    }

    fn verify(&mut self, apdu: &Apdu<'_>) -> StatusWord {
        if let Err(sw) = Self::pin_reference(apdu) {
            return sw;
        }
        if apdu.data.is_empty() {
            // Empty VERIFY: report the state, spend nothing (spec §8.3).
            return if self.security.is_blocked() {
                SW_BLOCKED
            } else if self.security.is_verified() {
                SW_OK
            } else {
                tries_sw(self.security.tries_left())
            };
        }
        if apdu.data.len() != 8 {
            return SW_WRONG_LENGTH;
        }
        if self.security.is_blocked() {
            self.security.clear_rights();
            return SW_BLOCKED;
        }
        let Some(candidate) = PinBlock::decode(apdu.data) else {
            return SW_INCORRECT_DATA;
        };
        pin_sw(self.security.verify(&candidate))
    }

    fn change(&mut self, apdu: &Apdu<'_>) -> StatusWord {
        if let Err(sw) = Self::pin_reference(apdu) {
            return sw;
        }
        let (Some(old), Some(new)) = (apdu.data.get(..8), apdu.data.get(8..)) else {
            return SW_WRONG_LENGTH;
        };
        if new.len() != 8 {
            return SW_WRONG_LENGTH;
        }
        if self.security.is_blocked() {
            self.security.clear_rights();
            return SW_BLOCKED;
        }
        let (Some(old), Some(new)) = (PinBlock::decode(old), PinBlock::decode(new)) else {
            return SW_INCORRECT_DATA;
        };
        pin_sw(self.security.change(&old, new))
    }

    fn log_off(&mut self, apdu: &Apdu<'_>) -> StatusWord {
        if apdu.p1p2() != 0 {
            return SW_WRONG_P1P2;
        }
        if !apdu.data.is_empty() {
            return SW_WRONG_LENGTH;
        }
        self.security.clear_rights();
        SW_OK
    }

    // ----- signing (spec §8.7, §8.8, §8.11) -------------------------------------------------

    fn key(image: &CardImage, reference: u8) -> Option<&Arc<SigningKey>> {
        match reference {
            0x81 => image.keys.basic.as_ref(),
            0x82 => image.keys.authentication.as_ref(),
            0x83 => image.keys.non_repudiation.as_ref(),
            _ => None,
        }
    }

    fn mse_set(&mut self, image: &CardImage, apdu: &Apdu<'_>) -> StatusWord {
        let sw = self.try_mse_set(image, apdu);
        if sw != SW_OK {
            self.security.set_environment(None);
        }
        sw
    }

    fn try_mse_set(&mut self, image: &CardImage, apdu: &Apdu<'_>) -> StatusWord {
        if apdu.p1 != 0x41 || apdu.p2 != 0xB6 {
            return SW_INCORRECT_P1P2;
        }
        if apdu.data.len() != 5 {
            return SW_WRONG_LENGTH;
        }
        let [0x04, 0x80, algorithm, 0x84, key] = *apdu.data else {
            return SW_INCORRECT_DATA;
        };
        if Self::key(image, key).is_none() {
            return SW_REFERENCE_NOT_FOUND;
        }
        if !self.family.supports(algorithm) {
            return SW_INCORRECT_DATA;
        }
        self.security
            .set_environment(Some(SecurityEnvironment { algorithm, key }));
        SW_OK
    }

    fn pso(&mut self, image: &CardImage, faults: &Faults, apdu: &Apdu<'_>) -> StatusWord {
        if apdu.p1 != 0x9E || apdu.p2 != 0x9A {
            self.security.note_command(WindowEffect::Breaks);
            return SW_WRONG_P1P2;
        }
        let Some(se) = self.security.environment() else {
            self.security.note_command(WindowEffect::Breaks);
            return SW_CONDITIONS_NOT_SATISFIED;
        };
        if !self.security.authorize_signature(se.key) {
            return SW_SECURITY_NOT_SATISFIED;
        }
        let Some(key) = Self::key(image, se.key) else {
            return SW_REFERENCE_NOT_FOUND;
        };
        let dtbs = apdu.data;
        if dtbs.is_empty() {
            return SW_WRONG_LENGTH;
        }
        let signature = match self.family {
            Family::Ec => {
                let ok = match se.algorithm {
                    0x01 | 0x08 => dtbs.len() == 32,
                    0x02 | 0x10 => dtbs.len() == 48,
                    0x04 | 0x20 => dtbs.len() == 64,
                    _ => matches!(dtbs.len(), 20 | 28 | 32 | 48 | 64),
                };
                if !ok {
                    return SW_INCORRECT_DATA;
                }
                key.sign_ecdsa_digest(dtbs)
            }
            Family::Rsa17 | Family::RsaV1 => {
                let hash = match se.algorithm {
                    0x02 | 0x10 => Some(HashAlg::Sha1),
                    0x04 => Some(HashAlg::Md5),
                    0x08 | 0x20 => Some(HashAlg::Sha256),
                    _ => None,
                };
                match hash {
                    None => {
                        let k = key.kind().signature_len();
                        if dtbs.len() + 11 > k {
                            return SW_WRONG_LENGTH;
                        }
                        key.sign_pkcs1_v15_raw(dtbs)
                    }
                    Some(h) if dtbs.len() != h.output_len() => return SW_WRONG_LENGTH,
                    Some(h) if se.algorithm >= 0x10 => key.sign_pss_digest(h, dtbs),
                    Some(h) => key.sign_pkcs1_v15_digest(h, dtbs),
                }
            }
        };
        match signature {
            Ok(sig) => self.hold_signature(faults, &sig),
            Err(_) => SW_NO_PRECISE_DIAGNOSIS,
        }
    }

    /// INTERNAL AUTHENTICATE with the basic key (spec §7.5, §8.11): no PIN, no MSE:SET needed;
    /// clears the security environment. EC cards sign the challenge as a hash (ECDSA, plain
    /// `r ‖ s`); RSA cards (whose format RM17 does not document, spec §8.11) sign it as
    /// PKCS#1 v1.5 data, like PSO:CDS algorithm `01` **[derived]**.
    fn internal_authenticate(
        &mut self,
        image: &CardImage,
        faults: &Faults,
        apdu: &Apdu<'_>,
    ) -> StatusWord {
        if apdu.p2 != 0x81 {
            return SW_REFERENCE_NOT_FOUND;
        }
        let Some(key) = image.keys.basic.as_ref() else {
            return SW_REFERENCE_NOT_FOUND;
        };
        let [tag, len, challenge @ ..] = apdu.data else {
            return SW_WRONG_LENGTH;
        };
        if *tag != 0x94 || usize::from(*len) != challenge.len() {
            return SW_INCORRECT_DATA;
        }
        let expected = match (self.family, apdu.p1) {
            (Family::Ec, 0x01) => 32,
            (Family::Ec, 0x02) => 48,
            (Family::Ec, 0x04) => 64,
            // RSA basic key (V1/1.7, legacy `00 88 02 81 16 94 14 <20 bytes>`, spec §8.11):
            // the challenge is padded like PKCS#1 v1.5 data, so at most k − 11 bytes.
            (Family::Rsa17 | Family::RsaV1, 0x02)
                if challenge.len() + 11 <= key.kind().signature_len() =>
            {
                challenge.len()
            }
            (Family::Rsa17 | Family::RsaV1, 0x02) => return SW_INCORRECT_DATA,
            _ => return SW_WRONG_P1P2,
        };
        if challenge.len() != expected || challenge.is_empty() {
            return SW_INCORRECT_DATA;
        }
        if !self.security.count_internal_auth() {
            return SW_CONDITIONS_NOT_SATISFIED;
        }
        let signature = if key.kind().is_ec() {
            key.sign_ecdsa_digest(challenge)
        } else {
            key.sign_pkcs1_v15_raw(challenge)
        };
        self.security.set_environment(None);
        match signature {
            Ok(sig) => self.hold_signature(faults, &sig),
            Err(_) => SW_NO_PRECISE_DIAGNOSIS,
        }
    }

    /// GET CHALLENGE (spec §8.12): Le bytes from the card's seeded generator.
    fn get_challenge(&mut self, apdu: &Apdu<'_>, out: &mut Vec<u8>) -> StatusWord {
        if apdu.p1p2() != 0 {
            return SW_INCORRECT_P1P2;
        }
        let start = out.len();
        out.resize(start + apdu.ne(), 0);
        if let Some(buf) = out.get_mut(start..) {
            self.rng.fill(buf);
        }
        SW_OK
    }
}

/// `6C xx` for `len` available bytes (`6C 00` = 256).
fn wrong_le(len: usize) -> StatusWord {
    Status::WrongLe(len as u16).word()
}

/// `63 Cx`.
fn tries_sw(tries: u8) -> StatusWord {
    Status::VerificationFailed { tries_left: tries }.word()
}

fn pin_sw(outcome: PinOutcome) -> StatusWord {
    match outcome {
        PinOutcome::Ok => SW_OK,
        PinOutcome::Wrong { tries_left } => tries_sw(tries_left),
        PinOutcome::Blocked => SW_BLOCKED,
    }
}
