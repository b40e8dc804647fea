//! A virtual PIN-pad reader (spec §13.5): the test says what the holder types — digits,
//! Cancel, or nothing (timeout) — and the keypad fills the digits into the host's
//! `PIN_VERIFY_STRUCTURE` / `PIN_MODIFY_STRUCTURE` exactly as a CCID reader does, so the card sees
//! an ordinary VERIFY / CHANGE REFERENCE DATA. Reader results are the real ones: `64 00` timeout,
//! `64 01` cancel, `64 02` new PINs differ, `64 03` wrong length, `6B 80` invalid structure.

use std::collections::VecDeque;

use beid::StatusWord;
use beid::apdu::pin_pad::PinPadRequest;
use zeroize::Zeroizing;

/// What the holder does at the keypad.
#[derive(Clone)]
#[non_exhaustive]
pub enum KeypadEntry {
    /// Types these digits and presses OK.
    Digits(Zeroizing<String>),
    /// Presses Cancel.
    Cancel,
    /// Does nothing until the reader's timeout.
    Timeout,
}

impl KeypadEntry {
    /// The holder types `digits` and OK.
    pub fn digits(digits: &str) -> Self {
        KeypadEntry::Digits(Zeroizing::new(digits.to_owned()))
    }
}

impl core::fmt::Debug for KeypadEntry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            KeypadEntry::Digits(_) => "Digits(<redacted>)",
            KeypadEntry::Cancel => "Cancel",
            KeypadEntry::Timeout => "Timeout",
        })
    }
}

/// Reader status: the holder did not answer in time.
pub const SW_TIMEOUT: StatusWord = StatusWord(0x6400);
/// Reader status: Cancel pressed.
pub const SW_CANCELLED: StatusWord = StatusWord(0x6401);
/// Reader status: the new PIN and its confirmation differ.
pub const SW_NEW_PINS_DIFFER: StatusWord = StatusWord(0x6402);
/// Reader status: a PIN of the wrong length.
pub const SW_WRONG_LENGTH: StatusWord = StatusWord(0x6403);
/// Reader status: the structure is not one the reader understands.
pub const SW_INVALID_PARAMETER: StatusWord = StatusWord(0x6B80);

/// A keypad with a queue of what the holder will do; once the queue is empty the holder
/// does nothing (timeout).
#[derive(Clone, Debug)]
pub struct VirtualPinPad {
    entries: VecDeque<KeypadEntry>,
    verify: bool,
    modify: bool,
    prompts: u32,
}

impl Default for VirtualPinPad {
    fn default() -> Self {
        Self::new()
    }
}

impl VirtualPinPad {
    /// A keypad that can verify and change the PIN, with nothing queued.
    pub fn new() -> Self {
        VirtualPinPad {
            entries: VecDeque::new(),
            verify: true,
            modify: true,
            prompts: 0,
        }
    }

    /// A keypad that only verifies (no FEATURE_MODIFY_PIN_DIRECT).
    pub fn verify_only() -> Self {
        VirtualPinPad {
            modify: false,
            ..Self::new()
        }
    }

    /// Queue what the holder does at the next prompt.
    pub fn then(mut self, entry: KeypadEntry) -> Self {
        self.entries.push_back(entry);
        self
    }

    /// Queue what the holder does at a later prompt.
    pub fn push(&mut self, entry: KeypadEntry) {
        self.entries.push_back(entry);
    }

    /// The keypad offers FEATURE_VERIFY_PIN_DIRECT.
    pub fn can_verify(&self) -> bool {
        self.verify
    }

    /// The keypad offers FEATURE_MODIFY_PIN_DIRECT.
    pub fn can_modify(&self) -> bool {
        self.modify
    }

    /// How many times the keypad asked the holder for a PIN.
    pub fn prompts(&self) -> u32 {
        self.prompts
    }

    /// Entries not used yet.
    pub fn pending(&self) -> usize {
        self.entries.len()
    }

    /// One PIN from the holder, checked against the structure's limits.
    fn take(&mut self, request: &PinPadRequest) -> Result<Zeroizing<String>, StatusWord> {
        self.prompts += 1;
        match self.entries.pop_front() {
            None | Some(KeypadEntry::Timeout) => Err(SW_TIMEOUT),
            Some(KeypadEntry::Cancel) => Err(SW_CANCELLED),
            Some(KeypadEntry::Digits(d)) => {
                let n = d.len();
                if n < usize::from(request.min_digits)
                    || n > usize::from(request.max_digits)
                    || !d.bytes().all(|b| b.is_ascii_digit())
                {
                    Err(SW_WRONG_LENGTH)
                } else {
                    Ok(d)
                }
            }
        }
    }

    /// The VERIFY the reader sends for `structure` (a `PIN_VERIFY_STRUCTURE`), or its own
    /// status word.
    pub fn verify_apdu(&mut self, structure: &[u8]) -> Result<Zeroizing<Vec<u8>>, StatusWord> {
        let request = PinPadRequest::parse_verify(structure).ok_or(SW_INVALID_PARAMETER)?;
        let pin = self.take(&request)?;
        let mut apdu = Zeroizing::new(request.apdu.clone());
        request
            .fill(&mut apdu, 0, pin.as_bytes())
            .ok_or(SW_INVALID_PARAMETER)?;
        Ok(apdu)
    }

    /// The CHANGE REFERENCE DATA the reader sends for `structure` (a `PIN_MODIFY_STRUCTURE`:
    /// current PIN when bConfirmPIN asks for it, new PIN, confirmation), or its own status.
    pub fn modify_apdu(&mut self, structure: &[u8]) -> Result<Zeroizing<Vec<u8>>, StatusWord> {
        let request = PinPadRequest::parse_modify(structure).ok_or(SW_INVALID_PARAMETER)?;
        let (old_offset, new_offset, confirm) = request.modify.ok_or(SW_INVALID_PARAMETER)?;
        let mut apdu = Zeroizing::new(request.apdu.clone());
        if confirm & 0x02 != 0 {
            let current = self.take(&request)?;
            request
                .fill(&mut apdu, usize::from(old_offset), current.as_bytes())
                .ok_or(SW_INVALID_PARAMETER)?;
        }
        let new = self.take(&request)?;
        if confirm & 0x01 != 0 {
            let again = self.take(&request)?;
            if again.as_bytes() != new.as_bytes() {
                return Err(SW_NEW_PINS_DIFFER);
            }
        }
        request
            .fill(&mut apdu, usize::from(new_offset), new.as_bytes())
            .ok_or(SW_INVALID_PARAMETER)?;
        Ok(apdu)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use beid::apdu::pin_pad::{PinModifyStructure, PinPadOptions, PinVerifyStructure};

    #[test]
    fn fills_the_verify_template_like_a_reader() {
        let s = PinVerifyStructure::new(PinPadOptions::default());
        let mut pad = VirtualPinPad::new()
            .then(KeypadEntry::digits("1234"))
            .then(KeypadEntry::Cancel)
            .then(KeypadEntry::digits("12"));
        let apdu = pad.verify_apdu(s.as_bytes()).unwrap();
        assert_eq!(
            &apdu[..],
            &[
                0x00, 0x20, 0x00, 0x01, 0x08, 0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF
            ]
        );
        assert_eq!(pad.verify_apdu(s.as_bytes()).unwrap_err(), SW_CANCELLED);
        assert_eq!(pad.verify_apdu(s.as_bytes()).unwrap_err(), SW_WRONG_LENGTH);
        assert_eq!(pad.verify_apdu(s.as_bytes()).unwrap_err(), SW_TIMEOUT);
        assert_eq!(pad.prompts(), 4);
        assert_eq!(
            pad.verify_apdu(&[1, 2, 3]).unwrap_err(),
            SW_INVALID_PARAMETER
        );
    }

    #[test]
    fn fills_the_modify_template_with_both_pins() {
        let s = PinModifyStructure::new(PinPadOptions::default());
        let mut pad = VirtualPinPad::new()
            .then(KeypadEntry::digits("1234"))
            .then(KeypadEntry::digits("56789"))
            .then(KeypadEntry::digits("56789"));
        let apdu = pad.modify_apdu(s.as_bytes()).unwrap();
        assert_eq!(&apdu[..5], &[0x00, 0x24, 0x00, 0x01, 0x10]);
        assert_eq!(
            &apdu[5..13],
            &[0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        );
        assert_eq!(
            &apdu[13..21],
            &[0x25, 0x56, 0x78, 0x9F, 0xFF, 0xFF, 0xFF, 0xFF]
        );
        let mut pad = VirtualPinPad::new()
            .then(KeypadEntry::digits("1234"))
            .then(KeypadEntry::digits("5678"))
            .then(KeypadEntry::digits("5679"));
        assert_eq!(
            pad.modify_apdu(s.as_bytes()).unwrap_err(),
            SW_NEW_PINS_DIFFER
        );
    }
}
