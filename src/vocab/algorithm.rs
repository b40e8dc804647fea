//! Typed signature algorithms per generation (spec §8.7, §8.8): the MSE:SET algorithm
//! reference bytes overlap between generations (`01` is RSA PKCS#1 on 1.7 but ECDSA-SHA-256 on
//! 1.8), so each generation has its own enum and [`SignatureAlgorithm`] says which.

use crate::vocab::{AlgorithmReference, Generation};

/// A hash function, as far as the card's algorithms and DigestInfos name them (spec §8.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// MD5 (16 bytes; 1.7 algorithm `04`, "backward compatibility only").
    Md5,
    /// SHA-1 (20 bytes).
    Sha1,
    /// SHA-224 (28 bytes).
    Sha224,
    /// SHA-256 (32 bytes).
    Sha256,
    /// SHA-384 (48 bytes).
    Sha384,
    /// SHA-512 (64 bytes).
    Sha512,
    /// SHA3-256 (32 bytes; 1.8 only).
    Sha3_256,
    /// SHA3-384 (48 bytes; 1.8 only).
    Sha3_384,
    /// SHA3-512 (64 bytes; 1.8 only).
    Sha3_512,
}

#[cfg(any(feature = "verify", feature = "cms"))]
impl HashAlgorithm {
    /// The aws-lc-rs digest algorithm of this hash; `None` for MD5 (never computed here).
    pub(crate) fn aws_lc(self) -> Option<&'static aws_lc_rs::digest::Algorithm> {
        use aws_lc_rs::digest as d;
        Some(match self {
            HashAlgorithm::Sha1 => &d::SHA1_FOR_LEGACY_USE_ONLY,
            HashAlgorithm::Sha224 => &d::SHA224,
            HashAlgorithm::Sha256 => &d::SHA256,
            HashAlgorithm::Sha384 => &d::SHA384,
            HashAlgorithm::Sha512 => &d::SHA512,
            HashAlgorithm::Sha3_256 => &d::SHA3_256,
            HashAlgorithm::Sha3_384 => &d::SHA3_384,
            HashAlgorithm::Sha3_512 => &d::SHA3_512,
            HashAlgorithm::Md5 => return None,
        })
    }

    /// The hash of `data` (aws-lc-rs); `None` for MD5.
    pub(crate) fn digest(self, data: &[u8]) -> Option<aws_lc_rs::digest::Digest> {
        self.aws_lc()
            .map(|alg| aws_lc_rs::digest::digest(alg, data))
    }
}

impl HashAlgorithm {
    /// The hash a card of `generation` signs with by default: SHA-384 on P-384 cards
    /// (algorithm `02`), SHA-256 on RSA cards (`08` on 1.7; a DigestInfo with `01` on V1,
    /// which has no SHA-256 algorithm of its own), the hashes eid-mw uses (spec §8.7, §8.8).
    pub const fn default_for(generation: Generation) -> Self {
        if generation.is_ec() {
            HashAlgorithm::Sha384
        } else {
            HashAlgorithm::Sha256
        }
    }

    /// Length of the digest in bytes.
    pub const fn digest_len(self) -> usize {
        match self {
            HashAlgorithm::Md5 => 16,
            HashAlgorithm::Sha1 => 20,
            HashAlgorithm::Sha224 => 28,
            HashAlgorithm::Sha256 | HashAlgorithm::Sha3_256 => 32,
            HashAlgorithm::Sha384 | HashAlgorithm::Sha3_384 => 48,
            HashAlgorithm::Sha512 | HashAlgorithm::Sha3_512 => 64,
        }
    }

    /// The DER `DigestInfo` prefix that precedes the digest in a PKCS#1 v1.5 signature
    /// (spec §8.8, as eid-mw, the minidriver and commons-eid send them); `None` for SHA-3.
    pub const fn digest_info_prefix(self) -> Option<&'static [u8]> {
        Some(match self {
            HashAlgorithm::Md5 => &[
                0x30, 0x20, 0x30, 0x0C, 0x06, 0x08, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05,
                0x05, 0x00, 0x04, 0x10,
            ],
            HashAlgorithm::Sha1 => &[
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A, 0x05, 0x00, 0x04,
                0x14,
            ],
            HashAlgorithm::Sha224 => &[
                0x30, 0x2D, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x04, 0x05, 0x00, 0x04, 0x1C,
            ],
            HashAlgorithm::Sha256 => &[
                0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            HashAlgorithm::Sha384 => &[
                0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            HashAlgorithm::Sha512 => &[
                0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
            HashAlgorithm::Sha3_256 | HashAlgorithm::Sha3_384 | HashAlgorithm::Sha3_512 => {
                return None;
            }
        })
    }
}

/// The RSA algorithms of applet 1.7 (and, `Pkcs1*` with MD5/SHA-1 only, of V1 cards) (spec §8.7
/// table, RM17 §6.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum RsaAlgorithm {
    /// `01`: PKCS#1 v1.5, no predefined hash: the host sends a DigestInfo (≤ 245 bytes on
    /// RSA-2048) and the card pads. Used for SHA-384/SHA-512 and caller-supplied DigestInfos.
    Pkcs1,
    /// `02`: PKCS#1 v1.5 with SHA-1 (20-byte hash).
    Pkcs1Sha1,
    /// `04`: PKCS#1 v1.5 with MD5 (16-byte hash).
    Pkcs1Md5,
    /// `08`: PKCS#1 v1.5 with SHA-256 (32-byte hash; applet 1.7 only).
    Pkcs1Sha256,
    /// `10`: RSASSA-PSS with SHA-1, salt 20 (applet 1.7 only).
    PssSha1,
    /// `20`: RSASSA-PSS with SHA-256, salt 32 (applet 1.7 only).
    PssSha256,
}

/// The ECDSA algorithms of applet 1.8 (spec §8.7 table, RM18 §6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum EcdsaAlgorithm {
    /// `01`: ECDSA with SHA-256 (32-byte hash).
    Sha256,
    /// `02`: ECDSA with SHA-384 (48-byte hash).
    Sha384,
    /// `04`: ECDSA with SHA-512 (64-byte hash).
    Sha512,
    /// `08`: ECDSA with SHA3-256.
    Sha3_256,
    /// `10`: ECDSA with SHA3-384.
    Sha3_384,
    /// `20`: ECDSA with SHA3-512.
    Sha3_512,
    /// `40`: ECDSA, hash not specified (20, 28, 32, 48 or 64 bytes).
    Raw,
}

/// A signature algorithm of one generation: what MSE:SET selects and PSO:CDS then expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// An RSA algorithm (V1, 1.7).
    Rsa(RsaAlgorithm),
    /// An ECDSA algorithm (1.8).
    Ecdsa(EcdsaAlgorithm),
}

impl SignatureAlgorithm {
    /// The MSE:SET algorithm reference byte (spec §8.7).
    pub const fn reference(self) -> AlgorithmReference {
        AlgorithmReference(match self {
            SignatureAlgorithm::Rsa(a) => match a {
                RsaAlgorithm::Pkcs1 => 0x01,
                RsaAlgorithm::Pkcs1Sha1 => 0x02,
                RsaAlgorithm::Pkcs1Md5 => 0x04,
                RsaAlgorithm::Pkcs1Sha256 => 0x08,
                RsaAlgorithm::PssSha1 => 0x10,
                RsaAlgorithm::PssSha256 => 0x20,
            },
            SignatureAlgorithm::Ecdsa(a) => match a {
                EcdsaAlgorithm::Sha256 => 0x01,
                EcdsaAlgorithm::Sha384 => 0x02,
                EcdsaAlgorithm::Sha512 => 0x04,
                EcdsaAlgorithm::Sha3_256 => 0x08,
                EcdsaAlgorithm::Sha3_384 => 0x10,
                EcdsaAlgorithm::Sha3_512 => 0x20,
                EcdsaAlgorithm::Raw => 0x40,
            },
        })
    }

    /// The hash whose bare digest PSO:CDS takes, `None` when the DTBS is a DigestInfo
    /// ([`RsaAlgorithm::Pkcs1`]) or any hash ([`EcdsaAlgorithm::Raw`]).
    pub const fn hash(self) -> Option<HashAlgorithm> {
        match self {
            SignatureAlgorithm::Rsa(a) => match a {
                RsaAlgorithm::Pkcs1 => None,
                RsaAlgorithm::Pkcs1Sha1 | RsaAlgorithm::PssSha1 => Some(HashAlgorithm::Sha1),
                RsaAlgorithm::Pkcs1Md5 => Some(HashAlgorithm::Md5),
                RsaAlgorithm::Pkcs1Sha256 | RsaAlgorithm::PssSha256 => Some(HashAlgorithm::Sha256),
            },
            SignatureAlgorithm::Ecdsa(a) => match a {
                EcdsaAlgorithm::Sha256 => Some(HashAlgorithm::Sha256),
                EcdsaAlgorithm::Sha384 => Some(HashAlgorithm::Sha384),
                EcdsaAlgorithm::Sha512 => Some(HashAlgorithm::Sha512),
                EcdsaAlgorithm::Sha3_256 => Some(HashAlgorithm::Sha3_256),
                EcdsaAlgorithm::Sha3_384 => Some(HashAlgorithm::Sha3_384),
                EcdsaAlgorithm::Sha3_512 => Some(HashAlgorithm::Sha3_512),
                EcdsaAlgorithm::Raw => None,
            },
        }
    }

    /// True when a card of `generation` implements the algorithm (spec §8.7: V1 only `01`,
    /// `02`, `04`; 1.7 every RSA algorithm; 1.8 only ECDSA).
    pub const fn is_supported_by(self, generation: Generation) -> bool {
        match (self, generation) {
            (SignatureAlgorithm::Ecdsa(_), g) => g.is_ec(),
            (SignatureAlgorithm::Rsa(a), Generation::V1) => matches!(
                a,
                RsaAlgorithm::Pkcs1 | RsaAlgorithm::Pkcs1Sha1 | RsaAlgorithm::Pkcs1Md5
            ),
            (SignatureAlgorithm::Rsa(_), g) => !g.is_ec(),
        }
    }

    /// The algorithm to use for a bare digest of `hash` on a card of `generation`: the card's
    /// native algorithm where it has one (as eid-mw does), else PKCS#1 with a DigestInfo
    /// (SHA-384/512 on RSA cards); `None` when the card cannot sign that hash (SHA-3 on RSA).
    pub const fn for_digest(generation: Generation, hash: HashAlgorithm) -> Option<Self> {
        if generation.is_ec() {
            Some(SignatureAlgorithm::Ecdsa(match hash {
                HashAlgorithm::Sha256 => EcdsaAlgorithm::Sha256,
                HashAlgorithm::Sha384 => EcdsaAlgorithm::Sha384,
                HashAlgorithm::Sha512 => EcdsaAlgorithm::Sha512,
                HashAlgorithm::Sha3_256 => EcdsaAlgorithm::Sha3_256,
                HashAlgorithm::Sha3_384 => EcdsaAlgorithm::Sha3_384,
                HashAlgorithm::Sha3_512 => EcdsaAlgorithm::Sha3_512,
                HashAlgorithm::Md5 | HashAlgorithm::Sha1 | HashAlgorithm::Sha224 => {
                    EcdsaAlgorithm::Raw
                }
            }))
        } else {
            match hash {
                HashAlgorithm::Sha1 => Some(SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1Sha1)),
                HashAlgorithm::Md5 => Some(SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1Md5)),
                HashAlgorithm::Sha256 if !matches!(generation, Generation::V1) => {
                    Some(SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1Sha256))
                }
                HashAlgorithm::Sha3_256 | HashAlgorithm::Sha3_384 | HashAlgorithm::Sha3_512 => None,
                _ => Some(SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_overlap_only_across_generations() {
        let rsa = SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1);
        let ec = SignatureAlgorithm::Ecdsa(EcdsaAlgorithm::Sha256);
        assert_eq!(rsa.reference(), ec.reference());
        assert!(rsa.is_supported_by(Generation::Applet17));
        assert!(!rsa.is_supported_by(Generation::Applet18));
        assert!(ec.is_supported_by(Generation::Applet18));
        assert!(!SignatureAlgorithm::Rsa(RsaAlgorithm::PssSha256).is_supported_by(Generation::V1));
    }

    #[test]
    fn digest_info_prefixes_end_with_the_digest_length() {
        for h in [
            HashAlgorithm::Md5,
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha224,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let p = h.digest_info_prefix().unwrap();
            assert_eq!(usize::from(*p.last().unwrap()), h.digest_len());
            assert_eq!(usize::from(p[1]) + 2, p.len() + h.digest_len());
        }
    }

    #[test]
    fn default_algorithms() {
        use HashAlgorithm::*;
        let g17 = Generation::Applet17;
        assert_eq!(
            SignatureAlgorithm::for_digest(g17, Sha256),
            Some(SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1Sha256))
        );
        assert_eq!(
            SignatureAlgorithm::for_digest(g17, Sha384),
            Some(SignatureAlgorithm::Rsa(RsaAlgorithm::Pkcs1))
        );
        assert_eq!(SignatureAlgorithm::for_digest(g17, Sha3_256), None);
        assert_eq!(
            SignatureAlgorithm::for_digest(Generation::Applet18, Sha384),
            Some(SignatureAlgorithm::Ecdsa(EcdsaAlgorithm::Sha384))
        );
    }
}
