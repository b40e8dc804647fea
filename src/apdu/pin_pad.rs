//! Secure PIN entry on a PIN-pad reader: the PC/SC part 10 / CCID `PIN_VERIFY_STRUCTURE` and
//! `PIN_MODIFY_STRUCTURE` the host gives the reader, and the results the reader itself
//! generates (spec §13.5). The reader collects the digits on its keypad, fills them into the
//! "empty" PIN block of the APDU template and sends the VERIFY (or CHANGE REFERENCE DATA) to
//! the card: the PIN never passes through the host.

use crate::vocab::StatusWord;

/// The language of the reader's prompts (wLangId, spec §13.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PinPadLanguage {
    /// English (LANGID `0409`).
    #[default]
    English,
    /// Dutch (LANGID `0413`).
    Dutch,
    /// French (LANGID `040C`).
    French,
    /// German (LANGID `0407`).
    German,
}

impl PinPadLanguage {
    /// The Windows LANGID.
    pub const fn langid(self) -> u16 {
        match self {
            PinPadLanguage::English => 0x0409,
            PinPadLanguage::Dutch => 0x0413,
            PinPadLanguage::French => 0x040C,
            PinPadLanguage::German => 0x0407,
        }
    }
}

/// How the reader should ask for the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PinPadOptions {
    /// Seconds the reader waits for the holder (bTimeOut and bTimeOut2); eid-mw and
    /// commons-eid use 30.
    pub timeout_s: u8,
    /// The language of the reader's prompts.
    pub language: PinPadLanguage,
}

impl Default for PinPadOptions {
    fn default() -> Self {
        PinPadOptions {
            timeout_s: 30,
            language: PinPadLanguage::default(),
        }
    }
}

impl PinPadOptions {
    /// With this timeout.
    pub const fn timeout(mut self, seconds: u8) -> Self {
        self.timeout_s = seconds;
        self
    }

    /// With this prompt language.
    pub const fn language(mut self, language: PinPadLanguage) -> Self {
        self.language = language;
        self
    }
}

/// bmFormatString `89`: system units bytes, PIN at byte 1, left-justified, BCD (spec §13.5).
pub const FORMAT_STRING: u8 = 0x89;
/// bmPINBlockString `47`: a 4-bit length field, a 7-byte PIN block.
pub const PIN_BLOCK_STRING: u8 = 0x47;
/// bmPINLengthFormat `04`: the length field at bit 4 (the low nibble of the block's first byte).
pub const PIN_LENGTH_FORMAT: u8 = 0x04;
/// wPINMaxExtraDigit as sent: maximum 12 digits, minimum 4 (spec §8.1).
pub const MAX_EXTRA_DIGIT: [u8; 2] = [0x0C, 0x04];
/// bEntryValidationCondition `02`: the holder presses OK.
pub const VALIDATION_OK_KEY: u8 = 0x02;
/// The "empty" PIN block the reader fills: `20 FF FF FF FF FF FF FF`.
const EMPTY_BLOCK: [u8; 8] = [0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

/// The LANGID as the structure carries it: little-endian, as every CCID multi-byte field
/// (`09 04` for English). eid-mw writes the two bytes the other way round (`04 09`), which a
/// reader reads as an unknown language and answers in its default one; commons-eid writes
/// them little-endian. Little-endian keeps every reader's prompts in the asked language and
/// never breaks one (the PIN handling does not depend on it).
fn langid_bytes(language: PinPadLanguage) -> [u8; 2] {
    language.langid().to_le_bytes()
}

/// A PC/SC part 10 PIN structure: timeouts and the three format bytes, the fields of this
/// kind of structure (`fields`, which end with wLangId and the message indexes), no TEO
/// prologue, the APDU template's length (little-endian) and the template: `header ‖ blocks`,
/// where each block is the "empty" PIN block the reader fills.
fn structure(options: PinPadOptions, fields: &[u8], header: [u8; 5], blocks: usize) -> Vec<u8> {
    let apdu: Vec<u8> = header
        .into_iter()
        .chain((0..blocks).flat_map(|_| EMPTY_BLOCK))
        .collect();
    let mut s = vec![
        options.timeout_s,
        options.timeout_s,
        FORMAT_STRING,
        PIN_BLOCK_STRING,
        PIN_LENGTH_FORMAT,
    ];
    s.extend_from_slice(fields);
    s.extend_from_slice(&[0x00, 0x00, 0x00]); // bTeoPrologue
    s.extend_from_slice(&(apdu.len() as u32).to_le_bytes());
    s.extend_from_slice(&apdu);
    s
}

/// `PIN_VERIFY_STRUCTURE` for FEATURE_VERIFY_PIN_DIRECT (spec §13.5): the bytes eid-mw and
/// commons-eid send, around the APDU template `00 20 00 01 08 20 FF…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinVerifyStructure(Vec<u8>);

impl PinVerifyStructure {
    /// The structure for a VERIFY of the cardholder PIN (reference `01`).
    pub fn new(options: PinPadOptions) -> Self {
        let [lang0, lang1] = langid_bytes(options.language);
        let fields = [
            MAX_EXTRA_DIGIT[0],
            MAX_EXTRA_DIGIT[1],
            VALIDATION_OK_KEY,
            0x01, // bNumberMessage
            lang0,
            lang1,
            0x00, // bMsgIndex
        ];
        PinVerifyStructure(structure(
            options,
            &fields,
            [0x00, 0x20, 0x00, 0x01, 0x08],
            1,
        ))
    }

    /// The bytes for SCardControl.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// `PIN_MODIFY_STRUCTURE` for FEATURE_MODIFY_PIN_DIRECT (spec §13.5): current PIN, new PIN and
/// its confirmation on the keypad (bConfirmPIN `03`), around the template
/// `00 24 00 01 10 20 FF… 20 FF…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinModifyStructure(Vec<u8>);

impl PinModifyStructure {
    /// The structure for a CHANGE REFERENCE DATA of the cardholder PIN.
    pub fn new(options: PinPadOptions) -> Self {
        let [lang0, lang1] = langid_bytes(options.language);
        let fields = [
            0x00, // bInsertionOffsetOld
            0x08, // bInsertionOffsetNew
            MAX_EXTRA_DIGIT[0],
            MAX_EXTRA_DIGIT[1],
            0x03, // bConfirmPIN: confirm the new PIN, ask the current one
            VALIDATION_OK_KEY,
            0x03, // bNumberMessage
            lang0,
            lang1,
            0x00, // bMsgIndex1
            0x01, // bMsgIndex2
            0x02, // bMsgIndex3
        ];
        PinModifyStructure(structure(
            options,
            &fields,
            [0x00, 0x24, 0x00, 0x01, 0x10],
            2,
        ))
    }

    /// The bytes for SCardControl.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A `PIN_VERIFY_STRUCTURE` or `PIN_MODIFY_STRUCTURE` as a reader reads it: what a virtual PIN
/// pad needs to fill the digits in (the simulator's keypad uses this).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PinPadRequest {
    /// bTimeOut, seconds.
    pub timeout_s: u8,
    /// bmFormatString.
    pub format_string: u8,
    /// bmPINBlockString.
    pub pin_block_string: u8,
    /// bmPINLengthFormat.
    pub pin_length_format: u8,
    /// Longest PIN accepted (wPINMaxExtraDigit, first byte).
    pub max_digits: u8,
    /// Shortest PIN accepted (wPINMaxExtraDigit, second byte).
    pub min_digits: u8,
    /// For a modify structure: bInsertionOffsetOld, bInsertionOffsetNew, bConfirmPIN.
    pub modify: Option<(u8, u8, u8)>,
    /// The APDU template (abData).
    pub apdu: Vec<u8>,
}

impl PinPadRequest {
    /// Read a verify structure; `None` if it is malformed (the reader answers `6B 80`).
    pub fn parse_verify(s: &[u8]) -> Option<Self> {
        let header = s.get(..19)?;
        let len = u32::from_le_bytes(header.get(15..19)?.try_into().ok()?) as usize;
        let apdu = s.get(19..)?;
        (apdu.len() == len).then(|| PinPadRequest {
            timeout_s: header.first().copied().unwrap_or(0),
            format_string: header.get(2).copied().unwrap_or(0),
            pin_block_string: header.get(3).copied().unwrap_or(0),
            pin_length_format: header.get(4).copied().unwrap_or(0),
            max_digits: header.get(5).copied().unwrap_or(0),
            min_digits: header.get(6).copied().unwrap_or(0),
            modify: None,
            apdu: apdu.to_vec(),
        })
    }

    /// Read a modify structure; `None` if it is malformed.
    pub fn parse_modify(s: &[u8]) -> Option<Self> {
        let header = s.get(..24)?;
        let len = u32::from_le_bytes(header.get(20..24)?.try_into().ok()?) as usize;
        let apdu = s.get(24..)?;
        let byte = |i: usize| header.get(i).copied().unwrap_or(0);
        (apdu.len() == len).then(|| PinPadRequest {
            timeout_s: byte(0),
            format_string: byte(2),
            pin_block_string: byte(3),
            pin_length_format: byte(4),
            max_digits: byte(7),
            min_digits: byte(8),
            modify: Some((byte(5), byte(6), byte(9))),
            apdu: apdu.to_vec(),
        })
    }

    /// Fill `digits` (ASCII) into the PIN block at `offset` bytes after the APDU header, as the
    /// format fields say. Only the Belpic format (`89`/`47`/`04`: byte units, PIN at byte 1,
    /// left-justified BCD, 4-bit length at bit 4) is understood; any other is `None` (`6B 80`).
    pub fn fill(&self, apdu: &mut [u8], offset: usize, digits: &[u8]) -> Option<()> {
        if self.format_string != FORMAT_STRING
            || self.pin_block_string != PIN_BLOCK_STRING
            || self.pin_length_format != PIN_LENGTH_FORMAT
            || digits.len() > 14
            || !digits.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let block = apdu.get_mut(5 + offset..5 + offset + 8)?;
        let first = block.first_mut()?;
        *first = (*first & 0xF0) | (digits.len() as u8 & 0x0F);
        for (i, d) in digits.iter().enumerate() {
            let byte = block.get_mut(1 + i / 2)?;
            let nibble = d - b'0';
            *byte = if i % 2 == 0 {
                (nibble << 4) | (*byte & 0x0F)
            } else {
                (*byte & 0xF0) | nibble
            };
        }
        Some(())
    }
}

/// What a PIN-pad reader answered, classified (spec §13.5): the card's own status word passed
/// through, or one the reader generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinPadResult {
    /// The card's status word (the PIN reached the card).
    Card(StatusWord),
    /// `64 00`: the holder did not enter the PIN in time.
    Timeout,
    /// `64 01`: the holder pressed Cancel.
    Cancelled,
    /// `64 02`: the new PIN and its confirmation differ.
    NewPinsDiffer,
    /// `64 03`: a PIN of the wrong length or format was entered.
    WrongLength,
    /// `6B 80`: the reader refused the structure.
    InvalidParameter,
}

impl PinPadResult {
    /// Classify the reader's answer. `64 00` is the reader's timeout here: a PIN-pad command
    /// never reaches the card when the holder did not answer (eid-mw MW-PP does the same).
    pub const fn from_status(sw: StatusWord) -> Self {
        match sw.0 {
            0x6400 => PinPadResult::Timeout,
            0x6401 => PinPadResult::Cancelled,
            0x6402 => PinPadResult::NewPinsDiffer,
            0x6403 => PinPadResult::WrongLength,
            0x6B80 => PinPadResult::InvalidParameter,
            _ => PinPadResult::Card(sw),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn verify_structure_has_the_bytes_of_spec_13_5() {
        let s = PinVerifyStructure::new(PinPadOptions::default());
        let expected: Vec<u8> = [
            0x1E, 0x1E, 0x89, 0x47, 0x04, 0x0C, 0x04, 0x02, 0x01, 0x09, 0x04, 0x00, 0x00, 0x00,
            0x00, 0x0D, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x01, 0x08, 0x20, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF,
        ]
        .to_vec();
        assert_eq!(s.as_bytes(), expected);
        let nl = PinVerifyStructure::new(PinPadOptions::default().language(PinPadLanguage::Dutch));
        assert_eq!(nl.as_bytes().get(9..11), Some(&[0x13, 0x04][..]));
    }

    #[test]
    fn modify_structure_has_the_bytes_of_spec_13_5() {
        let s = PinModifyStructure::new(PinPadOptions::default());
        let b = s.as_bytes();
        assert_eq!(
            b.get(..12),
            Some(
                &[
                    0x1E, 0x1E, 0x89, 0x47, 0x04, 0x00, 0x08, 0x0C, 0x04, 0x03, 0x02, 0x03
                ][..]
            )
        );
        assert_eq!(b.get(20..24), Some(&[0x15, 0, 0, 0][..]));
        assert_eq!(b.get(24..29), Some(&[0x00, 0x24, 0x00, 0x01, 0x10][..]));
        assert_eq!(b.len(), 24 + 21);
        let r = PinPadRequest::parse_modify(b).unwrap();
        assert_eq!(r.modify, Some((0x00, 0x08, 0x03)));
        assert_eq!((r.max_digits, r.min_digits), (12, 4));
    }

    #[test]
    fn a_reader_fills_the_block_as_the_format_says() {
        let s = PinVerifyStructure::new(PinPadOptions::default());
        let r = PinPadRequest::parse_verify(s.as_bytes()).unwrap();
        let mut apdu = r.apdu.clone();
        r.fill(&mut apdu, 0, b"12345").unwrap();
        // The same block as Pin::block (spec §8.2).
        assert_eq!(
            apdu,
            [
                0x00, 0x20, 0x00, 0x01, 0x08, 0x25, 0x12, 0x34, 0x5F, 0xFF, 0xFF, 0xFF, 0xFF
            ]
        );
        let expected = crate::Pin::new("12345").unwrap().block();
        assert_eq!(apdu.get(5..), Some(&expected.as_bytes()[..]));
        assert!(r.fill(&mut apdu, 0, b"12a4").is_none());
        assert!(PinPadRequest::parse_verify(&s.as_bytes()[..20]).is_none());
    }

    #[test]
    fn reader_results() {
        assert_eq!(
            PinPadResult::from_status(StatusWord(0x6401)),
            PinPadResult::Cancelled
        );
        assert_eq!(
            PinPadResult::from_status(StatusWord(0x6400)),
            PinPadResult::Timeout
        );
        assert_eq!(
            PinPadResult::from_status(StatusWord(0x63C2)),
            PinPadResult::Card(StatusWord(0x63C2))
        );
    }
}
