//! Names of the card's commands, by instruction byte (spec §3, §8, §9).

/// The command an error refers to (named after the instruction byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommandKind {
    /// SELECT FILE (`A4`).
    Select,
    /// READ BINARY (`B0`).
    ReadBinary,
    /// READ RECORD (`B2`).
    ReadRecord,
    /// GET RESPONSE (`C0`).
    GetResponse,
    /// GET CARD DATA (`80 E4`).
    GetCardData,
    /// VERIFY (`20`).
    Verify,
    /// CHANGE REFERENCE DATA (`24`).
    ChangeReferenceData,
    /// RESET RETRY COUNTER (`2C`).
    ResetRetryCounter,
    /// LOG OFF (`80 E6`).
    LogOff,
    /// MANAGE SECURITY ENVIRONMENT: SET (`22`).
    ManageSecurityEnvironment,
    /// PERFORM SECURITY OPERATION: COMPUTE DIGITAL SIGNATURE (`2A`).
    ComputeDigitalSignature,
    /// INTERNAL AUTHENTICATE (`88`).
    InternalAuthenticate,
    /// GET CHALLENGE (`84`).
    GetChallenge,
    /// Any other instruction byte.
    Other(u8),
}

impl CommandKind {
    /// True for the commands whose data is a PIN or PUK block (VERIFY, CHANGE REFERENCE DATA,
    /// RESET RETRY COUNTER, spec §8.3–§8.5): the one rule for what traces mask.
    pub const fn carries_pin(self) -> bool {
        matches!(
            self,
            CommandKind::Verify | CommandKind::ChangeReferenceData | CommandKind::ResetRetryCounter
        )
    }

    /// True for the commands a host may re-send after `6C xx` ("wrong Le, xx = exact length",
    /// spec §10): the reads the card documents it for (READ BINARY, READ RECORD, GET CARD DATA,
    /// GET RESPONSE). Never a command with an effect: re-sending a VERIFY would send the PIN
    /// twice, a PSO:CDS would sign twice.
    pub const fn may_resend_on_wrong_le(self) -> bool {
        matches!(
            self,
            CommandKind::ReadBinary
                | CommandKind::ReadRecord
                | CommandKind::GetCardData
                | CommandKind::GetResponse
        )
    }

    /// Classify a command by its class and instruction bytes.
    pub const fn from_header(cla: u8, ins: u8) -> Self {
        match (cla & 0x80 != 0, ins) {
            (_, 0xA4) => CommandKind::Select,
            (_, 0xB0) => CommandKind::ReadBinary,
            (_, 0xB2) => CommandKind::ReadRecord,
            (_, 0xC0) => CommandKind::GetResponse,
            (_, 0xE4) => CommandKind::GetCardData,
            (_, 0x20) => CommandKind::Verify,
            (_, 0x24) => CommandKind::ChangeReferenceData,
            (_, 0x2C) => CommandKind::ResetRetryCounter,
            (_, 0xE6) => CommandKind::LogOff,
            (_, 0x22) => CommandKind::ManageSecurityEnvironment,
            (_, 0x2A) => CommandKind::ComputeDigitalSignature,
            (_, 0x88) => CommandKind::InternalAuthenticate,
            (_, 0x84) => CommandKind::GetChallenge,
            (_, other) => CommandKind::Other(other),
        }
    }
}

impl core::fmt::Display for CommandKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CommandKind::Select => f.write_str("SELECT"),
            CommandKind::ReadBinary => f.write_str("READ BINARY"),
            CommandKind::ReadRecord => f.write_str("READ RECORD"),
            CommandKind::GetResponse => f.write_str("GET RESPONSE"),
            CommandKind::GetCardData => f.write_str("GET CARD DATA"),
            CommandKind::Verify => f.write_str("VERIFY"),
            CommandKind::ChangeReferenceData => f.write_str("CHANGE REFERENCE DATA"),
            CommandKind::ResetRetryCounter => f.write_str("RESET RETRY COUNTER"),
            CommandKind::LogOff => f.write_str("LOG OFF"),
            CommandKind::ManageSecurityEnvironment => f.write_str("MSE:SET"),
            CommandKind::ComputeDigitalSignature => f.write_str("PSO:CDS"),
            CommandKind::InternalAuthenticate => f.write_str("INTERNAL AUTHENTICATE"),
            CommandKind::GetChallenge => f.write_str("GET CHALLENGE"),
            CommandKind::Other(ins) => write!(f, "INS {ins:02X}"),
        }
    }
}
