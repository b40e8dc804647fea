//! X.509 certificates of the certificate files EF(Cert#2..#8) (spec §2.1, §2.2, §7.1, §11.7,
//! §12.2).
//!
//! A certificate file holds the DER certificate followed by zero bytes (50 on 1.7, 1100 on 1.8);
//! a missing certificate is a file of zero bytes only (1300 on 1.7, 2500 on 1.8) (spec §2.2,
//! §11.7). Readers trim by the DER length, never by the trailing zeros (spec §2.2): so does
//! [`Certificate::parse`], and [`der_len`] gives the read path the length from the first bytes.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc4519;
use der::{Decode, Encode};
use x509_cert::ext::pkix::KeyUsage;
use x509_cert::ext::pkix::name::DirectoryString;
use x509_cert::name::Name;
use x509_cert::time::Time;

use crate::error::{ParseError, ParseErrorKind, Parsed};
use crate::files::NationalNumber;
use crate::files::der::{der_error, der_sequence};
use crate::files::key_kind::KeyKind;
use crate::vocab::FileId;

// ---------------------------------------------------------------------------------------------
// Certificate.
// ---------------------------------------------------------------------------------------------

/// An X.509 certificate read from a certificate file (spec §2.1: EF(Cert#2) authentication,
/// EF(Cert#3) non-repudiation, EF(Cert#4) CA, EF(Cert#6) root, EF(Cert#8) RRN).
///
/// Keeps the whole file ([`raw`](Self::raw), with its zero padding) next to the exact DER
/// ([`der`](Self::der)) and the decoded certificate ([`inner`](Self::inner)).
///
/// The subject of a holder certificate carries the national number in its `serialNumber`
/// attribute: `Debug` prints only the common names, validity and key, with the subject serial
/// masked; [`holder_national_number`](Self::holder_national_number) and
/// [`subject_serial_number`](Self::subject_serial_number) reveal it on request.
///
/// With the `serde` feature the certificate serializes as its DER bytes (the padding is not
/// kept) and deserializes by parsing them again.
#[derive(Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "Vec<u8>", into = "Vec<u8>"))]
pub struct Certificate {
    raw: Vec<u8>,
    der_len: usize,
    cert: x509_cert::Certificate,
    key: KeyKind,
    spki_der: Vec<u8>,
    key_usage: Option<KeyUsage>,
}

impl Certificate {
    /// Parse the content of a certificate file: one DER certificate followed by any number of
    /// trailing bytes (zero padding, spec §2.2). The certificate is cut at the length its DER
    /// header states, as eid-mw does ("use real length from decoder", spec §2.2); the bytes
    /// after it are ignored but kept in [`raw`](Self::raw).
    ///
    /// Errors (all with [`Parsed::Certificate`]; use [`Certificate::parse_file`] or
    /// [`ParseError::within`] to name the file):
    /// - [`ParseErrorKind::Empty`] at offset 0 when the file holds no certificate (empty or
    ///   starting with `00`, see [`Certificate::is_absent`]);
    /// - [`ParseErrorKind::BadFormat`] when it does not start with a SEQUENCE (`30`);
    /// - [`ParseErrorKind::BadLength`] for an invalid DER length;
    /// - [`ParseErrorKind::Truncated`] when the file ends before the DER does;
    /// - [`ParseErrorKind::Der`] when the DER is not a valid X.509 certificate.
    pub fn parse(file: &[u8]) -> Result<Certificate, ParseError> {
        const WHAT: Parsed = Parsed::Certificate;
        if Self::is_absent(file) {
            return Err(ParseError::new(WHAT, 0, ParseErrorKind::Empty));
        }
        let der = der_sequence(file, WHAT)?;
        let der_len = der.len();
        let cert = x509_cert::Certificate::from_der(der).map_err(|e| der_error(WHAT, 0, e))?;
        let tbs = cert.tbs_certificate();
        let spki = tbs.subject_public_key_info();
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        let key = KeyKind::classify(
            spki.algorithm.oid,
            curve,
            spki.subject_public_key.raw_bytes(),
        );
        let spki_der = spki.to_der().map_err(|e| der_error(WHAT, 0, e))?;
        let key_usage = tbs
            .get_extension::<KeyUsage>()
            .ok()
            .flatten()
            .map(|(_critical, ku)| ku);
        Ok(Certificate {
            raw: file.to_vec(),
            der_len,
            cert,
            key,
            spki_der,
            key_usage,
        })
    }

    /// [`Certificate::parse`] with errors attributed to the card file they come from
    /// (`Parsed::File(file)`).
    pub fn parse_file(file: FileId, data: &[u8]) -> Result<Certificate, ParseError> {
        Self::parse(data).map_err(|e| e.within(Parsed::File(file)))
    }

    /// True when a certificate file holds no certificate: empty, or starting with `00`
    /// (missing certificates are files of zero bytes, 1300 on 1.7 and 2500 on 1.8, spec §2.2,
    /// §11.7; the Dart reader treats a first byte `00` as "no certificate").
    pub fn is_absent(file: &[u8]) -> bool {
        !matches!(file.first(), Some(b) if *b != 0)
    }

    /// The whole file content as given to [`parse`](Self::parse), padding included.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The exact DER encoding of the certificate (padding removed).
    pub fn der(&self) -> &[u8] {
        self.raw.get(..self.der_len).unwrap_or(&self.raw)
    }

    /// Length of the file content given to [`parse`](Self::parse) (DER plus padding).
    pub fn file_len(&self) -> usize {
        self.raw.len()
    }

    /// The decoded certificate.
    pub fn inner(&self) -> &x509_cert::Certificate {
        &self.cert
    }

    /// The subject name. For holder certificates it contains the national number
    /// (`serialNumber` attribute): do not log it.
    pub fn subject(&self) -> &Name {
        self.cert.tbs_certificate().subject()
    }

    /// The issuer name.
    pub fn issuer(&self) -> &Name {
        self.cert.tbs_certificate().issuer()
    }

    /// Subject common name (e.g. `Alice SPECIMEN (Authentication)`, `Citizen CA`, `RRN`).
    pub fn subject_common_name(&self) -> Option<String> {
        name_attribute(self.subject(), rfc4519::COMMON_NAME)
    }

    /// Subject surname (`SN`, OID 2.5.4.4) of a holder certificate.
    pub fn subject_surname(&self) -> Option<String> {
        name_attribute(self.subject(), rfc4519::SURNAME)
    }

    /// Subject given names (`GN`, OID 2.5.4.42) of a holder certificate.
    pub fn subject_given_name(&self) -> Option<String> {
        name_attribute(self.subject(), rfc4519::GIVEN_NAME)
    }

    /// Subject `serialNumber` attribute (OID 2.5.4.5): the national number on holder
    /// certificates, year+sequence (e.g. `202002`) on CA certificates (spec §12.2).
    /// **Reveals personal data**; prefer [`holder_national_number`](Self::holder_national_number).
    pub fn subject_serial_number(&self) -> Option<String> {
        name_attribute(self.subject(), rfc4519::SERIAL_NUMBER)
    }

    /// The national number of the holder: the subject `serialNumber` attribute when it is
    /// exactly 11 ASCII digits (spec §6.9). `None` on CA/RRN certificates.
    pub fn holder_national_number(&self) -> Option<NationalNumber> {
        self.subject_serial_number()
            .and_then(|s| NationalNumber::from_digits(s.as_bytes()))
    }

    /// Issuer common name (e.g. `Citizen CA`, `Belgium Root CA6`).
    pub fn issuer_common_name(&self) -> Option<String> {
        name_attribute(self.issuer(), rfc4519::COMMON_NAME)
    }

    /// Start of the validity period.
    pub fn not_before(&self) -> Time {
        self.cert.tbs_certificate().validity().not_before
    }

    /// End of the validity period.
    pub fn not_after(&self) -> Time {
        self.cert.tbs_certificate().validity().not_after
    }

    /// Start of the validity period, in seconds since the Unix epoch.
    pub fn not_before_unix(&self) -> u64 {
        self.not_before().to_unix_duration().as_secs()
    }

    /// End of the validity period, in seconds since the Unix epoch.
    pub fn not_after_unix(&self) -> u64 {
        self.not_after().to_unix_duration().as_secs()
    }

    /// True when `unix_seconds` lies within the validity period (bounds included).
    pub fn is_valid_at(&self, unix_seconds: u64) -> bool {
        (self.not_before_unix()..=self.not_after_unix()).contains(&unix_seconds)
    }

    /// The certificate serial number, big-endian two's complement bytes as encoded.
    pub fn serial_number(&self) -> &[u8] {
        self.cert.tbs_certificate().serial_number().as_bytes()
    }

    /// The kind of the subject public key.
    pub fn key_kind(&self) -> KeyKind {
        self.key
    }

    /// The DER encoding of the `SubjectPublicKeyInfo`.
    pub fn subject_public_key_info_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// The key usage extension, when present and decodable (authentication certificates:
    /// digitalSignature; non-repudiation certificates: nonRepudiation; spec §12.1).
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.key_usage
    }

    /// The key usage bits (bit 0 = digitalSignature, bit 1 = nonRepudiation, … as
    /// [`x509_cert::ext::pkix::KeyUsages`]), when the extension is present.
    pub fn key_usage_bits(&self) -> Option<u16> {
        self.key_usage.map(|ku| ku.0.bits())
    }

    /// The signature algorithm OID of the certificate.
    pub fn signature_algorithm(&self) -> ObjectIdentifier {
        self.cert.signature_algorithm().oid
    }
}

/// First value of `oid` in `name` as text; `None` when absent or not a directory string.
fn name_attribute(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name.by_oid::<DirectoryString>(oid)
        .ok()
        .flatten()
        .map(|d| d.value().into_owned())
}

impl PartialEq for Certificate {
    /// Two certificates are equal when their DER encodings are (padding is ignored).
    fn eq(&self, other: &Self) -> bool {
        self.der() == other.der()
    }
}

impl Eq for Certificate {}

impl core::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let serial = self
            .subject_serial_number()
            .map(|_| "<redacted>")
            .unwrap_or("<none>");
        f.debug_struct("Certificate")
            .field("subject_common_name", &self.subject_common_name())
            .field("subject_serial_number", &format_args!("{serial}"))
            .field("issuer_common_name", &self.issuer_common_name())
            .field("not_before", &format_args!("{}", self.not_before()))
            .field("not_after", &format_args!("{}", self.not_after()))
            .field("key", &self.key)
            .field("der_len", &self.der_len)
            .field("file_len", &self.raw.len())
            .finish()
    }
}

impl TryFrom<Vec<u8>> for Certificate {
    type Error = ParseError;

    /// Parse DER bytes (or a certificate file) with [`Certificate::parse`].
    fn try_from(bytes: Vec<u8>) -> Result<Self, ParseError> {
        Certificate::parse(&bytes)
    }
}

impl From<Certificate> for Vec<u8> {
    /// The exact DER bytes.
    fn from(cert: Certificate) -> Vec<u8> {
        let mut raw = cert.raw;
        raw.truncate(cert.der_len);
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::der::{DerHeader, HeaderError, der_header, der_len};
    use crate::files::key_kind::{EcCurve, rsa_modulus_bits};
    use const_oid::db::rfc5912;

    const RSA: &[u8] = include_bytes!("../../tests/data/rsa2048-auth.der");
    const EC: &[u8] = include_bytes!("../../tests/data/p384-sign.der");
    const CA: &[u8] = include_bytes!("../../tests/data/citizen-ca.der");

    /// 2024-01-01T00:00:00Z and 2034-01-01T00:00:00Z (tests/data/gen-objects.sh).
    const NOT_BEFORE: u64 = 1_704_067_200;
    const NOT_AFTER: u64 = 2_019_686_400;

    #[test]
    fn der_len_short_and_long_forms() {
        assert_eq!(der_len(&[0x30, 0x00]), Some(2));
        assert_eq!(der_len(&[0x30, 0x7F]), Some(0x81));
        assert_eq!(der_len(&[0x30, 0x81, 0x80]), Some(0x83));
        assert_eq!(der_len(&[0x30, 0x82, 0x02, 0xDA, 0x30]), Some(0x2DA + 4));
        assert_eq!(der_len(&[0x30, 0x83, 0x01, 0x00, 0x00]), Some(0x10000 + 5));
        assert_eq!(
            der_len(&[0x30, 0x84, 0x00, 0x01, 0x00, 0x00]),
            Some(0x10000 + 6)
        );
        // EC signature file: "adding 2 to the value of its second byte" (spec §7.2).
        assert_eq!(der_len(&[0x30, 0x65, 0x02, 0x31]), Some(0x67));
        // High tag number form.
        assert_eq!(der_len(&[0x9F, 0x1F, 0x03]), Some(6));
        assert_eq!(der_len(&[0xBF, 0x81, 0x00, 0x01]), Some(5));
    }

    #[test]
    fn der_len_incomplete_or_invalid() {
        assert_eq!(der_len(&[]), None);
        assert_eq!(der_len(&[0x30]), None);
        assert_eq!(der_len(&[0x30, 0x82]), None);
        assert_eq!(der_len(&[0x30, 0x82, 0x05]), None);
        assert_eq!(der_len(&[0x9F]), None);
        assert_eq!(der_len(&[0x00, 0x00]), None, "zero padding is not a TLV");
        assert_eq!(der_len(&[0x30, 0x80]), None, "indefinite length");
        assert_eq!(
            der_len(&[0x30, 0x85, 1, 2, 3, 4, 5]),
            None,
            "5 length bytes"
        );
        assert_eq!(der_len(&RSA[..4]), Some(RSA.len()));
        assert_eq!(der_len(&EC[..4]), Some(EC.len()));
    }

    #[test]
    fn der_header_errors_are_precise() {
        assert_eq!(
            der_header(&[0x30, 0x82, 0x05]),
            Err(HeaderError::Incomplete { needed: 1 })
        );
        assert_eq!(
            der_header(&[0x30, 0x80]),
            Err(HeaderError::Invalid { offset: 1 })
        );
        assert_eq!(
            der_header(&[0x04, 0x10, 0xAA]),
            Ok(DerHeader {
                tag: 0x04,
                header_len: 2,
                content_len: 16
            })
        );
    }

    #[test]
    fn rsa_certificate_fields() {
        let c = Certificate::parse(RSA).unwrap();
        assert_eq!(c.der(), RSA);
        assert_eq!(c.raw(), RSA);
        assert_eq!(c.file_len(), RSA.len());
        assert_eq!(
            c.subject_common_name().as_deref(),
            Some("Alice SPECIMEN (Authentication)")
        );
        assert_eq!(c.subject_surname().as_deref(), Some("SPECIMEN"));
        assert_eq!(c.subject_given_name().as_deref(), Some("Alice"));
        assert_eq!(c.subject_serial_number().as_deref(), Some("71715100070"));
        assert_eq!(c.holder_national_number().unwrap().reveal(), "71715100070");
        assert_eq!(c.issuer_common_name().as_deref(), Some("Citizen CA"));
        assert_eq!(c.issuer().country().unwrap().unwrap().as_str(), "BE");
        assert_eq!(c.not_before_unix(), NOT_BEFORE);
        assert_eq!(c.not_after_unix(), NOT_AFTER);
        assert!(c.is_valid_at(NOT_BEFORE));
        assert!(!c.is_valid_at(NOT_AFTER + 1));
        assert_eq!(
            c.serial_number(),
            &[
                0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0x00, 0xA0, 0xB0, 0xC0, 0xD0,
                0xE0, 0xF1
            ]
        );
        assert_eq!(c.key_kind(), KeyKind::Rsa { bits: 2048 });
        assert!(c.key_kind().is_rsa());
        let ku = c.key_usage().unwrap();
        assert!(ku.digital_signature());
        assert!(!ku.non_repudiation());
        assert_eq!(c.key_usage_bits(), Some(1));
        // SPKI: SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING } with a 2048-bit key.
        let spki = c.subject_public_key_info_der();
        assert_eq!(der_len(spki), Some(spki.len()));
        assert_eq!(spki.get(..4), Some(&[0x30, 0x82, 0x01, 0x22][..]));
        assert!(RSA.windows(spki.len()).any(|w| w == spki));
        assert_eq!(c.inner().tbs_certificate().subject(), c.subject());
    }

    #[test]
    fn ec_certificate_fields() {
        let c = Certificate::parse(EC).unwrap();
        assert_eq!(
            c.subject_common_name().as_deref(),
            Some("Alice SPECIMEN (Signature)")
        );
        assert_eq!(
            c.key_kind(),
            KeyKind::Ec {
                curve: EcCurve::P384
            }
        );
        assert_eq!(c.key_kind().curve().and_then(EcCurve::field_len), Some(48));
        assert_eq!(c.key_kind().to_string(), "EC P-384");
        assert!(c.key_usage().unwrap().non_repudiation());
        assert_eq!(c.key_usage_bits(), Some(2));
        assert_eq!(c.subject_public_key_info_der().len(), 120);
        assert_eq!(
            c.signature_algorithm(),
            const_oid::db::rfc5912::ECDSA_WITH_SHA_384
        );
    }

    #[test]
    fn ca_certificate_has_no_national_number() {
        let c = Certificate::parse(CA).unwrap();
        assert_eq!(c.subject_common_name().as_deref(), Some("Citizen CA"));
        assert_eq!(c.subject_serial_number(), None);
        assert_eq!(c.holder_national_number(), None);
        assert!(c.key_usage().unwrap().key_cert_sign());
    }

    #[test]
    fn padding_is_trimmed() {
        for (der, pad) in [(RSA, 50), (RSA, 1100), (EC, 1100), (EC, 0)] {
            let mut file = der.to_vec();
            file.resize(der.len() + pad, 0);
            let c = Certificate::parse(&file).unwrap();
            assert_eq!(c.der(), der);
            assert_eq!(c.file_len(), der.len() + pad);
            assert_eq!(c.raw(), &file[..]);
            assert_eq!(c, Certificate::parse(der).unwrap());
            assert_eq!(Vec::<u8>::from(c), der);
        }
    }

    #[test]
    fn absent_certificates() {
        for len in [0usize, 1, 1300, 2500] {
            let file = vec![0u8; len];
            assert!(Certificate::is_absent(&file));
            let err = Certificate::parse(&file).unwrap_err();
            assert_eq!(
                err,
                ParseError::new(Parsed::Certificate, 0, ParseErrorKind::Empty)
            );
        }
        assert!(!Certificate::is_absent(RSA));
        let err =
            Certificate::parse_file(FileId::NonRepudiationCertificate, &[0; 2500]).unwrap_err();
        assert_eq!(err.what(), Parsed::File(FileId::NonRepudiationCertificate));
    }

    #[test]
    fn truncation_at_every_length_is_a_typed_error() {
        for der in [RSA, EC, CA] {
            for len in 1..der.len() {
                let err = Certificate::parse(&der[..len]).unwrap_err();
                assert_eq!(err.what(), Parsed::Certificate);
                assert!(
                    matches!(err.kind(), ParseErrorKind::Truncated { .. }),
                    "len {len}: {err:?}"
                );
                if len >= 4 {
                    assert_eq!(
                        err.kind(),
                        ParseErrorKind::Truncated {
                            needed: der.len() - len
                        }
                    );
                    assert_eq!(err.offset(), len);
                }
            }
        }
    }

    #[test]
    fn corrupted_certificates_never_panic() {
        for der in [RSA, EC] {
            for i in 0..der.len() {
                for x in [0x00u8, 0x01, 0x80, 0xFF] {
                    let mut bad = der.to_vec();
                    bad[i] ^= x;
                    let _ = Certificate::parse(&bad);
                }
            }
        }
    }

    #[test]
    fn bad_formats() {
        let err = Certificate::parse(&[0x31, 0x03, 1, 2, 3]).unwrap_err();
        assert_eq!(err.kind(), ParseErrorKind::BadFormat);
        let err = Certificate::parse(&[0x30, 0x80, 0, 0]).unwrap_err();
        assert_eq!(err.kind(), ParseErrorKind::BadLength);
        assert_eq!(err.offset(), 1);
        let err = Certificate::parse(&[0x30, 0x03, 0x02, 0x01, 0x00]).unwrap_err();
        assert!(matches!(err.kind(), ParseErrorKind::Der(_)), "{err:?}");
        // Trailing non-zero bytes after the DER are ignored (eid-mw trims by DER length).
        let mut file = EC.to_vec();
        file.extend_from_slice(&[0xFF; 7]);
        assert_eq!(Certificate::parse(&file).unwrap().der(), EC);
    }

    #[test]
    fn debug_masks_the_national_number() {
        let c = Certificate::parse(RSA).unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("71715100070"), "{dbg}");
        assert!(!dbg.contains("7171510"), "{dbg}");
        assert!(dbg.contains("Alice SPECIMEN (Authentication)"), "{dbg}");
        assert!(dbg.contains("Citizen CA"), "{dbg}");
        assert!(dbg.contains("<redacted>"), "{dbg}");
        assert!(dbg.contains("2034"), "{dbg}");
        let dbg = format!("{:#?}", c.holder_national_number());
        assert!(!dbg.contains("71715100070"));
    }

    #[test]
    fn key_classification() {
        let other = ObjectIdentifier::new_unwrap("1.3.101.112");
        assert_eq!(KeyKind::classify(other, None, &[]), KeyKind::Other(other));
        assert_eq!(
            KeyKind::classify(rfc5912::ID_EC_PUBLIC_KEY, None, &[4]),
            KeyKind::Other(rfc5912::ID_EC_PUBLIC_KEY)
        );
        assert_eq!(
            KeyKind::classify(rfc5912::ID_EC_PUBLIC_KEY, Some(rfc5912::SECP_256_R_1), &[4]),
            KeyKind::Ec {
                curve: EcCurve::P256
            }
        );
        let brainpool = ObjectIdentifier::new_unwrap("1.3.36.3.3.2.8.1.1.11");
        assert_eq!(EcCurve::from_oid(brainpool), EcCurve::Other(brainpool));
        assert_eq!(EcCurve::P521.oid(), rfc5912::SECP_521_R_1);
        // RSAPublicKey with a 1024-bit modulus (leading 00 sign byte) and exponent 65537.
        let mut key = vec![0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00, 0xC1];
        key.extend_from_slice(&[0x55; 127]);
        key.extend_from_slice(&[0x02, 0x03, 0x01, 0x00, 0x01]);
        assert_eq!(rsa_modulus_bits(&key), Some(1024));
        assert_eq!(
            KeyKind::classify(rfc5912::RSA_ENCRYPTION, None, &key[..10]),
            KeyKind::Other(rfc5912::RSA_ENCRYPTION)
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_roundtrip_as_der() {
        let mut file = RSA.to_vec();
        file.resize(RSA.len() + 50, 0);
        let c = Certificate::parse(&file).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert!(!json.contains("Alice"));
        let back: Certificate = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.der(), RSA);
        assert!(serde_json::from_str::<Certificate>("[48,3,2,1,0]").is_err());
        let k = serde_json::to_string(&KeyKind::Other(rfc5912::ID_EC_PUBLIC_KEY)).unwrap();
        assert_eq!(k, r#"{"Other":"1.2.840.10045.2.1"}"#);
        let back: KeyKind = serde_json::from_str(&k).unwrap();
        assert_eq!(back, KeyKind::Other(rfc5912::ID_EC_PUBLIC_KEY));
    }
}
