//! Errors of the verification layer ([`crate::verify`]): which check failed, on which file or
//! certificate, and why (spec §7, §12.2).

use crate::error::ParseError;
use crate::vocab::{FileId, HashAlgorithm};

/// One check of the verification (spec §7, §12.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Check {
    /// EF(SGN#ID) over EF(ID#RN) under the RRN certificate (spec §7.2).
    IdentitySignature,
    /// EF(SGN#Address) over the trimmed address file followed by EF(SGN#ID) (spec §7.3).
    AddressSignature,
    /// The photo hash of identity tag 0x11 against EF(ID#Photo) (spec §7.4).
    PhotoHash,
    /// Applet 1.8: SHA-384 of EF(PuK#1) against identity tag 0x1A (spec §7.5).
    BasicKeyHash,
    /// Applet 1.8: INTERNAL AUTHENTICATE of a fresh challenge verifies under EF(PuK#1)
    /// (spec §7.5, §8.11). Needs the card.
    ChipChallenge,
    /// The RRN certificate (EF Cert#8) chains to a trusted root (spec §7.1, §12.2).
    RrnChain,
    /// The authentication certificate (EF Cert#2) chains through the CA (EF Cert#4) to a
    /// trusted root (spec §12.2).
    AuthenticationChain,
    /// The non-repudiation certificate (EF Cert#3) chains through the CA to a trusted root.
    NonRepudiationChain,
    /// The national number of the identity file equals the `serialNumber` of the holder
    /// certificates.
    NationalNumber,
    /// The chip number agrees between GET CARD DATA, EF(TokenInfo) and identity tag 0x02.
    ChipNumber,
    /// Revocation status of a certificate (OCSP or CRL).
    Revocation,
}

impl Check {
    /// Every check, in report order.
    pub const ALL: [Check; 11] = [
        Check::IdentitySignature,
        Check::AddressSignature,
        Check::PhotoHash,
        Check::BasicKeyHash,
        Check::ChipChallenge,
        Check::RrnChain,
        Check::AuthenticationChain,
        Check::NonRepudiationChain,
        Check::NationalNumber,
        Check::ChipNumber,
        Check::Revocation,
    ];

    /// A short stable name (`identity_signature`, …), as in the serialized report.
    pub const fn name(self) -> &'static str {
        match self {
            Check::IdentitySignature => "identity_signature",
            Check::AddressSignature => "address_signature",
            Check::PhotoHash => "photo_hash",
            Check::BasicKeyHash => "basic_key_hash",
            Check::ChipChallenge => "chip_challenge",
            Check::RrnChain => "rrn_chain",
            Check::AuthenticationChain => "authentication_chain",
            Check::NonRepudiationChain => "non_repudiation_chain",
            Check::NationalNumber => "national_number",
            Check::ChipNumber => "chip_number",
            Check::Revocation => "revocation",
        }
    }

    /// The card file whose content the check is about.
    pub const fn file(self) -> Option<FileId> {
        match self {
            Check::IdentitySignature => Some(FileId::IdentitySignature),
            Check::AddressSignature => Some(FileId::AddressSignature),
            Check::PhotoHash => Some(FileId::Photo),
            Check::BasicKeyHash | Check::ChipChallenge => Some(FileId::BasicPublicKey),
            Check::RrnChain => Some(FileId::RrnCertificate),
            Check::AuthenticationChain => Some(FileId::AuthenticationCertificate),
            Check::NonRepudiationChain => Some(FileId::NonRepudiationCertificate),
            Check::NationalNumber => Some(FileId::Identity),
            Check::ChipNumber | Check::Revocation => None,
        }
    }
}

impl core::fmt::Display for Check {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Check::IdentitySignature => "identity signature",
            Check::AddressSignature => "address signature",
            Check::PhotoHash => "photo hash",
            Check::BasicKeyHash => "basic key hash",
            Check::ChipChallenge => "chip challenge",
            Check::RrnChain => "RRN certificate chain",
            Check::AuthenticationChain => "authentication certificate chain",
            Check::NonRepudiationChain => "non-repudiation certificate chain",
            Check::NationalNumber => "national number consistency",
            Check::ChipNumber => "chip number consistency",
            Check::Revocation => "revocation",
        })
    }
}

/// Which certificate of a chain a failure is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CertRole {
    /// The root CA (EF Cert#6 or the caller's).
    Root,
    /// The citizen or foreigner CA (EF Cert#4).
    Ca,
    /// The RRN certificate (EF Cert#8).
    Rrn,
    /// The authentication certificate (EF Cert#2).
    Authentication,
    /// The non-repudiation certificate (EF Cert#3).
    NonRepudiation,
}

impl CertRole {
    /// The card file that holds this certificate.
    pub const fn file(self) -> FileId {
        match self {
            CertRole::Root => FileId::RootCertificate,
            CertRole::Ca => FileId::CaCertificate,
            CertRole::Rrn => FileId::RrnCertificate,
            CertRole::Authentication => FileId::AuthenticationCertificate,
            CertRole::NonRepudiation => FileId::NonRepudiationCertificate,
        }
    }
}

impl core::fmt::Display for CertRole {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CertRole::Root => "root certificate",
            CertRole::Ca => "CA certificate",
            CertRole::Rrn => "RRN certificate",
            CertRole::Authentication => "authentication certificate",
            CertRole::NonRepudiation => "non-repudiation certificate",
        })
    }
}

/// A key usage a certificate must carry (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RequiredUsage {
    /// `digitalSignature` (authentication certificates).
    DigitalSignature,
    /// `nonRepudiation` / `contentCommitment` (non-repudiation certificates).
    NonRepudiation,
    /// `digitalSignature` or `nonRepudiation` (the RRN certificate).
    DataSigning,
    /// `keyCertSign` (CA and root certificates).
    KeyCertSign,
}

impl core::fmt::Display for RequiredUsage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            RequiredUsage::DigitalSignature => "digitalSignature",
            RequiredUsage::NonRepudiation => "nonRepudiation",
            RequiredUsage::DataSigning => "digitalSignature or nonRepudiation",
            RequiredUsage::KeyCertSign => "keyCertSign",
        })
    }
}

/// Why a check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerificationFailure {
    /// The signature does not verify under the key (wrong key, or data changed after signing).
    BadSignature,
    /// RSA: the signature opens to a well-formed `DigestInfo` for `hash`, but the digest is not
    /// the one of the data (the data changed after signing).
    DigestMismatch {
        /// The hash algorithm named by the signature's `DigestInfo`.
        hash: HashAlgorithm,
    },
    /// The signature uses an algorithm this library does not verify (an unknown `DigestInfo`
    /// or certificate signature OID, RSA-PSS in a certificate, MD5).
    UnsupportedAlgorithm,
    /// The key cannot make this kind of signature (an RSA signature file with an EC RRN key, an
    /// unknown curve, an unknown key algorithm).
    UnsupportedKey,
    /// The key is not a valid public key of its kind (bad modulus, point not on the curve).
    MalformedKey,
    /// The signature bytes cannot be decoded (EC DER framing broken, wrong length for the key).
    MalformedSignature,
    /// A file or certificate needed by the check cannot be parsed.
    Malformed(ParseError),
    /// A file needed by the check is absent or empty.
    MissingFile(FileId),
    /// A field needed by the check is absent from the identity file (tag 0x11, 0x1A, 0x02).
    MissingField {
        /// The identity tag.
        tag: u8,
    },
    /// A stored hash has a length that names no hash algorithm (expected 20, 32 or 48).
    UnexpectedHashLength {
        /// The length found.
        len: usize,
    },
    /// The hash of the data differs from the stored hash.
    HashMismatch {
        /// The hash algorithm used (chosen from the stored hash's length).
        hash: HashAlgorithm,
    },
    /// The chain ends at a root whose SHA-256 fingerprint the trust store does not hold.
    UnknownRoot {
        /// SHA-256 of the root certificate's DER.
        fingerprint: [u8; 32],
    },
    /// No root certificate was given (the card's EF Cert#6 is empty and the trust store holds
    /// no root certificate that issued the chain).
    NoRoot,
    /// A certificate's issuer name is not the subject name of the next certificate up.
    IssuerMismatch {
        /// The certificate whose issuer does not match.
        cert: CertRole,
    },
    /// A certificate is not valid yet at the instant of verification.
    NotYetValid {
        /// Which certificate.
        cert: CertRole,
        /// Its notBefore, Unix seconds.
        not_before: u64,
        /// The instant of verification, Unix seconds.
        at: u64,
    },
    /// A certificate has expired at the instant of verification.
    Expired {
        /// Which certificate.
        cert: CertRole,
        /// Its notAfter, Unix seconds.
        not_after: u64,
        /// The instant of verification, Unix seconds.
        at: u64,
    },
    /// A certificate's signature does not verify under its issuer's key.
    CertificateSignature {
        /// The certificate whose signature fails.
        cert: CertRole,
        /// What was wrong with it.
        reason: CertSignatureFailure,
    },
    /// An issuing certificate is not a CA (basicConstraints absent or `cA` false).
    NotCa {
        /// Which certificate.
        cert: CertRole,
    },
    /// An end-entity certificate claims to be a CA.
    UnexpectedCa {
        /// Which certificate.
        cert: CertRole,
    },
    /// A certificate lacks a key usage its role needs.
    KeyUsage {
        /// Which certificate.
        cert: CertRole,
        /// The usage it should carry.
        required: RequiredUsage,
    },
    /// Two values that must agree do not (national number vs certificate serialNumber, chip
    /// numbers).
    Mismatch {
        /// Which value disagrees with the identity file.
        with: MismatchSource,
    },
    /// A check the policy requires was not performed (the chip challenge of an offline
    /// verification, revocation without revocation data).
    NotPerformed,
    /// The card answered the chip challenge with an error or an unusable answer.
    ChallengeRefused,
    /// Revocation: the certificate is revoked.
    Revoked {
        /// Which certificate.
        cert: CertRole,
        /// Revocation time, Unix seconds.
        at: u64,
        /// CRL reason code (RFC 5280 §5.3.1), when given.
        reason: Option<u8>,
    },
    /// Revocation: the responder does not know the certificate.
    RevocationUnknown {
        /// Which certificate.
        cert: CertRole,
    },
    /// Revocation: the response or CRL is outside its validity (thisUpdate/nextUpdate) at the
    /// instant of verification.
    RevocationStale {
        /// Which certificate.
        cert: CertRole,
    },
    /// Revocation: the response or CRL is not signed by the issuer (or a responder it
    /// delegated), or cannot be decoded.
    RevocationBadResponse {
        /// Which certificate.
        cert: CertRole,
    },
}

/// What was wrong with a certificate's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CertSignatureFailure {
    /// The signature does not verify under the issuer's key.
    BadSignature,
    /// The signature algorithm is not supported.
    UnsupportedAlgorithm,
    /// The issuer's key cannot make this signature or is malformed.
    UnsupportedKey,
}

/// The value that disagrees in a [`VerificationFailure::Mismatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MismatchSource {
    /// The `serialNumber` of the authentication certificate's subject.
    AuthenticationCertificate,
    /// The `serialNumber` of the non-repudiation certificate's subject.
    NonRepudiationCertificate,
    /// The chip serial number of GET CARD DATA (bytes 0–15).
    CardData,
    /// The serial number of EF(TokenInfo).
    TokenInfo,
}

impl core::fmt::Display for MismatchSource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            MismatchSource::AuthenticationCertificate => "the authentication certificate",
            MismatchSource::NonRepudiationCertificate => "the non-repudiation certificate",
            MismatchSource::CardData => "GET CARD DATA",
            MismatchSource::TokenInfo => "EF(TokenInfo)",
        })
    }
}

fn hex(bytes: &[u8], f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

fn unix(at: u64, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let days = (at / 86_400) as i64;
    let secs = at % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    write!(
        f,
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

impl core::fmt::Display for VerificationFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use VerificationFailure as V;
        match self {
            V::BadSignature => f.write_str("the signature does not verify under the key"),
            V::DigestMismatch { hash } => write!(
                f,
                "the signature holds a {hash:?} digest that is not the digest of the data"
            ),
            V::UnsupportedAlgorithm => f.write_str("unsupported signature algorithm"),
            V::UnsupportedKey => f.write_str("the key cannot make this signature"),
            V::MalformedKey => f.write_str("malformed public key"),
            V::MalformedSignature => f.write_str("malformed signature"),
            V::Malformed(e) => write!(f, "{e}"),
            V::MissingFile(file) => write!(f, "file {file} is absent or empty"),
            V::MissingField { tag } => write!(f, "identity tag {tag:02X} is absent"),
            V::UnexpectedHashLength { len } => {
                write!(f, "stored hash of {len} bytes (expected 20, 32 or 48)")
            }
            V::HashMismatch { hash } => {
                write!(f, "{hash:?} of the data differs from the stored hash")
            }
            V::UnknownRoot { fingerprint } => {
                f.write_str("root certificate with SHA-256 fingerprint ")?;
                hex(fingerprint, f)?;
                f.write_str(" is not in the trust store")
            }
            V::NoRoot => f.write_str("no root certificate (card EF Cert#6 empty, none given)"),
            V::IssuerMismatch { cert } => {
                write!(
                    f,
                    "the issuer of the {cert} is not the next certificate's subject"
                )
            }
            V::NotYetValid {
                cert,
                not_before,
                at,
            } => {
                write!(f, "the {cert} is not valid before ")?;
                unix(*not_before, f)?;
                f.write_str(" (checked at ")?;
                unix(*at, f)?;
                f.write_str(")")
            }
            V::Expired {
                cert,
                not_after,
                at,
            } => {
                write!(f, "the {cert} expired ")?;
                unix(*not_after, f)?;
                f.write_str(" (checked at ")?;
                unix(*at, f)?;
                f.write_str(")")
            }
            V::CertificateSignature { cert, reason } => write!(
                f,
                "the signature of the {cert}: {}",
                match reason {
                    CertSignatureFailure::BadSignature => "does not verify under the issuer's key",
                    CertSignatureFailure::UnsupportedAlgorithm => "unsupported algorithm",
                    CertSignatureFailure::UnsupportedKey => "issuer key unusable",
                }
            ),
            V::NotCa { cert } => write!(f, "the {cert} is not a CA (basicConstraints)"),
            V::UnexpectedCa { cert } => write!(f, "the {cert} claims to be a CA"),
            V::KeyUsage { cert, required } => {
                write!(f, "the {cert} lacks key usage {required}")
            }
            V::Mismatch { with } => write!(f, "the identity file disagrees with {with}"),
            V::NotPerformed => f.write_str("required but not performed"),
            V::ChallengeRefused => f.write_str("the card refused the challenge"),
            V::Revoked { cert, at, reason } => {
                write!(f, "the {cert} was revoked ")?;
                unix(*at, f)?;
                match reason {
                    Some(r) => write!(f, " (reason {r})"),
                    None => Ok(()),
                }
            }
            V::RevocationUnknown { cert } => {
                write!(f, "the responder does not know the {cert}")
            }
            V::RevocationStale { cert } => {
                write!(
                    f,
                    "the revocation information for the {cert} is out of date"
                )
            }
            V::RevocationBadResponse { cert } => write!(
                f,
                "the revocation response for the {cert} is not validly signed or not decodable"
            ),
        }
    }
}

/// A failed verification check: which check and why (spec §7, §12.2).
///
/// `Copy`: it carries no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{check} failed: {failure}")]
#[non_exhaustive]
pub struct VerificationError {
    check: Check,
    failure: VerificationFailure,
}

impl VerificationError {
    /// Build a verification error.
    pub const fn new(check: Check, failure: VerificationFailure) -> Self {
        VerificationError { check, failure }
    }

    /// The check that failed.
    pub const fn check(&self) -> Check {
        self.check
    }

    /// Why it failed.
    pub const fn failure(&self) -> VerificationFailure {
        self.failure
    }

    /// The card file the failure is about: the certificate that failed for chain failures,
    /// the file that is missing or malformed, else the check's file.
    pub fn file(&self) -> Option<FileId> {
        use VerificationFailure as V;
        match self.failure {
            V::MissingFile(file) => Some(file),
            V::Malformed(e) => match e.what() {
                crate::error::Parsed::File(file) => Some(file),
                _ => self.check.file(),
            },
            V::IssuerMismatch { cert }
            | V::NotYetValid { cert, .. }
            | V::Expired { cert, .. }
            | V::CertificateSignature { cert, .. }
            | V::NotCa { cert }
            | V::UnexpectedCa { cert }
            | V::KeyUsage { cert, .. }
            | V::Revoked { cert, .. }
            | V::RevocationUnknown { cert }
            | V::RevocationStale { cert }
            | V::RevocationBadResponse { cert } => Some(cert.file()),
            _ => self.check.file(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_check_and_reason() {
        let e = VerificationError::new(
            Check::AuthenticationChain,
            VerificationFailure::Expired {
                cert: CertRole::Authentication,
                not_after: 1_700_000_000,
                at: 1_800_000_000,
            },
        );
        let text = e.to_string();
        assert!(
            text.starts_with("authentication certificate chain failed"),
            "{text}"
        );
        assert!(text.contains("2023-11-14 22:13:20 UTC"), "{text}");
        assert_eq!(e.file(), Some(FileId::AuthenticationCertificate));
        let root = VerificationError::new(
            Check::RrnChain,
            VerificationFailure::UnknownRoot {
                fingerprint: [0xAB; 32],
            },
        );
        assert!(root.to_string().contains(&"ab".repeat(32)));
    }
}
