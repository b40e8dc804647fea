//! The transport layer: bytes to a card and back (spec §1.4, §13).
//!
//! A [`Transport`] moves one command APDU to the card and returns the raw response; it does no
//! T=0 processing. The [`Channel`] sits on top of any transport and does what every Belpic reader
//! does itself (spec §1.4): fetch `61xx` data with GET RESPONSE, re-send after `6Cxx` with the
//! exact Le, with bounded loops, and reports every exchange to an optional observer with PIN
//! digits (and, unless asked, national-number bytes) masked.
//!
//! Transports shipped: PC/SC (feature `pcsc`, module [`pcsc`]), the
//! [`ScriptedTransport`] for tests, and the in-process simulator of the `beid-simulator` crate.

mod channel;
#[cfg(feature = "pcsc")]
#[cfg_attr(docsrs, doc(cfg(feature = "pcsc")))]
pub mod pcsc;
pub(crate) mod scripted;

pub use channel::{Channel, ChannelLimits, Exchange, ObserverPrivacy, PinPadEntry};
pub use scripted::{ScriptStep, ScriptedTransport};

use crate::apdu::pin_pad::{PinModifyStructure, PinVerifyStructure};
use crate::error::TransportError;

/// Result of a transport operation.
pub type TransportResult<T = ()> = core::result::Result<T, TransportError>;

/// A way to exchange APDUs with one card.
///
/// Implementations report a pulled card as [`TransportError::CardRemoved`] and a card reset by
/// someone else as [`TransportError::CardReset`]; after either, the caller decides what to do (the library never re-sends a command by itself, and
/// never a VERIFY).
pub trait Transport {
    /// Send `command` (a complete C-APDU) and write the complete R-APDU (data followed by
    /// `SW1 SW2`) into `response`, which the implementation clears first.
    fn transmit(&mut self, command: &[u8], response: &mut Vec<u8>) -> TransportResult;

    /// The ATR of the card, when the transport knows it.
    fn atr(&self) -> Option<&[u8]> {
        None
    }

    /// Begin an exclusive transaction: no other application may talk to the card until
    /// [`Transport::end_transaction`]. Multi-APDU operations (reading a file, VERIFY + PSO:CDS)
    /// run inside one. Nesting is not supported. The default does nothing (transports with a
    /// single user).
    fn begin_transaction(&mut self) -> TransportResult {
        Ok(())
    }

    /// End the transaction begun by [`Transport::begin_transaction`], leaving the card as it is.
    fn end_transaction(&mut self) -> TransportResult {
        Ok(())
    }

    /// Reset the card (or reconnect to it after [`TransportError::CardReset`]).
    /// Afterwards the applet is selected, the MF is current and all PIN rights are gone
    /// (spec §1.3, §8.9).
    fn reset(&mut self) -> TransportResult;

    /// The reader's PIN pad, when it has one (secure PIN entry, spec §13.5). The default: none.
    fn pin_pad(&mut self) -> Option<&mut dyn PinPad> {
        None
    }
}

/// A PIN-pad reader's secure PIN entry (PC/SC part 10 FEATURE_VERIFY_PIN_DIRECT /
/// FEATURE_MODIFY_PIN_DIRECT, spec §13.5): the reader asks the holder for the digits, fills them
/// into the structure's APDU template and sends it to the card. The host never sees the PIN.
pub trait PinPad {
    /// The reader can verify a PIN on its keypad.
    fn can_verify(&self) -> bool;

    /// The reader can change a PIN on its keypad.
    fn can_modify(&self) -> bool;

    /// Let the holder enter the PIN for `structure`; `response` receives what the reader
    /// answered: the card's R-APDU, or a reader status (`64 00` timeout, `64 01` cancel, …).
    fn verify_pin(
        &mut self,
        structure: &PinVerifyStructure,
        response: &mut Vec<u8>,
    ) -> TransportResult;

    /// Let the holder enter the current PIN and the new one twice for `structure`.
    fn modify_pin(
        &mut self,
        structure: &PinModifyStructure,
        response: &mut Vec<u8>,
    ) -> TransportResult;
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn transmit(&mut self, command: &[u8], response: &mut Vec<u8>) -> TransportResult {
        (**self).transmit(command, response)
    }
    fn atr(&self) -> Option<&[u8]> {
        (**self).atr()
    }
    fn begin_transaction(&mut self) -> TransportResult {
        (**self).begin_transaction()
    }
    fn end_transaction(&mut self) -> TransportResult {
        (**self).end_transaction()
    }
    fn reset(&mut self) -> TransportResult {
        (**self).reset()
    }
    fn pin_pad(&mut self) -> Option<&mut dyn PinPad> {
        (**self).pin_pad()
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn transmit(&mut self, command: &[u8], response: &mut Vec<u8>) -> TransportResult {
        (**self).transmit(command, response)
    }
    fn atr(&self) -> Option<&[u8]> {
        (**self).atr()
    }
    fn begin_transaction(&mut self) -> TransportResult {
        (**self).begin_transaction()
    }
    fn end_transaction(&mut self) -> TransportResult {
        (**self).end_transaction()
    }
    fn reset(&mut self) -> TransportResult {
        (**self).reset()
    }
    fn pin_pad(&mut self) -> Option<&mut dyn PinPad> {
        (**self).pin_pad()
    }
}
