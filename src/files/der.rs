//! DER header helpers shared by the object parsers (certificates, the basic public key,
//! TokenInfo): read identifier and length octets, and cut one DER SEQUENCE out of a padded file
//! (spec §2.2: readers trim by the DER length, never by the trailing zeros).

use crate::error::{ParseError, ParseErrorKind, Parsed};

/// The identifier and length octets of one DER element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DerHeader {
    /// First identifier octet (class, constructed bit and low tag number, or `1F` marker).
    pub(crate) tag: u8,
    /// Length of the identifier and length octets.
    pub(crate) header_len: usize,
    /// Length of the contents.
    pub(crate) content_len: usize,
}

impl DerHeader {
    /// Header plus contents, `None` on overflow.
    pub(crate) fn total_len(self) -> Option<usize> {
        self.header_len.checked_add(self.content_len)
    }
}

/// Why a DER header could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderError {
    /// The input ends inside the header; at least `needed` more bytes are required.
    Incomplete {
        /// Bytes missing (lower bound).
        needed: usize,
    },
    /// The header is not valid DER (indefinite length, more than 4 length octets, tag 00, …)
    /// at this offset.
    Invalid {
        /// Offset of the offending byte.
        offset: usize,
    },
}

impl HeaderError {
    /// Convert to a [`ParseError`] for `what`, `base` being the offset of the header in the
    /// parsed input.
    pub(crate) fn into_parse_error(
        self,
        what: Parsed,
        base: usize,
        input_len: usize,
    ) -> ParseError {
        match self {
            HeaderError::Incomplete { needed } => {
                ParseError::new(what, input_len, ParseErrorKind::Truncated { needed })
            }
            HeaderError::Invalid { offset } => {
                ParseError::new(what, base.saturating_add(offset), ParseErrorKind::BadLength)
            }
        }
    }
}

/// Read the identifier and length octets at the start of `data`.
///
/// Accepts low and high tag numbers, the short length form and the long form with 1 to 4 length
/// octets. Rejects tag `00` (end-of-contents, which is what zero padding looks like), the
/// indefinite form `80` and longer length fields.
pub(crate) fn der_header(data: &[u8]) -> Result<DerHeader, HeaderError> {
    let tag = *data.first().ok_or(HeaderError::Incomplete { needed: 2 })?;
    if tag == 0x00 {
        return Err(HeaderError::Invalid { offset: 0 });
    }
    let mut pos = 1usize;
    if tag & 0x1F == 0x1F {
        // High tag number: continuation octets with bit 8 set, then a last one without.
        loop {
            let b = *data.get(pos).ok_or(HeaderError::Incomplete { needed: 2 })?;
            pos += 1;
            if b & 0x80 == 0 {
                break;
            }
            if pos > 6 {
                return Err(HeaderError::Invalid { offset: pos - 1 });
            }
        }
    }
    let first_len = *data.get(pos).ok_or(HeaderError::Incomplete { needed: 1 })?;
    let len_pos = pos;
    pos += 1;
    let content_len = if first_len < 0x80 {
        usize::from(first_len)
    } else {
        let n = usize::from(first_len & 0x7F);
        if n == 0 || n > 4 {
            return Err(HeaderError::Invalid { offset: len_pos });
        }
        let bytes = match data.get(pos..pos + n) {
            Some(b) => b,
            None => {
                let have = data.len().saturating_sub(pos);
                return Err(HeaderError::Incomplete { needed: n - have });
            }
        };
        pos += n;
        let value = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        usize::try_from(value).map_err(|_| HeaderError::Invalid { offset: len_pos })?
    };
    Ok(DerHeader {
        tag,
        header_len: pos,
        content_len,
    })
}

/// Total length (header + contents) of the DER element starting at `prefix`, computed from its
/// header bytes only: identifier octets, then the short length form or the long form with up to
/// 4 length octets (spec §2.2, §7.2: readers take the certificate and EC signature lengths from
/// the DER header, never from the trailing zeros).
///
/// Returns `None` when `prefix` is too short to hold the whole header (read more and retry) or
/// when the header is not a DER header (first byte `00` — zero padding or an absent certificate,
/// indefinite length, more than 4 length octets). The read path reads the first few bytes of a
/// certificate file, calls this, then reads exactly that many bytes.
pub fn der_len(prefix: &[u8]) -> Option<usize> {
    der_header(prefix).ok()?.total_len()
}

/// Map a `der` crate error to a [`ParseError`] at `base` + the error position.
pub(crate) fn der_error(what: Parsed, base: usize, err: der::Error) -> ParseError {
    let pos = err
        .position()
        .and_then(|p| usize::try_from(p).ok())
        .unwrap_or(0);
    ParseError::new(
        what,
        base.saturating_add(pos),
        ParseErrorKind::Der(err.kind()),
    )
}

/// The DER header of the element at `offset` of `data`, errors at file offsets naming `what`.
pub(crate) fn der_header_at(
    data: &[u8],
    offset: usize,
    what: Parsed,
) -> Result<DerHeader, ParseError> {
    let rest = data.get(offset..).unwrap_or(&[]);
    der_header(rest).map_err(|e| e.into_parse_error(what, offset, data.len()))
}

/// The whole element (header and contents) at `offset` of `data`, of which `header` is the
/// header: [`ParseErrorKind::BadLength`] (at the length octets) for an invalid length,
/// [`ParseErrorKind::Truncated`] when `data` ends before the element does.
pub(crate) fn der_element_at(
    data: &[u8],
    offset: usize,
    header: DerHeader,
    what: Parsed,
) -> Result<&[u8], ParseError> {
    let rest = data.get(offset..).unwrap_or(&[]);
    let len =
        header
            .total_len()
            .ok_or(ParseError::new(what, offset + 1, ParseErrorKind::BadLength))?;
    rest.get(..len).ok_or(ParseError::new(
        what,
        data.len(),
        ParseErrorKind::Truncated {
            needed: len.saturating_sub(rest.len()),
        },
    ))
}

/// The DER SEQUENCE at the start of `data`, cut at the length its header states (the bytes
/// after it — zero padding on the card — are ignored): the framing of certificate files and
/// EF(PuK#1). Errors name `what`: [`ParseErrorKind::BadFormat`] when the first element is not a
/// SEQUENCE, [`ParseErrorKind::BadLength`] for an invalid length, [`ParseErrorKind::Truncated`]
/// when `data` ends before the SEQUENCE does.
pub(crate) fn der_sequence(data: &[u8], what: Parsed) -> Result<&[u8], ParseError> {
    let header = der_header_at(data, 0, what)?;
    if header.tag != 0x30 {
        return Err(ParseError::new(what, 0, ParseErrorKind::BadFormat));
    }
    der_element_at(data, 0, header, what)
}
