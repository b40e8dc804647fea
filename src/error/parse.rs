//! Errors of the parsers: what was parsed, at which byte offset, and what was wrong
//! (spec §4–§9, §11).

use crate::vocab::FileId;

/// What was being parsed when a [`ParseError`] occurred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Parsed {
    /// A card file (identity, address, certificate, …).
    File(FileId),
    /// A Belgian simplified-TLV structure outside a known file.
    Tlv,
    /// The GET CARD DATA answer.
    CardData,
    /// A certificate given as bytes (not read from a known file).
    Certificate,
    /// A birth date string (identity tag 0x0C).
    BirthDate,
    /// A `DD.MM.YYYY` date string.
    Date,
}

impl core::fmt::Display for Parsed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Parsed::File(id) => write!(f, "file {id}"),
            Parsed::Tlv => f.write_str("TLV data"),
            Parsed::CardData => f.write_str("card data"),
            Parsed::Certificate => f.write_str("certificate"),
            Parsed::BirthDate => f.write_str("birth date"),
            Parsed::Date => f.write_str("date"),
        }
    }
}

/// A parse failure: what, where (byte offset) and why.
///
/// `Copy`: it carries no allocation, so parsers can return it cheaply and callers can keep it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot parse {what} at offset {offset}: {kind}")]
#[non_exhaustive]
pub struct ParseError {
    what: Parsed,
    offset: usize,
    kind: ParseErrorKind,
}

impl ParseError {
    /// Build a parse error.
    pub const fn new(what: Parsed, offset: usize, kind: ParseErrorKind) -> Self {
        ParseError { what, offset, kind }
    }

    /// What was being parsed.
    pub const fn what(&self) -> Parsed {
        self.what
    }

    /// Byte offset in the input where the problem was found.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The problem.
    pub const fn kind(&self) -> ParseErrorKind {
        self.kind
    }

    /// The same error, re-attributed to another object (e.g. a TLV error inside the identity file).
    pub const fn within(self, what: Parsed) -> Self {
        ParseError { what, ..self }
    }
}

/// Why a parse failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input ended before the structure did.
    Truncated {
        /// Bytes needed from the offset on.
        needed: usize,
    },
    /// A length field is invalid.
    BadLength,
    /// A mandatory element is missing (e.g. identity tag given here).
    Missing {
        /// The tag (TLV) or element number that is missing.
        tag: u8,
    },
    /// A tag appears more than once or out of order where that is not allowed.
    UnexpectedTag {
        /// The tag found.
        tag: u8,
    },
    /// The value has the wrong size.
    BadValueLength {
        /// The tag of the value.
        tag: u8,
        /// Its length.
        len: usize,
    },
    /// The input is empty or all padding.
    Empty,
    /// Not the expected kind of data (e.g. not a JPEG, not DER).
    BadFormat,
    /// DER/X.509 decoding failed.
    Der(der::ErrorKind),
    /// A text field is not valid for its format (digits, date, …).
    BadText,
}

impl core::fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ParseErrorKind::Truncated { needed } => {
                write!(f, "truncated ({needed} more bytes needed)")
            }
            ParseErrorKind::BadLength => f.write_str("invalid length"),
            ParseErrorKind::Missing { tag } => write!(f, "mandatory element {tag:#04x} missing"),
            ParseErrorKind::UnexpectedTag { tag } => write!(f, "unexpected tag {tag:#04x}"),
            ParseErrorKind::BadValueLength { tag, len } => {
                write!(f, "tag {tag:#04x} has an invalid length {len}")
            }
            ParseErrorKind::Empty => f.write_str("empty"),
            ParseErrorKind::BadFormat => f.write_str("unexpected format"),
            ParseErrorKind::Der(kind) => write!(f, "DER: {kind}"),
            ParseErrorKind::BadText => f.write_str("invalid text"),
        }
    }
}
