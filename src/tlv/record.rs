//! Helpers for files made of simplified-TLV records (the identity and address files, spec §4):
//! value spans into the raw bytes, lossy text, the one-pass field walk, and the ordered
//! encoder.

use crate::error::{ParseError, ParseErrorKind, Parsed};
use crate::tlv;

/// `PartialEq`, `Eq` and `Hash` of a parsed file type by its `raw()` bytes only (the decoded
/// fields are a function of them).
macro_rules! eq_by_raw {
    ($ty:ty) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.raw() == other.raw()
            }
        }
        impl Eq for $ty {}
        impl core::hash::Hash for $ty {
            fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
                self.raw().hash(state);
            }
        }
    };
}
pub(crate) use eq_by_raw;

/// A field of a parsed file: offset and length of its value in the raw bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Span {
    off: u16,
    len: u16,
}

impl Span {
    pub(crate) fn new(offset: usize, len: usize) -> Span {
        // Callers only build spans for inputs of at most u16::MAX bytes.
        Span {
            off: u16::try_from(offset).unwrap_or(u16::MAX),
            len: u16::try_from(len).unwrap_or(0),
        }
    }

    pub(crate) fn offset(self) -> usize {
        usize::from(self.off)
    }

    pub(crate) fn get(self, raw: &[u8]) -> &[u8] {
        let start = usize::from(self.off);
        raw.get(start..start + usize::from(self.len)).unwrap_or(&[])
    }
}

/// Lossy decodings of the text fields that are not valid UTF-8, computed on first need
/// (rare: real cards hold valid UTF-8; parsing does not pay for the check).
pub(crate) type Lossy = std::sync::OnceLock<Vec<(u8, Box<str>)>>;

/// Text of a field: the bytes as UTF-8 or, when they are not valid UTF-8, their lossy decoding
/// (computed once for every text field listed by `text_fields`).
pub(crate) fn text_of<'a>(
    raw: &'a [u8],
    span: Span,
    tag: u8,
    lossy: &'a Lossy,
    text_fields: impl FnOnce() -> Vec<(u8, Span)>,
) -> &'a str {
    match core::str::from_utf8(span.get(raw)) {
        Ok(s) => s,
        Err(_) => lossy
            .get_or_init(|| {
                text_fields()
                    .into_iter()
                    .filter_map(|(t, s)| {
                        let v = s.get(raw);
                        core::str::from_utf8(v)
                            .is_err()
                            .then(|| (t, String::from_utf8_lossy(v).into_owned().into_boxed_str()))
                    })
                    .collect()
            })
            .iter()
            .find(|(t, _)| *t == tag)
            .map_or("", |(_, s)| s),
    }
}

/// `bytes` without its trailing `00` bytes (spec §7.3: the part of the address file its
/// signature covers).
pub(crate) fn without_trailing_zeros(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
    bytes.get(..end).unwrap_or(bytes)
}

/// The error of `tag` in a parsed file's list of field problems (the first one).
pub(crate) fn field_error(errors: &[(u8, ParseError)], tag: u8) -> Option<ParseError> {
    errors.iter().find(|(t, _)| *t == tag).map(|(_, e)| *e)
}

/// Rejects inputs whose offsets do not fit the 16-bit spans (real files are a few hundred
/// bytes).
pub(crate) fn check_size(bytes: &[u8], what: Parsed) -> Result<(), ParseError> {
    if bytes.len() > usize::from(u16::MAX) {
        return Err(ParseError::new(
            what,
            usize::from(u16::MAX),
            ParseErrorKind::BadLength,
        ));
    }
    Ok(())
}

/// The elements of a simplified-TLV file (spec §4.1) sorted by tag: one span per known tag
/// `0..N`, a presence bitmask, the unknown tags in file order, and where the content ends.
pub(crate) struct TlvFields<const N: usize> {
    pub(crate) spans: [Span; N],
    pub(crate) present: u32,
    pub(crate) unknown: Vec<(u8, Span)>,
    pub(crate) content_len: usize,
}

/// Walk a simplified-TLV file once, shared by the identity and address parsers: a repeated
/// known tag is [`ParseErrorKind::UnexpectedTag`], a file without elements is
/// [`ParseErrorKind::Empty`], a missing `mandatory` tag is [`ParseErrorKind::Missing`] at the
/// end of the content. `N` is at most 32 (the bitmask width).
pub(crate) fn collect_fields<const N: usize>(
    bytes: &[u8],
    what: Parsed,
    mandatory: impl IntoIterator<Item = u8>,
) -> Result<TlvFields<N>, ParseError> {
    check_size(bytes, what)?;
    let mut spans = [Span::default(); N];
    let mut present = 0u32;
    let mut unknown = Vec::new();
    let mut it = tlv::iter(bytes);
    for item in it.by_ref() {
        let t = item.map_err(|e| e.within(what))?;
        let span = Span::new(t.value_offset, t.value.len());
        match spans.get_mut(usize::from(t.tag)) {
            Some(slot) if t.tag < 32 => {
                let bit = 1u32 << t.tag;
                if present & bit != 0 {
                    return Err(ParseError::new(
                        what,
                        t.offset,
                        ParseErrorKind::UnexpectedTag { tag: t.tag },
                    ));
                }
                present |= bit;
                *slot = span;
            }
            _ => unknown.push((t.tag, span)),
        }
    }
    let content_len = it.position();
    if present & !1 == 0 && unknown.is_empty() {
        return Err(ParseError::new(what, 0, ParseErrorKind::Empty));
    }
    for tag in mandatory {
        if tag < 32 && present & (1 << tag) == 0 {
            return Err(ParseError::new(
                what,
                content_len,
                ParseErrorKind::Missing { tag },
            ));
        }
    }
    Ok(TlvFields {
        spans,
        present,
        unknown,
        content_len,
    })
}

/// Writes elements in ascending tag order, merging extra (unknown) elements and writing
/// listed tags with length 0 when their field has no value.
pub(crate) struct Encoder<'a> {
    w: tlv::TlvWriter,
    extras: core::iter::Peekable<std::vec::IntoIter<&'a (u8, Vec<u8>)>>,
    empty: &'a [u8],
}

impl<'a> Encoder<'a> {
    pub(crate) fn new(extras: &'a [(u8, Vec<u8>)], empty: &'a [u8]) -> Self {
        let mut sorted: Vec<&(u8, Vec<u8>)> = extras.iter().collect();
        sorted.sort_by_key(|e| e.0);
        Encoder {
            w: tlv::TlvWriter::new(),
            extras: sorted.into_iter().peekable(),
            empty,
        }
    }

    pub(crate) fn put(&mut self, tag: u8, value: &[u8]) {
        while let Some(e) = self.extras.next_if(|e| e.0 < tag) {
            self.w.push(e.0, &e.1);
        }
        self.w.push(tag, value);
    }

    pub(crate) fn put_opt(&mut self, tag: u8, value: Option<&[u8]>) {
        match value {
            Some(v) => self.put(tag, v),
            None if self.empty.contains(&tag) => self.put(tag, &[]),
            None => {}
        }
    }

    pub(crate) fn finish(mut self) -> tlv::TlvWriter {
        for e in self.extras.by_ref() {
            self.w.push(e.0, &e.1);
        }
        self.w
    }
}

/// A parsed simplified-TLV file (spec §4.1) as the identity and address parsers keep it: one
/// copy of the bytes, one span per known tag `0..N`, the unknown tags in file order, where the
/// TLV content ends, and the lossy decodings of text fields that are not valid UTF-8.
#[derive(Clone)]
pub(crate) struct Record<const N: usize> {
    pub(crate) raw: Vec<u8>,
    content_len: u16,
    /// Bit `t` set when tag `t` (below `N`) is present.
    present: u32,
    spans: [Span; N],
    unknown: Vec<(u8, Span)>,
    lossy: Lossy,
    /// Bit `t` set when tag `t` holds text (the tags decoded together on the first lossy need).
    text_tags: u32,
}

impl<const N: usize> Record<N> {
    /// Keep `bytes` with the field walk `fields` done over them.
    pub(crate) fn new(bytes: &[u8], fields: TlvFields<N>, text_tags: u32) -> Self {
        Record {
            raw: bytes.to_vec(),
            content_len: u16::try_from(fields.content_len).unwrap_or(u16::MAX),
            present: fields.present,
            spans: fields.spans,
            unknown: fields.unknown,
            lossy: Lossy::new(),
            text_tags,
        }
    }

    /// Up to where the TLV walk stopped (spec §4.1).
    pub(crate) fn tlv_content(&self) -> &[u8] {
        self.raw
            .get(..usize::from(self.content_len))
            .unwrap_or(&self.raw)
    }

    /// Where the TLV content ends.
    pub(crate) fn content_len(&self) -> usize {
        usize::from(self.content_len)
    }

    /// True when known tag `tag` is present (possibly with length 0).
    pub(crate) fn has(&self, tag: u8) -> bool {
        usize::from(tag) < N && tag < 32 && self.present & (1 << tag) != 0
    }

    /// The span of known tag `tag`, when present.
    pub(crate) fn span(&self, tag: u8) -> Option<Span> {
        if self.has(tag) {
            self.spans.get(usize::from(tag)).copied()
        } else {
            None
        }
    }

    /// The value of a tag (the first occurrence of a repeated unknown tag), `None` when absent.
    pub(crate) fn raw_field(&self, tag: u8) -> Option<&[u8]> {
        if usize::from(tag) < N {
            self.span(tag).map(|s| s.get(&self.raw))
        } else {
            self.unknown
                .iter()
                .find(|(t, _)| *t == tag)
                .map(|(_, s)| s.get(&self.raw))
        }
    }

    /// The elements with tags `N` and above, in file order.
    pub(crate) fn unknown_tags(&self) -> impl Iterator<Item = (u8, &[u8])> + '_ {
        self.unknown.iter().map(|(t, s)| (*t, s.get(&self.raw)))
    }

    /// True when the file has elements with tags `N` and above.
    pub(crate) fn has_unknown(&self) -> bool {
        !self.unknown.is_empty()
    }

    /// The text of a present tag (lossily decoded when not UTF-8).
    pub(crate) fn text(&self, tag: u8) -> Option<&str> {
        self.span(tag).map(|s| {
            text_of(&self.raw, s, tag, &self.lossy, || {
                (0u8..32)
                    .filter(|t| self.text_tags & (1 << t) != 0)
                    .filter_map(|t| self.span(t).map(|s| (t, s)))
                    .collect()
            })
        })
    }
}
