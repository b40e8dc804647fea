//! EF(TokenInfo) `3F00 DF00 5032` (spec §11.4).
//!
//! 41 bytes on every card seen:
//! `30 27 02 01 00 04 10 <serial 16> 80 06 "BELPIC" 03 02 04 30 9E 04 <v1 v2 v3 v4>`.
//! Parsed as DER (PKCS#15 `TokenInfo`), tolerating optional PKCS#15 elements, unknown elements
//! (kept as data) and trailing bytes after the SEQUENCE.

use super::der::der_header;
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
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TokenInfo {
    raw: Vec<u8>,
    version: u32,
    serial: [u8; 16],
    manufacturer_id: Option<String>,
    label: Option<String>,
    flags: TokenFlags,
    perso_versions: Option<PersoVersions>,
    unknown: Vec<UnknownElement>,
}

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
    let rest = data.get(offset..).unwrap_or(&[]);
    let h = der_header(rest).map_err(|e| e.into_parse_error(WHAT, offset, data.len()))?;
    let total = h
        .total_len()
        .ok_or(ParseError::new(WHAT, offset, ParseErrorKind::BadLength))?;
    let whole = rest.get(..total).ok_or(ParseError::new(
        WHAT,
        data.len(),
        ParseErrorKind::Truncated {
            needed: total.saturating_sub(rest.len()),
        },
    ))?;
    Ok(Element {
        tag: h.tag,
        offset,
        content_offset: offset + h.header_len,
        content: whole.get(h.header_len..).unwrap_or(&[]),
        whole,
    })
}

fn utf8(e: &Element<'_>) -> Result<String, ParseError> {
    core::str::from_utf8(e.content)
        .map(str::to_owned)
        .map_err(|err| {
            ParseError::new(
                WHAT,
                e.content_offset + err.valid_up_to(),
                ParseErrorKind::BadText,
            )
        })
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
    /// Errors use `Parsed::File(FileId::TokenInfo)` and the byte offset in the file:
    /// [`ParseErrorKind::Empty`] (empty or zero file), [`ParseErrorKind::UnexpectedTag`] (not a
    /// SEQUENCE, or version/serial out of place), [`ParseErrorKind::Missing`] (no token flags),
    /// [`ParseErrorKind::BadValueLength`], [`ParseErrorKind::Truncated`],
    /// [`ParseErrorKind::BadLength`], [`ParseErrorKind::BadText`] (label not UTF-8).
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
        if version_el.content.is_empty() || version_el.content.len() > 4 {
            return Err(ParseError::new(
                WHAT,
                version_el.offset,
                ParseErrorKind::BadValueLength {
                    tag: 0x02,
                    len: version_el.content.len(),
                },
            ));
        }
        let version = version_el
            .content
            .iter()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));

        let serial_el = element(body, version_el.offset + version_el.whole.len())?;
        if serial_el.tag != 0x04 {
            return Err(ParseError::new(
                WHAT,
                serial_el.offset,
                ParseErrorKind::UnexpectedTag { tag: serial_el.tag },
            ));
        }
        let serial: [u8; 16] = serial_el.content.try_into().map_err(|_| {
            ParseError::new(
                WHAT,
                serial_el.offset,
                ParseErrorKind::BadValueLength {
                    tag: 0x04,
                    len: serial_el.content.len(),
                },
            )
        })?;

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
                    manufacturer_id = Some(utf8(&e)?);
                }
                0x80 if label.is_none() && flags.is_none() => label = Some(utf8(&e)?),
                0x03 if flags.is_none() => {
                    let Some((_unused, bits)) = e.content.split_first() else {
                        return Err(ParseError::new(
                            WHAT,
                            e.offset,
                            ParseErrorKind::BadValueLength { tag: 0x03, len: 0 },
                        ));
                    };
                    flags = Some(TokenFlags {
                        bits: bits.first().copied().unwrap_or(0),
                    });
                }
                0x9E if perso_versions.is_none() => {
                    let [graphical, electrical, electrical_interface, rfu] = *e.content else {
                        return Err(ParseError::new(
                            WHAT,
                            e.offset,
                            ParseErrorKind::BadValueLength {
                                tag: 0x9E,
                                len: e.content.len(),
                            },
                        ));
                    };
                    perso_versions = Some(PersoVersions {
                        graphical,
                        electrical,
                        electrical_interface,
                        rfu,
                    });
                }
                _ => unknown.push(UnknownElement {
                    offset: e.offset,
                    bytes: e.whole.to_vec(),
                }),
            }
        }
        let flags = flags.ok_or(ParseError::new(
            WHAT,
            end,
            ParseErrorKind::Missing { tag: 0x03 },
        ))?;
        Ok(TokenInfo {
            raw: data.to_vec(),
            version,
            serial,
            manufacturer_id,
            label,
            flags,
            perso_versions,
            unknown,
        })
    }

    /// The file content as read.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The TokenInfo version (`0`).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The token serial number = chip serial number (= GET CARD DATA bytes 0–15, file bytes
    /// 7–22, spec §9.2, §11.4).
    pub fn serial(&self) -> &[u8; 16] {
        &self.serial
    }

    /// The PKCS#15 manufacturerID (absent on Belpic cards).
    pub fn manufacturer_id(&self) -> Option<&str> {
        self.manufacturer_id.as_deref()
    }

    /// The token label (`BELPIC`).
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The token flags.
    pub fn flags(&self) -> TokenFlags {
        self.flags
    }

    /// The BELPIC-specific version bytes (`9E 04 …`), when present.
    pub fn perso_versions(&self) -> Option<PersoVersions> {
        self.perso_versions
    }

    /// Elements of the SEQUENCE this parser does not interpret.
    pub fn unknown_elements(&self) -> &[UnknownElement] {
        &self.unknown
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
        assert_eq!(ti.version(), 0);
        assert_eq!(ti.serial()[..], data[7..23]);
        assert_eq!(ti.label(), Some("BELPIC"));
        assert_eq!(ti.manufacturer_id(), None);
        assert_eq!(ti.flags(), TokenFlags { bits: 0x30 });
        assert!(ti.flags().prn_generation());
        assert!(ti.flags().eid_compliant());
        assert!(!ti.flags().read_only());
        assert!(!ti.flags().login_required());
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
        assert_eq!(ti.serial(), &[0xAB; 16]);
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
        assert_eq!(
            TokenInfo::parse(&d).unwrap_err(),
            ParseError::new(
                what,
                35,
                ParseErrorKind::BadValueLength { tag: 0x9E, len: 3 }
            )
        );
        // Flags missing.
        let mut d = sample([4, 2, 0, 0]);
        d[31] = 0x81; // 03 → 81: an unknown context element
        let err = TokenInfo::parse(&d).unwrap_err();
        assert_eq!(
            err,
            ParseError::new(what, 41, ParseErrorKind::Missing { tag: 0x03 })
        );
        // Label not UTF-8.
        let mut d = sample([4, 2, 0, 0]);
        d[26] = 0xFF;
        assert_eq!(
            TokenInfo::parse(&d).unwrap_err(),
            ParseError::new(what, 26, ParseErrorKind::BadText)
        );
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
    }
}
