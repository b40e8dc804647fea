//! National register number and card number (spec §6.9).
//!
//! Check digits are exposed ([`NationalNumber::check_digits_valid`],
//! [`CardNumber::check_digits_valid`]) but never enforced by the parsers: a card is what it is.

/// The national register number (rijksregisternummer / numéro de registre national):
/// 11 ASCII digits `YYMMDDSSSCC` (spec §6.9).
///
/// Personal data restricted by Belgian law: `Debug` and `Display` print it masked; call
/// [`NationalNumber::reveal`] or [`NationalNumber::formatted_revealed`] to obtain the digits.
/// With the `serde` feature it serializes as its 11 digits — serializing is an explicit caller
/// action; strip it from the output yourself if the destination must not hold it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct NationalNumber([u8; 11]);

/// Which check-digit rule a national number satisfies (spec §6.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CheckDigitRule {
    /// `97 − (first 9 digits mod 97)`: people born before 2000.
    Before2000,
    /// `97 − ((2000000000 + first 9 digits) mod 97)`: people born from 2000 on.
    From2000,
}

impl NationalNumber {
    /// Accept exactly 11 ASCII digits.
    pub fn from_digits(digits: &[u8]) -> Option<Self> {
        let arr: [u8; 11] = digits.try_into().ok()?;
        arr.iter()
            .all(u8::is_ascii_digit)
            .then_some(NationalNumber(arr))
    }

    /// For literals known to be 11 digits (the specimen builders).
    pub(crate) const fn from_ascii_unchecked(digits: [u8; 11]) -> Self {
        NationalNumber(digits)
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

    /// The display form `YY.MM.DD-SSS.CC` (spec §6.9). Reveals the number.
    pub fn formatted_revealed(&self) -> String {
        let d = self.reveal();
        let part = |r: core::ops::Range<usize>| d.get(r).unwrap_or("");
        format!(
            "{}.{}.{}-{}.{}",
            part(0..2),
            part(2..4),
            part(4..6),
            part(6..9),
            part(9..11)
        )
    }

    fn value(&self, range: core::ops::Range<usize>) -> u32 {
        self.0
            .get(range)
            .unwrap_or(&[])
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
    }

    /// The birth-date part `(YY, MM, DD)` as written. Month and day may be 0 (unknown birth
    /// date) or shifted (+20/+40 on the month for "bis" numbers), so this is not a date.
    pub fn birth_date_part(&self) -> (u8, u8, u8) {
        (
            self.value(0..2) as u8,
            self.value(2..4) as u8,
            self.value(4..6) as u8,
        )
    }

    /// The sequence number `SSS` (digits 7–9).
    pub fn sequence(&self) -> u16 {
        self.value(6..9) as u16
    }

    /// The check digits `CC` (digits 10–11).
    pub fn check_digits(&self) -> u8 {
        self.value(9..11) as u8
    }

    /// Which check-digit rule the number satisfies, if any (spec §6.9). The two rules never
    /// both hold (2 000 000 000 is not a multiple of 97).
    pub fn check_digit_rule(&self) -> Option<CheckDigitRule> {
        let first9 = u64::from(self.value(0..9));
        let cc = u64::from(self.check_digits());
        if 97 - first9 % 97 == cc {
            Some(CheckDigitRule::Before2000)
        } else if 97 - (2_000_000_000 + first9) % 97 == cc {
            Some(CheckDigitRule::From2000)
        } else {
            None
        }
    }

    /// True when the check digits satisfy the pre-2000 or the 2000+ rule (spec §6.9).
    pub fn check_digits_valid(&self) -> bool {
        self.check_digit_rule().is_some()
    }

    /// The birth year implied by the check-digit rule (`19YY` or `20YY`), when the check
    /// digits are valid.
    pub fn birth_year(&self) -> Option<u16> {
        let yy = u16::from(self.birth_date_part().0);
        match self.check_digit_rule()? {
            CheckDigitRule::Before2000 => Some(1900 + yy),
            CheckDigitRule::From2000 => Some(2000 + yy),
        }
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

impl From<NationalNumber> for String {
    fn from(n: NationalNumber) -> String {
        n.reveal().to_owned()
    }
}

impl TryFrom<String> for NationalNumber {
    type Error = &'static str;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        NationalNumber::from_digits(s.as_bytes()).ok_or("a national number is 11 digits")
    }
}

/// The card number (document number): 12 digits on eID and Kids cards, `B` + 9 digits or
/// 9 digits on foreigner cards (spec §4.2 tag 0x01, §6.9).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
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

    /// For literals known to be 12 ASCII digits (the specimen builders).
    pub(crate) const fn from_ascii12(bytes: [u8; 12]) -> Self {
        CardNumber { bytes, len: 12 }
    }

    /// The card number as written on the card.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The card number as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len as usize).unwrap_or(&[])
    }

    /// The digits carrying the check: all 12 digits of an eID/Kids number, the 9 digits after
    /// `B` or the 9 digits of an old foreigner number; `None` for any other shape.
    fn check_part(&self) -> Option<&[u8]> {
        let b = self.as_bytes();
        let digits = match b {
            [b'B', rest @ ..] if rest.len() == 9 => rest,
            _ if b.len() == 12 || b.len() == 9 => b,
            _ => return None,
        };
        digits.iter().all(u8::is_ascii_digit).then_some(digits)
    }

    /// True when the last two digits equal the preceding digits modulo 97 (written `00` for 0).
    ///
    /// **Derived** rule (spec §6.9, §15 item 14): verified on the 12-digit samples of the spec;
    /// the foreigner samples `B021329690` and `288231759` (spec §4.2) satisfy the same rule on
    /// their 9 digits, so it is applied to those shapes too. `false` for any other shape.
    pub fn check_digits_valid(&self) -> bool {
        let Some(digits) = self.check_part() else {
            return false;
        };
        let split = digits.len().saturating_sub(2);
        let (body, check) = digits.split_at(split);
        let num = |d: &[u8]| d.iter().fold(0u64, |acc, c| acc * 10 + u64::from(c - b'0'));
        num(body) % 97 == num(check)
    }

    /// The display form: `NNN-NNNNNNN-NN` for 12 digits, `B NNNNNNN NN` for `B` + 9 digits
    /// (spec §6.9); any other shape is returned as written.
    pub fn formatted(&self) -> String {
        let s = self.as_str();
        let part = |r: core::ops::Range<usize>| s.get(r).unwrap_or("");
        let all_digits = |r: core::ops::Range<usize>| part(r).bytes().all(|c| c.is_ascii_digit());
        match s.len() {
            12 if all_digits(0..12) => format!("{}-{}-{}", part(0..3), part(3..10), part(10..12)),
            10 if s.starts_with('B') && all_digits(1..10) => {
                format!("B {} {}", part(1..8), part(8..10))
            }
            _ => s.to_owned(),
        }
    }
}

impl core::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "CardNumber({:?})", self.as_str())
    }
}

impl core::fmt::Display for CardNumber {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<CardNumber> for String {
    fn from(n: CardNumber) -> String {
        n.as_str().to_owned()
    }
}

impl TryFrom<String> for CardNumber {
    type Error = &'static str;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        CardNumber::from_bytes(s.as_bytes()).ok_or("a card number is 1 to 12 ASCII characters")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nn(s: &str) -> NationalNumber {
        NationalNumber::from_digits(s.as_bytes()).unwrap()
    }

    #[test]
    fn national_number_check_digits() {
        // Samples listed in spec §6.9.
        for s in [
            "71715100070",
            "75042628553",
            "81122130970",
            "69032453125",
            "92828100076",
            "97122256226",
        ] {
            assert_eq!(
                nn(s).check_digit_rule(),
                Some(CheckDigitRule::Before2000),
                "{s}"
            );
        }
        for s in ["01050399963", "03090700141"] {
            assert_eq!(
                nn(s).check_digit_rule(),
                Some(CheckDigitRule::From2000),
                "{s}"
            );
            assert!(nn(s).check_digits_valid());
        }
        assert!(!nn("01050399964").check_digits_valid());
        assert!(!nn("71715100071").check_digits_valid());
        assert_eq!(nn("01050399963").birth_year(), Some(2001));
        assert_eq!(nn("75042628553").birth_year(), Some(1975));
        assert_eq!(nn("01050399964").birth_year(), None);
    }

    #[test]
    fn national_number_parts_and_masking() {
        let n = nn("01050399963");
        assert_eq!(n.birth_date_part(), (1, 5, 3));
        assert_eq!(n.sequence(), 999);
        assert_eq!(n.check_digits(), 63);
        assert_eq!(n.formatted_revealed(), "01.05.03-999.63");
        assert_eq!(n.reveal(), "01050399963");
        assert_eq!(format!("{n:?}"), "NationalNumber(<redacted>)");
        assert_eq!(n.to_string(), "**.**.**-***.**");
        assert!(!format!("{n:?}{n}").contains("999"));
        assert!(NationalNumber::from_digits(b"0105039996").is_none());
        assert!(NationalNumber::from_digits(b"0105039996x").is_none());
    }

    #[test]
    fn card_number_check_digits_and_format() {
        // 12-digit samples of spec §6.9.
        for s in [
            "590971945581",
            "590393346847",
            "592000155079",
            "000000128019",
            "000001241600",
        ] {
            let c = CardNumber::from_bytes(s.as_bytes()).unwrap();
            assert!(c.check_digits_valid(), "{s}");
        }
        assert!(
            !CardNumber::from_bytes(b"000001241601")
                .unwrap()
                .check_digits_valid()
        );
        // Foreigner samples of spec §4.2.
        assert!(
            CardNumber::from_bytes(b"B021329690")
                .unwrap()
                .check_digits_valid()
        );
        assert!(
            CardNumber::from_bytes(b"288231759")
                .unwrap()
                .check_digits_valid()
        );
        assert!(
            !CardNumber::from_bytes(b"B021329691")
                .unwrap()
                .check_digits_valid()
        );
        assert!(
            !CardNumber::from_bytes(b"12345")
                .unwrap()
                .check_digits_valid()
        );
        assert!(
            !CardNumber::from_bytes(b"X02132969012")
                .unwrap()
                .check_digits_valid()
        );

        let c = CardNumber::from_bytes(b"000001241600").unwrap();
        assert_eq!(c.formatted(), "000-0012416-00");
        assert_eq!(c.to_string(), "000001241600");
        assert_eq!(format!("{c:?}"), "CardNumber(\"000001241600\")");
        let b = CardNumber::from_bytes(b"B021329690").unwrap();
        assert_eq!(b.formatted(), "B 0213296 90");
        let old = CardNumber::from_bytes(b"288231759").unwrap();
        assert_eq!(old.formatted(), "288231759");
        assert!(CardNumber::from_bytes(b"").is_none());
        assert!(CardNumber::from_bytes(b"1234567890123").is_none());
        assert!(CardNumber::from_bytes(b"12 4").is_none());
    }
}
