//! The crate's errors, by layer.
//!
//! Every fallible function of `beid` returns [`Error`]; each variant carries the error of one
//! layer ([`TransportError`], [`CardError`], [`PinError`], [`ParseError`], and
//! [`ArgumentError`] for caller mistakes, [`VerificationError`] for a failed check of
//! [`crate::verify`]), and every one of them says what and where (the file
//! and offset of a parse failure, the command and status word, tries left) with data, not text.
//!
//! This module sits directly above the vocabulary ([`crate::vocab`]) and imports nothing else.

mod argument;
mod card;
mod parse;
mod pin;
mod transport;
mod verification;

pub use argument::ArgumentError;
pub use card::{CardError, ProtocolViolation};
pub use parse::{ParseError, ParseErrorKind, Parsed};
pub use pin::{PinError, PinFormatError};
pub use transport::{TransportError, TransportFailure};
pub use verification::{
    CertRole, CertSignatureFailure, Check, MismatchSource, RequiredUsage, VerificationError,
    VerificationFailure,
};

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong between the caller and the card, by layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The transport failed: card removed or reset, no reader, PC/SC failure.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The card refused a command, broke the protocol, or is not a Belgian eID.
    #[error(transparent)]
    Card(#[from] CardError),
    /// A PIN problem (malformed PIN refused before any APDU, …).
    #[error(transparent)]
    Pin(#[from] PinError),
    /// A file or data object could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The caller passed an argument no card could accept; nothing was sent.
    #[error(transparent)]
    Argument(#[from] ArgumentError),
    /// A verification check failed: which check, which file or certificate, and why.
    #[error(transparent)]
    Verification(#[from] VerificationError),
}

impl Error {
    /// True for the errors after which the card must be re-selected or re-read from scratch
    /// (card removed or reset).
    pub fn is_card_lost(&self) -> bool {
        matches!(self, Error::Transport(t) if t.is_card_lost())
    }

    /// The status word, when the card refused a command.
    pub fn status_word(&self) -> Option<crate::vocab::StatusWord> {
        match self {
            Error::Card(
                CardError::Status { sw, .. }
                | CardError::NotBeid { sw }
                | CardError::NotActivated { sw, .. },
            ) => Some(*sw),
            _ => None,
        }
    }
}

impl From<PinFormatError> for Error {
    fn from(e: PinFormatError) -> Self {
        Error::Pin(PinError::InvalidFormat(e))
    }
}
