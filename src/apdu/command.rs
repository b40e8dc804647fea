//! Command APDUs: one constructor per command the Belpic applet knows (spec §3, §8, §9).
//!
//! A [`Command`] is encoded once, when it is built, into an inline buffer: sending it is a slice
//! borrow, no allocation. Commands that carry a PIN block are marked secret: their bytes are
//! zeroized on drop and masked for observers and transcripts.

use zeroize::Zeroize;

use crate::error::{ArgumentError, Result};
use crate::pin::PinBlock;
use crate::vocab::{AlgorithmReference, BELPIC_APPLET_AID, CommandKind, KeyReference};

/// The largest short command APDU: header, Lc, 255 data bytes, Le.
pub const MAX_COMMAND_LEN: usize = 4 + 1 + 255 + 1;

/// A C-APDU as observers and transcripts may show it: for a command that carries a PIN
/// ([`CommandKind::carries_pin`]: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER) the data
/// field (`Lc` bytes, or everything after the header when `Lc` is `00`) is replaced by `FF`
/// bytes of the same length; every other command is returned unchanged. The one masking rule of
/// the library and the simulator's transcripts and logs.
pub fn mask_apdu(apdu: &[u8]) -> Vec<u8> {
    let mut v = apdu.to_vec();
    if let [cla, ins, _, _, lc, rest @ ..] = v.as_mut_slice() {
        if CommandKind::from_header(*cla, *ins).carries_pin() && !rest.is_empty() {
            let n = if *lc == 0 {
                rest.len()
            } else {
                usize::from(*lc)
            };
            for b in rest.iter_mut().take(n) {
                *b = 0xFF;
            }
        }
    }
    v
}

/// A command APDU, encoded (short form, T=0 compatible).
///
/// Built by the constructors of this type (one per Belpic command). The encoded bytes are
/// available with [`Command::as_bytes`].
#[derive(Clone)]
pub struct Command {
    buf: [u8; MAX_COMMAND_LEN],
    len: u16,
    data_len: u8,
    le: Option<u16>,
    secret: bool,
}

impl Drop for Command {
    fn drop(&mut self) {
        if self.secret {
            self.buf.zeroize();
        }
    }
}

impl PartialEq for Command {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Command {}

impl core::fmt::Debug for Command {
    /// Shows the header and lengths; never the data of a secret (PIN) command.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut s = f.debug_struct("Command");
        s.field("kind", &self.kind());
        s.field(
            "header",
            &format_args!(
                "{:02X} {:02X} {:02X} {:02X}",
                self.cla(),
                self.ins(),
                self.p1(),
                self.p2()
            ),
        );
        if self.secret {
            s.field("data", &format_args!("<{} secret bytes>", self.data_len));
        } else {
            s.field("data", &HexBytes(self.data()));
        }
        s.field("le", &self.le);
        s.finish()
    }
}

struct HexBytes<'a>(pub(crate) &'a [u8]);

impl core::fmt::Debug for HexBytes<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl Command {
    /// Build a command from its parts. `data` must be at most 255 bytes and `le` in `1..=256`
    /// (256 is encoded `00`); anything else is an error, never a panic.
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8, data: &[u8], le: Option<u16>) -> Result<Self> {
        let command = CommandKind::from_header(cla, ins);
        if data.len() > 255 {
            return Err(ArgumentError::DataTooLong {
                command,
                len: data.len(),
                max: 255,
            }
            .into());
        }
        if let Some(le @ (0 | 257..)) = le {
            return Err(ArgumentError::BadLe { command, le }.into());
        }
        Ok(Self::build(cla, ins, p1, p2, data, le))
    }

    /// Internal builder; callers guarantee `data.len() <= 255` and `le` in `1..=256`.
    #[inline]
    fn build(cla: u8, ins: u8, p1: u8, p2: u8, data: &[u8], le: Option<u16>) -> Self {
        let mut buf = [0u8; MAX_COMMAND_LEN];
        let data = data.get(..255).unwrap_or(data);
        let data_len = data.len();
        let [c, i, a, b, lc, rest @ ..] = &mut buf;
        (*c, *i, *a, *b) = (cla, ins, p1, p2);
        let mut len = 4usize;
        if data_len > 0 {
            *lc = data_len as u8;
            if let Some(d) = rest.get_mut(..data_len) {
                d.copy_from_slice(data);
            }
            len = 5 + data_len;
        }
        if let Some(le) = le {
            if let Some(slot) = buf.get_mut(len) {
                *slot = le as u8; // 256 -> 00
            }
            len += 1;
        }
        Command {
            buf,
            len: len as u16,
            data_len: data_len as u8,
            le,
            secret: false,
        }
    }

    /// Same command with another Le (used after `6C xx`). `le` must be in `1..=256`; commands
    /// that carry no Le get one appended.
    #[inline]
    pub fn with_le(&self, le: u16) -> Self {
        let mut c = self.clone();
        let le = le.clamp(1, 256);
        let pos = if self.data_len > 0 {
            5 + self.data_len as usize
        } else {
            4
        };
        if let Some(slot) = c.buf.get_mut(pos) {
            *slot = le as u8;
        }
        c.len = (pos + 1) as u16;
        c.le = Some(le);
        c
    }

    fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// The encoded APDU.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len as usize).unwrap_or(&self.buf)
    }

    /// Class byte.
    #[inline]
    pub fn cla(&self) -> u8 {
        self.buf[0]
    }

    /// Instruction byte.
    #[inline]
    pub fn ins(&self) -> u8 {
        self.buf[1]
    }

    /// P1.
    #[inline]
    pub fn p1(&self) -> u8 {
        self.buf[2]
    }

    /// P2.
    #[inline]
    pub fn p2(&self) -> u8 {
        self.buf[3]
    }

    /// The command data field.
    #[inline]
    pub fn data(&self) -> &[u8] {
        if self.data_len == 0 {
            &[]
        } else {
            self.buf.get(5..5 + self.data_len as usize).unwrap_or(&[])
        }
    }

    /// Expected response length (`None` when no Le is sent; 256 when Le is `00`).
    #[inline]
    pub fn le(&self) -> Option<u16> {
        self.le
    }

    /// True when the command carries a PIN (VERIFY, CHANGE REFERENCE DATA).
    #[inline]
    pub fn is_secret(&self) -> bool {
        self.secret
    }

    /// Which command this is.
    #[inline]
    pub fn kind(&self) -> CommandKind {
        CommandKind::from_header(self.cla(), self.ins())
    }

    /// The bytes to show an observer or a transcript: identical to [`Command::as_bytes`] except
    /// that the data of a secret command is replaced by `FF` bytes of the same length.
    pub fn masked_bytes(&self) -> Vec<u8> {
        mask_apdu(self.as_bytes())
    }

    // ----- constructors, one per command -------------------------------------------------

    /// SELECT by AID, `00 A4 04 0C Lc <aid>` (spec §1.3, §3.1). AIDs longer than 16 bytes are
    /// truncated to 16 (ISO 7816-4 maximum).
    pub fn select_aid(aid: &[u8]) -> Self {
        let aid = aid.get(..16).unwrap_or(aid);
        Self::build(0x00, 0xA4, 0x04, 0x0C, aid, None)
    }

    /// SELECT of the Belpic applet instance, `00 A4 04 0C 0F A0 00 00 00 30 29 05 70 00 AD 13 10
    /// 01 01 FF` (spec §1.3).
    pub fn select_applet() -> Self {
        Self::select_aid(&BELPIC_APPLET_AID)
    }

    /// SELECT of the applet the way eid-mw does it, with P2 = `00` (spec §1.3, §13.1).
    pub fn select_applet_p2_00() -> Self {
        Self::build(0x00, 0xA4, 0x04, 0x00, &BELPIC_APPLET_AID, None)
    }

    /// SELECT by absolute path, `00 A4 08 0C Lc <path>` (spec §3.1). The path is a sequence of
    /// FIDs; both forms real readers send work on the card (with or without a leading `3F00`).
    /// Paths longer than 255 bytes are truncated.
    pub fn select_path(path: &[u8]) -> Self {
        let path = path.get(..255).unwrap_or(path);
        Self::build(0x00, 0xA4, 0x08, 0x0C, path, None)
    }

    /// SELECT by file identifier relative to the current DF, `00 A4 02 0C 02 <fid>` (spec §3.1).
    pub fn select_fid(fid: u16) -> Self {
        Self::build(0x00, 0xA4, 0x02, 0x0C, &fid.to_be_bytes(), None)
    }

    /// READ BINARY, `00 B0 <offset> <le>` (spec §3.2). The offset is masked to 15 bits (the card
    /// supports offsets ≤ 32767); `le` is clamped to `1..=256` (`00` = 256).
    #[inline]
    pub fn read_binary(offset: u16, le: u16) -> Self {
        let [hi, lo] = (offset & 0x7FFF).to_be_bytes();
        Self::build(0x00, 0xB0, hi, lo, &[], Some(le.clamp(1, 256)))
    }

    /// READ RECORD (applet 1.8), `80 B2 <first tag> <last tag> <le>` (spec §3.3).
    pub fn read_record(first_tag: u8, last_tag: u8, le: u16) -> Self {
        Self::build(0x80, 0xB2, first_tag, last_tag, &[], Some(le.clamp(1, 256)))
    }

    /// GET RESPONSE, `00 C0 00 00 <le>` (spec §3.4).
    #[inline]
    pub fn get_response(le: u16) -> Self {
        Self::build(0x00, 0xC0, 0x00, 0x00, &[], Some(le.clamp(1, 256)))
    }

    /// GET CARD DATA, all generations: `80 E4 00 00 1C` (28 bytes, spec §9.1).
    pub fn get_card_data() -> Self {
        Self::build(0x80, 0xE4, 0x00, 0x00, &[], Some(0x1C))
    }

    /// GET CARD DATA, applet 1.8 form with the PIN counter: `80 E4 00 01 1F` (31 bytes, §9.1).
    pub fn get_card_data_extended() -> Self {
        Self::build(0x80, 0xE4, 0x00, 0x01, &[], Some(0x1F))
    }

    /// VERIFY of the cardholder PIN, `00 20 00 01 08 <PIN block>` (spec §8.3). Secret.
    pub fn verify(pin: &PinBlock) -> Self {
        Self::build(0x00, 0x20, 0x00, 0x01, pin.as_bytes(), None).secret()
    }

    /// Empty VERIFY, `00 20 00 01`: on 1.7 and 1.8 reports the PIN state without spending a try
    /// (`90 00` verified, `63 Cx` not verified, `69 83` blocked). On applet V1.1 it counts as a
    /// wrong PIN (spec §8.3): never send it to a V1 card.
    pub fn verify_status() -> Self {
        Self::build(0x00, 0x20, 0x00, 0x01, &[], None)
    }

    /// CHANGE REFERENCE DATA, `00 24 00 01 10 <old block> <new block>` (spec §8.4). Secret.
    pub fn change_reference_data(old: &PinBlock, new: &PinBlock) -> Self {
        let mut data = [0u8; 16];
        data[..8].copy_from_slice(old.as_bytes());
        data[8..].copy_from_slice(new.as_bytes());
        let c = Self::build(0x00, 0x24, 0x00, 0x01, &data, None).secret();
        data.zeroize();
        c
    }

    /// RESET RETRY COUNTER, `00 2C 00 01 08 <PUK block>` (spec §8.5, as commons-eid sends it:
    /// the PUK's two halves, second first, in the PIN block format). Secret.
    pub fn reset_retry_counter(puk: &PinBlock) -> Self {
        Self::build(0x00, 0x2C, 0x00, 0x01, puk.as_bytes(), None).secret()
    }

    /// LOG OFF, `80 E6 00 00` (spec §8.6): discards every access right.
    pub fn log_off() -> Self {
        Self::build(0x80, 0xE6, 0x00, 0x00, &[], None)
    }

    /// MSE:SET for signing, `00 22 41 B6 05 04 80 <alg> 84 <key>` (spec §8.7).
    pub fn mse_set(algorithm: AlgorithmReference, key: KeyReference) -> Self {
        Self::build(
            0x00,
            0x22,
            0x41,
            0xB6,
            &[0x04, 0x80, algorithm.0, 0x84, key.byte()],
            None,
        )
    }

    /// PSO: COMPUTE DIGITAL SIGNATURE, `00 2A 9E 9A Lc <DTBS>` (spec §8.8). Sent without Le: on
    /// T=0 the card answers `61 xx` and the channel fetches the signature with GET RESPONSE.
    /// The DTBS is at most 255 bytes; longer input is an error.
    pub fn pso_compute_digital_signature(dtbs: &[u8]) -> Result<Self> {
        Self::new(0x00, 0x2A, 0x9E, 0x9A, dtbs, None)
    }

    /// INTERNAL AUTHENTICATE, `00 88 <alg> <key> Lc 94 <len> <challenge>` (spec §8.11). Readers
    /// send 48 bytes with algorithm `02` and key `81` on applet 1.8. Challenges longer than 253
    /// bytes are an error.
    pub fn internal_authenticate(
        algorithm: AlgorithmReference,
        key: KeyReference,
        challenge: &[u8],
    ) -> Result<Self> {
        if challenge.len() > 253 {
            return Err(ArgumentError::DataTooLong {
                command: CommandKind::InternalAuthenticate,
                len: challenge.len(),
                max: 253,
            }
            .into());
        }
        let mut data = [0u8; 255];
        let [tag, len, rest @ ..] = &mut data;
        *tag = 0x94;
        *len = challenge.len() as u8;
        if let Some(d) = rest.get_mut(..challenge.len()) {
            d.copy_from_slice(challenge);
        }
        let body = data.get(..2 + challenge.len()).unwrap_or(&[]);
        Ok(Self::build(0x00, 0x88, algorithm.0, key.byte(), body, None))
    }

    /// GET CHALLENGE, `00 84 00 00 <le>` (spec §8.12; not in the reference manuals, used by
    /// commons-eid and OpenSC).
    pub fn get_challenge(le: u16) -> Self {
        Self::build(0x00, 0x84, 0x00, 0x00, &[], Some(le.clamp(1, 256)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin::Pin;

    fn hex(c: &Command) -> String {
        c.as_bytes().iter().map(|b| format!("{b:02X}")).collect()
    }

    #[test]
    fn reset_retry_counter_is_the_commons_eid_bytes_and_masked() {
        // PUK halves 111111 / 222222 → second half first (spec §8.5).
        let puk = crate::pin::Puk::new("111111", "222222").unwrap_or_else(|_| unreachable!());
        let c = Command::reset_retry_counter(&puk.block());
        assert_eq!(hex(&c), "002C0001082C222222111111FF");
        assert!(!c.masked_bytes().windows(3).any(|w| w == [0x22, 0x22, 0x22]));
    }

    #[test]
    fn encodings_match_spec() {
        assert_eq!(
            hex(&Command::select_applet()),
            "00A4040C0FA000000030290570 00AD13100101FF".replace(' ', "")
        );
        assert_eq!(
            hex(&Command::select_applet_p2_00()),
            "00A404000FA00000003029057000AD13100101FF"
        );
        assert_eq!(
            hex(&Command::select_path(&[0xDF, 0x01, 0x40, 0x31])),
            "00A4080C04DF014031"
        );
        assert_eq!(hex(&Command::select_fid(0x3F00)), "00A4020C023F00");
        assert_eq!(hex(&Command::read_binary(0, 256)), "00B0000000");
        assert_eq!(hex(&Command::read_binary(0x01FC, 0xFC)), "00B001FCFC");
        assert_eq!(hex(&Command::read_binary(0xFFFF, 1)), "00B07FFF01");
        assert_eq!(hex(&Command::get_response(0x60)), "00C0000060");
        assert_eq!(hex(&Command::get_card_data()), "80E400001C");
        assert_eq!(hex(&Command::get_card_data_extended()), "80E400011F");
        assert_eq!(hex(&Command::log_off()), "80E60000");
        assert_eq!(
            hex(&Command::mse_set(
                AlgorithmReference::RSA_PKCS1,
                KeyReference::NonRepudiation
            )),
            "002241B6050480018483"
        );
        assert_eq!(hex(&Command::read_record(1, 0x1F, 256)), "80B2011F00");
        let ia = Command::internal_authenticate(
            AlgorithmReference::ECDSA_SHA384,
            KeyReference::Basic,
            &[0xAB; 48],
        )
        .unwrap();
        assert_eq!(&hex(&ia)[..14], "00880281329430");
        assert_eq!(ia.as_bytes().len(), 5 + 50);
        let pso = Command::pso_compute_digital_signature(&[1; 32]).unwrap();
        assert_eq!(&hex(&pso)[..10], "002A9E9A20");
        assert!(Command::pso_compute_digital_signature(&[0; 256]).is_err());
        assert_eq!(hex(&Command::verify_status()), "00200001");
    }

    #[test]
    fn verify_is_secret_and_masked() {
        let pin = Pin::new("1234").unwrap();
        let c = Command::verify(&pin.block());
        assert_eq!(hex(&c), "002000010824 1234FFFFFFFFFF".replace(' ', ""));
        assert!(c.is_secret());
        assert_eq!(
            c.masked_bytes(),
            [
                0, 0x20, 0, 1, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
            ]
        );
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("1234") && !dbg.contains("24123"), "{dbg}");
        let new = Pin::new("987654").unwrap();
        let c = Command::change_reference_data(&pin.block(), &new.block());
        assert_eq!(c.data().len(), 16);
        assert!(c.is_secret());
        assert!(c.masked_bytes()[5..].iter().all(|b| *b == 0xFF));
    }

    #[test]
    fn with_le_replaces_or_appends() {
        assert_eq!(
            hex(&Command::read_binary(0, 256).with_le(0xB0)),
            "00B00000B0"
        );
        assert_eq!(
            hex(&Command::select_fid(0x5031).with_le(4)),
            "00A4020C02503104"
        );
    }
}
