//! The simulator's error type.
//!
//! Every fallible function of `beid-simulator` returns [`SimulatorError`]. Variants carry the data
//! a caller needs (which builder field, which key type, which operation) instead of text.

use crate::key_type::KeyType;

/// Everything that can go wrong while building or running a virtual card.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulatorError {
    /// A private key could not be parsed (not PKCS#8, unsupported algorithm or curve).
    #[error("private key rejected: {reason}")]
    KeyRejected {
        /// Why the key was rejected (from the crypto library).
        reason: &'static str,
    },
    /// A certificate or other DER structure could not be built or encoded.
    #[error("certificate building failed: {0}")]
    Certificate(#[from] der::Error),
    /// The operation does not exist for this key type (e.g. PSS with an EC key).
    #[error("{operation} is not supported by a {key} key")]
    UnsupportedOperation {
        /// The requested operation.
        operation: Operation,
        /// The key's type.
        key: KeyType,
    },
    /// The data given to a signing operation has a length the operation cannot take.
    #[error("{operation}: input of {len} bytes is not acceptable (expected {expected})")]
    BadSigningInput {
        /// The requested operation.
        operation: Operation,
        /// Length received.
        len: usize,
        /// What was expected, in words (e.g. "at most 245 bytes").
        expected: &'static str,
    },
    /// The cryptographic library failed to produce a signature.
    #[error("{operation} failed in the crypto library")]
    SigningFailed {
        /// The requested operation.
        operation: Operation,
    },
    /// A builder input is invalid.
    #[error("invalid value for {field}: {problem}")]
    InvalidInput {
        /// The builder field (setter name).
        field: &'static str,
        /// What is wrong with it.
        problem: InputProblem,
    },
    /// An unknown ready-profile name (see [`crate::Profile::from_name`]).
    #[error("unknown profile {0:?}")]
    UnknownProfile(String),
    /// I/O error (virtual reader bridges, file export).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A dumped card (see [`crate::replica`]) cannot be served.
    #[error("card dump {}: {problem}", path.display())]
    Dump {
        /// The file (or directory) at fault.
        path: std::path::PathBuf,
        /// What is wrong with it.
        problem: DumpProblem,
    },
    /// An error of the `beid` library (PIN format, parse error, …).
    #[error(transparent)]
    Beid(#[from] beid::Error),
}

/// A signing operation of [`crate::keys::SigningKey`], named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// RSASSA-PKCS1-v1.5 over caller-supplied data (card pads, spec §8.8 algorithm `01`).
    Pkcs1v15Raw,
    /// RSASSA-PKCS1-v1.5 over a bare digest.
    Pkcs1v15Digest,
    /// RSASSA-PSS over a bare digest.
    PssDigest,
    /// ECDSA over a bare digest.
    EcdsaDigest,
    /// Signing a whole message (certificates, card files).
    Message,
}

impl core::fmt::Display for Operation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Operation::Pkcs1v15Raw => "RSA PKCS#1 v1.5 signature of raw data",
            Operation::Pkcs1v15Digest => "RSA PKCS#1 v1.5 signature of a digest",
            Operation::PssDigest => "RSA-PSS signature of a digest",
            Operation::EcdsaDigest => "ECDSA signature of a digest",
            Operation::Message => "message signature",
        })
    }
}

/// What is wrong with a builder input.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputProblem {
    /// The value is longer than the field allows (spec §4.1: every TLV value stays below 128
    /// bytes so that all readers' length rules agree; some fields are shorter).
    TooLong {
        /// Length given, in bytes.
        len: usize,
        /// Maximum accepted length, in bytes.
        max: usize,
    },
    /// The value has the wrong length.
    WrongLength {
        /// Length given.
        len: usize,
        /// Required length.
        expected: usize,
    },
    /// The value must not be empty.
    Empty,
    /// The value must be ASCII digits only.
    NotDigits,
    /// The check digits are wrong (national number or card number, spec §6.9).
    BadCheckDigits,
    /// Not a valid calendar date.
    BadDate {
        /// Year given.
        year: u16,
        /// Month given.
        month: u8,
        /// Day given.
        day: u8,
    },
    /// A number outside the accepted range.
    OutOfRange {
        /// Value given.
        value: u64,
        /// Largest accepted value.
        max: u64,
    },
    /// Not a valid value of an enumeration (document type, sex, mention codes, …).
    BadCode,
    /// The tag cannot be used for extra data (already written by the builder, or `00`).
    ReservedTag {
        /// The tag.
        tag: u8,
    },
    /// Two settings cannot be combined.
    Conflict {
        /// The other setting involved.
        with: &'static str,
    },
    /// The key does not fit the card generation (RSA on 1.7, EC P-384 on 1.8).
    WrongKeyType {
        /// The key given.
        got: KeyType,
    },
}

impl core::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            InputProblem::TooLong { len, max } => write!(f, "{len} bytes (at most {max})"),
            InputProblem::WrongLength { len, expected } => {
                write!(f, "{len} bytes ({expected} required)")
            }
            InputProblem::Empty => f.write_str("empty"),
            InputProblem::NotDigits => f.write_str("not all ASCII digits"),
            InputProblem::BadCheckDigits => f.write_str("wrong check digits"),
            InputProblem::BadDate { year, month, day } => {
                write!(f, "{year:04}-{month:02}-{day:02} is not a date")
            }
            InputProblem::OutOfRange { value, max } => write!(f, "{value} (at most {max})"),
            InputProblem::BadCode => f.write_str("not a valid code"),
            InputProblem::ReservedTag { tag } => write!(f, "tag {tag:#04x} is reserved"),
            InputProblem::Conflict { with } => write!(f, "conflicts with {with}"),
            InputProblem::WrongKeyType { got } => write!(f, "wrong key type {got}"),
        }
    }
}

impl SimulatorError {
    /// Shorthand for [`SimulatorError::InvalidInput`].
    pub(crate) fn input(field: &'static str, problem: InputProblem) -> Self {
        SimulatorError::InvalidInput { field, problem }
    }
}

/// What is wrong with a dumped card (see [`crate::replica`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DumpProblem {
    /// The file could not be read.
    Unreadable(std::io::ErrorKind),
    /// A `*.bin` file whose name is not a card file (`FileId::short_name`).
    UnknownFile,
    /// The GET CARD DATA answer is shorter than 28 bytes (spec §9.2).
    BadCardData,
    /// The card data names a generation the simulator does not serve (only 1.7 and 1.8).
    UnsupportedGeneration(beid::Generation),
    /// The ATR is the other generation's (spec §1.1).
    AtrConflict {
        /// The generation the ATR announces.
        atr: beid::Generation,
        /// The generation of the card data.
        card_data: beid::Generation,
    },
}

impl core::fmt::Display for DumpProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DumpProblem::Unreadable(kind) => write!(f, "cannot be read ({kind})"),
            DumpProblem::UnknownFile => f.write_str("not a file of the card (unknown name)"),
            DumpProblem::BadCardData => {
                f.write_str("not a GET CARD DATA answer (fewer than 28 bytes)")
            }
            DumpProblem::UnsupportedGeneration(g) => {
                write!(f, "{g} cards cannot be simulated (only applet 1.7 and 1.8)")
            }
            DumpProblem::AtrConflict { atr, card_data } => {
                write!(
                    f,
                    "the ATR is an {atr} ATR but the card data says {card_data}"
                )
            }
        }
    }
}
