//! The crate's single error type.
//!
//! Every fallible function of `beid` returns [`Error`]. Variants carry the data a caller needs to
//! act (tries left, the status word, the file and offset of a parse failure) instead of text.

use crate::apdu::StatusWord;
use crate::card::FileId;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong between the caller and the card.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The card was removed from the reader (or the virtual card was pulled).
    #[error("card removed")]
    CardRemoved,
    /// The card was reset (by another process, the reader or the simulator); every access right
    /// granted by a VERIFY is lost and the current file is undefined.
    #[error("card reset")]
    CardReset,
    /// No reader is connected to the system.
    #[error("no smart-card reader found")]
    NoReader,
    /// The reader has no card in it.
    #[error("no card in reader")]
    NoCard,
    /// Another process holds the card exclusively; retrying later may succeed.
    #[error("card is in use by another process")]
    SharingViolation,
    /// Any other failure of the transport (PC/SC, socket, replay script).
    #[error("transport failure: {kind}")]
    Transport {
        /// What failed.
        kind: TransportFailure,
        /// The underlying error, if the transport has one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// The card answered a command with a status word the operation cannot continue after.
    #[error("{command} failed with status {sw}")]
    Status {
        /// The command that failed.
        command: CommandKind,
        /// The status word the card returned.
        sw: StatusWord,
    },
    /// The card broke the protocol (too many GET RESPONSE rounds, an answer longer than asked, …).
    #[error("protocol violation during {command}: {violation}")]
    Protocol {
        /// The command being processed.
        command: CommandKind,
        /// What went wrong.
        violation: ProtocolViolation,
    },
    /// The Belpic applet could not be selected: this is not a Belgian eID card.
    #[error("not a Belgian eID card (applet select answered {sw})")]
    NotBeid {
        /// The status word of the applet SELECT.
        sw: StatusWord,
    },
    /// The requested file does not exist on this card.
    #[error("file {0} not found on the card")]
    FileNotFound(FileId),
    /// A VERIFY or CHANGE REFERENCE DATA was refused; the PIN counter was decremented.
    #[error("wrong PIN, {tries_left} tries left")]
    WrongPin {
        /// Tries left before the PIN blocks.
        tries_left: u8,
    },
    /// The PIN is blocked (no tries left).
    #[error("PIN blocked")]
    PinBlocked,
    /// A PIN was rejected before any APDU was sent (it never costs a try).
    #[error("invalid PIN: {0}")]
    InvalidPin(PinFormatError),
    /// A file or data object could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A verification (signature, hash, chain, …) failed.
    #[error("verification failed: {check}: {reason}")]
    Verification {
        /// Which check failed.
        check: VerificationCheck,
        /// Why it failed.
        reason: VerificationFailure,
    },
}

impl Error {
    /// Wrap a transport-level failure with its source error.
    pub fn transport(
        kind: TransportFailure,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Error::Transport {
            kind,
            source: Some(source.into()),
        }
    }

    /// True for the errors after which the card must be re-selected or re-read from scratch
    /// (card removed or reset).
    pub fn is_card_lost(&self) -> bool {
        matches!(self, Error::CardRemoved | Error::CardReset)
    }
}

/// What kind of transport failure occurred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportFailure {
    /// The PC/SC service is not running or could not be reached.
    ServiceUnavailable,
    /// The reader disappeared or is unusable.
    ReaderUnavailable,
    /// The card is not a T=0 card or its protocol could not be negotiated.
    Protocol,
    /// A response did not fit the receive buffer.
    BufferTooSmall,
    /// A transaction could not be started or ended.
    Transaction,
    /// A replayed transcript did not expect this command.
    ScriptMismatch,
    /// A scripted or replayed transport ran out of responses.
    ScriptExhausted,
    /// Socket or other I/O error.
    Io,
    /// Anything else.
    Other,
}

impl core::fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TransportFailure::ServiceUnavailable => "smart-card service unavailable",
            TransportFailure::ReaderUnavailable => "reader unavailable",
            TransportFailure::Protocol => "protocol negotiation failed",
            TransportFailure::BufferTooSmall => "response larger than the receive buffer",
            TransportFailure::Transaction => "transaction failed",
            TransportFailure::ScriptMismatch => "command does not match the script",
            TransportFailure::ScriptExhausted => "script has no more responses",
            TransportFailure::Io => "I/O error",
            TransportFailure::Other => "other transport error",
        })
    }
}

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

/// How a card broke the transmission protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolViolation {
    /// The response had fewer than the two status bytes.
    ResponseTooShort {
        /// Length received.
        len: usize,
    },
    /// More `61xx` rounds than the channel allows.
    TooManyGetResponse {
        /// Rounds performed.
        rounds: u16,
    },
    /// More `6Cxx` re-sends than the channel allows.
    TooManyWrongLength {
        /// Re-sends performed.
        resends: u16,
    },
    /// The assembled response exceeded the channel's limit.
    ResponseTooLong {
        /// Bytes assembled so far.
        len: usize,
    },
    /// The card returned more data than Le asked for.
    MoreDataThanRequested {
        /// Le of the command.
        requested: usize,
        /// Bytes received.
        received: usize,
    },
    /// A file grew past the reader's safety limit.
    FileTooLarge {
        /// Bytes read so far.
        len: usize,
    },
    /// A READ BINARY returned no data and no end-of-file status.
    EmptyRead {
        /// Offset of the read.
        offset: usize,
    },
    /// The response length does not match what the command implies (e.g. GET CARD DATA).
    UnexpectedLength {
        /// Expected length.
        expected: usize,
        /// Received length.
        received: usize,
    },
}

impl core::fmt::Display for ProtocolViolation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ProtocolViolation::ResponseTooShort { len } => {
                write!(f, "response of {len} bytes has no status word")
            }
            ProtocolViolation::TooManyGetResponse { rounds } => {
                write!(f, "gave up after {rounds} GET RESPONSE rounds")
            }
            ProtocolViolation::TooManyWrongLength { resends } => {
                write!(f, "gave up after {resends} 6Cxx re-sends")
            }
            ProtocolViolation::ResponseTooLong { len } => {
                write!(f, "response exceeded the limit at {len} bytes")
            }
            ProtocolViolation::MoreDataThanRequested {
                requested,
                received,
            } => write!(f, "asked for {requested} bytes, received {received}"),
            ProtocolViolation::FileTooLarge { len } => {
                write!(f, "file exceeded the size limit at {len} bytes")
            }
            ProtocolViolation::EmptyRead { offset } => {
                write!(f, "empty READ BINARY answer at offset {offset}")
            }
            ProtocolViolation::UnexpectedLength { expected, received } => {
                write!(f, "expected {expected} bytes, received {received}")
            }
        }
    }
}

/// Why a PIN was refused before it reached the card (spec §8.1, §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PinFormatError {
    /// Fewer than 4 or more than 12 digits.
    Length {
        /// The number of characters given.
        len: usize,
    },
    /// A character that is not an ASCII digit, at this position.
    NotADigit {
        /// Zero-based position of the offending character.
        position: usize,
    },
}

impl core::fmt::Display for PinFormatError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PinFormatError::Length { len } => write!(f, "{len} digits (4 to 12 allowed)"),
            PinFormatError::NotADigit { position } => {
                write!(f, "character {position} is not a digit")
            }
        }
    }
}

/// What was being parsed when a [`ParseError`] occurred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Parsed {
    /// A card file (identity, address, certificate, …).
    File(FileId),
    /// A Belgian simplified-TLV structure outside a known file.
    Tlv,
    /// The GET CARD DATA answer.
    CardData,
    /// A certificate given as bytes (not read from a known file).
    Certificate,
    /// A birth date string (identity tag 0x0C).
    BirthDate,
    /// A `DD.MM.YYYY` date string.
    Date,
    /// A JPEG image.
    Photo,
    /// A subject public key info.
    PublicKey,
}

impl core::fmt::Display for Parsed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Parsed::File(id) => write!(f, "file {id}"),
            Parsed::Tlv => f.write_str("TLV data"),
            Parsed::CardData => f.write_str("card data"),
            Parsed::Certificate => f.write_str("certificate"),
            Parsed::BirthDate => f.write_str("birth date"),
            Parsed::Date => f.write_str("date"),
            Parsed::Photo => f.write_str("photo"),
            Parsed::PublicKey => f.write_str("public key"),
        }
    }
}

/// A parse failure: what, where (byte offset) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse {what} at offset {offset}: {kind}")]
pub struct ParseError {
    /// What was being parsed.
    pub what: Parsed,
    /// Byte offset in the input where the problem was found.
    pub offset: usize,
    /// The problem.
    pub kind: ParseErrorKind,
}

impl ParseError {
    /// Build a parse error.
    pub const fn new(what: Parsed, offset: usize, kind: ParseErrorKind) -> Self {
        ParseError { what, offset, kind }
    }

    /// The same error, re-attributed to another object (e.g. a TLV error inside the identity file).
    pub const fn within(self, what: Parsed) -> Self {
        ParseError { what, ..self }
    }
}

/// Why a parse failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input ended before the structure did.
    Truncated {
        /// Bytes needed from the offset on.
        needed: usize,
    },
    /// A length field is invalid.
    BadLength,
    /// A mandatory element is missing (e.g. identity tag given here).
    Missing {
        /// The tag (TLV) or element number that is missing.
        tag: u8,
    },
    /// A tag appears more than once or out of order where that is not allowed.
    UnexpectedTag {
        /// The tag found.
        tag: u8,
    },
    /// The value has the wrong size.
    BadValueLength {
        /// The tag of the value.
        tag: u8,
        /// Its length.
        len: usize,
    },
    /// The input is empty or all padding.
    Empty,
    /// Not the expected kind of data (e.g. not a JPEG, not DER).
    BadFormat,
    /// DER/X.509 decoding failed.
    Der(der::ErrorKind),
    /// A text field is not valid for its format (digits, date, …).
    BadText,
}

impl core::fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ParseErrorKind::Truncated { needed } => {
                write!(f, "truncated ({needed} more bytes needed)")
            }
            ParseErrorKind::BadLength => f.write_str("invalid length"),
            ParseErrorKind::Missing { tag } => write!(f, "mandatory element {tag:#04x} missing"),
            ParseErrorKind::UnexpectedTag { tag } => write!(f, "unexpected tag {tag:#04x}"),
            ParseErrorKind::BadValueLength { tag, len } => {
                write!(f, "tag {tag:#04x} has an invalid length {len}")
            }
            ParseErrorKind::Empty => f.write_str("empty"),
            ParseErrorKind::BadFormat => f.write_str("unexpected format"),
            ParseErrorKind::Der(kind) => write!(f, "DER: {kind}"),
            ParseErrorKind::BadText => f.write_str("invalid text"),
        }
    }
}

/// The integrity checks (planned verification layer, spec §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerificationCheck {
    /// Signature of the identity file by the RRN key (§7.2).
    IdentitySignature,
    /// Signature of the address file by the RRN key (§7.3).
    AddressSignature,
    /// Photo hash in identity tag 0x11 (§7.4).
    PhotoHash,
    /// Basic public key hash in identity tag 0x1A (§7.5).
    BasicKeyHash,
    /// Chip challenge with the basic key (§7.5).
    ChipChallenge,
    /// Certificate chain to a trusted root.
    CertificateChain,
}

impl core::fmt::Display for VerificationCheck {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            VerificationCheck::IdentitySignature => "identity signature",
            VerificationCheck::AddressSignature => "address signature",
            VerificationCheck::PhotoHash => "photo hash",
            VerificationCheck::BasicKeyHash => "basic key hash",
            VerificationCheck::ChipChallenge => "chip challenge",
            VerificationCheck::CertificateChain => "certificate chain",
        })
    }
}

/// Why a verification failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerificationFailure {
    /// The signature does not verify under the key.
    BadSignature,
    /// A hash does not match.
    HashMismatch,
    /// A needed input (file, certificate) is absent.
    MissingInput,
    /// The key type or algorithm is not supported.
    UnsupportedAlgorithm,
}

impl core::fmt::Display for VerificationFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            VerificationFailure::BadSignature => "signature does not verify",
            VerificationFailure::HashMismatch => "hash mismatch",
            VerificationFailure::MissingInput => "input missing",
            VerificationFailure::UnsupportedAlgorithm => "unsupported algorithm",
        })
    }
}
