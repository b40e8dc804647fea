//! EF(PuK#1 Basic) `3F00 DF01 4040`: the public basic key of applet 1.8 (spec §7.5, §2.1).
//!
//! The file is the DER `SubjectPublicKeyInfo` of a P-384 key, 120 bytes:
//! `30 76 30 10 06 07 2A 86 48 CE 3D 02 01 06 05 2B 81 04 00 22 03 62 00 04 <X 48> <Y 48>`.
//! Identity tag `0x1A` holds the SHA-384 of the whole file content ([`BasicPublicKey::raw`]),
//! and the key verifies the card's INTERNAL AUTHENTICATE answer (spec §7.5).

use der::Decode;
use spki::ObjectIdentifier;

use super::der::{der_error, der_sequence};
use super::key_kind::{EcCurve, KeyKind};
use crate::error::{ParseError, ParseErrorKind, Parsed};
use crate::vocab::FileId;

const WHAT: Parsed = Parsed::File(FileId::BasicPublicKey);

/// The public basic key of an applet 1.8 card (EF(PuK#1), spec §7.5).
///
/// Keys on curves other than P-384 (or of other algorithms) are kept as data: see
/// [`key_kind`](Self::key_kind) and [`is_p384`](Self::is_p384).
///
/// With the `serde` feature it serializes as the file bytes and deserializes by parsing them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Vec<u8>", into = "Vec<u8>"))]
pub struct BasicPublicKey {
    raw: Vec<u8>,
    spki_len: usize,
    key_len: usize,
    key: KeyKind,
}

impl BasicPublicKey {
    /// Length of the P-384 `SubjectPublicKeyInfo` of applet 1.8 (spec §2.2, §7.5).
    pub const P384_SPKI_LEN: usize = 120;

    /// Parse the content of EF(PuK#1): a DER `SubjectPublicKeyInfo`, optionally followed by
    /// padding (ignored but kept in [`raw`](Self::raw)).
    ///
    /// Errors use `Parsed::File(FileId::BasicPublicKey)`: [`ParseErrorKind::Empty`] (empty or
    /// starting with `00`), [`ParseErrorKind::BadFormat`] (not a SEQUENCE),
    /// [`ParseErrorKind::Truncated`], [`ParseErrorKind::BadLength`] and
    /// [`ParseErrorKind::Der`] (not a valid `SubjectPublicKeyInfo`).
    pub fn parse(data: &[u8]) -> Result<BasicPublicKey, ParseError> {
        if !matches!(data.first(), Some(b) if *b != 0) {
            return Err(ParseError::new(WHAT, 0, ParseErrorKind::Empty));
        }
        let der = der_sequence(data, WHAT)?;
        let spki_len = der.len();
        let spki =
            spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|e| der_error(WHAT, 0, e))?;
        let curve = spki
            .algorithm
            .parameters
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        let key_bytes = spki.subject_public_key.raw_bytes();
        let key = KeyKind::classify(spki.algorithm.oid, curve, key_bytes);
        Ok(BasicPublicKey {
            raw: data.to_vec(),
            spki_len,
            key_len: key_bytes.len(),
            key,
        })
    }

    /// The file content as read (the input of the identity tag `0x1A` hash, spec §7.5).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The exact DER `SubjectPublicKeyInfo` (padding removed).
    pub fn spki_der(&self) -> &[u8] {
        self.raw.get(..self.spki_len).unwrap_or(&self.raw)
    }

    /// The contents of the `subjectPublicKey` BIT STRING (for EC: the encoded point).
    pub fn public_key_bytes(&self) -> &[u8] {
        self.raw
            .get(self.spki_len.saturating_sub(self.key_len)..self.spki_len)
            .unwrap_or(&[])
    }

    /// The kind of key (EC P-384 on every 1.8 card).
    pub fn key_kind(&self) -> KeyKind {
        self.key
    }

    /// True for an EC P-384 key, the only kind applet 1.8 uses (spec §7.5).
    pub fn is_p384(&self) -> bool {
        self.key
            == KeyKind::Ec {
                curve: EcCurve::P384,
            }
    }

    /// The uncompressed EC point `04 ‖ X ‖ Y` (97 bytes for P-384), when the key is an EC key
    /// in uncompressed form of the size its curve implies (any odd size for unknown curves).
    pub fn uncompressed_point(&self) -> Option<&[u8]> {
        let curve = self.key.curve()?;
        let point = self.public_key_bytes();
        let ok_len = match curve.field_len() {
            Some(n) => point.len() == 1 + 2 * n,
            None => point.len() % 2 == 1,
        };
        (point.first() == Some(&0x04) && ok_len).then_some(point)
    }

    /// The X and Y coordinates of an uncompressed EC point.
    pub fn coordinates(&self) -> Option<(&[u8], &[u8])> {
        let point = self.uncompressed_point()?.get(1..)?;
        Some(point.split_at(point.len() / 2))
    }
}

impl TryFrom<Vec<u8>> for BasicPublicKey {
    type Error = ParseError;

    /// Parse with [`BasicPublicKey::parse`].
    fn try_from(bytes: Vec<u8>) -> Result<Self, ParseError> {
        BasicPublicKey::parse(&bytes)
    }
}

impl From<BasicPublicKey> for Vec<u8> {
    /// The file content ([`BasicPublicKey::raw`]).
    fn from(key: BasicPublicKey) -> Vec<u8> {
        key.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P384: &[u8] = include_bytes!("../../tests/data/basic-p384.spki.der");
    const P256: &[u8] = include_bytes!("../../tests/data/p256.spki.der");
    const CERT: &[u8] = include_bytes!("../../tests/data/rsa2048-auth.der");

    const P384_PREFIX: [u8; 24] = [
        0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x05,
        0x2B, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00, 0x04,
    ];

    #[test]
    fn p384_basic_key() {
        assert_eq!(P384.len(), BasicPublicKey::P384_SPKI_LEN);
        assert_eq!(
            P384[..24],
            P384_PREFIX,
            "fixture has the layout of spec §7.5"
        );
        let k = BasicPublicKey::parse(P384).unwrap();
        assert_eq!(k.raw(), P384);
        assert_eq!(k.spki_der(), P384);
        assert!(k.is_p384());
        assert_eq!(
            k.key_kind(),
            KeyKind::Ec {
                curve: EcCurve::P384
            }
        );
        let point = k.uncompressed_point().unwrap();
        assert_eq!(point.len(), 97);
        assert_eq!(point, &P384[23..]);
        let (x, y) = k.coordinates().unwrap();
        assert_eq!(x, &P384[24..72]);
        assert_eq!(y, &P384[72..]);
    }

    #[test]
    fn padding_is_tolerated() {
        let mut file = P384.to_vec();
        file.extend_from_slice(&[0; 8]);
        let k = BasicPublicKey::parse(&file).unwrap();
        assert_eq!(k.raw().len(), 128);
        assert_eq!(k.spki_der(), P384);
        assert_eq!(k.uncompressed_point().unwrap(), &P384[23..]);
    }

    #[test]
    fn other_curves_and_algorithms_are_kept() {
        let k = BasicPublicKey::parse(P256).unwrap();
        assert!(!k.is_p384());
        assert_eq!(
            k.key_kind(),
            KeyKind::Ec {
                curve: EcCurve::P256
            }
        );
        assert_eq!(k.uncompressed_point().unwrap().len(), 65);

        // An RSA SubjectPublicKeyInfo taken from a certificate.
        let cert = crate::files::Certificate::parse(CERT).unwrap();
        let k = BasicPublicKey::parse(cert.subject_public_key_info_der()).unwrap();
        assert_eq!(k.key_kind(), KeyKind::Rsa { bits: 2048 });
        assert_eq!(k.uncompressed_point(), None);
        assert_eq!(k.coordinates(), None);

        // Compressed point: not exposed as uncompressed.
        let mut compressed = P384[..72].to_vec();
        compressed[1] = 0x46;
        compressed[21] = 0x32;
        compressed[23] = 0x02;
        let k = BasicPublicKey::parse(&compressed).unwrap();
        assert!(k.is_p384());
        assert_eq!(k.public_key_bytes().len(), 49);
        assert_eq!(k.uncompressed_point(), None);
    }

    #[test]
    fn errors() {
        let what = Parsed::File(FileId::BasicPublicKey);
        for empty in [&[][..], &[0u8; 120][..]] {
            assert_eq!(
                BasicPublicKey::parse(empty).unwrap_err(),
                ParseError::new(what, 0, ParseErrorKind::Empty)
            );
        }
        let mut bad = P384.to_vec();
        bad[0] = 0x31;
        assert_eq!(
            BasicPublicKey::parse(&bad).unwrap_err(),
            ParseError::new(what, 0, ParseErrorKind::BadFormat)
        );
        let mut bad = P384.to_vec();
        bad[2] = 0x31;
        assert!(matches!(
            BasicPublicKey::parse(&bad).unwrap_err().kind(),
            ParseErrorKind::Der(_)
        ));
        for len in 1..P384.len() {
            let err = BasicPublicKey::parse(&P384[..len]).unwrap_err();
            assert_eq!(err.what(), what);
            assert!(
                matches!(err.kind(), ParseErrorKind::Truncated { .. }),
                "{len}: {err:?}"
            );
        }
        for i in 0..P384.len() {
            for x in [0x01u8, 0x80, 0xFF] {
                let mut d = P384.to_vec();
                d[i] ^= x;
                let _ = BasicPublicKey::parse(&d);
            }
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_roundtrip() {
        let k = BasicPublicKey::parse(P384).unwrap();
        let back: BasicPublicKey =
            serde_json::from_str(&serde_json::to_string(&k).unwrap()).unwrap();
        assert_eq!(back, k);
    }
}
