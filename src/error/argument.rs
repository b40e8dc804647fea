//! Caller mistakes: arguments that no card could accept, reported before any APDU is sent.

use crate::vocab::CommandKind;

/// An argument the caller gave cannot be encoded or sent; nothing reached the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArgumentError {
    /// The command data is longer than a short APDU (or the command) can carry.
    #[error("{command}: {len} bytes of data, at most {max} allowed")]
    DataTooLong {
        /// The command being built.
        command: CommandKind,
        /// Bytes given.
        len: usize,
        /// Most bytes the command accepts.
        max: usize,
    },
    /// The expected response length is outside `1..=256` (short APDUs, spec §3.2).
    #[error("{command}: Le {le} outside 1..=256")]
    BadLe {
        /// The command being built.
        command: CommandKind,
        /// The Le given.
        le: u16,
    },
}
