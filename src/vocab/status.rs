//! Status words (spec §10) and their meaning.

/// The two status bytes `SW1 SW2` that end every response APDU.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StatusWord(pub u16);

impl StatusWord {
    /// `90 00`, normal ending.
    pub const SUCCESS: StatusWord = StatusWord(0x9000);

    /// Build from `SW1`, `SW2`.
    #[inline]
    pub const fn new(sw1: u8, sw2: u8) -> Self {
        StatusWord(((sw1 as u16) << 8) | sw2 as u16)
    }

    /// `SW1`.
    #[inline]
    pub const fn sw1(self) -> u8 {
        (self.0 >> 8) as u8
    }

    /// `SW2`.
    #[inline]
    pub const fn sw2(self) -> u8 {
        self.0 as u8
    }

    /// The two bytes, `SW1` first.
    #[inline]
    pub const fn to_bytes(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }

    /// True for `90 00`.
    #[inline]
    pub const fn is_success(self) -> bool {
        self.0 == 0x9000
    }

    /// What the status word means on a Belpic card.
    #[inline]
    pub const fn status(self) -> Status {
        Status::from_word(self)
    }
}

impl core::fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "StatusWord({:04X})", self.0)
    }
}

impl core::fmt::Display for StatusWord {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:02X} {:02X}", self.sw1(), self.sw2())
    }
}

impl From<u16> for StatusWord {
    fn from(v: u16) -> Self {
        StatusWord(v)
    }
}

impl From<StatusWord> for u16 {
    fn from(v: StatusWord) -> Self {
        v.0
    }
}

impl From<Status> for StatusWord {
    fn from(s: Status) -> Self {
        s.word()
    }
}

/// The meaning of a status word, as the Belpic reference manuals define it (spec §10; RM17 §6,
/// RM18 §6). `Copy` and cheap to match on; unknown words are kept as [`Status::Other`].
///
/// Some words mean different things depending on who produced them: `64 00` is "no precise
/// diagnostic" from the card but "timeout" from a PIN-pad reader (spec §13.5). This enum gives the
/// card's meaning; the PIN-pad layer interprets reader answers itself.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Status {
    /// `90 00`.
    Success,
    /// `61 xx`: this many bytes wait for GET RESPONSE (`61 00` = 256).
    BytesAvailable(u16),
    /// `6C xx`: wrong Le; re-send with Le = this many bytes (`6C 00` = 256).
    WrongLe(u16),
    /// `62 83`: selected file not activated (1.7).
    FileNotActivatedWarning,
    /// `63 Cx`: verification failed, `x` tries left.
    VerificationFailed {
        /// Tries left.
        tries_left: u8,
    },
    /// `64 00`: no precise diagnostic (card) — or timeout (PIN-pad reader).
    NoPreciseDiagnostic,
    /// `65 81`: EEPROM corrupted.
    MemoryFailure,
    /// `67 00`: wrong length (Lc).
    WrongLength,
    /// `68 81`: logical channel not supported / wrong class.
    ChannelNotSupported,
    /// `69 81`: command incompatible with the file structure.
    IncompatibleFileStructure,
    /// `69 82`: security status not satisfied (PIN not verified, or non-repudiation key without
    /// a fresh VERIFY).
    SecurityStatusNotSatisfied,
    /// `69 83`: authentication method blocked (PIN blocked).
    AuthenticationBlocked,
    /// `69 85`: conditions of use not satisfied (no SE set, nothing for GET RESPONSE, …).
    ConditionsNotSatisfied,
    /// `69 86`: command not allowed (no current EF).
    CommandNotAllowed,
    /// `69 99`: forbidden logical channel.
    ForbiddenChannel,
    /// `6A 80`: incorrect data.
    IncorrectData,
    /// `6A 81`: function not supported.
    FunctionNotSupported,
    /// `6A 82`: file not found.
    FileNotFound,
    /// `6A 83`: record not found.
    RecordNotFound,
    /// `6A 86`: incorrect P1-P2.
    IncorrectP1P2,
    /// `6A 87`: Lc inconsistent with P1-P2.
    LcInconsistent,
    /// `6A 88`: referenced data (PIN, key) not found.
    ReferenceNotFound,
    /// `6B 00`: wrong P1-P2; for READ BINARY, offset outside the file.
    WrongParameters,
    /// `6D 00`: instruction not supported / not available in this life cycle.
    InstructionNotSupported,
    /// `6E 00`: class not supported.
    ClassNotSupported,
    /// Any other status word.
    Other(StatusWord),
}

impl Status {
    /// Map a status word.
    #[inline]
    pub const fn from_word(sw: StatusWord) -> Self {
        let sw2 = sw.sw2();
        match sw.sw1() {
            0x61 => Status::BytesAvailable(if sw2 == 0 { 256 } else { sw2 as u16 }),
            0x6C => Status::WrongLe(if sw2 == 0 { 256 } else { sw2 as u16 }),
            0x63 if sw2 & 0xF0 == 0xC0 => Status::VerificationFailed {
                tries_left: sw2 & 0x0F,
            },
            _ => match sw.0 {
                0x9000 => Status::Success,
                0x6283 => Status::FileNotActivatedWarning,
                0x6400 => Status::NoPreciseDiagnostic,
                0x6581 => Status::MemoryFailure,
                0x6700 => Status::WrongLength,
                0x6881 => Status::ChannelNotSupported,
                0x6981 => Status::IncompatibleFileStructure,
                0x6982 => Status::SecurityStatusNotSatisfied,
                0x6983 => Status::AuthenticationBlocked,
                0x6985 => Status::ConditionsNotSatisfied,
                0x6986 => Status::CommandNotAllowed,
                0x6999 => Status::ForbiddenChannel,
                0x6A80 => Status::IncorrectData,
                0x6A81 => Status::FunctionNotSupported,
                0x6A82 => Status::FileNotFound,
                0x6A83 => Status::RecordNotFound,
                0x6A86 => Status::IncorrectP1P2,
                0x6A87 => Status::LcInconsistent,
                0x6A88 => Status::ReferenceNotFound,
                0x6B00 => Status::WrongParameters,
                0x6D00 => Status::InstructionNotSupported,
                0x6E00 => Status::ClassNotSupported,
                _ => Status::Other(sw),
            },
        }
    }

    /// The status word for this meaning (`BytesAvailable(256)` gives `61 00`).
    pub const fn word(self) -> StatusWord {
        match self {
            Status::Success => StatusWord(0x9000),
            Status::BytesAvailable(n) => StatusWord::new(0x61, n as u8),
            Status::WrongLe(n) => StatusWord::new(0x6C, n as u8),
            Status::FileNotActivatedWarning => StatusWord(0x6283),
            Status::VerificationFailed { tries_left } => {
                StatusWord::new(0x63, 0xC0 | (tries_left & 0x0F))
            }
            Status::NoPreciseDiagnostic => StatusWord(0x6400),
            Status::MemoryFailure => StatusWord(0x6581),
            Status::WrongLength => StatusWord(0x6700),
            Status::ChannelNotSupported => StatusWord(0x6881),
            Status::IncompatibleFileStructure => StatusWord(0x6981),
            Status::SecurityStatusNotSatisfied => StatusWord(0x6982),
            Status::AuthenticationBlocked => StatusWord(0x6983),
            Status::ConditionsNotSatisfied => StatusWord(0x6985),
            Status::CommandNotAllowed => StatusWord(0x6986),
            Status::ForbiddenChannel => StatusWord(0x6999),
            Status::IncorrectData => StatusWord(0x6A80),
            Status::FunctionNotSupported => StatusWord(0x6A81),
            Status::FileNotFound => StatusWord(0x6A82),
            Status::RecordNotFound => StatusWord(0x6A83),
            Status::IncorrectP1P2 => StatusWord(0x6A86),
            Status::LcInconsistent => StatusWord(0x6A87),
            Status::ReferenceNotFound => StatusWord(0x6A88),
            Status::WrongParameters => StatusWord(0x6B00),
            Status::InstructionNotSupported => StatusWord(0x6D00),
            Status::ClassNotSupported => StatusWord(0x6E00),
            Status::Other(sw) => sw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_round_trips() {
        for w in 0..=u16::MAX {
            let sw = StatusWord(w);
            assert_eq!(sw.status().word(), sw, "{sw}");
        }
    }

    #[test]
    fn belpic_words_have_meaning() {
        assert_eq!(
            StatusWord(0x63C2).status(),
            Status::VerificationFailed { tries_left: 2 }
        );
        assert_eq!(
            StatusWord(0x63C0).status(),
            Status::VerificationFailed { tries_left: 0 }
        );
        assert_eq!(StatusWord(0x6983).status(), Status::AuthenticationBlocked);
        assert_eq!(
            StatusWord(0x6982).status(),
            Status::SecurityStatusNotSatisfied
        );
        assert_eq!(StatusWord(0x6985).status(), Status::ConditionsNotSatisfied);
        assert_eq!(StatusWord(0x6A82).status(), Status::FileNotFound);
        assert_eq!(StatusWord(0x6A86).status(), Status::IncorrectP1P2);
        assert_eq!(StatusWord(0x6B00).status(), Status::WrongParameters);
        assert_eq!(StatusWord(0x6C1C).status(), Status::WrongLe(0x1C));
        assert_eq!(StatusWord(0x6C00).status(), Status::WrongLe(256));
        assert_eq!(StatusWord(0x6100).status(), Status::BytesAvailable(256));
        assert_eq!(StatusWord(0x6160).status(), Status::BytesAvailable(96));
        assert_eq!(StatusWord(0x6D00).status(), Status::InstructionNotSupported);
        assert_eq!(
            StatusWord(0x6300).status(),
            Status::Other(StatusWord(0x6300))
        );
        assert_eq!(StatusWord::new(0x90, 0).to_string(), "90 00");
    }
}
