//! EF(TokenInfo) `3F00 DF00 5032` (spec §11.4).
//!
//! 41 bytes on every card seen:
//! `30 27 02 01 00 04 10 <serial 16> 80 06 "BELPIC" 03 02 04 30 9E 04 <v1 v2 v3 v4>`.
//! Parsed as DER (PKCS#15 `TokenInfo`), tolerating optional PKCS#15 elements, unknown elements
//! (kept as data) and trailing bytes after the SEQUENCE.

use super::der::{der_element_at, der_header_at};
use crate::error::{ParseError, ParseErrorKind, Parsed};
use crate::vocab::FileId;

const WHAT: Parsed = Parsed::File(FileId::TokenInfo);

/// PKCS#15 token flags (the `tokenflags` BIT STRING, spec §11.4: `03 02 04 30` =
/// prnGeneration + eidCompliant).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TokenFlags {
    /// First byte of the bit string (bit 0 of the ASN.1 bit string = most significant bit);
    /// `0` when the bit string is empty.
    pub bits: u8,
}

impl TokenFlags {
    fn bit(self, n: u8) -> bool {
        self.bits & (0x80 >> n) != 0
    }

    /// Bit 0, readonly.
    pub fn read_only(self) -> bool {
        self.bit(0)
    }

    /// Bit 1, loginRequired.
    pub fn login_required(self) -> bool {
        self.bit(1)
    }

    /// Bit 2, prnGeneration (set on Belpic cards).
    pub fn prn_generation(self) -> bool {
        self.bit(2)
    }

    /// Bit 3, eidCompliant (set on Belpic cards).
    pub fn eid_compliant(self) -> bool {
        self.bit(3)
    }
}

/// The four BELPIC-specific version bytes of the `[30]` element (tag `9E`, spec §11.4).
///
/// Examples: `04 02 00 00` (V1 test card), `01 01 00 00` (real V1 card), `03 02 00 00` (V2
/// test card). The electrical perso version follows the ATR table (01 first EMV ATR, 02 V1.1,
/// 03 1.7, 04 1.8); the eID Viewer switches to the 2020+ wording when the graphical perso
/// version is `08`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PersoVersions {
    /// Graphical personalisation version.
    pub graphical: u8,
    /// Electrical personalisation version.
    pub electrical: u8,
    /// Electrical personalisation interface version.
    pub electrical_interface: u8,
    /// Reserved for future use (C54 prints `40`, C401 `0`; every dump has `00`, spec §15.9).
    pub rfu: u8,
}

/// An element of the TokenInfo SEQUENCE the parser does not interpret, kept as data.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UnknownElement {
    /// Offset of the element in the file.
    pub offset: usize,
    /// The whole element (identifier, length and contents octets).
    pub bytes: Vec<u8>,
}

/// The decoded EF(TokenInfo) (PKCS#15 TokenInfo, spec §11.4).
///
/// A field with an unexpected length or format does not make the file unreadable: its accessor
/// returns the error (mandatory `version`, `serialNumber`, `tokenflags`) or reads as absent
/// (optional `9E` versions), text that is not UTF-8 is decoded lossily, and
/// [`TokenInfo::field_errors`] lists every such problem. Equality compares the raw bytes.
///
/// With the `serde` feature a TokenInfo serializes as its raw bytes (`raw`, hex) plus the
/// decoded fields (a field in error as `null`, the problems in `field_errors`); deserializing
/// parses `raw` again.
#[derive(Clone, Debug)]
pub struct TokenInfo {
    raw: Vec<u8>,
    version: Result<u32, ParseError>,
    serial: Result<[u8; 16], ParseError>,
    manufacturer_id: Option<String>,
    label: Option<String>,
    flags: Result<TokenFlags, ParseError>,
    perso_versions: Option<PersoVersions>,
    unknown: Vec<UnknownElement>,
    /// Problems of single elements, by DER tag, in file order.
    field_errors: Vec<(u8, ParseError)>,
}

crate::tlv::record::eq_by_raw!(TokenInfo);

/// One DER element inside the parsed buffer.
struct Element<'a> {
    tag: u8,
    offset: usize,
    content_offset: usize,
    content: &'a [u8],
    whole: &'a [u8],
}

/// Read the element at `offset` of `data`.
fn element(data: &[u8], offset: usize) -> Result<Element<'_>, ParseError> {
    let h = der_header_at(data, offset, WHAT)?;
    let whole = der_element_at(data, offset, h, WHAT)?;
    Ok(Element {
        tag: h.tag,
        offset,
        content_offset: offset + h.header_len,
        content: whole.get(h.header_len..).unwrap_or(&[]),
        whole,
    })
}

/// The element's content as text; not UTF-8 → decoded lossily and the error (at the first
/// bad byte) pushed to `errors`.
fn utf8(e: &Element<'_>, errors: &mut Vec<(u8, ParseError)>) -> String {
    if let Err(err) = core::str::from_utf8(e.content) {
        let at = e.content_offset + err.valid_up_to();
        errors.push((e.tag, ParseError::new(WHAT, at, ParseErrorKind::BadText)));
    }
    String::from_utf8_lossy(e.content).into_owned()
}

/// A `BadValueLength` error for element `e`.
fn bad_len(e: &Element<'_>) -> ParseError {
    ParseError::new(
        WHAT,
        e.offset,
        ParseErrorKind::BadValueLength {
            tag: e.tag,
            len: e.content.len(),
        },
    )
}

impl TokenInfo {
    /// Parse the content of EF(TokenInfo).
    ///
    /// Requires the SEQUENCE with `version` (INTEGER, up to 4 bytes), `serialNumber` (OCTET
    /// STRING of 16 bytes) and `tokenflags` (BIT STRING); reads the optional
    /// `manufacturerID` (`0C`), `label` (`80`) and the BELPIC `[30]` versions (`9E`, 4 bytes);
    /// keeps any other element in [`unknown_elements`](Self::unknown_elements) and ignores bytes
    /// after the SEQUENCE (padding).
    ///
    /// Errors that make the file unreadable use `Parsed::File(FileId::TokenInfo)` and the byte
    /// offset in the file: [`ParseErrorKind::Empty`] (empty or zero file),
    /// [`ParseErrorKind::UnexpectedTag`] (not a SEQUENCE, or no INTEGER version / OCTET STRING
    /// serial at the head of it), [`ParseErrorKind::Truncated`] and
    /// [`ParseErrorKind::BadLength`] (broken DER framing).
    ///
    /// Per-field problems (the file still parses, see [`TokenInfo::field_errors`]): version not
    /// 1 to 4 bytes or serial not 16 bytes ([`ParseErrorKind::BadValueLength`], returned by
    /// [`TokenInfo::version`] / [`TokenInfo::serial`]), no token flags
    /// ([`ParseErrorKind::Missing`]) or an empty BIT STRING, returned by [`TokenInfo::flags`],
    /// `9E` versions not 4 bytes (read as absent), manufacturerID or label not UTF-8
    /// ([`ParseErrorKind::BadText`], decoded lossily).
    pub fn parse(data: &[u8]) -> Result<TokenInfo, ParseError> {
        if data.iter().all(|b| *b == 0) {
            return Err(ParseError::new(WHAT, 0, ParseErrorKind::Empty));
        }
        let seq = element(data, 0)?;
        if seq.tag != 0x30 {
            return Err(ParseError::new(
                WHAT,
                0,
                ParseErrorKind::UnexpectedTag { tag: seq.tag },
            ));
        }
        let end = seq.offset + seq.whole.len();
        // The SEQUENCE's contents, addressed with file offsets.
        let body = data.get(..end).unwrap_or(data);

        let version_el = element(body, seq.content_offset)?;
        if version_el.tag != 0x02 {
            return Err(ParseError::new(
                WHAT,
                version_el.offset,
                ParseErrorKind::UnexpectedTag {
                    tag: version_el.tag,
                },
            ));
        }
        let version = if version_el.content.is_empty() || version_el.content.len() > 4 {
            Err(bad_len(&version_el))
        } else {
            Ok(version_el
                .content
                .iter()
                .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
        };

        let serial_el = element(body, version_el.offset + version_el.whole.len())?;
        if serial_el.tag != 0x04 {
            return Err(ParseError::new(
                WHAT,
                serial_el.offset,
                ParseErrorKind::UnexpectedTag { tag: serial_el.tag },
            ));
        }
        let serial: Result<[u8; 16], ParseError> = serial_el
            .content
            .try_into()
            .map_err(|_| bad_len(&serial_el));

        let mut field_errors: Vec<(u8, ParseError)> = [(0x02, version), (0x04, serial.map(|_| 0))]
            .into_iter()
            .filter_map(|(tag, r)| r.err().map(|e| (tag, e)))
            .collect();
        let mut manufacturer_id = None;
        let mut label = None;
        let mut flags = None;
        let mut perso_versions = None;
        let mut unknown = Vec::new();
        let mut pos = serial_el.offset + serial_el.whole.len();
        while pos < end {
            let e = element(body, pos)?;
            pos += e.whole.len();
            match e.tag {
                0x0C if manufacturer_id.is_none() && label.is_none() && flags.is_none() => {
                    manufacturer_id = Some(utf8(&e, &mut field_errors));
                }
                0x80 if label.is_none() && flags.is_none() => {
                    label = Some(utf8(&e, &mut field_errors));
                }
                0x03 if flags.is_none() => {
                    flags = Some(match e.content.split_first() {
                        Some((_unused, bits)) => Ok(TokenFlags {
                            bits: bits.first().copied().unwrap_or(0),
                        }),
                        None => Err(bad_len(&e)),
                    });
                }
                0x9E if perso_versions.is_none() => match *e.content {
                    [graphical, electrical, electrical_interface, rfu] => {
                        perso_versions = Some(PersoVersions {
                            graphical,
                            electrical,
                            electrical_interface,
                            rfu,
                        });
                    }
                    _ => field_errors.push((0x9E, bad_len(&e))),
                },
                _ => unknown.push(UnknownElement {
                    offset: e.offset,
                    bytes: e.whole.to_vec(),
                }),
            }
        }
        let flags = flags.unwrap_or(Err(ParseError::new(
            WHAT,
            end,
            ParseErrorKind::Missing { tag: 0x03 },
        )));
        if let Err(e) = flags {
            field_errors.push((0x03, e));
        }
        Ok(TokenInfo {
            raw: data.to_vec(),
            version,
            serial,
            manufacturer_id,
            label,
            flags,
            perso_versions,
            unknown,
            field_errors,
        })
    }

    /// The file content as read.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The TokenInfo version (`0`); `Err` (`BadValueLength`) when the INTEGER is empty or
    /// longer than 4 bytes.
    pub fn version(&self) -> Result<u32, ParseError> {
        self.version
    }

    /// The token serial number = chip serial number (= GET CARD DATA bytes 0–15, file bytes
    /// 7–22, spec §9.2, §11.4); `Err` (`BadValueLength`) when the OCTET STRING is not 16 bytes
    /// ([`TokenInfo::raw`] still holds them).
    pub fn serial(&self) -> Result<&[u8; 16], ParseError> {
        self.serial.as_ref().map_err(|e| *e)
    }

    /// The PKCS#15 manufacturerID (absent on Belpic cards), decoded lossily when not UTF-8.
    pub fn manufacturer_id(&self) -> Option<&str> {
        self.manufacturer_id.as_deref()
    }

    /// The token label (`BELPIC`), decoded lossily when not UTF-8 (the problem is then in
    /// [`TokenInfo::field_errors`]).
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The token flags; `Err` when the BIT STRING is missing (`Missing { tag: 0x03 }` at the end
    /// of the SEQUENCE) or empty (`BadValueLength`).
    pub fn flags(&self) -> Result<TokenFlags, ParseError> {
        self.flags
    }

    /// The BELPIC-specific version bytes (`9E 04 …`), when present with 4 bytes (another
    /// length reads as absent and is reported in [`TokenInfo::field_errors`]).
    pub fn perso_versions(&self) -> Option<PersoVersions> {
        self.perso_versions
    }

    /// Elements of the SEQUENCE this parser does not interpret.
    pub fn unknown_elements(&self) -> &[UnknownElement] {
        &self.unknown
    }

    /// Every problem of a single element that did not make the file unreadable, as
    /// `(DER tag, error)` (`02` version, `04` serial, `0C` manufacturerID, `80` label, `03`
    /// flags, `9E` versions); empty for a well-formed file.
    pub fn field_errors(&self) -> &[(u8, ParseError)] {
        &self.field_errors
    }

    /// The problem of the element with this DER tag, if any (see [`TokenInfo::field_errors`]).
    pub fn field_error(&self, tag: u8) -> Option<ParseError> {
        crate::tlv::record::field_error(&self.field_errors, tag)
    }
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::TokenInfo;
    use crate::tlv::hex::hex_encode;
    use serde::ser::SerializeStruct;

    impl serde::Serialize for TokenInfo {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let errors: Vec<(u8, String)> = self
                .field_errors
                .iter()
                .map(|(t, e)| (*t, e.to_string()))
                .collect();
            let mut st = s.serialize_struct("TokenInfo", 9)?;
            st.serialize_field("raw", &hex_encode(&self.raw))?;
            st.serialize_field("version", &self.version.ok())?;
            st.serialize_field("serial", &self.serial.ok().map(|s| hex_encode(&s)))?;
            st.serialize_field("manufacturer_id", &self.manufacturer_id)?;
            st.serialize_field("label", &self.label)?;
            st.serialize_field("flags", &self.flags.ok())?;
            st.serialize_field("perso_versions", &self.perso_versions)?;
            st.serialize_field("unknown", &self.unknown)?;
            st.serialize_field("field_errors", &errors)?;
            st.end()
        }
    }

    impl<'de> serde::Deserialize<'de> for TokenInfo {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            crate::tlv::hex::from_raw_hex(d, TokenInfo::parse)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MW-EMU V1 test card serial / perso versions (spec §9.2, §11.4).
    fn sample(versions: [u8; 4]) -> Vec<u8> {
        let mut v = vec![0x30, 0x27, 0x02, 0x01, 0x00, 0x04, 0x10];
        v.extend_from_slice(&[
            0x53, 0x4C, 0x49, 0x4E, 0x33, 0x66, 0x00, 0x29, 0x6C, 0xFF, 0x26, 0x23, 0x66, 0x0B,
            0x08, 0x26,
        ]);
        v.extend_from_slice(&[0x80, 0x06, 0x42, 0x45, 0x4C, 0x50, 0x49, 0x43]);
        v.extend_from_slice(&[0x03, 0x02, 0x04, 0x30]);
        v.extend_from_slice(&[0x9E, 0x04]);
        v.extend_from_slice(&versions);
        v
    }

    #[test]
    fn spec_bytes() {
        let data = sample([0x04, 0x02, 0x00, 0x00]);
        assert_eq!(data.len(), 41);
        let ti = TokenInfo::parse(&data).unwrap();
        assert_eq!(ti.raw(), &data[..]);
        assert_eq!(ti.version(), Ok(0));
        assert_eq!(ti.serial().unwrap()[..], data[7..23]);
        assert!(ti.field_errors().is_empty());
        assert_eq!(ti.label(), Some("BELPIC"));
        assert_eq!(ti.manufacturer_id(), None);
        let flags = ti.flags().unwrap();
        assert_eq!(flags, TokenFlags { bits: 0x30 });
        assert!(flags.prn_generation());
        assert!(flags.eid_compliant());
        assert!(!flags.read_only());
        assert!(!flags.login_required());
        assert_eq!(
            ti.perso_versions(),
            Some(PersoVersions {
                graphical: 0x04,
                electrical: 0x02,
                electrical_interface: 0x00,
                rfu: 0x00
            })
        );
        assert!(ti.unknown_elements().is_empty());
        // eid-mw reads the versions at byte[1] + 2 - 4 (spec §11.1).
        let off = usize::from(data[1]) + 2 - 4;
        assert_eq!(data[off..], [0x04, 0x02, 0x00, 0x00]);
    }

    #[test]
    fn other_version_bytes() {
        for v in [[1, 1, 0, 0], [3, 2, 0, 0], [8, 4, 0, 0x40]] {
            let ti = TokenInfo::parse(&sample(v)).unwrap();
            let p = ti.perso_versions().unwrap();
            assert_eq!(
                [p.graphical, p.electrical, p.electrical_interface, p.rfu],
                v
            );
        }
    }

    #[test]
    fn padding_and_unknown_elements_are_tolerated() {
        let mut data = sample([4, 2, 0, 0]);
        data.extend_from_slice(&[0; 23]);
        let ti = TokenInfo::parse(&data).unwrap();
        assert_eq!(ti.label(), Some("BELPIC"));
        assert_eq!(ti.raw().len(), 64);

        // Add a manufacturerID before the label and an unknown [31] after the versions.
        let mut body = vec![0x02, 0x01, 0x00, 0x04, 0x10];
        body.extend_from_slice(&[0xAB; 16]);
        body.extend_from_slice(&[0x0C, 0x02, b'G', b'D']);
        body.extend_from_slice(&[0x80, 0x06, 0x42, 0x45, 0x4C, 0x50, 0x49, 0x43]);
        body.extend_from_slice(&[0x03, 0x02, 0x04, 0x30]);
        body.extend_from_slice(&[0x9E, 0x04, 8, 4, 0, 0]);
        body.extend_from_slice(&[0x9F, 0x1F, 0x01, 0x55]);
        let mut data = vec![0x30, body.len() as u8];
        data.extend_from_slice(&body);
        let ti = TokenInfo::parse(&data).unwrap();
        assert_eq!(ti.manufacturer_id(), Some("GD"));
        assert_eq!(ti.serial(), Ok(&[0xAB; 16]));
        assert_eq!(ti.perso_versions().unwrap().graphical, 8);
        assert_eq!(
            ti.unknown_elements(),
            &[UnknownElement {
                offset: data.len() - 4,
                bytes: vec![0x9F, 0x1F, 0x01, 0x55]
            }]
        );
    }

    #[test]
    fn versions_absent() {
        let mut data = sample([4, 2, 0, 0]);
        data.truncate(35);
        data[1] = 33;
        let ti = TokenInfo::parse(&data).unwrap();
        assert_eq!(ti.perso_versions(), None);
    }

    #[test]
    fn errors() {
        let what = Parsed::File(FileId::TokenInfo);
        assert_eq!(
            TokenInfo::parse(&[]).unwrap_err(),
            ParseError::new(what, 0, ParseErrorKind::Empty)
        );
        assert_eq!(
            TokenInfo::parse(&[0; 41]).unwrap_err().kind(),
            ParseErrorKind::Empty
        );
        let mut d = sample([4, 2, 0, 0]);
        d[0] = 0x31;
        assert_eq!(
            TokenInfo::parse(&d).unwrap_err(),
            ParseError::new(what, 0, ParseErrorKind::UnexpectedTag { tag: 0x31 })
        );
        let mut d = sample([4, 2, 0, 0]);
        d[6] = 0x0F; // serial length 15: the next element is misread
        assert!(TokenInfo::parse(&d).is_err());
        let mut d = sample([4, 2, 0, 0]);
        d[5] = 0x05;
        assert_eq!(
            TokenInfo::parse(&d).unwrap_err(),
            ParseError::new(what, 5, ParseErrorKind::UnexpectedTag { tag: 0x05 })
        );
        let mut d = sample([4, 2, 0, 0]);
        d[36] = 0x03; // 9E 03
        d[1] = 0x26;
        d.pop();
        // Per-field problems: the file parses, the field reports the error.
        let ti = TokenInfo::parse(&d).unwrap();
        assert_eq!(ti.perso_versions(), None);
        assert_eq!(
            ti.field_error(0x9E),
            Some(ParseError::new(
                what,
                35,
                ParseErrorKind::BadValueLength { tag: 0x9E, len: 3 }
            ))
        );
        // Flags missing.
        let mut d = sample([4, 2, 0, 0]);
        d[31] = 0x81; // 03 → 81: an unknown context element
        let ti = TokenInfo::parse(&d).unwrap();
        let err = ParseError::new(what, 41, ParseErrorKind::Missing { tag: 0x03 });
        assert_eq!(ti.flags(), Err(err));
        assert_eq!(ti.field_errors(), &[(0x03, err)]);
        assert_eq!(ti.unknown_elements().len(), 1);
        // Label not UTF-8: decoded lossily, the error names the first bad byte.
        let mut d = sample([4, 2, 0, 0]);
        d[26] = 0xFF;
        let ti = TokenInfo::parse(&d).unwrap();
        assert_eq!(ti.label(), Some("B\u{FFFD}LPIC"));
        assert_eq!(
            ti.field_error(0x80),
            Some(ParseError::new(what, 26, ParseErrorKind::BadText))
        );
        assert_eq!(ti.raw(), &d[..]);
    }

    /// A version INTEGER of 5 bytes, a serial of 15 and an empty flags BIT STRING: the file
    /// parses, each accessor reports its own error.
    #[test]
    fn field_length_errors_are_per_field() {
        let what = Parsed::File(FileId::TokenInfo);
        let mut body = vec![0x02, 0x05, 0, 0, 0, 0, 1, 0x04, 0x0F];
        body.extend_from_slice(&[0xAB; 15]);
        body.extend_from_slice(&[0x80, 0x06, 0x42, 0x45, 0x4C, 0x50, 0x49, 0x43]);
        body.extend_from_slice(&[0x03, 0x00]);
        let mut data = vec![0x30, body.len() as u8];
        data.extend_from_slice(&body);
        let ti = TokenInfo::parse(&data).unwrap();
        let version = ParseError::new(what, 2, ParseErrorKind::BadValueLength { tag: 2, len: 5 });
        let serial = ParseError::new(what, 9, ParseErrorKind::BadValueLength { tag: 4, len: 15 });
        let flags = ParseError::new(what, 34, ParseErrorKind::BadValueLength { tag: 3, len: 0 });
        assert_eq!(ti.version(), Err(version));
        assert_eq!(ti.serial(), Err(serial));
        assert_eq!(ti.flags(), Err(flags));
        assert_eq!(ti.label(), Some("BELPIC"));
        assert_eq!(
            ti.field_errors(),
            &[(0x02, version), (0x04, serial), (0x03, flags)]
        );
        assert_eq!(ti.raw(), &data[..]);
    }

    #[test]
    fn truncation_at_every_length() {
        let data = sample([4, 2, 0, 0]);
        for len in 1..data.len() {
            let err = TokenInfo::parse(&data[..len]).unwrap_err();
            assert_eq!(err.what(), Parsed::File(FileId::TokenInfo));
            assert!(
                matches!(err.kind(), ParseErrorKind::Truncated { .. }),
                "{len}: {err:?}"
            );
        }
    }

    #[test]
    fn mutations_never_panic() {
        let data = sample([4, 2, 0, 0]);
        for i in 0..data.len() {
            for b in 0..=255u8 {
                let mut d = data.clone();
                d[i] = b;
                let _ = TokenInfo::parse(&d);
            }
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_roundtrip() {
        let ti = TokenInfo::parse(&sample([4, 2, 0, 0])).unwrap();
        let back: TokenInfo = serde_json::from_str(&serde_json::to_string(&ti).unwrap()).unwrap();
        assert_eq!(back, ti);
        assert_eq!(back.field_errors(), ti.field_errors());
    }
}
