//! Caller mistakes: arguments that no card could accept, reported before any APDU is sent.

use crate::vocab::{CommandKind, Generation};

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
    /// The card generation does not offer this (e.g. an algorithm of another generation, or
    /// an empty VERIFY on a V1 card, where it would cost a try).
    #[error("{command} is not available like this on {generation}")]
    NotSupported {
        /// The command that would be needed.
        command: CommandKind,
        /// The card's generation.
        generation: Generation,
    },
    /// A digest whose length does not match its hash function.
    #[error("digest of {len} bytes, {expected} expected")]
    DigestLength {
        /// Bytes the hash function produces.
        expected: usize,
        /// Bytes given.
        len: usize,
    },
    /// The expected response length is outside `1..=256` (short APDUs, spec §3.2).
    #[error("{command}: Le {le} outside 1..=256")]
    BadLe {
        /// The command being built.
        command: CommandKind,
        /// The Le given.
        le: u16,
    },
    /// PIN-pad entry was asked for, but the reader has no PIN pad (or none that can do this
    /// command, spec §13.5); nothing was sent.
    #[error("{command}: the reader has no PIN pad for it")]
    NoPinPad {
        /// VERIFY or CHANGE REFERENCE DATA.
        command: CommandKind,
    },
    /// A certificate check (chain to a trust store, revocation) was asked for without the
    /// instant to check it at; the library never reads the system clock by itself.
    #[error("a certificate check needs an instant to check at")]
    MissingInstant,
}
