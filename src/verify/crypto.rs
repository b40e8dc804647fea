//! The signature primitives of the verification: RSA PKCS#1 v1.5 with the digest found in the
//! signature, ECDSA over the curves the eID PKI uses, hashes (spec §7.2–§7.5, §12.2).
//!
//! Everything goes through aws-lc-rs, except one thing it lacks: the raw RSA public operation,
//! needed to read the `DigestInfo` a signature holds (readers must take the digest from the data,
//! spec §7.2) and to verify keys under 1024 bits (test PKIs use 512). That operation is done with
//! `crypto-bigint` (public values only, so variable time is fine) and is the slow path: the fast
//! path is aws-lc-rs with the likeliest digest, and the raw operation runs only when aws-lc-rs
//! cannot take the key size or the likeliest digest was wrong.

use aws_lc_rs::{constant_time, digest, signature as sig};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use der::Decode;
use der::asn1::{AnyRef, ObjectIdentifier as Oid, OctetStringRef, UintRef};

use crate::error::VerificationFailure as Failure;
use crate::files::EcCurve;
use crate::vocab::HashAlgorithm;

/// A public key taken from a `SubjectPublicKeyInfo`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PublicKey<'a> {
    /// RSA: modulus and exponent, big-endian without leading zeros.
    Rsa { n: &'a [u8], e: &'a [u8] },
    /// EC: curve and uncompressed point.
    Ec { curve: EcCurve, point: &'a [u8] },
}

#[derive(der::Sequence)]
struct RsaPublicKeyDer<'a> {
    n: UintRef<'a>,
    e: UintRef<'a>,
}

#[derive(der::Sequence)]
struct AlgorithmIdentifierDer<'a> {
    oid: Oid,
    parameters: Option<AnyRef<'a>>,
}

#[derive(der::Sequence)]
struct DigestInfoDer<'a> {
    algorithm: AlgorithmIdentifierDer<'a>,
    digest: &'a OctetStringRef,
}

impl<'a> PublicKey<'a> {
    /// Parse a DER `SubjectPublicKeyInfo` (RSA or EC).
    pub(crate) fn from_spki(spki_der: &'a [u8]) -> Result<PublicKey<'a>, Failure> {
        let spki =
            spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|_| Failure::MalformedKey)?;
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or(Failure::MalformedKey)?;
        if spki.algorithm.oid == rfc5912::RSA_ENCRYPTION {
            let key = RsaPublicKeyDer::from_der(bits).map_err(|_| Failure::MalformedKey)?;
            Ok(PublicKey::Rsa {
                n: key.n.as_bytes(),
                e: key.e.as_bytes(),
            })
        } else if spki.algorithm.oid == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .map(EcCurve::from_oid)
                .ok_or(Failure::MalformedKey)?;
            Ok(PublicKey::Ec { curve, point: bits })
        } else {
            Err(Failure::UnsupportedKey)
        }
    }

    /// The RSA modulus size in bits, or the EC field size in bits.
    pub(crate) fn bits(&self) -> usize {
        match self {
            PublicKey::Rsa { n, .. } => rsa_bits(n),
            PublicKey::Ec { curve, .. } => match curve {
                EcCurve::P256 => 256,
                EcCurve::P384 => 384,
                EcCurve::P521 => 521,
                _ => 0,
            },
        }
    }
}

fn rsa_bits(n: &[u8]) -> usize {
    match n.first() {
        Some(b) => n.len() * 8 - b.leading_zeros() as usize,
        None => 0,
    }
}

/// The hash of `data`; `None` for MD5.
pub(crate) fn hash(hash: HashAlgorithm, data: &[u8]) -> Option<digest::Digest> {
    hash.digest(data)
}

/// The hash algorithm named by a `DigestInfo` OID.
fn hash_of_oid(oid: ObjectIdentifier) -> Option<HashAlgorithm> {
    Some(match oid {
        o if o == rfc5912::ID_SHA_1 => HashAlgorithm::Sha1,
        o if o == rfc5912::ID_SHA_224 => HashAlgorithm::Sha224,
        o if o == rfc5912::ID_SHA_256 => HashAlgorithm::Sha256,
        o if o == rfc5912::ID_SHA_384 => HashAlgorithm::Sha384,
        o if o == rfc5912::ID_SHA_512 => HashAlgorithm::Sha512,
        o if o == SHA3_256 => HashAlgorithm::Sha3_256,
        o if o == SHA3_384 => HashAlgorithm::Sha3_384,
        o if o == SHA3_512 => HashAlgorithm::Sha3_512,
        _ => return None,
    })
}

/// ecdsa-with-SHA1 (ANSI X9.62).
const ECDSA_WITH_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
const SHA3_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.8");
const SHA3_384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.9");
const SHA3_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.10");

/// aws-lc-rs parameters for PKCS#1 v1.5 with `hash` and a modulus of `bits`, when it has them.
fn aws_rsa_params(hash: HashAlgorithm, bits: usize) -> Option<&'static sig::RsaParameters> {
    if !(1024..=8192).contains(&bits) {
        return None;
    }
    Some(match hash {
        HashAlgorithm::Sha1 => &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        HashAlgorithm::Sha256 => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        HashAlgorithm::Sha384 if bits >= 2048 => &sig::RSA_PKCS1_2048_8192_SHA384,
        HashAlgorithm::Sha512 => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        _ => return None,
    })
}

/// `signature^e mod n`, big-endian, as long as the modulus: the PKCS#1 encoded message.
fn rsa_public_op(n: &[u8], e: &[u8], signature: &[u8]) -> Result<Vec<u8>, Failure> {
    use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
    use crypto_bigint::{BoxedUint, Odd};

    let k = n.len();
    if k == 0 || e.is_empty() || e.len() > 8 {
        return Err(Failure::MalformedKey);
    }
    if signature.len() != k {
        return Err(Failure::MalformedSignature);
    }
    let precision = u32::try_from(k.div_ceil(8) * 64).map_err(|_| Failure::MalformedKey)?;
    let modulus = BoxedUint::from_be_slice(n, precision).map_err(|_| Failure::MalformedKey)?;
    let modulus = Odd::new(modulus)
        .into_option()
        .ok_or(Failure::MalformedKey)?;
    let s =
        BoxedUint::from_be_slice(signature, precision).map_err(|_| Failure::MalformedSignature)?;
    if s >= *modulus.as_ref() {
        return Err(Failure::BadSignature);
    }
    let exponent = BoxedUint::from_be_slice(e, 64).map_err(|_| Failure::MalformedKey)?;
    let params = BoxedMontyParams::new_vartime(modulus);
    let m = BoxedMontyForm::new(s, &params)
        .pow_bounded_exp(&exponent, (e.len() * 8) as u32)
        .retrieve();
    let bytes = m.to_be_bytes();
    let start = bytes
        .len()
        .checked_sub(k)
        .ok_or(Failure::MalformedSignature)?;
    Ok(bytes.get(start..).unwrap_or(&[]).to_vec())
}

/// Open a PKCS#1 v1.5 type-1 encoded message: `00 01 FF…FF 00 DigestInfo` (at least 8 `FF`),
/// giving the hash algorithm and the digest it names.
fn open_pkcs1_v15(em: &[u8]) -> Result<(HashAlgorithm, &[u8]), Failure> {
    let rest = match em {
        [0x00, 0x01, rest @ ..] => rest,
        _ => return Err(Failure::BadSignature),
    };
    let pad = rest.iter().take_while(|b| **b == 0xFF).count();
    let info = match rest.get(pad..) {
        Some([0x00, info @ ..]) if pad >= 8 => info,
        _ => return Err(Failure::BadSignature),
    };
    let info = DigestInfoDer::from_der(info).map_err(|_| Failure::BadSignature)?;
    if let Some(p) = info.algorithm.parameters
        && !p.is_null()
    {
        return Err(Failure::UnsupportedAlgorithm);
    }
    let hash = hash_of_oid(info.algorithm.oid).ok_or(Failure::UnsupportedAlgorithm)?;
    let digest = info.digest.as_bytes();
    if digest.len() != hash.digest_len() {
        return Err(Failure::BadSignature);
    }
    Ok((hash, digest))
}

/// How the hash of an RSA PKCS#1 v1.5 signature is chosen.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RsaDigest {
    /// Whatever the signature's `DigestInfo` names; try this one first (the fast path).
    FromSignature { likely: HashAlgorithm },
    /// Exactly this one (a certificate's signature algorithm names it).
    Exactly(HashAlgorithm),
}

/// Verify an RSA PKCS#1 v1.5 signature over `message`; returns the hash algorithm it used.
pub(crate) fn verify_rsa_pkcs1(
    n: &[u8],
    e: &[u8],
    message: &[u8],
    signature: &[u8],
    digest: RsaDigest,
) -> Result<HashAlgorithm, Failure> {
    let bits = rsa_bits(n);
    let first = match digest {
        RsaDigest::FromSignature { likely } | RsaDigest::Exactly(likely) => likely,
    };
    if let Some(params) = aws_rsa_params(first, bits) {
        let key = sig::RsaPublicKeyComponents { n, e };
        if key.verify(params, message, signature).is_ok() {
            return Ok(first);
        }
    }
    // Slow path: open the signature to see which digest it holds and compare.
    let em = rsa_public_op(n, e, signature)?;
    let (hash, expected) = open_pkcs1_v15(&em)?;
    if let RsaDigest::Exactly(wanted) = digest
        && wanted != hash
    {
        return Err(Failure::BadSignature);
    }
    let actual = self::hash(hash, message).ok_or(Failure::UnsupportedAlgorithm)?;
    constant_time::verify_slices_are_equal(actual.as_ref(), expected)
        .map_err(|_| Failure::DigestMismatch { hash })?;
    Ok(hash)
}

/// The aws-lc-rs ECDSA algorithm (DER signatures) for a curve and a hash.
fn aws_ecdsa(
    curve: EcCurve,
    hash: HashAlgorithm,
) -> Option<&'static sig::EcdsaVerificationAlgorithm> {
    use HashAlgorithm as H;
    Some(match (curve, hash) {
        (EcCurve::P256, H::Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
        (EcCurve::P256, H::Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
        (EcCurve::P256, H::Sha512) => &sig::ECDSA_P256_SHA512_ASN1,
        (EcCurve::P384, H::Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
        (EcCurve::P384, H::Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
        (EcCurve::P384, H::Sha512) => &sig::ECDSA_P384_SHA512_ASN1,
        (EcCurve::P384, H::Sha3_384) => &sig::ECDSA_P384_SHA3_384_ASN1,
        (EcCurve::P521, H::Sha1) => &sig::ECDSA_P521_SHA1_ASN1,
        (EcCurve::P521, H::Sha224) => &sig::ECDSA_P521_SHA224_ASN1,
        (EcCurve::P521, H::Sha256) => &sig::ECDSA_P521_SHA256_ASN1,
        (EcCurve::P521, H::Sha384) => &sig::ECDSA_P521_SHA384_ASN1,
        (EcCurve::P521, H::Sha512) => &sig::ECDSA_P521_SHA512_ASN1,
        _ => return None,
    })
}

/// Bytes of one coordinate (and of `r` or `s`) on a curve.
pub(crate) fn coordinate_len(curve: EcCurve) -> Option<usize> {
    match curve {
        EcCurve::P256 => Some(32),
        EcCurve::P384 => Some(48),
        EcCurve::P521 => Some(66),
        _ => None,
    }
}

/// Verify a DER ECDSA signature over `message` with `hash`.
pub(crate) fn verify_ecdsa_der(
    curve: EcCurve,
    point: &[u8],
    hash: HashAlgorithm,
    message: &[u8],
    signature_der: &[u8],
) -> Result<(), Failure> {
    let alg = aws_ecdsa(curve, hash).ok_or(Failure::UnsupportedAlgorithm)?;
    let key = sig::UnparsedPublicKey::new(alg, point);
    match key.verify(message, signature_der) {
        Ok(()) => Ok(()),
        Err(_) => Err(if sig::ParsedPublicKey::new(alg, point).is_err() {
            Failure::MalformedKey
        } else {
            Failure::BadSignature
        }),
    }
}

/// The DER ECDSA signatures a signature file may hold: the DER `SEQUENCE` followed by zero
/// padding (spec §7.2: "the length … can be found by adding 2 to the value of its second
/// byte", long form accepted too), or raw `r‖s` of twice the coordinate length (converted to
/// DER). Both readings are offered when a raw `r‖s` happens to start like DER.
pub(crate) fn ecdsa_signature_candidates(
    file: &[u8],
    curve: EcCurve,
) -> Result<Vec<Vec<u8>>, Failure> {
    let mut out = Vec::new();
    if let Some(len) = crate::files::der_len(file)
        && file.first() == Some(&0x30)
        && let (Some(der), Some(rest)) = (file.get(..len), file.get(len..))
        && rest.iter().all(|b| *b == 0)
    {
        out.push(der.to_vec());
    }
    if let Some(c) = coordinate_len(curve)
        && file.len() == 2 * c
    {
        out.push(crate::card::ecdsa_der(file));
    }
    if out.is_empty() {
        Err(Failure::MalformedSignature)
    } else {
        Ok(out)
    }
}

/// Verify an ECDSA signature file (DER + padding, or raw `r‖s`) over `message` with `hash`.
pub(crate) fn verify_ecdsa_file(
    curve: EcCurve,
    point: &[u8],
    hash: HashAlgorithm,
    message: &[u8],
    file: &[u8],
) -> Result<(), Failure> {
    let mut last = Failure::MalformedSignature;
    for candidate in ecdsa_signature_candidates(file, curve)? {
        match verify_ecdsa_der(curve, point, hash, message, &candidate) {
            Ok(()) => return Ok(()),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Verify a raw `r‖s` P-384 signature over a 48-byte value used directly as the SHA-384
/// digest: the chip challenge of spec §7.5 (the card signs the 48 input bytes as an
/// already-computed SHA-384 value, as eid-mw verifies it with `ECDSA_do_verify`).
pub(crate) fn verify_p384_prehashed(
    point: &[u8],
    digest48: &[u8],
    signature_rs: &[u8],
) -> Result<(), Failure> {
    let d = digest::Digest::import_less_safe(digest48, &digest::SHA384)
        .map_err(|_| Failure::MalformedSignature)?;
    let key = sig::UnparsedPublicKey::new(&sig::ECDSA_P384_SHA384_FIXED, point);
    key.verify_digest(&d, signature_rs)
        .map_err(|_| Failure::BadSignature)
}

/// Verify `signature` (in the form X.509 certificates use: PKCS#1 bytes, or DER ECDSA) over
/// `message` with the algorithm of a certificate's `signatureAlgorithm` OID.
pub(crate) fn verify_x509_signature(
    key: PublicKey<'_>,
    algorithm: ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<(), Failure> {
    use HashAlgorithm as H;
    let rsa_hash = match algorithm {
        a if a == rfc5912::SHA_1_WITH_RSA_ENCRYPTION => Some(H::Sha1),
        a if a == rfc5912::SHA_224_WITH_RSA_ENCRYPTION => Some(H::Sha224),
        a if a == rfc5912::SHA_256_WITH_RSA_ENCRYPTION => Some(H::Sha256),
        a if a == rfc5912::SHA_384_WITH_RSA_ENCRYPTION => Some(H::Sha384),
        a if a == rfc5912::SHA_512_WITH_RSA_ENCRYPTION => Some(H::Sha512),
        _ => None,
    };
    let ec_hash = match algorithm {
        a if a == ECDSA_WITH_SHA1 => Some(H::Sha1),
        a if a == rfc5912::ECDSA_WITH_SHA_224 => Some(H::Sha224),
        a if a == rfc5912::ECDSA_WITH_SHA_256 => Some(H::Sha256),
        a if a == rfc5912::ECDSA_WITH_SHA_384 => Some(H::Sha384),
        a if a == rfc5912::ECDSA_WITH_SHA_512 => Some(H::Sha512),
        _ => None,
    };
    match (key, rsa_hash, ec_hash) {
        (PublicKey::Rsa { n, e }, Some(h), None) => {
            verify_rsa_pkcs1(n, e, message, signature, RsaDigest::Exactly(h)).map(|_| ())
        }
        (PublicKey::Ec { curve, point }, None, Some(h)) => {
            verify_ecdsa_der(curve, point, h, message, signature)
        }
        (_, None, None) => Err(Failure::UnsupportedAlgorithm),
        _ => Err(Failure::UnsupportedKey),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs1_opening_finds_the_digest_info() {
        let prefix = HashAlgorithm::Sha256.digest_info_prefix().unwrap_or(&[]);
        let mut em = vec![0x00, 0x01];
        em.extend(std::iter::repeat_n(0xFF, 202));
        em.push(0x00);
        em.extend_from_slice(prefix);
        em.extend_from_slice(&[7u8; 32]);
        let (hash, digest) = open_pkcs1_v15(&em).expect("opens");
        assert_eq!(hash, HashAlgorithm::Sha256);
        assert_eq!(digest, &[7u8; 32]);
        // Short padding, wrong block type, trailing garbage: refused.
        assert!(open_pkcs1_v15(&[0x00, 0x01, 0xFF, 0x00]).is_err());
        em[1] = 0x02;
        assert_eq!(open_pkcs1_v15(&em), Err(Failure::BadSignature));
    }

    #[test]
    fn ec_signature_file_forms() {
        let mut file = vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02];
        file.extend([0u8; 20]);
        let c = ecdsa_signature_candidates(&file, EcCurve::P384).expect("DER");
        assert_eq!(c, vec![file[..8].to_vec()]);
        // Non-zero bytes after the DER: not a padded DER signature.
        file[10] = 1;
        assert!(ecdsa_signature_candidates(&file, EcCurve::P384).is_err());
        // 96 bytes: raw r‖s.
        let raw = [0x11u8; 96];
        assert_eq!(
            ecdsa_signature_candidates(&raw, EcCurve::P384)
                .expect("raw")
                .len(),
            1
        );
    }
}
