//! Every reason a login with the card fails, typed, each with a hint a person can act on.

use std::sync::Arc;

use crate::error::{
    CardError, CertRole, Error, PinError, TransportError, VerificationError, VerificationFailure,
};
use crate::vocab::{LifeCycle, StatusWord};

/// Why a TLS login with the card failed (spec §8.3, §9.2, §10, §12.2; peers.md: the failures
/// the official viewer leaves unexplained).
///
/// Built from the library's own errors ([`LoginFailure::from_error`] walks any error chain,
/// through `std::io::Error` and `rustls::Error::Other`), or recorded by
/// [`CardClientAuth`](super::CardClientAuth) when the card could not take part in a handshake.
/// [`LoginFailure::hint`] says what to do about it.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum LoginFailure {
    /// The card is not activated yet (life cycle `07` SELECTABLE: issued through a consulate
    /// and never activated, spec §9.2): files answer `62 83` / `69 85` on SELECT, the PIN and
    /// signing commands `6D 00` (spec §3.1, §10).
    #[error("the card is not activated (status {sw:?}, life cycle {life_cycle:?})")]
    CardNotActivated {
        /// The status word the card gave.
        sw: StatusWord,
        /// The life cycle of GET CARD DATA, when the card answered it.
        life_cycle: Option<LifeCycle>,
    },
    /// A certificate of the chain has expired at the instant the caller gave.
    #[error("the {cert} certificate expired (notAfter {not_after}, checked at {at})")]
    CertificateExpired {
        /// Which certificate.
        cert: CertRole,
        /// Its notAfter, Unix seconds.
        not_after: u64,
        /// The caller's instant, Unix seconds.
        at: u64,
    },
    /// A certificate of the chain is not valid yet at the instant the caller gave.
    #[error("the {cert} certificate is not valid yet (notBefore {not_before}, checked at {at})")]
    CertificateNotYetValid {
        /// Which certificate.
        cert: CertRole,
        /// Its notBefore, Unix seconds.
        not_before: u64,
        /// The caller's instant, Unix seconds.
        at: u64,
    },
    /// The chain ends at a root the caller's trust store does not hold.
    #[error("the certificate chain ends at an unknown root")]
    UnknownRoot,
    /// The authentication certificate is revoked (OCSP or CRL, spec §12.2).
    #[error("the authentication certificate is revoked (since {at})")]
    Revoked {
        /// Revocation time, Unix seconds.
        at: u64,
        /// CRL reason code (RFC 5280 §5.3.1), when given.
        reason: Option<u8>,
    },
    /// The chain or revocation check failed for another reason (bad signature, key usage,
    /// revocation status unknown or stale, …).
    #[error("certificate check failed: {0}")]
    Certificate(VerificationError),
    /// The PIN is blocked (`69 83`): it must be unblocked with the PUK at a municipality.
    #[error("PIN blocked")]
    PinBlocked,
    /// The card refused the PIN and counted a try (`63 Cx`).
    #[error("wrong PIN, {tries_left} tries left")]
    PinWrong {
        /// Tries left before the PIN blocks.
        tries_left: u8,
    },
    /// The holder cancelled PIN entry (prompt or PIN pad `64 01`); no try was spent.
    #[error("PIN entry cancelled")]
    PinEntryCancelled,
    /// PIN entry timed out (prompt or PIN pad `64 00`); no try was spent.
    #[error("PIN entry timed out")]
    PinEntryTimedOut,
    /// No smart-card reader is connected.
    #[error("no smart-card reader found")]
    NoReader,
    /// The reader has no card in it.
    #[error("no card in the reader")]
    NoCard,
    /// The card was removed during the login.
    #[error("card removed during the login")]
    CardRemoved,
    /// The card was reset (by another application or the reader) during the login; the PIN
    /// verification is lost.
    #[error("card reset during the login")]
    CardReset,
    /// Another library error (the card refused a command, a transport failure, …).
    #[error("card error: {0}")]
    Card(#[source] Arc<Error>),
    /// The TLS handshake failed for a reason of its own (the server refused the certificate,
    /// no common signature scheme, …).
    #[error("TLS: {0}")]
    Tls(#[source] rustls::Error),
    /// The connection failed (refused, reset, timed out) before or during the handshake.
    #[error("connection failed: {0}")]
    Network(std::io::ErrorKind),
}

impl LoginFailure {
    /// A short sentence for the person at the keyboard: what is wrong and what to do.
    pub fn hint(&self) -> &'static str {
        use LoginFailure as F;
        match self {
            F::CardNotActivated { .. } => crate::vocab::life_cycle::NOT_ACTIVATED_HINT,
            F::CertificateExpired { .. } => {
                "the card's certificates have expired: the card must be renewed at the municipality"
            }
            F::CertificateNotYetValid { .. } => {
                "the card's certificates are not valid yet: check the computer's date and time"
            }
            F::UnknownRoot => {
                "the card's certificates do not chain to a trusted Belgian root: is this a test \
                 card, or is the trust store out of date?"
            }
            F::Revoked { .. } => {
                "the card's authentication certificate has been revoked (a lost or stolen card, \
                 or certificates withdrawn): ask the municipality for new certificates or a new card"
            }
            F::Certificate(_) => "the card's authentication certificate could not be validated",
            F::PinBlocked => {
                "the PIN is blocked after three wrong tries: unblock it with the PUK code at the \
                 municipality"
            }
            F::PinWrong { tries_left: 1 } => {
                "wrong PIN; one try left: a further wrong PIN blocks it"
            }
            F::PinWrong { .. } => "wrong PIN; try again carefully",
            F::PinEntryCancelled => "PIN entry was cancelled; nothing was sent to the card",
            F::PinEntryTimedOut => "PIN entry timed out; start the login again",
            F::NoReader => "no smart-card reader found: connect a reader (and start pcscd)",
            F::NoCard => "no card in the reader: insert the eID card",
            F::CardRemoved => "the card was removed during the login: insert it and try again",
            F::CardReset => {
                "another application reset the card during the login: close it and try again"
            }
            F::Card(_) => "the card refused the login: run `beid diagnose`",
            F::Tls(_) => {
                "the server refused the login: is it a service that accepts the Belgian eID?"
            }
            F::Network(_) => "the server could not be reached: check the address and network",
        }
    }

    /// Classify one of the library's errors.
    pub fn from_beid(err: &Error) -> LoginFailure {
        match err {
            Error::Card(CardError::NotActivated { sw, life_cycle, .. }) => {
                LoginFailure::CardNotActivated {
                    sw: *sw,
                    life_cycle: *life_cycle,
                }
            }
            Error::Pin(PinError::Blocked) => LoginFailure::PinBlocked,
            Error::Pin(PinError::Wrong { tries_left: 0 }) => LoginFailure::PinBlocked,
            Error::Pin(PinError::Wrong { tries_left }) => LoginFailure::PinWrong {
                tries_left: *tries_left,
            },
            Error::Pin(PinError::EntryCancelled) => LoginFailure::PinEntryCancelled,
            Error::Pin(PinError::EntryTimedOut) => LoginFailure::PinEntryTimedOut,
            Error::Transport(TransportError::NoReader) => LoginFailure::NoReader,
            Error::Transport(TransportError::NoCard) => LoginFailure::NoCard,
            Error::Transport(TransportError::CardRemoved) => LoginFailure::CardRemoved,
            Error::Transport(TransportError::CardReset) => LoginFailure::CardReset,
            Error::Verification(v) => LoginFailure::from_verification(*v),
            _ => LoginFailure::Card(Arc::new(clone_error(err))),
        }
    }

    /// Classify a failed certificate check.
    pub fn from_verification(v: VerificationError) -> LoginFailure {
        match v.failure() {
            VerificationFailure::Expired {
                cert,
                not_after,
                at,
            } => LoginFailure::CertificateExpired {
                cert,
                not_after,
                at,
            },
            VerificationFailure::NotYetValid {
                cert,
                not_before,
                at,
            } => LoginFailure::CertificateNotYetValid {
                cert,
                not_before,
                at,
            },
            VerificationFailure::UnknownRoot { .. } | VerificationFailure::NoRoot => {
                LoginFailure::UnknownRoot
            }
            VerificationFailure::Revoked { at, reason, .. } => LoginFailure::Revoked { at, reason },
            _ => LoginFailure::Certificate(v),
        }
    }

    /// Find the reason in any error chain: a [`LoginFailure`] or [`Error`] anywhere in it
    /// (also inside `std::io::Error` and `rustls::Error::Other`, whose `source()` skips them),
    /// else the `rustls::Error`, else the I/O error kind. `None` when nothing in the chain is
    /// one of these.
    pub fn from_error(err: &(dyn std::error::Error + 'static)) -> Option<LoginFailure> {
        let mut tls = None;
        let mut io = None;
        let mut next = Some(err);
        let mut depth = 0;
        while let Some(e) = next {
            depth += 1;
            if depth > 32 {
                break;
            }
            if let Some(f) = e.downcast_ref::<LoginFailure>() {
                return Some(f.clone());
            }
            if let Some(b) = e.downcast_ref::<Error>() {
                return Some(LoginFailure::from_beid(b));
            }
            if let Some(t) = e.downcast_ref::<TransportError>() {
                let wrapped = match t {
                    TransportError::NoReader => LoginFailure::NoReader,
                    TransportError::NoCard => LoginFailure::NoCard,
                    TransportError::CardRemoved => LoginFailure::CardRemoved,
                    TransportError::CardReset => LoginFailure::CardReset,
                    _ => return None,
                };
                return Some(wrapped);
            }
            if let Some(r) = e.downcast_ref::<rustls::Error>() {
                if let rustls::Error::Other(other) = r {
                    next = Some(other.0.as_ref() as &(dyn std::error::Error + 'static));
                    continue;
                }
                tls.get_or_insert_with(|| r.clone());
            }
            if let Some(i) = e.downcast_ref::<std::io::Error>() {
                io.get_or_insert(i.kind());
                if let Some(inner) = i.get_ref() {
                    next = Some(inner as &(dyn std::error::Error + 'static));
                    continue;
                }
            }
            next = e.source();
        }
        match (tls, io) {
            (Some(t), _) => Some(LoginFailure::Tls(t)),
            (None, Some(kind)) => Some(LoginFailure::Network(kind)),
            (None, None) => None,
        }
    }
}

/// `Error` is not `Clone` (a transport failure may carry a boxed source); keep what can be
/// kept: every variant but a transport failure's source.
fn clone_error(err: &Error) -> Error {
    match err {
        Error::Transport(TransportError::Failure { kind, .. }) => {
            Error::Transport(TransportError::bare(*kind))
        }
        Error::Transport(TransportError::SharingViolation) => {
            Error::Transport(TransportError::SharingViolation)
        }
        Error::Transport(t) => match t {
            TransportError::CardRemoved => Error::Transport(TransportError::CardRemoved),
            TransportError::CardReset => Error::Transport(TransportError::CardReset),
            TransportError::NoReader => Error::Transport(TransportError::NoReader),
            TransportError::NoCard => Error::Transport(TransportError::NoCard),
            _ => Error::Transport(TransportError::bare(
                crate::error::TransportFailure::Protocol,
            )),
        },
        Error::Card(c) => Error::Card(*c),
        Error::Pin(p) => Error::Pin(*p),
        Error::Parse(p) => Error::Parse(*p),
        Error::Argument(a) => Error::Argument(*a),
        Error::Verification(v) => Error::Verification(*v),
    }
}

impl From<Error> for LoginFailure {
    fn from(err: Error) -> Self {
        LoginFailure::from_beid(&err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::CommandKind;

    #[test]
    fn classifies_the_library_s_errors() {
        let e: Error = CardError::NotActivated {
            command: CommandKind::Select,
            sw: StatusWord(0x6985),
            life_cycle: Some(LifeCycle::Selectable),
        }
        .into();
        assert!(matches!(
            LoginFailure::from_beid(&e),
            LoginFailure::CardNotActivated {
                sw: StatusWord(0x6985),
                ..
            }
        ));
        let wrong: Error = PinError::Wrong { tries_left: 1 }.into();
        let f = LoginFailure::from_beid(&wrong);
        assert!(matches!(f, LoginFailure::PinWrong { tries_left: 1 }));
        assert!(f.hint().contains("one try left"));
        let removed: Error = TransportError::CardRemoved.into();
        assert!(matches!(
            LoginFailure::from_beid(&removed),
            LoginFailure::CardRemoved
        ));
    }

    #[test]
    fn finds_the_reason_through_io_and_rustls() {
        let inner: Error = PinError::Blocked.into();
        let tls = rustls::Error::Other(rustls::OtherError(Arc::new(LoginFailure::from(inner))));
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        assert!(matches!(
            LoginFailure::from_error(&io),
            Some(LoginFailure::PinBlocked)
        ));
        let alert = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired),
        );
        assert!(matches!(
            LoginFailure::from_error(&alert),
            Some(LoginFailure::Tls(rustls::Error::AlertReceived(_)))
        ));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(matches!(
            LoginFailure::from_error(&refused),
            Some(LoginFailure::Network(std::io::ErrorKind::ConnectionRefused))
        ));
    }

    #[test]
    fn every_failure_has_a_hint() {
        for f in [
            LoginFailure::UnknownRoot,
            LoginFailure::PinBlocked,
            LoginFailure::PinEntryCancelled,
            LoginFailure::PinEntryTimedOut,
            LoginFailure::NoReader,
            LoginFailure::NoCard,
            LoginFailure::CardRemoved,
            LoginFailure::CardReset,
        ] {
            assert!(f.hint().len() > 20, "{f}");
        }
    }
}
