//! [`VirtualCard`]: a Belgian eID card in a struct — the applet, its content, faults and a
//! transcript recorder — and its in-process [`Transport`].

use beid::apdu::pin_pad::{PinModifyStructure, PinVerifyStructure};
use beid::transport::{PinPad, Transport};
use beid::{Generation, TransportError};

use crate::applet::Applet;
use crate::faults::{FaultAction, Faults};
use crate::image::CardImage;
use crate::pin_pad::VirtualPinPad;
use crate::transcript::Transcript;

/// Where the card is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Power {
    /// In the reader and powered: the applet answers.
    On,
    /// In the reader, not powered ([`VirtualCard::power_off`]).
    Off,
    /// Pulled out of the reader.
    Removed,
}

/// A virtual Belgian eID card: the Belpic applet of spec §3, §8, §9 in process.
///
/// Built from a [`CardImage`] (usually by [`VirtualCardBuilder`](crate::VirtualCardBuilder) or
/// a [`Profile`](crate::Profile)); the card starts inserted and powered, with the applet
/// selected and the MF current (spec §1.3).
///
/// Two ways to talk to it:
/// * [`VirtualCard::transmit_apdu`]: bytes in, R-APDU (data ‖ SW1 SW2) out — the raw T=0 card,
///   `61 xx`/`6C xx` included (spec §1.4);
/// * as a [`beid::transport::Transport`]: what `beid::BeidCard` and the channel use; card removal
///   and resets by a [fault](crate::Faults) surface as [`TransportError::CardRemoved`] and
///   [`TransportError::CardReset`].
///
/// The PIN value and its try counter persist across resets and power cycles, like the card's
/// EEPROM; PIN rights, the security environment, the current file and pending GET RESPONSE data
/// do not. `VirtualCard` is `Send` and owns everything it needs: tests can run many cards in
/// parallel. It uses no threads and no sockets (the [vpcd bridge](crate::vpcd) is separate).
///
/// ```
/// # fn demo(mut card: beid_simulator::VirtualCard) {
/// // GET CARD DATA, 28 bytes + 90 00 (spec §9.1)
/// let r = card.transmit_apdu(&[0x80, 0xE4, 0x00, 0x00, 0x1C]);
/// assert_eq!(r.len(), 30);
/// assert_eq!(&r[28..], &[0x90, 0x00]);
/// # }
/// ```
#[derive(Clone)]
pub struct VirtualCard {
    image: CardImage,
    applet: Applet,
    power: Power,
    /// A reset fault fired and the host has not called [`Transport::reset`] yet.
    reset_pending: bool,
    faults: Faults,
    apdu_count: u64,
    transcript: Option<Transcript>,
    pin_pad: Option<VirtualPinPad>,
}

impl core::fmt::Debug for VirtualCard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VirtualCard")
            .field("generation", &self.image.generation)
            .field("power", &self.power)
            .field("apdu_count", &self.apdu_count)
            .field("pin_tries_left", &self.applet.security.tries_left())
            .field("faults", &!self.faults.is_empty())
            .field("recording", &self.transcript.is_some())
            .field("pin_pad", &self.pin_pad.is_some())
            .finish_non_exhaustive()
    }
}

impl VirtualCard {
    /// A card holding `image`, inserted and powered, with no faults.
    pub fn from_image(image: CardImage) -> VirtualCard {
        let applet = Applet::new(&image);
        VirtualCard {
            image,
            applet,
            power: Power::On,
            reset_pending: false,
            faults: Faults::new(),
            apdu_count: 0,
            transcript: None,
            pin_pad: None,
        }
    }

    /// The content the card was built from. Files changed through UPDATE BINARY (only
    /// EF(Preferences) is writable) and a PIN changed with CHANGE REFERENCE DATA are the card's
    /// live state: files are reflected here, the PIN is not exposed.
    pub fn image(&self) -> &CardImage {
        &self.image
    }

    /// The applet generation.
    pub fn generation(&self) -> Generation {
        self.image.generation
    }

    /// The answer to reset (spec §1.1).
    pub fn atr(&self) -> &[u8] {
        &self.image.atr
    }

    // ----- exchanging APDUs -----------------------------------------------------------------

    /// The APDU a keypad built goes to the card; a reader status is the answer itself.
    fn keypad_apdu(
        &mut self,
        apdu: Result<zeroize::Zeroizing<Vec<u8>>, beid::StatusWord>,
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        match apdu {
            Ok(apdu) => self.transmit_into(&apdu, response),
            Err(sw) => {
                response.clear();
                response.extend_from_slice(&sw.0.to_be_bytes());
                Ok(())
            }
        }
    }

    /// Attach a virtual PIN-pad reader (spec §13.5): the library's PIN-pad operations then
    /// use it.
    pub fn with_pin_pad(mut self, pad: VirtualPinPad) -> Self {
        self.pin_pad = Some(pad);
        self
    }

    /// The attached PIN pad, to queue what the holder types next.
    pub fn pin_pad_mut(&mut self) -> Option<&mut VirtualPinPad> {
        self.pin_pad.as_mut()
    }

    /// Send one C-APDU and return the R-APDU (data ‖ SW1 SW2), exactly as a T=0 card answers
    /// (`61 xx` and `6C xx` are not handled here: send GET RESPONSE / re-send yourself).
    ///
    /// Returns an empty vector when the card does not answer: removed, powered off, or reset by
    /// a fault (see [`VirtualCard::transmit_into`] for the reason).
    pub fn transmit_apdu(&mut self, capdu: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(258);
        match self.transmit_into(capdu, &mut out) {
            Ok(()) => out,
            Err(_) => Vec::new(),
        }
    }

    /// Send one C-APDU; the R-APDU replaces the content of `response` (its allocation is
    /// reused, so a loop of calls allocates nothing).
    ///
    /// # Errors
    /// * [`TransportError::CardRemoved`]: the card was pulled ([`VirtualCard::remove`] or a removal
    ///   fault); until [`VirtualCard::insert`];
    /// * [`TransportError::CardReset`]: a reset fault fired, or the card is powered off; until
    ///   [`Transport::reset`] (or [`VirtualCard::reset`] / [`VirtualCard::power_on`]).
    pub fn transmit_into(
        &mut self,
        capdu: &[u8],
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        response.clear();
        match self.power {
            Power::Removed => return Err(TransportError::CardRemoved),
            Power::Off => return Err(TransportError::CardReset),
            Power::On if self.reset_pending => return Err(TransportError::CardReset),
            Power::On => {}
        }
        self.apdu_count += 1;
        if !self.faults.is_empty() {
            if let Some(result) = self.apply_faults(capdu, response) {
                return result;
            }
        }
        self.applet
            .process(&mut self.image, &self.faults, capdu, response);
        self.after_exchange(capdu, response);
        Ok(())
    }

    /// Faults that replace the execution of the APDU; `None` lets the applet run.
    fn apply_faults(
        &mut self,
        capdu: &[u8],
        response: &mut Vec<u8>,
    ) -> Option<beid::transport::TransportResult> {
        let n = self.apdu_count;
        let action = self
            .faults
            .before_apdu(n, capdu.get(1).copied())
            .or_else(|| {
                let is_read = matches!(capdu, [0x00, 0xB0, ..]);
                if !(is_read && self.faults.has_read_removal()) {
                    return None;
                }
                let offset = match capdu {
                    [_, _, p1, p2, ..] => usize::from(u16::from_be_bytes([*p1 & 0x7F, *p2])),
                    _ => 0,
                };
                let file = self.applet.current_ef()?;
                self.faults
                    .remove_on_read(file, offset)
                    .then_some(FaultAction::Remove)
            })?;
        Some(match action {
            FaultAction::Remove => {
                self.power = Power::Removed;
                self.applet.reset();
                if let Some(t) = self.transcript.as_mut() {
                    t.push_card_removed(capdu);
                }
                Err(TransportError::CardRemoved)
            }
            FaultAction::Reset => {
                self.applet.reset();
                self.reset_pending = true;
                if let Some(t) = self.transcript.as_mut() {
                    t.push_card_reset(capdu);
                }
                Err(TransportError::CardReset)
            }
            FaultAction::Status(sw) => {
                response.extend_from_slice(&sw.to_bytes());
                self.after_exchange(capdu, response);
                Ok(())
            }
        })
    }

    fn after_exchange(&mut self, capdu: &[u8], response: &mut [u8]) {
        if !self.faults.is_empty() {
            let data_len = response.len().saturating_sub(2);
            if let Some(data) = response.get_mut(..data_len) {
                self.faults.maybe_flip(data);
            }
            let latency = self.faults.current_latency();
            if !latency.is_zero() {
                std::thread::sleep(latency.delay_for(capdu.len() + response.len()));
            }
        }
        if let Some(t) = self.transcript.as_mut() {
            t.push_exchange(capdu, response);
        }
    }

    // ----- power and presence ---------------------------------------------------------------

    /// Warm reset: the applet is selected, the MF current, every PIN right, the security
    /// environment and pending data are gone (spec §1.3, §8.9). Also acknowledges a reset
    /// fault. Does nothing to a removed card.
    pub fn reset(&mut self) {
        if self.power == Power::Removed {
            return;
        }
        self.applet.reset();
        self.power = Power::On;
        self.reset_pending = false;
        if let Some(t) = self.transcript.as_mut() {
            t.push_reset();
        }
    }

    /// Power the card up (a cold reset if it was already powered). Does nothing to a removed
    /// card.
    pub fn power_on(&mut self) {
        self.reset();
    }

    /// Remove power: the volatile state is lost; APDUs fail with [`TransportError::CardReset`] until
    /// [`VirtualCard::power_on`] or a reset.
    pub fn power_off(&mut self) {
        if self.power == Power::On {
            self.power = Power::Off;
            self.applet.reset();
        }
    }

    /// True when the card is inserted and powered.
    pub fn is_powered(&self) -> bool {
        self.power == Power::On
    }

    /// Pull the card out of the reader: every exchange fails with [`TransportError::CardRemoved`] until
    /// [`VirtualCard::insert`].
    pub fn remove(&mut self) {
        self.power = Power::Removed;
        self.applet.reset();
    }

    /// Put the card (back) into the reader: it is powered and fresh (no rights, MF current).
    pub fn insert(&mut self) {
        self.power = Power::On;
        self.reset_pending = false;
        self.applet.reset();
    }

    /// True unless the card was removed.
    pub fn is_present(&self) -> bool {
        self.power != Power::Removed
    }

    // ----- faults ---------------------------------------------------------------------------

    /// The configured faults.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Configure faults in place: `card.faults_mut().remove_at_apdu(5)`.
    pub fn faults_mut(&mut self) -> &mut Faults {
        &mut self.faults
    }

    /// Replace the faults.
    pub fn set_faults(&mut self, faults: Faults) {
        self.faults = faults;
    }

    /// The same card with `faults`.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Number of APDUs that reached the card since it was created (the numbering the faults
    /// use).
    pub fn apdu_count(&self) -> u64 {
        self.apdu_count
    }

    // ----- transcripts ----------------------------------------------------------------------

    /// Start recording every exchange (PIN data masked) into a new [`Transcript`].
    pub fn record_transcript(&mut self) {
        let mut t = Transcript::new();
        t.set_atr(&self.image.atr);
        self.transcript = Some(t);
    }

    /// The transcript being recorded, if any.
    pub fn transcript(&self) -> Option<&Transcript> {
        self.transcript.as_ref()
    }

    /// Stop recording and return the transcript.
    pub fn take_transcript(&mut self) -> Option<Transcript> {
        self.transcript.take()
    }

    // ----- PIN and misc ---------------------------------------------------------------------

    /// Tries left on the cardholder PIN (0 = blocked).
    pub fn pin_tries_left(&self) -> u8 {
        self.applet.security.tries_left()
    }

    /// True when the PIN is currently verified (what an empty VERIFY would report).
    pub fn is_pin_verified(&self) -> bool {
        self.applet.security.is_verified()
    }

    /// Out-of-band unblock, as the municipality would do it (on real cards with the PUK or the
    /// administration role, spec §8.5): the try counter goes back to 3.
    pub fn unblock_pin(&mut self) {
        self.applet.security.unblock();
    }

    /// Seed the generator behind GET CHALLENGE (by default seeded from the card data, so a card
    /// always gives the same challenges).
    pub fn set_random_seed(&mut self, seed: u64) {
        self.applet.reseed(seed);
    }

    /// Set how many INTERNAL AUTHENTICATE commands were used since the last successful VERIFY;
    /// at 5000 the command answers `69 85` until the next VERIFY (spec §7.5).
    pub fn set_internal_authenticate_count(&mut self, uses: u32) {
        self.applet.security.set_internal_auth_uses(uses);
    }
}

/// In-process transport: `transmit` is [`VirtualCard::transmit_into`].
impl Transport for VirtualCard {
    fn transmit(
        &mut self,
        command: &[u8],
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        self.transmit_into(command, response)
    }

    fn atr(&self) -> Option<&[u8]> {
        self.is_present().then_some(self.image.atr.as_slice())
    }

    /// Reset the card (PC/SC reconnect): rights gone, applet selected, MF current.
    ///
    /// # Errors
    /// [`TransportError::CardRemoved`] when the card is not in the reader.
    fn reset(&mut self) -> beid::transport::TransportResult {
        if self.power == Power::Removed {
            return Err(TransportError::CardRemoved);
        }
        VirtualCard::reset(self);
        Ok(())
    }

    /// The virtual PIN pad, when one is attached ([`VirtualCard::with_pin_pad`]).
    fn pin_pad(&mut self) -> Option<&mut dyn PinPad> {
        if self.pin_pad.is_some() {
            Some(self)
        } else {
            None
        }
    }
}

/// The reader's keypad: the digits the test queued are filled into the host's structure and
/// the resulting APDU goes to the card like any other (counted, faults apply); reader
/// results (`64 00`, `64 01`, `64 02`, `64 03`, `6B 80`) never reach the card.
impl PinPad for VirtualCard {
    fn can_verify(&self) -> bool {
        self.pin_pad.as_ref().is_some_and(VirtualPinPad::can_verify)
    }

    fn can_modify(&self) -> bool {
        self.pin_pad.as_ref().is_some_and(VirtualPinPad::can_modify)
    }

    fn verify_pin(
        &mut self,
        structure: &PinVerifyStructure,
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        let apdu = match self.pin_pad.as_mut() {
            Some(pad) => pad.verify_apdu(structure.as_bytes()),
            None => Err(crate::pin_pad::SW_INVALID_PARAMETER),
        };
        self.keypad_apdu(apdu, response)
    }

    fn modify_pin(
        &mut self,
        structure: &PinModifyStructure,
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        let apdu = match self.pin_pad.as_mut() {
            Some(pad) => pad.modify_apdu(structure.as_bytes()),
            None => Err(crate::pin_pad::SW_INVALID_PARAMETER),
        };
        self.keypad_apdu(apdu, response)
    }
}
