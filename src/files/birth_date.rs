//! The birth date of the identity file, tag 0x0C (spec §5.2).
//!
//! The specified format is `DD mmmm YYYY` (Dutch and French cards) or `DD.mmm.YYYY` (German
//! cards), but real cards show more variety (spec §5.2): a month padded to 4 characters
//! (`"21 DEC  1981"`), a single space (`"03 MEI 2001"`), a day without leading zero
//! (`"1 JAN 1971"`), German with a dot and a space (`"22.DEZ. 1997"`), and partial dates when
//! the day and/or month are unknown — written as only the year, preceded by spaces
//! (`"    1984"`). [`BirthDate::parse`] accepts all of these, like eid-mw, commons-eid and the
//! Dart reader together, plus the English (`MAR`, `MAY`, `OCT`, `DEC`) and accented French
//! (`FÉV`, `AOÛT`, `DÉC`) month names some readers accept. Month names are matched without
//! regard to case.

use nom::bytes::complete::{take_while, take_while_m_n, take_while1};
use nom::combinator::{eof, opt};
use nom::sequence::pair;
use nom::{IResult, Offset, Parser};

use crate::error::{ParseError, ParseErrorKind, Parsed};
use crate::files::date::days_in_month;

/// The language of a month abbreviation (spec §5.2 table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MonthLanguage {
    /// French: JAN FEV MARS AVR MAI JUIN JUIL AOUT SEPT OCT NOV DEC.
    French,
    /// Dutch: JAN FEB MAAR APR MEI JUN JUL AUG SEP OKT NOV DEC.
    Dutch,
    /// German: JAN FEB MÄR APR MAI JUN JUL AUG SEP OKT NOV DEZ.
    German,
}

impl MonthLanguage {
    /// The card abbreviation of `month` (1–12) in this language, as in spec §5.2.
    pub fn month_abbreviation(self, month: u8) -> Option<&'static str> {
        const FR: [&str; 12] = [
            "JAN", "FEV", "MARS", "AVR", "MAI", "JUIN", "JUIL", "AOUT", "SEPT", "OCT", "NOV", "DEC",
        ];
        const NL: [&str; 12] = [
            "JAN", "FEB", "MAAR", "APR", "MEI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEC",
        ];
        const DE: [&str; 12] = [
            "JAN", "FEB", "MÄR", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ",
        ];
        let table = match self {
            MonthLanguage::French => &FR,
            MonthLanguage::Dutch => &NL,
            MonthLanguage::German => &DE,
        };
        table.get(usize::from(month).checked_sub(1)?).copied()
    }

    /// The format this language uses on current cards: [`BirthDateFormat::Spaced`] for
    /// French and Dutch, [`BirthDateFormat::DottedSpaced`] for German.
    pub const fn default_format(self) -> BirthDateFormat {
        match self {
            MonthLanguage::French | MonthLanguage::Dutch => BirthDateFormat::Spaced,
            MonthLanguage::German => BirthDateFormat::DottedSpaced,
        }
    }
}

/// The layout of a birth date on the card (spec §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BirthDateFormat {
    /// `DD MMM YYYY` — one space on each side of the month (`"03 MEI 2001"`, `"24 MAAR 1969"`).
    Spaced,
    /// `DD MMMM YYYY` with the month in a 4-character field padded with a space, so a
    /// three-letter month is followed by two spaces (`"21 DEC  1981"`; older Dutch and French
    /// cards, and eid-mw's writer). Identical to [`Spaced`](Self::Spaced) for 4-letter months.
    Padded,
    /// `DD.MMM.YYYY` (German, as specified).
    Dotted,
    /// `DD.MMM. YYYY` (German, as observed on cards: `"22.DEZ. 1997"`).
    DottedSpaced,
}

const FR: u8 = 1;
const NL: u8 = 2;
const DE: u8 = 4;
/// Month names: (name in upper case, month, languages using it; 0 = English only).
const MONTHS: [(&str, u8, u8); 28] = [
    ("JAN", 1, FR | NL | DE),
    ("FEV", 2, FR),
    ("FÉV", 2, FR),
    ("FEB", 2, NL | DE),
    ("MARS", 3, FR),
    ("MAAR", 3, NL),
    ("MÄR", 3, DE),
    ("MAR", 3, 0),
    ("AVR", 4, FR),
    ("APR", 4, NL | DE),
    ("MAI", 5, FR | DE),
    ("MEI", 5, NL),
    ("MAY", 5, 0),
    ("JUIN", 6, FR),
    ("JUN", 6, NL | DE),
    ("JUIL", 7, FR),
    ("JUL", 7, NL | DE),
    ("AOUT", 8, FR),
    ("AOÛT", 8, FR),
    ("AUG", 8, NL | DE),
    ("SEPT", 9, FR),
    ("SEP", 9, NL | DE),
    ("OCT", 10, FR),
    ("OKT", 10, NL | DE),
    ("NOV", 11, FR | NL | DE),
    ("DEC", 12, FR | NL),
    ("DÉC", 12, FR),
    ("DEZ", 12, DE),
];

/// A month name as a zero-padded 8-byte key, for a cheap comparison.
const fn key(name: &str) -> u64 {
    let b = name.as_bytes();
    let mut k = 0u64;
    let mut rest = b;
    let mut shift = 0;
    while let [first, tail @ ..] = rest {
        if shift < 64 {
            k |= (*first as u64) << shift;
        }
        shift += 8;
        rest = tail;
    }
    k
}

/// [`MONTHS`] with the names as keys.
// Evaluated at compile time: an out-of-bounds index would fail the build, not panic.
#[allow(clippy::indexing_slicing)]
const MONTH_KEYS: [(u64, u8, u8); 28] = {
    let mut out = [(0u64, 0u8, 0u8); 28];
    let mut i = 0;
    while i < out.len() {
        let (name, month, langs) = MONTHS[i];
        out[i] = (key(name), month, langs);
        i += 1;
    }
    out
};

fn lookup_month(token: &str) -> Option<(u8, u8)> {
    // Upper-case the token into a small stack buffer (month names are at most 5 bytes).
    let mut buf = [0u8; 8];
    let mut len = 0;
    for c in token.chars() {
        let upper = if c.is_ascii() {
            c.to_ascii_uppercase()
        } else {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => u,
                _ => return None,
            }
        };
        let dst = buf.get_mut(len..)?;
        if dst.len() < upper.len_utf8() {
            return None;
        }
        len += upper.encode_utf8(dst).len();
    }
    let k = u64::from_le_bytes(buf);
    MONTH_KEYS
        .iter()
        .find(|(name, _, _)| *name == k)
        .map(|&(_, month, langs)| (month, langs))
}

fn language_of(mask: u8) -> Option<MonthLanguage> {
    match mask {
        FR => Some(MonthLanguage::French),
        NL => Some(MonthLanguage::Dutch),
        DE => Some(MonthLanguage::German),
        _ => None,
    }
}

/// A birth date as written on the card: the year is always known, the month and day may be
/// unknown (spec §5.2 "partial dates").
///
/// Equality compares everything, including the detected language and format; compare
/// [`BirthDate::date_parts`] to compare only the date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "BirthDateRepr", into = "BirthDateRepr")
)]
pub struct BirthDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
    month_language: Option<MonthLanguage>,
    format: Option<BirthDateFormat>,
}

/// serde form of [`BirthDate`] (validated on the way in).
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct BirthDateRepr {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
    #[serde(default)]
    month_language: Option<MonthLanguage>,
    #[serde(default)]
    format: Option<BirthDateFormat>,
}

#[cfg(feature = "serde")]
impl From<BirthDate> for BirthDateRepr {
    fn from(d: BirthDate) -> Self {
        BirthDateRepr {
            year: d.year,
            month: d.month,
            day: d.day,
            month_language: d.month_language,
            format: d.format,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<BirthDateRepr> for BirthDate {
    type Error = &'static str;

    fn try_from(r: BirthDateRepr) -> Result<Self, Self::Error> {
        let mut d = BirthDate::new(r.year, r.month, r.day).ok_or("invalid birth date")?;
        d.month_language = r.month_language;
        d.format = r.format;
        Ok(d)
    }
}

/// The pieces the grammar recognises, before validation.
struct Pieces<'a> {
    day: Option<(&'a str, &'a str)>,
    month: Option<(&'a str, &'a str)>,
    year: &'a str,
    dotted: bool,
}

fn is_sep(c: char) -> bool {
    c == ' ' || c == '.'
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// `[blanks] [day sep] [month sep] year [spaces]`, where blanks and separators are runs of
/// spaces and dots (so unknown parts may be left blank), the day has 1 or 2 digits, the month is
/// a run of letters and the year has 4 digits.
fn grammar(input: &str) -> IResult<&str, Pieces<'_>> {
    let (i, lead) = take_while(is_sep).parse(input)?;
    let (i, day) = opt(pair(take_while_m_n(1, 2, is_digit), take_while1(is_sep))).parse(i)?;
    let (i, month) = opt(pair(take_while1(char::is_alphabetic), take_while1(is_sep))).parse(i)?;
    let (i, year) = take_while_m_n(4, 4, is_digit).parse(i)?;
    let (i, _) = take_while(|c| c == ' ').parse(i)?;
    let (i, _) = eof(i)?;
    let dotted = [lead, day.map_or("", |d| d.1), month.map_or("", |m| m.1)]
        .iter()
        .any(|s| s.contains('.'));
    Ok((
        i,
        Pieces {
            day,
            month,
            year,
            dotted,
        },
    ))
}

fn number(s: &str) -> u16 {
    s.bytes()
        .fold(0u16, |acc, b| acc * 10 + u16::from(b.wrapping_sub(b'0')))
}

impl BirthDate {
    /// A birth date from its parts (no language, no format). `None` when the parts do not
    /// form a date (month outside 1–12, day outside the month, a day of 0, year above 9999).
    /// A day without a month is accepted (day 1–31).
    pub const fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Option<BirthDate> {
        if year > 9999 {
            return None;
        }
        let max_day = match month {
            Some(m) => days_in_month(year, m),
            None => 31,
        };
        if max_day == 0 {
            return None;
        }
        if let Some(d) = day {
            if d == 0 || d > max_day {
                return None;
            }
        }
        Some(BirthDate {
            year,
            month,
            day,
            month_language: None,
            format: None,
        })
    }

    /// Parse the card string (spec §5.2). Errors name [`Parsed::BirthDate`] and the byte
    /// offset of the problem inside `s`.
    pub fn parse(s: &str) -> Result<BirthDate, ParseError> {
        let err = |offset: usize, kind| Err(ParseError::new(Parsed::BirthDate, offset, kind));
        if s.trim_matches(|c| c == ' ' || c == '.').is_empty() {
            return err(0, ParseErrorKind::Empty);
        }
        // Byte offset of a sub-slice of `s`.
        let offset_of = |part: &str| s.offset(part);
        let pieces = match grammar(s) {
            Ok((_, p)) => p,
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                return err(offset_of(e.input), ParseErrorKind::BadText);
            }
            Err(nom::Err::Incomplete(_)) => return err(s.len(), ParseErrorKind::BadText),
        };
        let year = number(pieces.year);
        let (month, langs, month_token, month_sep) = match pieces.month {
            Some((token, sep)) => match lookup_month(token) {
                Some((m, langs)) => (Some(m), langs, token, sep),
                None => return err(offset_of(token), ParseErrorKind::BadText),
            },
            None => (None, 0, "", ""),
        };
        let day = pieces.day.map(|(d, _)| number(d) as u8);
        let Some(mut date) = BirthDate::new(year, month, day) else {
            let at = pieces.day.map_or(0, |(d, _)| offset_of(d));
            return err(at, ParseErrorKind::BadText);
        };
        date.month_language = if month.is_none() {
            None
        } else if pieces.dotted {
            if langs & DE != 0 {
                Some(MonthLanguage::German)
            } else {
                language_of(langs)
            }
        } else if langs & (FR | NL) != 0 {
            language_of(langs & (FR | NL))
        } else {
            language_of(langs)
        };
        date.format = if date.is_year_only() {
            None
        } else if pieces.dotted {
            if month_sep.ends_with(' ') {
                Some(BirthDateFormat::DottedSpaced)
            } else {
                Some(BirthDateFormat::Dotted)
            }
        } else if month.is_some() {
            let width = month_token.chars().count();
            if width < 4 && width + month_sep.len() == 5 {
                Some(BirthDateFormat::Padded)
            } else {
                Some(BirthDateFormat::Spaced)
            }
        } else if day.is_some() {
            Some(BirthDateFormat::Spaced)
        } else {
            None
        };
        Ok(date)
    }

    /// Parse the raw bytes of tag 0x0C (UTF-8, spec §5.2).
    pub fn parse_bytes(bytes: &[u8]) -> Result<BirthDate, ParseError> {
        match core::str::from_utf8(bytes) {
            Ok(s) => BirthDate::parse(s),
            Err(e) => Err(ParseError::new(
                Parsed::BirthDate,
                e.valid_up_to(),
                ParseErrorKind::BadText,
            )),
        }
    }

    /// The year (always known).
    pub const fn year(&self) -> u16 {
        self.year
    }

    /// The month 1–12, `None` when unknown.
    pub const fn month(&self) -> Option<u8> {
        self.month
    }

    /// The day of the month, `None` when unknown.
    pub const fn day(&self) -> Option<u8> {
        self.day
    }

    /// `(year, month, day)`.
    pub const fn date_parts(&self) -> (u16, Option<u8>, Option<u8>) {
        (self.year, self.month, self.day)
    }

    /// True when the month is known.
    pub const fn has_month(&self) -> bool {
        self.month.is_some()
    }

    /// True when the day is known.
    pub const fn has_day(&self) -> bool {
        self.day.is_some()
    }

    /// True when year, month and day are all known.
    pub const fn is_complete(&self) -> bool {
        self.month.is_some() && self.day.is_some()
    }

    /// True when only the year is known.
    pub const fn is_year_only(&self) -> bool {
        self.month.is_none() && self.day.is_none()
    }

    /// The language of the month name, when the name and the layout identify it (`MEI` →
    /// Dutch, `MAI` with spaces → French, `MAI` with dots → German; `JAN`, `NOV` and `DEC` with
    /// spaces are shared by French and Dutch → `None`; English names → `None`).
    pub const fn month_language(&self) -> Option<MonthLanguage> {
        self.month_language
    }

    /// The layout found on the card, `None` for a year-only value or a date built with
    /// [`BirthDate::new`].
    pub const fn format(&self) -> Option<BirthDateFormat> {
        self.format
    }

    /// The card string in `lang` with that language's current layout
    /// ([`MonthLanguage::default_format`]): `"03 MEI 2001"`, `"03 MAI 2001"`,
    /// `"03.MAI. 2001"`.
    pub fn to_card_string(&self, lang: MonthLanguage) -> String {
        self.to_card_string_with(lang, lang.default_format())
    }

    /// The card string in `lang` with an explicit layout. Unknown parts are left blank (two
    /// spaces for the day, nothing or spaces for the month), so a year-only date in the
    /// padded layout is 8 spaces followed by the year, as on the card (spec §5.2).
    pub fn to_card_string_with(&self, lang: MonthLanguage, format: BirthDateFormat) -> String {
        let day = match self.day {
            Some(d) => format!("{d:02}"),
            None => "  ".to_owned(),
        };
        let month = self
            .month
            .and_then(|m| lang.month_abbreviation(m))
            .unwrap_or("");
        let year = self.year;
        match format {
            BirthDateFormat::Spaced => format!("{day} {month} {year:04}"),
            BirthDateFormat::Padded => format!("{day} {month:<4} {year:04}"),
            BirthDateFormat::Dotted => format!("{day}.{month}.{year:04}"),
            BirthDateFormat::DottedSpaced => format!("{day}.{month}. {year:04}"),
        }
    }

    /// ISO 8601 with reduced precision: `YYYY-MM-DD`, `YYYY-MM` (day unknown) or `YYYY`
    /// (month unknown; a known day without a month is not representable and is left out).
    pub fn to_iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }
}

impl core::fmt::Display for BirthDate {
    /// Same as [`BirthDate::to_iso`].
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.to_iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BirthDateFormat::*;
    use MonthLanguage::*;

    fn p(s: &str) -> BirthDate {
        BirthDate::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn full(s: &str, y: u16, m: u8, d: u8) -> BirthDate {
        let b = p(s);
        assert_eq!(b.date_parts(), (y, Some(m), Some(d)), "{s:?}");
        assert!(b.is_complete());
        b
    }

    const FR_MONTHS: [&str; 12] = [
        "JAN", "FEV", "MARS", "AVR", "MAI", "JUIN", "JUIL", "AOUT", "SEPT", "OCT", "NOV", "DEC",
    ];
    const NL_MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAAR", "APR", "MEI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEC",
    ];
    const DE_MONTHS: [&str; 12] = [
        "JAN", "FEB", "MÄR", "APR", "MAI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEZ",
    ];

    #[test]
    fn all_months_all_languages_all_layouts() {
        for (lang, names) in [(French, FR_MONTHS), (Dutch, NL_MONTHS), (German, DE_MONTHS)] {
            for (i, name) in names.iter().enumerate() {
                let m = i as u8 + 1;
                assert_eq!(lang.month_abbreviation(m), Some(*name));
                let forms = [
                    (format!("15 {name} 1990"), Spaced),
                    (
                        format!("15 {name:<4} 1990"),
                        if name.chars().count() < 4 {
                            Padded
                        } else {
                            Spaced
                        },
                    ),
                    (format!("15.{name}.1990"), Dotted),
                    (format!("15.{name}. 1990"), DottedSpaced),
                ];
                for (s, fmt) in forms {
                    let b = full(&s, 1990, m, 15);
                    assert_eq!(b.format(), Some(fmt), "{s:?}");
                    // Lower case is accepted too.
                    assert_eq!(p(&s.to_lowercase()).date_parts(), b.date_parts());
                }
                let date = BirthDate::new(1990, Some(m), Some(15)).unwrap();
                for fmt in [Spaced, Padded, Dotted, DottedSpaced] {
                    let s = date.to_card_string_with(lang, fmt);
                    assert_eq!(p(&s).date_parts(), date.date_parts(), "{s:?}");
                }
            }
        }
        assert_eq!(French.month_abbreviation(0), None);
        assert_eq!(German.month_abbreviation(13), None);
    }

    #[test]
    fn samples_from_cards() {
        // Spec §5.2 table of observed values.
        let b = full("21 DEC  1981", 1981, 12, 21);
        assert_eq!(b.format(), Some(Padded));
        assert_eq!(b.month_language(), None); // DEC: French or Dutch
        let b = full("26 AVR  1975", 1975, 4, 26);
        assert_eq!(
            (b.month_language(), b.format()),
            (Some(French), Some(Padded))
        );
        let b = full("01 APR  1973", 1973, 4, 1);
        assert_eq!(b.month_language(), Some(Dutch));
        assert_eq!(
            full("24 MAAR 1969", 1969, 3, 24).month_language(),
            Some(Dutch)
        );
        assert_eq!(
            full("29 SEPT 1979", 1979, 9, 29).month_language(),
            Some(French)
        );
        full("07 SEPT 2003", 2003, 9, 7);
        full("01 JAN 1971", 1971, 1, 1);
        full("31 DEC 1992", 1992, 12, 31);
        let b = full("03 MEI 2001", 2001, 5, 3);
        assert_eq!(
            (b.month_language(), b.format()),
            (Some(Dutch), Some(Spaced))
        );
        assert_eq!(b.to_iso(), "2001-05-03");
        assert_eq!(b.to_string(), "2001-05-03");
        full("1 JAN 1971", 1971, 1, 1);
        let b = full("22.DEZ. 1997", 1997, 12, 22);
        assert_eq!(
            (b.month_language(), b.format()),
            (Some(German), Some(DottedSpaced))
        );
        full("13.AUG. 1996", 1996, 8, 13);
        let b = full("12.MÄR.1985", 1985, 3, 12);
        assert_eq!(
            (b.month_language(), b.format()),
            (Some(German), Some(Dotted))
        );
        assert_eq!(
            full("15 MAI 1990", 1990, 5, 15).month_language(),
            Some(French)
        );
        assert_eq!(
            full("15.MAI.1990", 1990, 5, 15).month_language(),
            Some(German)
        );
        assert_eq!(
            full("15 JUN 1990", 1990, 6, 15).month_language(),
            Some(Dutch)
        );
        assert_eq!(
            full("15.JUN.1990", 1990, 6, 15).month_language(),
            Some(German)
        );
    }

    #[test]
    fn other_spellings() {
        full("01 FÉV 1990", 1990, 2, 1);
        full("01 AOÛT 1990", 1990, 8, 1);
        full("01 DÉC 1990", 1990, 12, 1);
        full("01 déc 1990", 1990, 12, 1);
        full("01 mär 1990", 1990, 3, 1);
        assert_eq!(full("01 MAR 1990", 1990, 3, 1).month_language(), None);
        assert_eq!(full("01 MAY 1990", 1990, 5, 1).month_language(), None);
        assert_eq!(
            full("01 OCT 1990", 1990, 10, 1).month_language(),
            Some(French)
        );
        full("01 DEC 1990", 1990, 12, 1);
        full("  01 JAN 1990  ", 1990, 1, 1);
    }

    #[test]
    fn partial_dates() {
        for s in [
            "1984",
            "   1984",
            "    1984",
            "        1984",
            "1984  ",
            "  ..1984",
        ] {
            let b = p(s);
            assert_eq!(b.date_parts(), (1984, None, None), "{s:?}");
            assert!(b.is_year_only() && !b.has_day() && !b.has_month());
            assert_eq!(b.to_iso(), "1984");
        }
        let b = p("   MEI 2001");
        assert_eq!(b.date_parts(), (2001, Some(5), None));
        assert_eq!(b.to_iso(), "2001-05");
        assert!(b.has_month() && !b.has_day() && !b.is_complete());
        assert_eq!(p("  .MÄR.1985").date_parts(), (1985, Some(3), None));
        let b = p("15      1984");
        assert_eq!(b.date_parts(), (1984, None, Some(15)));
        assert_eq!(b.to_iso(), "1984");
        assert_eq!(p("15..1984").date_parts(), (1984, None, Some(15)));

        // Round trips of the blank forms.
        let year_only = BirthDate::new(1984, None, None).unwrap();
        assert_eq!(year_only.to_card_string_with(Dutch, Padded), "        1984");
        assert_eq!(year_only.to_card_string_with(French, Padded).len(), 12);
        for lang in [French, Dutch, German] {
            for fmt in [Spaced, Padded, Dotted, DottedSpaced] {
                for d in [
                    year_only,
                    BirthDate::new(1984, Some(3), None).unwrap(),
                    BirthDate::new(1984, None, Some(7)).unwrap(),
                ] {
                    let s = d.to_card_string_with(lang, fmt);
                    assert_eq!(p(&s).date_parts(), d.date_parts(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn card_strings() {
        let d = BirthDate::new(2001, Some(5), Some(3)).unwrap();
        assert_eq!(d.to_card_string(Dutch), "03 MEI 2001");
        assert_eq!(d.to_card_string(French), "03 MAI 2001");
        assert_eq!(d.to_card_string(German), "03.MAI. 2001");
        assert_eq!(d.to_card_string_with(Dutch, Padded), "03 MEI  2001");
        assert_eq!(d.to_card_string_with(German, Dotted), "03.MAI.2001");
        let m = BirthDate::new(1985, Some(3), Some(12)).unwrap();
        assert_eq!(m.to_card_string_with(German, Dotted), "12.MÄR.1985");
        assert_eq!(
            m.to_card_string_with(German, Dotted).as_bytes()[3..7],
            [0x4D, 0xC3, 0x84, 0x52]
        );
        assert_eq!(m.to_card_string_with(French, Padded), "12 MARS 1985");
        let dec = BirthDate::new(1981, Some(12), Some(21)).unwrap();
        assert_eq!(dec.to_card_string_with(Dutch, Padded), "21 DEC  1981");
        assert_eq!(dec.to_card_string_with(French, Padded).len(), 12);
    }

    #[test]
    fn rejections() {
        let e = |s: &str| BirthDate::parse(s).unwrap_err();
        assert_eq!(e("").kind(), ParseErrorKind::Empty);
        assert_eq!(e("    ").kind(), ParseErrorKind::Empty);
        assert_eq!(e("03 XYZ 2001").offset(), 3);
        assert_eq!(e("03 XYZ 2001").kind(), ParseErrorKind::BadText);
        assert_eq!(e("32 JAN 2001").offset(), 0);
        assert_eq!(e("00 JAN 2001").kind(), ParseErrorKind::BadText);
        assert!(BirthDate::parse("30 FEB 2001").is_err());
        assert!(BirthDate::parse("29 FEB 2001").is_err());
        assert!(BirthDate::parse("29 FEB 2004").is_ok());
        assert!(BirthDate::parse("31 APR 2001").is_err());
        assert!(BirthDate::parse("03 MEI 01").is_err());
        assert!(BirthDate::parse("03 MEI 20011").is_err());
        assert!(BirthDate::parse("03 05 2001").is_err());
        assert!(BirthDate::parse("123 MEI 2001").is_err());
        assert!(BirthDate::parse("03MEI 2001").is_err());
        assert!(BirthDate::parse("2001-05-03").is_err());
        assert!(BirthDate::parse("32 1984").is_err());
        assert_eq!(
            BirthDate::parse_bytes(b"03 M\xFFI 2001")
                .unwrap_err()
                .offset(),
            4
        );
        assert!(BirthDate::new(2001, Some(13), None).is_none());
        assert!(BirthDate::new(2001, Some(0), None).is_none());
        assert!(BirthDate::new(2001, None, Some(32)).is_none());
        assert!(BirthDate::new(10_000, None, None).is_none());
    }
}
