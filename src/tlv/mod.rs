//! The Belgian "simplified TLV" of the identity and address files (spec §4.1).
//!
//! * tag: one byte; tags are in ascending order on real cards (not enforced here);
//! * length: one byte below 255; from 255 on, a run of `FF` bytes followed by a final byte, the
//!   length being the sum of all length bytes (`FF 00` = 255, `FF 01` = 256, `FF FF 00` = 510) —
//!   the rule of C54 §6.1 that eid-mw and the Dart reader implement. A single `FF` length is
//!   never emitted (spec §4.1, §15 item 1);
//! * an optional leading tag `00` (file structure version) is accepted;
//! * a `00` tag after the first element starts the zero padding: the walk stops there.
//!
//! [`Tlvs`] walks the elements without allocating; [`encode`] and [`TlvWriter`] write them.

pub(crate) mod hex;
pub(crate) mod record;

use crate::error::{ParseError, ParseErrorKind, Parsed};

/// One element of a simplified-TLV structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag byte.
    pub tag: u8,
    /// The value bytes.
    pub value: &'a [u8],
    /// Offset of the tag byte in the input.
    pub offset: usize,
    /// Offset of the first value byte in the input.
    pub value_offset: usize,
}

/// Iterator over the elements of a simplified-TLV buffer. Yields `Err` once (then stops) when
/// the structure is broken; stops silently at zero padding.
#[derive(Clone, Debug)]
pub struct Tlvs<'a> {
    data: &'a [u8],
    pos: usize,
    done: bool,
}

/// Walk the TLV elements of `data` (spec §4.1).
pub fn iter(data: &[u8]) -> Tlvs<'_> {
    Tlvs {
        data,
        pos: 0,
        done: false,
    }
}

impl<'a> Tlvs<'a> {
    /// Offset where the walk stopped (end of the last element, or the start of padding).
    pub fn position(&self) -> usize {
        self.pos
    }

    fn fail(&mut self, offset: usize, kind: ParseErrorKind) -> Option<Result<Tlv<'a>, ParseError>> {
        self.done = true;
        Some(Err(ParseError::new(Parsed::Tlv, offset, kind)))
    }
}

impl<'a> Iterator for Tlvs<'a> {
    type Item = Result<Tlv<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let start = self.pos;
        let Some(&tag) = self.data.get(start) else {
            self.done = true;
            return None;
        };
        if tag == 0x00 && start != 0 {
            // Zero padding (or a non-leading tag 00, which real readers treat the same way).
            self.done = true;
            return None;
        }
        let mut p = start + 1;
        let mut len = 0usize;
        loop {
            let Some(&b) = self.data.get(p) else {
                return self.fail(p, ParseErrorKind::Truncated { needed: 1 });
            };
            p += 1;
            len += b as usize;
            if b != 0xFF {
                break;
            }
        }
        let end = p + len;
        let Some(value) = self.data.get(p..end) else {
            let have = self.data.len().saturating_sub(p);
            return self.fail(p, ParseErrorKind::Truncated { needed: len - have });
        };
        self.pos = end;
        Some(Ok(Tlv {
            tag,
            value,
            offset: start,
            value_offset: p,
        }))
    }
}

/// Length of the TLV content of `data`, i.e. the offset where zero padding starts (or the end of
/// the input). `None` when the structure is broken or the last element is cut off — the read
/// path uses this to know whether more bytes are needed.
pub fn content_len(data: &[u8]) -> Option<usize> {
    let mut it = iter(data);
    for item in it.by_ref() {
        item.ok()?;
    }
    Some(it.position())
}

/// Number of bytes the length field of a value of `len` bytes takes.
#[inline]
pub const fn length_field_len(len: usize) -> usize {
    len / 255 + 1
}

/// Append one element (`tag`, length field, `value`) to `out`.
pub fn encode(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.reserve(1 + length_field_len(value.len()) + value.len());
    out.push(tag);
    let mut rest = value.len();
    while rest >= 255 {
        out.push(0xFF);
        rest -= 255;
    }
    out.push(rest as u8);
    out.extend_from_slice(value);
}

/// Builds a simplified-TLV file element by element.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlvWriter {
    buf: Vec<u8>,
}

impl TlvWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Append an element.
    pub fn push(&mut self, tag: u8, value: &[u8]) -> &mut Self {
        encode(&mut self.buf, tag, value);
        self
    }

    /// Append an element when `value` is `Some`.
    pub fn push_opt(&mut self, tag: u8, value: Option<&[u8]>) -> &mut Self {
        if let Some(v) = value {
            encode(&mut self.buf, tag, v);
        }
        self
    }

    /// Pad with `00` bytes up to `len` (no-op when already longer).
    pub fn pad_to(&mut self, len: usize) -> &mut Self {
        if self.buf.len() < len {
            self.buf.resize(len, 0);
        }
        self
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The finished buffer.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(len: usize, expected_len_field: &[u8]) {
        let value: Vec<u8> = (0..len).map(|i| (i % 251) as u8 + 1).collect();
        let mut out = Vec::new();
        encode(&mut out, 0x07, &value);
        assert_eq!(
            &out[1..1 + expected_len_field.len()],
            expected_len_field,
            "len {len}"
        );
        let items: Vec<_> = iter(&out).collect::<Result<_, _>>().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].tag, 0x07);
        assert_eq!(items[0].value, &value[..]);
        assert_eq!(items[0].value_offset, 1 + expected_len_field.len());
    }

    #[test]
    fn long_lengths() {
        round_trip(0, &[0x00]);
        round_trip(127, &[0x7F]);
        round_trip(254, &[0xFE]);
        round_trip(255, &[0xFF, 0x00]);
        round_trip(256, &[0xFF, 0x01]);
        round_trip(509, &[0xFF, 0xFE]);
        round_trip(510, &[0xFF, 0xFF, 0x00]);
        round_trip(765, &[0xFF, 0xFF, 0xFF, 0x00]);
    }

    #[test]
    fn leading_tag_zero_and_padding() {
        let data = [0x00, 0x02, 0x00, 0x02, 0x01, 0x01, b'A', 0x00, 0x00, 0x00];
        let items: Vec<_> = iter(&data).collect::<Result<_, _>>().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].tag, 0x00);
        assert_eq!(items[1].value, b"A");
        assert_eq!(content_len(&data), Some(7));
    }

    #[test]
    fn truncation_is_a_typed_error() {
        let data = [0x01, 0x05, b'a', b'b'];
        let err = iter(&data).find_map(Result::err).unwrap();
        assert_eq!(err.offset(), 2);
        assert_eq!(err.kind(), ParseErrorKind::Truncated { needed: 3 });
        let data = [0x01, 0xFF];
        let err = iter(&data).find_map(Result::err).unwrap();
        assert_eq!(err.offset(), 2);
        assert_eq!(content_len(&data), None);
    }

    #[test]
    fn empty_values_are_kept() {
        let data = [0x09, 0x00, 0x0E, 0x00, 0x14, 0x00];
        let tags: Vec<u8> = iter(&data).map(|t| t.unwrap().tag).collect();
        assert_eq!(tags, [0x09, 0x0E, 0x14]);
    }
}
