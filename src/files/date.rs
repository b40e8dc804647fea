//! Calendar dates written `DD.MM.YYYY` on the card (spec §5.1): card validity (identity tags
//! 0x03, 0x04), EU registration date (tag 0x1F) and the date of protection (tag 0x15).

use crate::error::{ParseError, ParseErrorKind, Parsed};

/// A calendar date of the card, written `DD.MM.YYYY` (10 ASCII characters, spec §5.1).
///
/// Always a valid Gregorian date: the parser is strict like the Dart reader (exactly two
/// digits, a dot, two digits, a dot, four digits; `31.02.2020` is rejected). Ordered
/// chronologically. `Display` prints the card form `DD.MM.YYYY`; [`CardDate::to_iso`] gives
/// `YYYY-MM-DD`. With the `serde` feature it (de)serializes as the ISO string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct CardDate {
    // Field order gives the chronological `Ord`.
    year: u16,
    month: u8,
    day: u8,
}

/// Days in `month` (1–12) of `year` (proleptic Gregorian); 0 for an invalid month.
pub(crate) const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

fn digit(b: u8) -> Option<u16> {
    b.is_ascii_digit().then(|| u16::from(b - b'0'))
}

impl CardDate {
    /// A date from its parts; `None` when it does not exist (month 13, 31 April, 29 February
    /// of a common year, day 0, year above 9999).
    pub const fn new(year: u16, month: u8, day: u8) -> Option<CardDate> {
        if year > 9999 || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(CardDate { year, month, day })
    }

    /// For literals known to be valid (the specimen builders).
    pub(crate) const fn from_parts_unchecked(year: u16, month: u8, day: u8) -> CardDate {
        CardDate { year, month, day }
    }

    /// Parse the card form `DD.MM.YYYY` (spec §5.1). Errors name [`Parsed::Date`] and the
    /// offset of the first offending byte inside `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<CardDate, ParseError> {
        let err = |offset: usize, kind| Err(ParseError::new(Parsed::Date, offset, kind));
        let Ok(b) = <&[u8; 10]>::try_from(bytes) else {
            return if bytes.len() < 10 {
                err(
                    bytes.len(),
                    ParseErrorKind::Truncated {
                        needed: 10 - bytes.len(),
                    },
                )
            } else {
                err(10, ParseErrorKind::BadText)
            };
        };
        let [d1, d2, s1, m1, m2, s2, y1, y2, y3, y4] = *b;
        let mut n = [0u16; 8];
        for (slot, (i, byte)) in n.iter_mut().zip([
            (0, d1),
            (1, d2),
            (3, m1),
            (4, m2),
            (6, y1),
            (7, y2),
            (8, y3),
            (9, y4),
        ]) {
            match digit(byte) {
                Some(v) => *slot = v,
                None => return err(i, ParseErrorKind::BadText),
            }
        }
        if s1 != b'.' {
            return err(2, ParseErrorKind::BadText);
        }
        if s2 != b'.' {
            return err(5, ParseErrorKind::BadText);
        }
        let [a, b2, c, d, e, f, g, h] = n;
        let day = (a * 10 + b2) as u8;
        let month = (c * 10 + d) as u8;
        let year = e * 1000 + f * 100 + g * 10 + h;
        if !(1..=12).contains(&month) {
            return err(3, ParseErrorKind::BadText);
        }
        match CardDate::new(year, month, day) {
            Some(date) => Ok(date),
            None => err(0, ParseErrorKind::BadText),
        }
    }

    /// Parse `YYYY-MM-DD` (the form [`CardDate::to_iso`] writes).
    pub fn parse_iso(s: &str) -> Option<CardDate> {
        let b = s.as_bytes();
        let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *<&[u8; 10]>::try_from(b).ok()? else {
            return None;
        };
        let card = [d1, d2, b'.', m1, m2, b'.', y1, y2, y3, y4];
        CardDate::parse(&card).ok()
    }

    /// The year (0–9999).
    pub const fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub const fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub const fn day(&self) -> u8 {
        self.day
    }

    /// The card form `DD.MM.YYYY` (same as `Display`).
    pub fn to_card_string(&self) -> String {
        self.to_string()
    }

    /// ISO 8601 `YYYY-MM-DD`.
    pub fn to_iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl core::fmt::Display for CardDate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:02}.{:02}.{:04}", self.day, self.month, self.year)
    }
}

impl core::fmt::Debug for CardDate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "CardDate({self})")
    }
}

impl From<CardDate> for String {
    fn from(d: CardDate) -> String {
        d.to_iso()
    }
}

impl TryFrom<String> for CardDate {
    type Error = &'static str;

    /// Accepts the ISO form `YYYY-MM-DD` and the card form `DD.MM.YYYY`.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        CardDate::parse_iso(&s)
            .or_else(|| CardDate::parse(s.as_bytes()).ok())
            .ok_or("expected a valid date YYYY-MM-DD or DD.MM.YYYY")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_card_dates() {
        let d = CardDate::parse(b"05.07.2022").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2022, 7, 5));
        assert_eq!(d.to_string(), "05.07.2022");
        assert_eq!(d.to_iso(), "2022-07-05");
        assert_eq!(format!("{d:?}"), "CardDate(05.07.2022)");
        assert_eq!(CardDate::parse_iso("2022-07-05"), Some(d));
        assert!(CardDate::parse(b"29.02.2000").is_ok());
        assert!(CardDate::parse(b"29.02.2024").is_ok());
        assert!(CardDate::parse(b"31.12.9999").is_ok());
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        let e = |s: &[u8]| CardDate::parse(s).unwrap_err();
        assert_eq!(e(b"31.02.2020").kind(), ParseErrorKind::BadText);
        assert!(CardDate::parse(b"29.02.1900").is_err());
        assert!(CardDate::parse(b"29.02.2023").is_err());
        assert!(CardDate::parse(b"31.04.2020").is_err());
        assert!(CardDate::parse(b"00.01.2020").is_err());
        assert_eq!(e(b"01.13.2020").offset(), 3);
        assert_eq!(e(b"01.00.2020").offset(), 3);
        assert_eq!(e(b"01-01-2020").offset(), 2);
        assert_eq!(e(b"01.01-2020").offset(), 5);
        assert_eq!(e(b"01.01.20x0").offset(), 8);
        assert_eq!(
            e(b"1.01.2020").kind(),
            ParseErrorKind::Truncated { needed: 1 }
        );
        assert_eq!(e(b"01.01.20200").kind(), ParseErrorKind::BadText);
        assert_eq!(e(b"").kind(), ParseErrorKind::Truncated { needed: 10 });
        assert!(CardDate::parse(" 1.01.2020".as_bytes()).is_err());
        assert!(CardDate::parse_iso("2020-02-30").is_none());
        assert!(CardDate::parse_iso("05.07.2022").is_none());
    }

    #[test]
    fn constructor_and_order() {
        assert!(CardDate::new(2020, 2, 29).is_some());
        assert!(CardDate::new(2021, 2, 29).is_none());
        assert!(CardDate::new(2021, 0, 1).is_none());
        assert!(CardDate::new(10000, 1, 1).is_none());
        let a = CardDate::new(2022, 7, 5).unwrap();
        let b = CardDate::new(2032, 7, 5).unwrap();
        let c = CardDate::new(2022, 8, 1).unwrap();
        assert!(a < b && a < c && c < b);
        assert_eq!(String::from(a), "2022-07-05");
        assert_eq!(CardDate::try_from("05.07.2022".to_owned()), Ok(a));
        assert_eq!(CardDate::try_from("2022-07-05".to_owned()), Ok(a));
    }
}
