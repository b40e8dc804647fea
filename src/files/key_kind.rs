//! The kinds of public keys on the card and in its certificates (spec §7.1, §7.5, §8.10): RSA by
//! modulus size, EC by named curve; unknown algorithms kept as data.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;

use crate::files::der::der_header;

/// A named elliptic curve of an EC public key (spec §7.1, §7.5: the 1.8 card keys and the CA6
/// hierarchy are P-384).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum EcCurve {
    /// NIST P-256 / secp256r1 (`1.2.840.10045.3.1.7`).
    P256,
    /// NIST P-384 / secp384r1 (`1.3.132.0.34`), the curve of applet 1.8.
    P384,
    /// NIST P-521 / secp521r1 (`1.3.132.0.35`).
    P521,
    /// Any other named curve, by its OID.
    Other(#[cfg_attr(feature = "serde", serde(with = "oid_serde"))] ObjectIdentifier),
}

impl EcCurve {
    /// Classify a named-curve OID.
    pub fn from_oid(oid: ObjectIdentifier) -> Self {
        if oid == rfc5912::SECP_256_R_1 {
            EcCurve::P256
        } else if oid == rfc5912::SECP_384_R_1 {
            EcCurve::P384
        } else if oid == rfc5912::SECP_521_R_1 {
            EcCurve::P521
        } else {
            EcCurve::Other(oid)
        }
    }

    /// The curve's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            EcCurve::P256 => rfc5912::SECP_256_R_1,
            EcCurve::P384 => rfc5912::SECP_384_R_1,
            EcCurve::P521 => rfc5912::SECP_521_R_1,
            EcCurve::Other(oid) => oid,
        }
    }

    /// Size in bytes of one coordinate (and of `r`/`s` in a raw signature): 32, 48, 66;
    /// `None` for other curves.
    pub const fn field_len(self) -> Option<usize> {
        match self {
            EcCurve::P256 => Some(32),
            EcCurve::P384 => Some(48),
            EcCurve::P521 => Some(66),
            EcCurve::Other(_) => None,
        }
    }
}

/// The kind of a subject public key (certificate key or basic key).
///
/// Keys the parser does not know are kept as data (their algorithm OID), never rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum KeyKind {
    /// RSA (`rsaEncryption`) with a modulus of this many bits (1024 on V1, 2048 on 1.7, 2048
    /// or 4096 for CA keys; spec §8.10, §12.2).
    Rsa {
        /// Modulus length in bits.
        bits: u16,
    },
    /// EC (`id-ecPublicKey`) on a named curve (P-384 on 1.8, spec §7.5).
    Ec {
        /// The curve.
        curve: EcCurve,
    },
    /// Any other algorithm, or an RSA/EC key whose parameters or modulus cannot be read, by
    /// its algorithm OID.
    Other(#[cfg_attr(feature = "serde", serde(with = "oid_serde"))] ObjectIdentifier),
}

impl KeyKind {
    /// Classify a key from its algorithm OID, its parameters (already decoded as a named-curve
    /// OID when they are one) and the contents of its `subjectPublicKey` BIT STRING.
    pub(crate) fn classify(
        algorithm: ObjectIdentifier,
        curve: Option<ObjectIdentifier>,
        key: &[u8],
    ) -> KeyKind {
        if algorithm == rfc5912::RSA_ENCRYPTION {
            match rsa_modulus_bits(key) {
                Some(bits) => KeyKind::Rsa { bits },
                None => KeyKind::Other(algorithm),
            }
        } else if algorithm == rfc5912::ID_EC_PUBLIC_KEY {
            match curve {
                Some(c) => KeyKind::Ec {
                    curve: EcCurve::from_oid(c),
                },
                None => KeyKind::Other(algorithm),
            }
        } else {
            KeyKind::Other(algorithm)
        }
    }

    /// True for an EC key.
    pub const fn is_ec(self) -> bool {
        matches!(self, KeyKind::Ec { .. })
    }

    /// True for an RSA key.
    pub const fn is_rsa(self) -> bool {
        matches!(self, KeyKind::Rsa { .. })
    }

    /// The curve of an EC key.
    pub const fn curve(self) -> Option<EcCurve> {
        match self {
            KeyKind::Ec { curve } => Some(curve),
            _ => None,
        }
    }
}

impl core::fmt::Display for KeyKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            KeyKind::Rsa { bits } => write!(f, "RSA-{bits}"),
            KeyKind::Ec {
                curve: EcCurve::P256,
            } => f.write_str("EC P-256"),
            KeyKind::Ec {
                curve: EcCurve::P384,
            } => f.write_str("EC P-384"),
            KeyKind::Ec {
                curve: EcCurve::P521,
            } => f.write_str("EC P-521"),
            KeyKind::Ec {
                curve: EcCurve::Other(oid),
            } => write!(f, "EC {oid}"),
            KeyKind::Other(oid) => write!(f, "algorithm {oid}"),
        }
    }
}

/// Bit length of the modulus of a PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, … }`.
pub(crate) fn rsa_modulus_bits(key: &[u8]) -> Option<u16> {
    let seq = der_header(key).ok()?;
    if seq.tag != 0x30 {
        return None;
    }
    let content = key.get(seq.header_len..seq.total_len()?)?;
    let int = der_header(content).ok()?;
    if int.tag != 0x02 {
        return None;
    }
    let modulus = content.get(int.header_len..int.total_len()?)?;
    let start = modulus.iter().position(|b| *b != 0)?;
    let significant = modulus.get(start..)?;
    let first = *significant.first()?;
    let bits = (significant.len() - 1)
        .checked_mul(8)?
        .checked_add(8 - first.leading_zeros() as usize)?;
    u16::try_from(bits).ok()
}

#[cfg(feature = "serde")]
mod oid_serde {
    //! OIDs as dotted strings.
    use const_oid::ObjectIdentifier;

    pub(super) fn serialize<S: serde::Serializer>(
        oid: &ObjectIdentifier,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_str(oid)
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<ObjectIdentifier, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        ObjectIdentifier::new(&s).map_err(serde::de::Error::custom)
    }
}
