//! The cardholder PIN and its 8-byte block (spec §8.1, §8.2).
//!
//! A [`Pin`] is validated when it is built (4 to 12 ASCII digits), so a malformed PIN never
//! reaches the card and never costs a try. Its digits are zeroized on drop and never shown by
//! `Debug`.

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{PinFormatError, Result};

/// Shortest PIN the card accepts (spec §8.1).
pub const PIN_MIN_LEN: usize = 4;
/// Longest PIN the card accepts (spec §8.1).
pub const PIN_MAX_LEN: usize = 12;

/// A validated cardholder PIN.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Pin {
    digits: [u8; PIN_MAX_LEN],
    len: u8,
}

impl Pin {
    /// Validate and store a PIN: 4 to 12 ASCII digits.
    pub fn new(pin: &str) -> Result<Self> {
        Self::from_bytes(pin.as_bytes())
    }

    /// Validate and store a PIN given as ASCII bytes.
    pub fn from_bytes(pin: &[u8]) -> Result<Self> {
        if !(PIN_MIN_LEN..=PIN_MAX_LEN).contains(&pin.len()) {
            return Err(PinFormatError::Length { len: pin.len() }.into());
        }
        if let Some(position) = pin.iter().position(|b| !b.is_ascii_digit()) {
            return Err(PinFormatError::NotADigit { position }.into());
        }
        let mut digits = [0u8; PIN_MAX_LEN];
        for (d, b) in digits.iter_mut().zip(pin) {
            *d = b - b'0';
        }
        Ok(Pin {
            digits,
            len: pin.len() as u8,
        })
    }

    /// Number of digits.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Always false: a PIN has at least 4 digits.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The "Global Platform" PIN block of spec §8.2: nibbles `2`, length, BCD digits, `F` fill.
    /// `1234` → `24 12 34 FF FF FF FF FF`.
    pub fn block(&self) -> PinBlock {
        let mut b = [0xFFu8; 8];
        b[0] = 0x20 | self.len;
        for (i, d) in self.digits.iter().take(self.len as usize).enumerate() {
            let byte = 1 + i / 2;
            if let Some(slot) = b.get_mut(byte) {
                if i % 2 == 0 {
                    *slot = (d << 4) | 0x0F;
                } else {
                    *slot = (*slot & 0xF0) | d;
                }
            }
        }
        PinBlock(b)
    }
}

/// The PUK of the PIN letters: two halves (one per letter) that together make up to 12 digits
/// (spec §8.5). Validated before any APDU, zeroized, never shown by `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Puk(Pin);

impl Puk {
    /// The PUK from its two halves as printed on the two letters: ASCII digits, together 4 to
    /// 12. The card takes them second half first (commons-eid `unblockPINViaUI`).
    pub fn new(first_half: &str, second_half: &str) -> Result<Self> {
        let mut joined = zeroize::Zeroizing::new(String::with_capacity(12));
        joined.push_str(second_half);
        joined.push_str(first_half);
        Ok(Puk(Pin::new(&joined)?))
    }

    /// The block sent with RESET RETRY COUNTER (same format as a PIN block, spec §8.2).
    pub fn block(&self) -> PinBlock {
        self.0.block()
    }
}

impl core::fmt::Debug for Puk {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Puk(<redacted>)")
    }
}

impl core::fmt::Debug for Pin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

/// An 8-byte PIN block as sent in VERIFY and CHANGE REFERENCE DATA; zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct PinBlock([u8; 8]);

impl PinBlock {
    /// The empty template PIN-pad readers fill in: `20 FF FF FF FF FF FF FF` (spec §8.2).
    pub const PIN_PAD_TEMPLATE: [u8; 8] = [0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    /// The block bytes.
    pub fn as_bytes(&self) -> &[u8; 8] {
        &self.0
    }

    /// Decode a block received by a card (the simulator's side). Returns the digits as ASCII, or
    /// `None` when the block is malformed (length nibble outside 4..=12, a non-BCD digit, or a
    /// fill nibble that is not `F`) — the card answers `6A 80` then.
    pub fn decode(block: &[u8]) -> Option<Pin> {
        let [head, rest @ ..] = block else {
            return None;
        };
        if block.len() != 8 || head >> 4 != 2 {
            return None;
        }
        let len = (head & 0x0F) as usize;
        if !(PIN_MIN_LEN..=PIN_MAX_LEN).contains(&len) {
            return None;
        }
        let mut digits = [0u8; PIN_MAX_LEN];
        for i in 0..14 {
            let byte = rest.get(i / 2).copied()?;
            let nibble = if i % 2 == 0 { byte >> 4 } else { byte & 0x0F };
            if i < len {
                if nibble > 9 {
                    return None;
                }
                if let Some(d) = digits.get_mut(i) {
                    *d = nibble;
                }
            } else if nibble != 0x0F {
                return None;
            }
        }
        Some(Pin {
            digits,
            len: len as u8,
        })
    }
}

impl PartialEq for Pin {
    /// Constant-time comparison of two PINs.
    fn eq(&self, other: &Self) -> bool {
        let mut diff = self.len ^ other.len;
        for (a, b) in self.digits.iter().zip(other.digits.iter()) {
            diff |= a ^ b;
        }
        diff == 0
    }
}

impl Eq for Pin {}

impl core::fmt::Debug for PinBlock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PinBlock(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_match_spec_examples() {
        assert_eq!(
            Pin::new("1234").unwrap().block().as_bytes(),
            &[0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        );
        assert_eq!(
            Pin::new("12345").unwrap().block().as_bytes(),
            &[0x25, 0x12, 0x34, 0x5F, 0xFF, 0xFF, 0xFF, 0xFF]
        );
        assert_eq!(
            Pin::new("123456789012").unwrap().block().as_bytes(),
            &[0x2C, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0xFF]
        );
    }

    #[test]
    fn invalid_pins_are_refused_before_any_apdu() {
        assert!(matches!(
            Pin::new("123"),
            Err(crate::Error::Pin(crate::PinError::InvalidFormat(
                PinFormatError::Length { len: 3 }
            )))
        ));
        assert!(matches!(
            Pin::new("1234567890123"),
            Err(crate::Error::Pin(crate::PinError::InvalidFormat(
                PinFormatError::Length { len: 13 }
            )))
        ));
        assert!(matches!(
            Pin::new("12a4"),
            Err(crate::Error::Pin(crate::PinError::InvalidFormat(
                PinFormatError::NotADigit { position: 2 }
            )))
        ));
    }

    #[test]
    fn decode_round_trips_and_rejects_garbage() {
        for p in ["1234", "12345", "000000", "123456789012"] {
            let pin = Pin::new(p).unwrap();
            assert_eq!(PinBlock::decode(pin.block().as_bytes()), Some(pin));
        }
        assert!(PinBlock::decode(&PinBlock::PIN_PAD_TEMPLATE).is_none());
        assert!(PinBlock::decode(&[0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]).is_none());
        assert!(PinBlock::decode(&[0x24, 0x1A, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).is_none());
        assert!(PinBlock::decode(&[0x24, 0x12]).is_none());
    }

    #[test]
    fn debug_is_redacted() {
        let pin = Pin::new("4321").unwrap();
        assert_eq!(format!("{pin:?}"), "Pin(<redacted>)");
        assert_eq!(format!("{:?}", pin.block()), "PinBlock(<redacted>)");
    }
}
