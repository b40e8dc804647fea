//! Errors of the card protocol: the card refused a command, broke the T=0 protocol, or is not
//! a Belgian eID (spec §3, §9, §10).

use crate::vocab::{CommandKind, FileId, LifeCycle, StatusWord};

/// The card answered, but not as the operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CardError {
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
    /// The card is not activated: it is not issued yet (GET CARD DATA life cycle byte `07`,
    /// spec §9.2) or the file is not activated, as on cards ordered through a consulate and
    /// not yet activated at the municipality. Recognised from `62 83` (applet 1.7) or `69 85`
    /// (applet 1.8) to a SELECT of a file, and from `6D 00` ("not available in the current
    /// life cycle", spec §10) on a card whose life cycle is not `0F` (on an issued card `6D 00`
    /// keeps its other meaning, "instruction not supported", and stays a [`CardError::Status`]).
    #[error("the card is not activated ({}): {command} answered {sw}", life_cycle_text(*.life_cycle))]
    NotActivated {
        /// The command the card refused.
        command: CommandKind,
        /// Its status word.
        sw: StatusWord,
        /// The life cycle from GET CARD DATA, when the card answered it.
        life_cycle: Option<LifeCycle>,
    },
    /// The requested file does not exist on this card.
    #[error("file {0} not found on the card")]
    FileNotFound(FileId),
}

fn life_cycle_text(l: Option<LifeCycle>) -> &'static str {
    match l {
        Some(LifeCycle::Selectable) => "life cycle 07: not issued yet",
        Some(LifeCycle::Personalized) => "life cycle 0F, file not activated",
        Some(_) => "unknown life cycle",
        None => "life cycle unknown",
    }
}

impl CardError {
    /// The card's answer `sw` to `command`, classified: [`CardError::NotActivated`] when it
    /// says "not activated" (spec §3.1, §10) given the card's life cycle, else
    /// [`CardError::Status`].
    pub fn from_status(
        command: CommandKind,
        sw: StatusWord,
        life_cycle: Option<LifeCycle>,
    ) -> CardError {
        let issued = life_cycle.is_some_and(LifeCycle::is_personalized);
        let not_activated = match (command, sw.0) {
            (CommandKind::Select, 0x6283) => true,
            (CommandKind::Select, 0x6985) => !issued,
            (_, 0x6D00) => !issued,
            _ => false,
        };
        if not_activated {
            CardError::NotActivated {
                command,
                sw,
                life_cycle,
            }
        } else {
            CardError::Status { command, sw }
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
        }
    }
}
