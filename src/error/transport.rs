//! Errors of the transport layer: the card went away, the reader or service failed
//! (spec §13; peers.md problem 1).

/// Why a [`Transport`](crate::transport::Transport) could not exchange an APDU.
///
/// A pulled card is [`TransportError::CardRemoved`], a card reset by someone else
/// [`TransportError::CardReset`]; after either, every PIN right is gone and the caller decides
/// what to do (the library never re-sends a command by itself, and never a VERIFY).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
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
    Failure {
        /// What failed.
        kind: TransportFailure,
        /// The underlying error, if the transport has one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
}

impl TransportError {
    /// A failure of `kind` caused by `source`.
    pub fn failure(
        kind: TransportFailure,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        TransportError::Failure {
            kind,
            source: Some(source.into()),
        }
    }

    /// A failure of `kind` without an underlying error.
    pub const fn bare(kind: TransportFailure) -> Self {
        TransportError::Failure { kind, source: None }
    }

    /// True when the card was removed or reset: it must be re-opened (and re-read) from scratch.
    pub const fn is_card_lost(&self) -> bool {
        matches!(
            self,
            TransportError::CardRemoved | TransportError::CardReset
        )
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
