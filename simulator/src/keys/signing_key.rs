//! [`SigningKey`]: an RSA or EC P-384 private key with exactly the card's signing operations
//! (spec §8.7, §8.8, §8.11).

use std::sync::OnceLock;

use aws_lc_rs::digest;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use zeroize::Zeroizing;

use crate::error::{Operation, SimulatorError};

type Result<T, E = SimulatorError> = core::result::Result<T, E>;

use super::hash::HashAlg;
use super::padding::{pkcs1_type1_pad, pss_encode};
pub(super) use crate::key_type::KeyType;

/// A private key of the card or of the test PKI.
///
/// `Debug` never shows key material. Shared between cards with `Arc`.
#[non_exhaustive]
pub enum SigningKey {
    /// An RSA key (applet 1.7).
    Rsa(RsaKey),
    /// An EC P-384 key (applet 1.8).
    Ec(EcKey),
}

/// An RSA private key (see [`SigningKey::Rsa`]).
pub struct RsaKey {
    pair: RsaKeyPair,
    pkcs8: Zeroizing<Vec<u8>>,
    raw: OnceLock<Option<Box<rsa::RsaPrivateKey>>>,
    spki: Vec<u8>,
    bits: u32,
}

/// An EC P-384 private key (see [`SigningKey::Ec`]).
pub struct EcKey {
    pair: EcdsaKeyPair,
    spki: Vec<u8>,
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SigningKey({}, <private>)", self.kind())
    }
}

impl SigningKey {
    /// Parse an unencrypted PKCS#8 (DER) private key: RSA (2048 to 8192 bits) or EC P-384.
    pub fn from_pkcs8(der: &[u8]) -> Result<SigningKey> {
        if let Ok(pair) = RsaKeyPair::from_pkcs8(der) {
            let spki = pair
                .public_key()
                .as_der()
                .map_err(|_| SimulatorError::KeyRejected {
                    reason: "cannot encode the RSA public key",
                })?
                .as_ref()
                .to_vec();
            let bits = u32::try_from(pair.public_modulus_len() * 8).map_err(|_| {
                SimulatorError::KeyRejected {
                    reason: "RSA modulus too large",
                }
            })?;
            return Ok(SigningKey::Rsa(RsaKey {
                pair,
                pkcs8: Zeroizing::new(der.to_vec()),
                raw: OnceLock::new(),
                spki,
                bits,
            }));
        }
        let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P384_SHA384_FIXED_SIGNING, der)
            .map_err(|e| SimulatorError::KeyRejected {
                reason: e.description_(),
            })?;
        let spki = pair
            .public_key()
            .as_der()
            .map_err(|_| SimulatorError::KeyRejected {
                reason: "cannot encode the EC public key",
            })?
            .as_ref()
            .to_vec();
        Ok(SigningKey::Ec(EcKey { pair, spki }))
    }

    /// Generate a fresh EC P-384 key (fast; RSA keys are not generated at run time, use the
    /// fixed test keys of [`test_key`](crate::keys::test_key)).
    pub fn generate_ec_p384() -> Result<SigningKey> {
        let pkcs8 = EcdsaKeyPair::generate(&signature::ECDSA_P384_SHA384_FIXED_SIGNING)
            .and_then(|k| k.to_pkcs8v1())
            .map_err(|_| SimulatorError::SigningFailed {
                operation: Operation::Message,
            })?;
        SigningKey::from_pkcs8(pkcs8.as_ref())
    }

    /// The key type.
    pub fn kind(&self) -> KeyType {
        match self {
            SigningKey::Rsa(k) => KeyType::Rsa { bits: k.bits },
            SigningKey::Ec(_) => KeyType::EcP384,
        }
    }

    /// The public key as a DER `SubjectPublicKeyInfo` (for P-384: the 120-byte form of
    /// EF(PuK#1), spec §7.5).
    pub fn public_key_spki_der(&self) -> Vec<u8> {
        self.spki().to_vec()
    }

    /// The public key as a DER `SubjectPublicKeyInfo`, borrowed.
    pub fn spki(&self) -> &[u8] {
        match self {
            SigningKey::Rsa(k) => &k.spki,
            SigningKey::Ec(k) => &k.spki,
        }
    }

    fn unsupported(&self, operation: Operation) -> SimulatorError {
        SimulatorError::UnsupportedOperation {
            operation,
            key: self.kind(),
        }
    }

    /// RSASSA-PKCS1-v1.5 over caller-supplied `data`: the card pads `data` with PKCS#1 v1.5
    /// type-1 padding (`00 01 FF … FF 00 data`) and applies the private key (spec §8.7
    /// algorithm `01`, "card pads"; `data` is normally a DigestInfo, at most k − 11 bytes =
    /// 245 bytes for RSA-2048). RSA keys only.
    pub fn sign_pkcs1_v15_raw(&self, data: &[u8]) -> Result<Vec<u8>> {
        let SigningKey::Rsa(k) = self else {
            return Err(self.unsupported(Operation::Pkcs1v15Raw));
        };
        if let Some((hash, digest)) = HashAlg::split_digest_info(data)
            && let Some(enc) = aws_pkcs1(hash)
        {
            return k.aws_sign_digest(enc, hash, digest, Operation::Pkcs1v15Raw);
        }
        let em = pkcs1_type1_pad(data, k.modulus_len())?;
        k.raw_private(&em, Operation::Pkcs1v15Raw)
    }

    /// RSASSA-PKCS1-v1.5 over a bare digest (spec §8.7 algorithms `02`, `04`, `08`; the
    /// DigestInfo prefix is added here). RSA keys only; `digest` must have the hash's length.
    pub fn sign_pkcs1_v15_digest(&self, hash: HashAlg, digest: &[u8]) -> Result<Vec<u8>> {
        let SigningKey::Rsa(k) = self else {
            return Err(self.unsupported(Operation::Pkcs1v15Digest));
        };
        check_digest_len(hash, digest, Operation::Pkcs1v15Digest)?;
        if let Some(enc) = aws_pkcs1(hash) {
            return k.aws_sign_digest(enc, hash, digest, Operation::Pkcs1v15Digest);
        }
        let mut data = hash.digest_info_prefix().to_vec();
        data.extend_from_slice(digest);
        let em = pkcs1_type1_pad(&data, k.modulus_len())?;
        k.raw_private(&em, Operation::Pkcs1v15Digest)
    }

    /// RSASSA-PSS over a bare digest, MGF1 with the same hash, salt length = hash length
    /// (spec §8.7 algorithms `10` = SHA-1/salt 20, `20` = SHA-256/salt 32). RSA keys only;
    /// MD5 is refused.
    pub fn sign_pss_digest(&self, hash: HashAlg, digest: &[u8]) -> Result<Vec<u8>> {
        let SigningKey::Rsa(k) = self else {
            return Err(self.unsupported(Operation::PssDigest));
        };
        check_digest_len(hash, digest, Operation::PssDigest)?;
        if let Some(enc) = aws_pss(hash) {
            return k.aws_sign_digest(enc, hash, digest, Operation::PssDigest);
        }
        let em = pss_encode(hash, digest, k.bits.saturating_sub(1))?;
        k.raw_private(&em, Operation::PssDigest)
    }

    /// ECDSA over `digest` taken as an already-computed hash (spec §7.5, §8.7 algorithm `40`):
    /// lengths 20, 28, 32, 48 and 64 are accepted; the result is the plain fixed-size `r ‖ s`
    /// (96 bytes for P-384, spec §8.8). EC keys only.
    ///
    /// The digest is converted to an integer as ECDSA specifies (FIPS 186-4 §6.4: the leftmost
    /// 384 bits; a shorter digest is used whole), so a 64-byte digest is truncated to its first
    /// 48 bytes and shorter ones are left-padded with zeros.
    pub fn sign_ecdsa_digest(&self, digest: &[u8]) -> Result<Vec<u8>> {
        let SigningKey::Ec(k) = self else {
            return Err(self.unsupported(Operation::EcdsaDigest));
        };
        if ![20, 28, 32, 48, 64].contains(&digest.len()) {
            return Err(SimulatorError::BadSigningInput {
                operation: Operation::EcdsaDigest,
                len: digest.len(),
                expected: "20, 28, 32, 48 or 64 bytes",
            });
        }
        let mut e = [0u8; 48];
        match digest.len() {
            n if n >= 48 => e.copy_from_slice(digest.get(..48).unwrap_or(&[0; 48])),
            n => {
                if let Some(tail) = e.get_mut(48 - n..) {
                    tail.copy_from_slice(digest);
                }
            }
        }
        let failed = || SimulatorError::SigningFailed {
            operation: Operation::EcdsaDigest,
        };
        let d = digest::Digest::import_less_safe(&e, &digest::SHA384).map_err(|_| failed())?;
        let sig = k.pair.sign_digest(&d).map_err(|_| failed())?;
        Ok(sig.as_ref().to_vec())
    }

    /// Sign a whole message with the key's natural card algorithm: RSA PKCS#1 v1.5 with
    /// SHA-256 (applet 1.7 files and `sha256WithRSAEncryption` certificates), ECDSA P-384 with
    /// SHA-384, DER-encoded `SEQUENCE { r, s }` (applet 1.8 files and `ecdsa-with-SHA384`
    /// certificates) (spec §7.2).
    pub fn sign_message(&self, msg: &[u8]) -> Result<Vec<u8>> {
        match self {
            SigningKey::Rsa(_) => self.sign_message_with(HashAlg::Sha256, msg),
            SigningKey::Ec(_) => self.sign_message_with(HashAlg::Sha384, msg),
        }
    }

    /// Hash `msg` with `hash` and sign it: RSA PKCS#1 v1.5, or ECDSA returned DER-encoded.
    /// MD5 is refused.
    pub fn sign_message_with(&self, hash: HashAlg, msg: &[u8]) -> Result<Vec<u8>> {
        let digest = hash.hash(msg).ok_or(SimulatorError::UnsupportedOperation {
            operation: Operation::Message,
            key: self.kind(),
        })?;
        match self {
            SigningKey::Rsa(_) => self.sign_pkcs1_v15_digest(hash, &digest),
            SigningKey::Ec(_) => {
                let rs = self.sign_ecdsa_digest(&digest)?;
                ecdsa_fixed_to_der(&rs)
            }
        }
    }
}

impl RsaKey {
    fn modulus_len(&self) -> usize {
        self.bits.div_ceil(8) as usize
    }

    pub(super) fn aws_sign_digest(
        &self,
        enc: &'static signature::RsaSignatureEncoding,
        hash: HashAlg,
        digest: &[u8],
        operation: Operation,
    ) -> Result<Vec<u8>> {
        let failed = || SimulatorError::SigningFailed { operation };
        let alg = hash.aws().ok_or_else(failed)?;
        let d = digest::Digest::import_less_safe(digest, alg).map_err(|_| failed())?;
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign_digest(enc, &d, &mut sig)
            .map_err(|_| failed())?;
        Ok(sig)
    }

    /// The raw RSA private-key operation `em^d mod n` (the one thing `aws-lc-rs` lacks).
    pub(super) fn raw_private(&self, em: &[u8], operation: Operation) -> Result<Vec<u8>> {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::traits::PublicKeyParts;
        let failed = || SimulatorError::SigningFailed { operation };
        let key = self
            .raw
            .get_or_init(|| {
                rsa::RsaPrivateKey::from_pkcs8_der(&self.pkcs8)
                    .ok()
                    .map(Box::new)
            })
            .as_ref()
            .ok_or_else(failed)?;
        let c = rsa::BoxedUint::from_be_slice(em, key.n_bits_precision()).map_err(|_| failed())?;
        let m = rsa::hazmat::rsa_decrypt_and_check(&**key, Some(&mut AwsLcRng), &c)
            .map_err(|_| failed())?;
        let bytes = m.to_be_bytes();
        let k = self.modulus_len();
        // `to_be_bytes` has the precision's length (a multiple of the limb size) ≥ k.
        let start = bytes.len().checked_sub(k).ok_or_else(failed)?;
        if bytes
            .get(..start)
            .is_some_and(|lead| lead.iter().any(|&b| b != 0))
        {
            return Err(failed());
        }
        Ok(bytes.get(start..).ok_or_else(failed)?.to_vec())
    }
}

/// `aws-lc-rs` PKCS#1 v1.5 encodings for the hashes it supports in signing.
fn aws_pkcs1(hash: HashAlg) -> Option<&'static signature::RsaSignatureEncoding> {
    match hash {
        HashAlg::Sha256 => Some(&signature::RSA_PKCS1_SHA256),
        HashAlg::Sha384 => Some(&signature::RSA_PKCS1_SHA384),
        HashAlg::Sha512 => Some(&signature::RSA_PKCS1_SHA512),
        _ => None,
    }
}

/// `aws-lc-rs` PSS encodings (salt length = digest length) for the hashes it supports.
fn aws_pss(hash: HashAlg) -> Option<&'static signature::RsaSignatureEncoding> {
    match hash {
        HashAlg::Sha256 => Some(&signature::RSA_PSS_SHA256),
        HashAlg::Sha384 => Some(&signature::RSA_PSS_SHA384),
        HashAlg::Sha512 => Some(&signature::RSA_PSS_SHA512),
        _ => None,
    }
}

fn check_digest_len(hash: HashAlg, digest: &[u8], operation: Operation) -> Result<()> {
    if digest.len() == hash.output_len() {
        Ok(())
    } else {
        Err(SimulatorError::BadSigningInput {
            operation,
            len: digest.len(),
            expected: "the hash length",
        })
    }
}

/// Convert a plain `r ‖ s` ECDSA signature to the DER `SEQUENCE { INTEGER r, INTEGER s }`
/// used in X.509 certificates and in the 1.8 signature files (spec §7.2).
pub fn ecdsa_fixed_to_der(rs: &[u8]) -> Result<Vec<u8>> {
    if rs.is_empty() || !rs.len().is_multiple_of(2) {
        return Err(SimulatorError::BadSigningInput {
            operation: Operation::EcdsaDigest,
            len: rs.len(),
            expected: "an even number of bytes",
        });
    }
    Ok(beid::card::ecdsa_der(rs))
}

/// Random numbers from aws-lc for RSA blinding in the `rsa` crate.
struct AwsLcRng;

impl rsa::rand_core::TryRng for AwsLcRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        // aws-lc's RNG does not fail in practice; blinding stays correct (only less random)
        // if it ever did, because the unblinding uses the same bytes.
        let _ = aws_lc_rs::rand::fill(dst);
        Ok(())
    }
}

impl rsa::rand_core::TryCryptoRng for AwsLcRng {}
