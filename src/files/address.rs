//! The address file EF(ID#Address) `3F00 DF01 4033` (spec §4.3) and its encoder.

use crate::error::{ParseError, ParseErrorKind, Parsed};
use crate::tlv::record::{Encoder, Record, collect_fields};
use crate::vocab::FileId;

const WHAT: Parsed = Parsed::File(FileId::Address);

/// The parsed address file (spec §4.3): street and number (tag 0x01), zip code (0x02),
/// municipality (0x03), zero padding up to the fixed file size.
///
/// All three tags are mandatory; a missing one does not make the file unreadable: its accessor
/// returns `""` and [`Address::field_error`] reports
/// [`ParseErrorKind::Missing`](crate::ParseErrorKind::Missing) (the signature, spec §7.3, can
/// still be checked). Values may carry
/// trailing spaces on real cards (spec §4.3): the plain accessors return the value trimmed of
/// spaces, the `*_raw` accessors the value as written. Text that is not valid UTF-8 is decoded
/// lossily; [`Address::raw_field`] gives the bytes. Unknown tags are kept.
///
/// With the `serde` feature an address serializes as its raw bytes (`raw`, hex) plus the
/// decoded fields; deserializing parses `raw` again.
#[derive(Clone)]
pub struct Address {
    /// Tags 0..=3 as spans; 0x01–0x03 are text.
    rec: Record<4>,
    /// Mandatory tags that are absent, with their `Missing` error.
    missing: Vec<(u8, ParseError)>,
}

impl Address {
    /// The file size written by current cards and the default of [`AddressBuilder`]
    /// (spec §2.2: 117 bytes; the spec §4.4 sample card has 121).
    pub const DEFAULT_FILE_LEN: usize = 117;

    /// Parse EF(ID#Address) (spec §4.1, §4.3). Errors name `Parsed::File(FileId::Address)`:
    /// a broken TLV ([`ParseErrorKind::Truncated`](crate::ParseErrorKind::Truncated) with the offset), no element
    /// ([`ParseErrorKind::Empty`](crate::ParseErrorKind::Empty)), a tag 01–03 repeated
    /// ([`ParseErrorKind::UnexpectedTag`](crate::ParseErrorKind::UnexpectedTag)). A missing
    /// tag 01–03 is a field error ([`Address::field_errors`]), not a file error.
    pub fn parse(bytes: &[u8]) -> Result<Address, ParseError> {
        let rec = Record::new(bytes, collect_fields::<4>(bytes, WHAT, [])?, 0b1110);
        let missing = (1..=3u8)
            .filter(|t| !rec.has(*t))
            .map(|tag| {
                let kind = ParseErrorKind::Missing { tag };
                (tag, ParseError::new(WHAT, rec.content_len(), kind))
            })
            .collect();
        Ok(Address { rec, missing })
    }

    /// The file exactly as given to [`Address::parse`], padding included.
    pub fn raw(&self) -> &[u8] {
        &self.rec.raw
    }

    /// The file with every trailing `00` byte removed: the part the address signature covers
    /// (spec §7.3). Differs from [`Address::tlv_content`] only when the last value itself ends
    /// with `00` bytes. Same meaning as [`Identity::without_trailing_zeros`](crate::files::Identity::without_trailing_zeros).
    pub fn without_trailing_zeros(&self) -> &[u8] {
        crate::tlv::record::without_trailing_zeros(&self.rec.raw)
    }

    /// The file up to where the TLV walk stopped (spec §4.1): the elements, without the zero
    /// padding up to the fixed file size. Same meaning as
    /// [`Identity::tlv_content`](crate::files::Identity::tlv_content).
    pub fn tlv_content(&self) -> &[u8] {
        self.rec.tlv_content()
    }

    /// Old name of [`Address::without_trailing_zeros`].
    #[deprecated(note = "use `without_trailing_zeros` (or `tlv_content`)")]
    pub fn content(&self) -> &[u8] {
        self.without_trailing_zeros()
    }

    /// Length of the TLV content (where the zero padding starts): `tlv_content().len()`.
    pub fn content_len(&self) -> usize {
        self.rec.content_len()
    }

    /// The value bytes of a tag (first occurrence for repeated unknown tags); `None` when
    /// absent.
    pub fn raw_field(&self, tag: u8) -> Option<&[u8]> {
        self.rec.raw_field(tag)
    }

    /// Every problem of a single field that did not make the file unreadable, in tag order:
    /// a mandatory tag 01–03 that is absent ([`ParseErrorKind::Missing`](crate::ParseErrorKind::Missing)
    /// at the end of the content). Empty for a well-formed file.
    pub fn field_errors(&self) -> &[(u8, ParseError)] {
        &self.missing
    }

    /// The problem of tag `tag`, if any (see [`Address::field_errors`]).
    pub fn field_error(&self, tag: u8) -> Option<ParseError> {
        crate::tlv::record::field_error(&self.missing, tag)
    }

    /// Elements with tags above 0x03, in file order, as `(tag, value)`.
    pub fn unknown_tags(&self) -> impl Iterator<Item = (u8, &[u8])> + '_ {
        self.rec.unknown_tags()
    }

    /// Tag 00 (file structure version), when the file starts with it.
    pub fn file_structure_version(&self) -> Option<&[u8]> {
        self.raw_field(0x00)
    }

    fn text(&self, tag: u8) -> &str {
        self.rec.text(tag).unwrap_or("")
    }

    /// Tag 0x01: street and number, trimmed of spaces.
    pub fn street_and_number(&self) -> &str {
        self.text(1).trim_matches(' ')
    }

    /// Tag 0x01 as written (may end with spaces).
    pub fn street_and_number_raw(&self) -> &str {
        self.text(1)
    }

    /// Tag 0x02: zip code, trimmed of spaces.
    pub fn zip(&self) -> &str {
        self.text(2).trim_matches(' ')
    }

    /// Tag 0x02 as written.
    pub fn zip_raw(&self) -> &str {
        self.text(2)
    }

    /// Tag 0x03: municipality, trimmed of spaces.
    pub fn municipality(&self) -> &str {
        self.text(3).trim_matches(' ')
    }

    /// Tag 0x03 as written.
    pub fn municipality_raw(&self) -> &str {
        self.text(3)
    }

    /// A builder holding the same fields, padded to the same file length.
    pub fn to_builder(&self) -> AddressBuilder {
        AddressBuilder {
            file_structure_version: self.file_structure_version().map(<[u8]>::to_vec),
            street_and_number: self.street_and_number_raw().to_owned(),
            zip: self.zip_raw().to_owned(),
            municipality: self.municipality_raw().to_owned(),
            extra_tags: self.unknown_tags().map(|(t, v)| (t, v.to_vec())).collect(),
            padded_len: self.rec.raw.len(),
        }
    }
}

impl core::fmt::Debug for Address {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("Address");
        d.field("street_and_number", &self.street_and_number_raw())
            .field("zip", &self.zip_raw())
            .field("municipality", &self.municipality_raw())
            .field("len", &self.rec.raw.len());
        let unknown: Vec<(u8, usize)> = self.unknown_tags().map(|(t, v)| (t, v.len())).collect();
        if !unknown.is_empty() {
            d.field("unknown_tags (tag, len)", &unknown);
        }
        if !self.missing.is_empty() {
            d.field("field_errors", &self.missing);
        }
        d.finish()
    }
}

crate::tlv::record::eq_by_raw!(Address);

#[cfg(feature = "serde")]
mod serde_impl {
    use super::*;
    use crate::tlv::hex::hex_encode;
    use serde::ser::SerializeStruct;

    impl serde::Serialize for Address {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Address", 4)?;
            st.serialize_field("raw", &hex_encode(self.raw()))?;
            st.serialize_field("street_and_number", self.street_and_number())?;
            st.serialize_field("zip", self.zip())?;
            st.serialize_field("municipality", self.municipality())?;
            st.end()
        }
    }

    impl<'de> serde::Deserialize<'de> for Address {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            crate::tlv::hex::from_raw_hex(d, Address::parse)
        }
    }
}

/// Writes an address file (spec §4.3): tags 01–03 (and tag 00 / extra tags when set) in
/// ascending order, then `00` padding up to [`padded_len`](Self::padded_len)
/// (default [`Address::DEFAULT_FILE_LEN`], 117 bytes; never truncates).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AddressBuilder {
    /// Tag 00 (written first when set; real cards omit it).
    pub file_structure_version: Option<Vec<u8>>,
    /// Tag 0x01, written as given (trailing spaces included).
    pub street_and_number: String,
    /// Tag 0x02.
    pub zip: String,
    /// Tag 0x03.
    pub municipality: String,
    /// Further elements `(tag, value)`, merged in ascending tag order.
    pub extra_tags: Vec<(u8, Vec<u8>)>,
    /// File length after padding (0 = no padding).
    pub padded_len: usize,
}

impl AddressBuilder {
    /// An address padded to the default 117 bytes.
    pub fn new(
        street_and_number: impl Into<String>,
        zip: impl Into<String>,
        municipality: impl Into<String>,
    ) -> AddressBuilder {
        AddressBuilder {
            file_structure_version: None,
            street_and_number: street_and_number.into(),
            zip: zip.into(),
            municipality: municipality.into(),
            extra_tags: Vec::new(),
            padded_len: Address::DEFAULT_FILE_LEN,
        }
    }

    /// The address of the spec §4.4 specimen card, 121 bytes.
    pub fn specimen() -> AddressBuilder {
        AddressBuilder::new("Specimenstraat 12", "1000", "Brussel").pad_to(121)
    }

    /// Set the padded file length (0 = no padding).
    #[must_use]
    pub fn pad_to(mut self, len: usize) -> AddressBuilder {
        self.padded_len = len;
        self
    }

    /// Write the file.
    pub fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new(&self.extra_tags, &[]);
        e.put_opt(0x00, self.file_structure_version.as_deref());
        e.put(0x01, self.street_and_number.as_bytes());
        e.put(0x02, self.zip.as_bytes());
        e.put(0x03, self.municipality.as_bytes());
        let mut w = e.finish();
        w.pad_to(self.padded_len);
        w.finish()
    }

    /// Encode and parse.
    pub fn build(&self) -> Result<Address, ParseError> {
        Address::parse(&self.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ParseErrorKind;
    use crate::tlv;

    fn specimen() -> Vec<u8> {
        // Spec §4.4: 01 11 "Specimenstraat 12" 02 04 "1000" 03 07 "Brussel", zero padded to
        // 121 bytes. (The spec also says "89 bytes 00", but these elements take 34 bytes, so
        // 121 bytes leave 87; the file length is what matters here.)
        let mut v = vec![0x01, 0x11];
        v.extend_from_slice(b"Specimenstraat 12");
        v.extend_from_slice(&[0x02, 0x04]);
        v.extend_from_slice(b"1000");
        v.extend_from_slice(&[0x03, 0x07]);
        v.extend_from_slice(b"Brussel");
        assert_eq!(v.len(), 34);
        v.resize(121, 0);
        v
    }

    #[test]
    fn worked_example() {
        let bytes = specimen();
        assert_eq!(bytes.len(), 121);
        let a = Address::parse(&bytes).unwrap();
        assert_eq!(a.street_and_number(), "Specimenstraat 12");
        assert_eq!(a.zip(), "1000");
        assert_eq!(a.municipality(), "Brussel");
        assert_eq!(a.raw(), &bytes[..]);
        assert_eq!(a.without_trailing_zeros(), &bytes[..34]);
        assert_eq!(a.content_len(), 34);
        assert_eq!(a.file_structure_version(), None);
        assert_eq!(a.raw_field(0x02), Some(&b"1000"[..]));
        assert_eq!(a.unknown_tags().count(), 0);
        assert_eq!(AddressBuilder::specimen().encode(), bytes);
        assert_eq!(a.to_builder(), AddressBuilder::specimen());
        let dbg = format!("{a:?}");
        assert!(dbg.contains("Specimenstraat 12"), "{dbg}");
    }

    #[test]
    fn default_padding_is_117() {
        let bytes = AddressBuilder::new("Rue de la Loi 16", "1000", "Bruxelles").encode();
        assert_eq!(bytes.len(), 117);
        assert_eq!(Address::parse(&bytes).unwrap().municipality(), "Bruxelles");
        let unpadded = AddressBuilder::new("A", "1", "B").pad_to(0).encode();
        assert_eq!(unpadded, [1, 1, b'A', 2, 1, b'1', 3, 1, b'B']);
        let long = AddressBuilder::new("x".repeat(120), "1", "B").encode();
        assert_eq!(long.len(), 2 + 120 + 3 + 3);
    }

    #[test]
    fn trailing_spaces_trimmed_and_kept() {
        let b = AddressBuilder::new(
            "Kerkstraat 1                              ",
            "2000 ",
            "Antwerpen",
        );
        let a = b.build().unwrap();
        assert_eq!(a.street_and_number(), "Kerkstraat 1");
        assert_eq!(a.street_and_number_raw().len(), 42);
        assert_eq!(a.zip(), "2000");
        assert_eq!(a.zip_raw(), "2000 ");
        assert_eq!(a.municipality_raw(), "Antwerpen");
        assert_eq!(a.to_builder(), b);
    }

    #[test]
    fn accents_and_lossy_text() {
        let a = AddressBuilder::new("Place Sainte-Gudule 5", "1000", "Liège")
            .build()
            .unwrap();
        assert_eq!(a.municipality(), "Liège");
        let mut bytes = AddressBuilder::new("Straat 1", "1000", "X")
            .pad_to(0)
            .encode();
        bytes[2] = 0xFF;
        let a = Address::parse(&bytes).unwrap();
        assert_eq!(a.street_and_number(), "\u{FFFD}traat 1");
        assert_eq!(a.raw_field(1).unwrap()[0], 0xFF);
    }

    #[test]
    fn errors() {
        let bytes = specimen();
        let e = Address::parse(&bytes[..22]).unwrap_err();
        assert_eq!(e.what(), Parsed::File(FileId::Address));
        assert_eq!(e.offset(), 21);
        assert_eq!(e.kind(), ParseErrorKind::Truncated { needed: 3 });
        let e = Address::parse(&bytes[..20]).unwrap_err();
        assert_eq!(e.offset(), 20);
        assert_eq!(e.kind(), ParseErrorKind::Truncated { needed: 1 });
        // Cut at an element boundary: the file parses, zip and municipality are missing.
        let a = Address::parse(&bytes[..19]).unwrap();
        let e = a.field_error(2).unwrap();
        assert_eq!(e.kind(), ParseErrorKind::Missing { tag: 2 });
        assert_eq!(e.offset(), 19);
        assert_eq!(a.field_errors().len(), 2);
        assert_eq!((a.zip(), a.municipality()), ("", ""));
        assert!(format!("{a:?}").contains("field_errors"));
        assert!(Address::parse(&bytes).unwrap().field_errors().is_empty());
        assert_eq!(
            Address::parse(&[]).unwrap_err().kind(),
            ParseErrorKind::Empty
        );
        assert_eq!(
            Address::parse(&[0; 117]).unwrap_err().kind(),
            ParseErrorKind::Empty
        );
        let mut dup = bytes[..34].to_vec();
        tlv::encode(&mut dup, 0x02, b"2000");
        let e = Address::parse(&dup).unwrap_err();
        assert_eq!(e.kind(), ParseErrorKind::UnexpectedTag { tag: 2 });
        assert_eq!(e.offset(), 34);
    }

    #[test]
    fn tag_zero_and_unknown_tags() {
        let mut b = AddressBuilder::specimen();
        b.file_structure_version = Some(vec![0, 2]);
        b.extra_tags = vec![(0x04, b"extra".to_vec())];
        let bytes = b.encode();
        assert_eq!(bytes.len(), 121);
        let a = Address::parse(&bytes).unwrap();
        assert_eq!(a.file_structure_version(), Some(&[0, 2][..]));
        assert_eq!(a.raw_field(4), Some(&b"extra"[..]));
        assert_eq!(a.municipality(), "Brussel");
        assert_eq!(a.to_builder(), b);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip() {
        let a = Address::parse(&specimen()).unwrap();
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains("\"municipality\":\"Brussel\""));
        let back: Address = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
    }
}
