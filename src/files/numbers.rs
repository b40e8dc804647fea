//! National register number and card number (spec §6.9).

/// The national register number (rijksregisternummer / numéro de registre national):
/// 11 ASCII digits `YYMMDDSSSCC` (spec §6.9).
///
/// Personal data restricted by Belgian law: `Debug` and `Display` print it masked; call
/// [`NationalNumber::reveal`] to obtain the digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct NationalNumber([u8; 11]);

impl NationalNumber {
    /// Accept exactly 11 ASCII digits.
    pub fn from_digits(digits: &[u8]) -> Option<Self> {
        let arr: [u8; 11] = digits.try_into().ok()?;
        arr.iter().all(u8::is_ascii_digit).then_some(NationalNumber(arr))
    }

    /// The 11 digits. Only call this when the caller asked to see the national number.
    pub fn reveal(&self) -> &str {
        // Invariant: only ASCII digits are stored.
        core::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The digits as bytes (for redaction of traces that contain them).
    pub fn as_bytes(&self) -> &[u8; 11] {
        &self.0
    }
}

impl core::fmt::Debug for NationalNumber {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("NationalNumber(<redacted>)")
    }
}

impl core::fmt::Display for NationalNumber {
    /// Masked: `**.**.**-***.**`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("**.**.**-***.**")
    }
}

/// The card number (document number): 12 digits on eID and Kids cards, `B` + 9 digits or
/// 9 digits on foreigner cards (spec §4.2 tag 0x01, §6.9).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct CardNumber {
    bytes: [u8; 12],
    len: u8,
}

impl CardNumber {
    /// Accept 1 to 12 printable ASCII characters (the formats vary by card type).
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        if b.is_empty() || b.len() > 12 || !b.iter().all(|c| c.is_ascii_graphic()) {
            return None;
        }
        let mut bytes = [0u8; 12];
        bytes.get_mut(..b.len())?.copy_from_slice(b);
        Some(CardNumber {
            bytes,
            len: b.len() as u8,
        })
    }

    /// The card number as written on the card.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.bytes.get(..self.len as usize).unwrap_or(&[])).unwrap_or("")
    }
}
