//! The integrity checks on raw file bytes: identity and address signatures, photo hash, basic
//! key hash (spec §7.2–§7.5).

use aws_lc_rs::constant_time;

use crate::error::VerificationFailure as Failure;
use crate::files::{Certificate, EcCurve};
use crate::tlv::record::without_trailing_zeros;
use crate::verify::crypto::{self, PublicKey, RsaDigest};
use crate::vocab::{FileId, HashAlgorithm};

/// The value of the first element with `tag` of a simplified-TLV file, when the walk reaches it.
pub(crate) fn tlv_value(file: &[u8], tag: u8) -> Option<&[u8]> {
    crate::tlv::iter(file)
        .map_while(Result::ok)
        .find(|t| t.tag == tag)
        .map(|t| t.value)
}

/// The hash algorithm of a stored hash, by its length (spec §7.4: 20/32/48 bytes).
pub(crate) fn hash_by_len(len: usize) -> Result<HashAlgorithm, Failure> {
    match len {
        20 => Ok(HashAlgorithm::Sha1),
        32 => Ok(HashAlgorithm::Sha256),
        48 => Ok(HashAlgorithm::Sha384),
        len => Err(Failure::UnexpectedHashLength { len }),
    }
}

/// The RRN certificate's key, from its DER (padding after the DER is accepted).
fn rrn_key(rrn_certificate_der: &[u8]) -> Result<Certificate, Failure> {
    if Certificate::is_absent(rrn_certificate_der) {
        return Err(Failure::MissingFile(FileId::RrnCertificate));
    }
    Certificate::parse_file(FileId::RrnCertificate, rrn_certificate_der).map_err(Failure::Malformed)
}

/// Verify a signature file made by the RRN key over `message` (spec §7.2): RSA PKCS#1 v1.5 with
/// the digest its `DigestInfo` names (`likely` tried first), or ECDSA with SHA-384 on P-384
/// (SHA-256 on P-256, SHA-512 on P-521), DER with zero padding or raw `r‖s`.
fn verify_rrn_signature(
    rrn: &Certificate,
    message: &[u8],
    signature_file: &[u8],
    likely: HashAlgorithm,
) -> Result<HashAlgorithm, Failure> {
    match PublicKey::from_spki(rrn.subject_public_key_info_der())? {
        PublicKey::Rsa { n, e } => {
            // An RSA signature is exactly as long as the modulus; a file longer than that is
            // cut only if the rest is zero padding.
            let k = n.len();
            let sig = match (signature_file.get(..k), signature_file.get(k..)) {
                (Some(sig), Some(rest)) if rest.iter().all(|b| *b == 0) => sig,
                _ => return Err(Failure::MalformedSignature),
            };
            crypto::verify_rsa_pkcs1(n, e, message, sig, RsaDigest::FromSignature { likely })
        }
        PublicKey::Ec { curve, point } => {
            let hash = match curve {
                EcCurve::P256 => HashAlgorithm::Sha256,
                EcCurve::P384 => HashAlgorithm::Sha384,
                EcCurve::P521 => HashAlgorithm::Sha512,
                _ => return Err(Failure::UnsupportedKey),
            };
            crypto::verify_ecdsa_file(curve, point, hash, message, signature_file)?;
            Ok(hash)
        }
    }
}

/// The digest most likely used by the RRN for the identity file: the one of the photo hash
/// (SHA-1 for 20 bytes, SHA-256 otherwise; re-signed 1.7 cards keep a SHA-1 photo hash under a
/// SHA-256 signature, which the `DigestInfo` then reveals, spec §7.2).
fn likely_digest(identity_file: &[u8]) -> HashAlgorithm {
    match tlv_value(identity_file, 0x11).map(<[u8]>::len) {
        Some(20) => HashAlgorithm::Sha1,
        _ => HashAlgorithm::Sha256,
    }
}

pub(crate) fn identity_signature(
    identity_file: &[u8],
    identity_signature_file: &[u8],
    rrn_certificate_der: &[u8],
) -> Result<HashAlgorithm, Failure> {
    if identity_file.is_empty() {
        return Err(Failure::MissingFile(FileId::Identity));
    }
    if without_trailing_zeros(identity_signature_file).is_empty() {
        return Err(Failure::MissingFile(FileId::IdentitySignature));
    }
    let rrn = rrn_key(rrn_certificate_der)?;
    verify_rrn_signature(
        &rrn,
        identity_file,
        identity_signature_file,
        likely_digest(identity_file),
    )
}

pub(crate) fn address_signature(
    address_file: &[u8],
    address_signature_file: &[u8],
    identity_signature_file: &[u8],
    rrn_certificate_der: &[u8],
) -> Result<HashAlgorithm, Failure> {
    let address = without_trailing_zeros(address_file);
    if address.is_empty() {
        return Err(Failure::MissingFile(FileId::Address));
    }
    if without_trailing_zeros(address_signature_file).is_empty() {
        return Err(Failure::MissingFile(FileId::AddressSignature));
    }
    if without_trailing_zeros(identity_signature_file).is_empty() {
        return Err(Failure::MissingFile(FileId::IdentitySignature));
    }
    let rrn = rrn_key(rrn_certificate_der)?;
    let mut message = Vec::with_capacity(address.len() + identity_signature_file.len());
    message.extend_from_slice(address);
    message.extend_from_slice(identity_signature_file);
    let likely = match PublicKey::from_spki(rrn.subject_public_key_info_der())?.bits() {
        0..=1024 => HashAlgorithm::Sha1,
        _ => HashAlgorithm::Sha256,
    };
    verify_rrn_signature(&rrn, &message, address_signature_file, likely)
}

/// Compare the hash of `data` with a stored hash whose length names the algorithm.
fn compare_hash(stored: &[u8], data: &[u8]) -> Result<HashAlgorithm, Failure> {
    let hash = hash_by_len(stored.len())?;
    let actual = crypto::hash(hash, data).ok_or(Failure::UnsupportedAlgorithm)?;
    constant_time::verify_slices_are_equal(actual.as_ref(), stored)
        .map_err(|_| Failure::HashMismatch { hash })?;
    Ok(hash)
}

pub(crate) fn photo(identity_file: &[u8], photo: &[u8]) -> Result<HashAlgorithm, Failure> {
    if identity_file.is_empty() {
        return Err(Failure::MissingFile(FileId::Identity));
    }
    if photo.is_empty() {
        return Err(Failure::MissingFile(FileId::Photo));
    }
    let stored = tlv_value(identity_file, 0x11).ok_or(Failure::MissingField { tag: 0x11 })?;
    compare_hash(stored, photo)
}

pub(crate) fn basic_key(identity_file: &[u8], basic_key_file: &[u8]) -> Result<(), Failure> {
    if basic_key_file.is_empty() {
        return Err(Failure::MissingFile(FileId::BasicPublicKey));
    }
    let stored = tlv_value(identity_file, 0x1A).ok_or(Failure::MissingField { tag: 0x1A })?;
    if stored.len() != 48 {
        return Err(Failure::UnexpectedHashLength { len: stored.len() });
    }
    compare_hash(stored, basic_key_file).map(|_| ())
}
