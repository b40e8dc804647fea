//! Errors about the cardholder PIN (spec §8.1–§8.3).

/// A PIN operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinError {
    /// A PIN was rejected before any APDU was sent (it never costs a try).
    #[error("invalid PIN: {0}")]
    InvalidFormat(PinFormatError),
    /// The card refused the PIN (`63 Cx`, spec §8.3); the counter was decremented.
    #[error("wrong PIN, {tries_left} tries left")]
    Wrong {
        /// Tries left before the PIN blocks.
        tries_left: u8,
    },
    /// The PIN is blocked (`69 83`, or `63 C0`).
    #[error("PIN blocked")]
    Blocked,
    /// The operation needs a verified PIN and the card says it is not (`69 82`).
    #[error("PIN not verified (security status not satisfied)")]
    NotVerified,
    /// PIN entry was cancelled (the holder pressed Cancel on a PIN-pad reader, `64 01`, spec
    /// §13.5, or dismissed the application's prompt); nothing reached the card, no try spent.
    #[error("PIN entry cancelled")]
    EntryCancelled,
    /// PIN entry timed out (a PIN-pad reader's `64 00`, spec §13.5, or the application's
    /// prompt); no try spent.
    #[error("PIN entry timed out")]
    EntryTimedOut,
    /// The PIN-pad reader refused the entry (`64 02` new PINs differ, `64 03` wrong PIN length,
    /// `6B 80` invalid parameter, spec §13.5); nothing reached the card.
    #[error("the PIN pad refused the entry: {}", pin_pad_reason(*sw))]
    PinPadRefused {
        /// The reader's status word.
        sw: crate::vocab::StatusWord,
    },
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

/// What a PIN-pad reader's own status word means (spec §13.5).
fn pin_pad_reason(sw: crate::vocab::StatusWord) -> &'static str {
    match sw.0 {
        0x6402 => "the new PIN and its confirmation differ (64 02)",
        0x6403 => "a PIN of the wrong length was entered (64 03)",
        0x6B80 => "the reader does not accept the request (6B 80)",
        _ => "unexpected reader status",
    }
}
