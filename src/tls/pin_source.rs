//! Where the PIN of a login comes from: a prompt, a PIN pad, a test value.

use crate::error::PinError;
use crate::pin::Pin;
use crate::vocab::Generation;

/// What a [`PinSource`] is asked for: one PIN, for one login, now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PinRequest {
    /// The card's applet generation.
    pub generation: Generation,
    /// Tries left when the library knows it (after a wrong PIN earlier with this card), so a
    /// prompt can warn before the last try; `None` when unknown. The library never spends a
    /// try to find out.
    pub tries_left: Option<u8>,
}

/// Gives the PIN for a login, once per handshake, at the moment the card is about to sign
/// (spec §8.3). The PIN is used for one VERIFY and zeroized; nothing keeps it.
///
/// Return [`PinError::EntryCancelled`] or [`PinError::EntryTimedOut`] when the holder
/// cancelled or did not answer: the login then fails with
/// [`LoginFailure::PinEntryCancelled`](super::LoginFailure::PinEntryCancelled) /
/// [`PinEntryTimedOut`](super::LoginFailure::PinEntryTimedOut) and nothing reaches the card.
///
/// Closures `Fn(&PinRequest) -> Result<Pin, PinError>` are PIN sources.
pub trait PinSource: Send + Sync {
    /// The PIN for this login.
    fn pin(&self, request: &PinRequest) -> Result<Pin, PinError>;
}

impl<F> PinSource for F
where
    F: Fn(&PinRequest) -> Result<Pin, PinError> + Send + Sync,
{
    fn pin(&self, request: &PinRequest) -> Result<Pin, PinError> {
        self(request)
    }
}

/// A fixed PIN, for tests and CI with the simulator. It lives (zeroized on drop) as long as
/// the login object: do not use it with a real card's PIN in a long-running program.
#[derive(Clone, Debug)]
pub struct FixedPin(Pin);

impl FixedPin {
    /// A source that always answers `pin`.
    pub fn new(pin: Pin) -> Self {
        FixedPin(pin)
    }
}

impl PinSource for FixedPin {
    fn pin(&self, _: &PinRequest) -> Result<Pin, PinError> {
        Ok(self.0.clone())
    }
}
