//! Private keys of the virtual card and of its test PKI.
//!
//! [`SigningKey`] is an RSA (applet 1.7, RSA-2048) or EC P-384 (applet 1.8) private key with
//! exactly the signing operations the card performs (spec §8.7, §8.8, §8.11) plus message
//! signing for the test PKI and the card files (spec §7.2, §7.3).
//!
//! Everything is done with `aws-lc-rs`, except the few RSA operations it does not offer
//! (PKCS#1 v1.5 padding of arbitrary data, DigestInfos of MD5/SHA-1/SHA-224, PSS with SHA-1 or
//! SHA-224): for those the padding is built here (RFC 8017 §9.1.1 and §9.2) and only the raw
//! private-key operation comes from the `rsa` crate.
//!
//! # Fixed test keys
//!
//! [`test_key`] returns keys shipped inside the crate (`assets/keys/*.pk8`, generated once with
//! the `openssl` CLI). **They are public test keys**: anyone can read them, so nothing they sign
//! may ever be trusted outside tests. Each is parsed once per process.

use std::sync::{Arc, OnceLock};

use aws_lc_rs::digest;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SecureRandom;
use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use beid::Generation;
use zeroize::Zeroizing;

use crate::error::{Operation, SimulatorError};

type Result<T, E = SimulatorError> = core::result::Result<T, E>;

pub use crate::key_type::KeyType;

/// Hash algorithms of the card's signature algorithm references (spec §8.7, §8.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// MD5 (applet 1.7 algorithm `04`, "backward compatibility only").
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// Every hash algorithm.
    pub const ALL: [HashAlg; 6] = [
        HashAlg::Md5,
        HashAlg::Sha1,
        HashAlg::Sha224,
        HashAlg::Sha256,
        HashAlg::Sha384,
        HashAlg::Sha512,
    ];

    /// Digest length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            HashAlg::Md5 => 16,
            HashAlg::Sha1 => 20,
            HashAlg::Sha224 => 28,
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// The DER `DigestInfo` prefix that precedes the digest in a PKCS#1 v1.5 signature
    /// (spec §8.8 list of prefixes).
    pub const fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            HashAlg::Md5 => &[
                0x30, 0x20, 0x30, 0x0C, 0x06, 0x08, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05,
                0x05, 0x00, 0x04, 0x10,
            ],
            HashAlg::Sha1 => &[
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A, 0x05, 0x00, 0x04,
                0x14,
            ],
            HashAlg::Sha224 => &[
                0x30, 0x2D, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x04, 0x05, 0x00, 0x04, 0x1C,
            ],
            HashAlg::Sha256 => &[
                0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            HashAlg::Sha384 => &[
                0x30, 0x41, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            HashAlg::Sha512 => &[
                0x30, 0x51, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
        }
    }

    /// Recognise `prefix ‖ digest` of one of the known hashes; returns the hash and the digest.
    pub fn split_digest_info(data: &[u8]) -> Option<(HashAlg, &[u8])> {
        HashAlg::ALL.into_iter().find_map(|h| {
            let digest = data.strip_prefix(h.digest_info_prefix())?;
            (digest.len() == h.output_len()).then_some((h, digest))
        })
    }

    /// The `aws-lc-rs` algorithm (`None` for MD5, which it does not offer).
    fn aws(self) -> Option<&'static digest::Algorithm> {
        match self {
            HashAlg::Md5 => None,
            HashAlg::Sha1 => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
            HashAlg::Sha224 => Some(&digest::SHA224),
            HashAlg::Sha256 => Some(&digest::SHA256),
            HashAlg::Sha384 => Some(&digest::SHA384),
            HashAlg::Sha512 => Some(&digest::SHA512),
        }
    }

    /// Hash `data`. `None` for MD5 (not available in the crypto library used).
    pub fn hash(self, data: &[u8]) -> Option<Vec<u8>> {
        self.aws()
            .map(|alg| digest::digest(alg, data).as_ref().to_vec())
    }
}

impl core::fmt::Display for HashAlg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha224 => "SHA-224",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        })
    }
}

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
    /// fixed test keys of [`test_key`]).
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

    fn aws_sign_digest(
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
    fn raw_private(&self, em: &[u8], operation: Operation) -> Result<Vec<u8>> {
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

/// EMSA-PKCS1-v1_5 type-1 block: `00 01 FF…FF 00 data`, at least 8 `FF` bytes (RFC 8017 §9.2).
fn pkcs1_type1_pad(data: &[u8], k: usize) -> Result<Vec<u8>> {
    let ps_len = k.checked_sub(data.len() + 3).filter(|&n| n >= 8).ok_or(
        SimulatorError::BadSigningInput {
            operation: Operation::Pkcs1v15Raw,
            len: data.len(),
            expected: "at most k - 11 bytes (245 for RSA-2048)",
        },
    )?;
    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x01]);
    em.resize(2 + ps_len, 0xFF);
    em.push(0x00);
    em.extend_from_slice(data);
    Ok(em)
}

/// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with MGF1(`hash`) and a salt of the hash's length.
fn pss_encode(hash: HashAlg, m_hash: &[u8], em_bits: u32) -> Result<Vec<u8>> {
    let failed = || SimulatorError::UnsupportedOperation {
        operation: Operation::PssDigest,
        key: KeyType::Rsa { bits: em_bits + 1 },
    };
    let alg = hash.aws().ok_or_else(failed)?;
    let h_len = hash.output_len();
    let s_len = h_len;
    let em_len = em_bits.div_ceil(8) as usize;
    if em_len < h_len + s_len + 2 {
        return Err(failed());
    }
    let mut salt = vec![0u8; s_len];
    aws_lc_rs::rand::SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| SimulatorError::SigningFailed {
            operation: Operation::PssDigest,
        })?;
    let mut ctx = digest::Context::new(alg);
    ctx.update(&[0u8; 8]);
    ctx.update(m_hash);
    ctx.update(&salt);
    let h = ctx.finish();
    let db_len = em_len - h_len - 1;
    let mut db = vec![0u8; db_len - s_len - 1];
    db.push(0x01);
    db.extend_from_slice(&salt);
    let mask = mgf1(alg, h.as_ref(), db_len);
    for (b, m) in db.iter_mut().zip(mask) {
        *b ^= m;
    }
    let unused_bits = 8 * em_len as u32 - em_bits;
    if let Some(first) = db.first_mut() {
        *first &= 0xFFu8.checked_shr(unused_bits).unwrap_or(0);
    }
    let mut em = db;
    em.extend_from_slice(h.as_ref());
    em.push(0xBC);
    Ok(em)
}

/// MGF1 (RFC 8017 §B.2.1).
fn mgf1(alg: &'static digest::Algorithm, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + alg.output_len());
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut ctx = digest::Context::new(alg);
        ctx.update(seed);
        ctx.update(&counter.to_be_bytes());
        out.extend_from_slice(ctx.finish().as_ref());
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

/// Convert a plain `r ‖ s` ECDSA signature to the DER `SEQUENCE { INTEGER r, INTEGER s }`
/// used in X.509 certificates and in the 1.8 signature files (spec §7.2).
pub fn ecdsa_fixed_to_der(rs: &[u8]) -> Result<Vec<u8>> {
    use der::Encode;
    if rs.is_empty() || !rs.len().is_multiple_of(2) {
        return Err(SimulatorError::BadSigningInput {
            operation: Operation::EcdsaDigest,
            len: rs.len(),
            expected: "an even number of bytes",
        });
    }
    let (r, s) = rs.split_at(rs.len() / 2);
    let sig = EcdsaSigDer {
        r: der::asn1::UintRef::new(r)?,
        s: der::asn1::UintRef::new(s)?,
    };
    Ok(sig.to_der()?)
}

#[derive(der::Sequence)]
struct EcdsaSigDer<'a> {
    r: der::asn1::UintRef<'a>,
    s: der::asn1::UintRef<'a>,
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

/// Which family of fixed test keys (one per card generation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFamily {
    /// RSA keys (applet 1.7): RSA-4096 roots, RSA-2048 for everything else.
    Rsa,
    /// EC P-384 keys (applet 1.8).
    Ec,
}

impl KeyFamily {
    /// The family of a card generation: RSA for applet 1.7, EC for applet 1.8; `None` for
    /// generations the simulator does not build (V1, unknown).
    pub const fn for_generation(generation: Generation) -> Option<KeyFamily> {
        match generation {
            Generation::Applet17 => Some(KeyFamily::Rsa),
            Generation::Applet18 => Some(KeyFamily::Ec),
            _ => None,
        }
    }
}

/// Role of a fixed test key (see [`test_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TestKeyRole {
    /// The test root CA ("beid-simulator TEST Root CA").
    Root,
    /// A second, unrelated test root (for "foreign root" faults).
    ForeignRoot,
    /// The citizen CA (intermediate for Belgian citizens' and kids cards).
    CitizenCa,
    /// The foreigner CA (intermediate for residence-permit cards).
    ForeignerCa,
    /// The national register (RRN) key that signs identity and address (spec §7.1).
    Rrn,
    /// A key that is not the RRN certificate's (for "wrong RRN key" faults).
    WrongRrn,
    /// Holder authentication key (`82`), first pair.
    Authentication,
    /// Holder non-repudiation key (`83`), first pair.
    NonRepudiation,
    /// Holder authentication key, spare pair.
    SpareAuthentication,
    /// Holder non-repudiation key, spare pair.
    SpareNonRepudiation,
    /// Basic key (`81`): EC P-384 on applet 1.8 (public part in EF(PuK#1)); RSA-2048 on
    /// applet 1.7 (public part not on the card, spec §7.5).
    Basic,
    /// A second basic key, for "cloned chip" faults.
    SpareBasic,
}

const ROLES: [TestKeyRole; 12] = [
    TestKeyRole::Root,
    TestKeyRole::ForeignRoot,
    TestKeyRole::CitizenCa,
    TestKeyRole::ForeignerCa,
    TestKeyRole::Rrn,
    TestKeyRole::WrongRrn,
    TestKeyRole::Authentication,
    TestKeyRole::NonRepudiation,
    TestKeyRole::SpareAuthentication,
    TestKeyRole::SpareNonRepudiation,
    TestKeyRole::Basic,
    TestKeyRole::SpareBasic,
];

fn test_key_der(family: KeyFamily, role: TestKeyRole) -> Option<&'static [u8]> {
    macro_rules! key {
        ($name:literal) => {
            Some(include_bytes!(concat!("../assets/keys/", $name, ".pk8")).as_slice())
        };
    }
    match (family, role) {
        (KeyFamily::Rsa, TestKeyRole::Root) => key!("rsa-root"),
        (KeyFamily::Rsa, TestKeyRole::ForeignRoot) => key!("rsa-root-foreign"),
        (KeyFamily::Rsa, TestKeyRole::CitizenCa) => key!("rsa-citizen-ca"),
        (KeyFamily::Rsa, TestKeyRole::ForeignerCa) => key!("rsa-foreigner-ca"),
        (KeyFamily::Rsa, TestKeyRole::Rrn) => key!("rsa-rrn"),
        (KeyFamily::Rsa, TestKeyRole::WrongRrn) => key!("rsa-rrn-wrong"),
        (KeyFamily::Rsa, TestKeyRole::Authentication) => key!("rsa-auth-1"),
        (KeyFamily::Rsa, TestKeyRole::NonRepudiation) => key!("rsa-sign-1"),
        (KeyFamily::Rsa, TestKeyRole::SpareAuthentication) => key!("rsa-auth-2"),
        (KeyFamily::Rsa, TestKeyRole::SpareNonRepudiation) => key!("rsa-sign-2"),
        (KeyFamily::Rsa, TestKeyRole::Basic) => key!("rsa-basic-1"),
        (KeyFamily::Rsa, TestKeyRole::SpareBasic) => key!("rsa-basic-2"),
        (KeyFamily::Ec, TestKeyRole::Root) => key!("ec-root"),
        (KeyFamily::Ec, TestKeyRole::ForeignRoot) => key!("ec-root-foreign"),
        (KeyFamily::Ec, TestKeyRole::CitizenCa) => key!("ec-citizen-ca"),
        (KeyFamily::Ec, TestKeyRole::ForeignerCa) => key!("ec-foreigner-ca"),
        (KeyFamily::Ec, TestKeyRole::Rrn) => key!("ec-rrn"),
        (KeyFamily::Ec, TestKeyRole::WrongRrn) => key!("ec-rrn-wrong"),
        (KeyFamily::Ec, TestKeyRole::Authentication) => key!("ec-auth-1"),
        (KeyFamily::Ec, TestKeyRole::NonRepudiation) => key!("ec-sign-1"),
        (KeyFamily::Ec, TestKeyRole::SpareAuthentication) => key!("ec-auth-2"),
        (KeyFamily::Ec, TestKeyRole::SpareNonRepudiation) => key!("ec-sign-2"),
        (KeyFamily::Ec, TestKeyRole::Basic) => key!("ec-basic-1"),
        (KeyFamily::Ec, TestKeyRole::SpareBasic) => key!("ec-basic-2"),
    }
}

type KeySlot = OnceLock<Option<Arc<SigningKey>>>;

/// A fixed, PUBLIC test key shipped with the crate, parsed once per process.
pub fn test_key(family: KeyFamily, role: TestKeyRole) -> Result<Arc<SigningKey>> {
    static RSA: [KeySlot; ROLES.len()] = [const { OnceLock::new() }; ROLES.len()];
    static EC: [KeySlot; ROLES.len()] = [const { OnceLock::new() }; ROLES.len()];
    let slots = match family {
        KeyFamily::Rsa => &RSA,
        KeyFamily::Ec => &EC,
    };
    let missing = || SimulatorError::KeyRejected {
        reason: "no such test key",
    };
    let idx = ROLES.iter().position(|r| *r == role).ok_or_else(missing)?;
    let slot = slots.get(idx).ok_or_else(missing)?;
    slot.get_or_init(|| {
        let der = test_key_der(family, role)?;
        SigningKey::from_pkcs8(der).ok().map(Arc::new)
    })
    .clone()
    .ok_or_else(missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::UnparsedPublicKey;

    fn rsa() -> Arc<SigningKey> {
        test_key(KeyFamily::Rsa, TestKeyRole::Authentication).unwrap()
    }
    fn ec() -> Arc<SigningKey> {
        test_key(KeyFamily::Ec, TestKeyRole::Authentication).unwrap()
    }

    /// The raw public key bytes (subjectPublicKey BIT STRING content) of an SPKI.
    fn spki_key(spki: &[u8]) -> Vec<u8> {
        use der::Decode;
        let info = spki::SubjectPublicKeyInfoRef::from_der(spki).unwrap();
        info.subject_public_key.raw_bytes().to_vec()
    }

    #[test]
    fn every_test_key_loads() {
        for role in ROLES {
            let r = test_key(KeyFamily::Rsa, role);
            match role {
                TestKeyRole::Root | TestKeyRole::ForeignRoot => {
                    assert_eq!(r.unwrap().kind(), KeyType::Rsa { bits: 4096 })
                }
                _ => assert_eq!(r.unwrap().kind(), KeyType::RSA_2048),
            }
            assert_eq!(
                test_key(KeyFamily::Ec, role).unwrap().kind(),
                KeyType::EcP384
            );
        }
        // Same Arc on a second call (parsed once).
        assert!(Arc::ptr_eq(&rsa(), &rsa()));
    }

    #[test]
    fn ec_spki_is_the_120_byte_form() {
        let spki = ec().public_key_spki_der();
        assert_eq!(spki.len(), 120);
        assert_eq!(
            &spki[..24],
            &[
                0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06,
                0x05, 0x2B, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00, 0x04
            ]
        );
    }

    #[test]
    fn pkcs1_digest_all_hashes_verify() {
        let key = rsa();
        let pk = spki_key(&key.public_key_spki_der());
        let msg = b"hello card";
        for (hash, alg) in [
            (
                HashAlg::Sha1,
                &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            ),
            (HashAlg::Sha256, &signature::RSA_PKCS1_2048_8192_SHA256),
            (HashAlg::Sha384, &signature::RSA_PKCS1_2048_8192_SHA384),
            (HashAlg::Sha512, &signature::RSA_PKCS1_2048_8192_SHA512),
        ] {
            let d = hash.hash(msg).unwrap();
            let sig = key.sign_pkcs1_v15_digest(hash, &d).unwrap();
            assert_eq!(sig.len(), 256);
            UnparsedPublicKey::new(alg, &pk).verify(msg, &sig).unwrap();
            // Same signature through the "card pads" path (deterministic scheme).
            let mut di = hash.digest_info_prefix().to_vec();
            di.extend_from_slice(&d);
            assert_eq!(key.sign_pkcs1_v15_raw(&di).unwrap(), sig, "{hash}");
        }
    }

    #[test]
    fn raw_path_matches_aws_path() {
        // SHA-256 DigestInfo through aws-lc and through the own padding + raw RSA must agree.
        let SigningKey::Rsa(k) = &*rsa() else {
            panic!()
        };
        let d = HashAlg::Sha256.hash(b"x").unwrap();
        let mut di = HashAlg::Sha256.digest_info_prefix().to_vec();
        di.extend_from_slice(&d);
        let em = pkcs1_type1_pad(&di, 256).unwrap();
        let raw = k.raw_private(&em, Operation::Pkcs1v15Raw).unwrap();
        let aws = k
            .aws_sign_digest(
                &signature::RSA_PKCS1_SHA256,
                HashAlg::Sha256,
                &d,
                Operation::Message,
            )
            .unwrap();
        assert_eq!(raw, aws);
    }

    #[test]
    fn raw_limits() {
        let key = rsa();
        assert_eq!(key.sign_pkcs1_v15_raw(&[0xAB; 245]).unwrap().len(), 256);
        assert!(matches!(
            key.sign_pkcs1_v15_raw(&[0xAB; 246]),
            Err(SimulatorError::BadSigningInput { len: 246, .. })
        ));
        assert_eq!(key.sign_pkcs1_v15_raw(b"").unwrap().len(), 256);
    }

    #[test]
    fn pss_verifies() {
        let key = rsa();
        let pk = spki_key(&key.public_key_spki_der());
        let msg = b"pss message";
        for (hash, alg) in [
            (HashAlg::Sha256, &signature::RSA_PSS_2048_8192_SHA256),
            (HashAlg::Sha384, &signature::RSA_PSS_2048_8192_SHA384),
        ] {
            let d = hash.hash(msg).unwrap();
            let sig = key.sign_pss_digest(hash, &d).unwrap();
            UnparsedPublicKey::new(alg, &pk).verify(msg, &sig).unwrap();
        }
        // Own EMSA-PSS encoder, checked with SHA-256 against aws-lc's verifier.
        let SigningKey::Rsa(k) = &*key else { panic!() };
        let d = HashAlg::Sha256.hash(msg).unwrap();
        let em = pss_encode(HashAlg::Sha256, &d, 2047).unwrap();
        let sig = k.raw_private(&em, Operation::PssDigest).unwrap();
        UnparsedPublicKey::new(&signature::RSA_PSS_2048_8192_SHA256, &pk)
            .verify(msg, &sig)
            .unwrap();
        // SHA-1 PSS (algorithm 10) works (checked with openssl in tests/content.rs).
        let d1 = HashAlg::Sha1.hash(msg).unwrap();
        assert_eq!(key.sign_pss_digest(HashAlg::Sha1, &d1).unwrap().len(), 256);
        assert!(key.sign_pss_digest(HashAlg::Md5, &[0; 16]).is_err());
    }

    #[test]
    fn ecdsa_digest_lengths() {
        let key = ec();
        let pk = spki_key(&key.public_key_spki_der());
        let msg = b"challenge";
        let d = HashAlg::Sha384.hash(msg).unwrap();
        let sig = key.sign_ecdsa_digest(&d).unwrap();
        assert_eq!(sig.len(), 96);
        UnparsedPublicKey::new(&signature::ECDSA_P384_SHA384_FIXED, &pk)
            .verify(msg, &sig)
            .unwrap();
        // SHA-256 digest on P-384: aws-lc verifies ECDSA_P384_SHA256_ASN1 with the same rule.
        let d = HashAlg::Sha256.hash(msg).unwrap();
        let der_sig = ecdsa_fixed_to_der(&key.sign_ecdsa_digest(&d).unwrap()).unwrap();
        UnparsedPublicKey::new(&signature::ECDSA_P384_SHA256_ASN1, &pk)
            .verify(msg, &der_sig)
            .unwrap();
        let d = HashAlg::Sha512.hash(msg).unwrap();
        let der_sig = ecdsa_fixed_to_der(&key.sign_ecdsa_digest(&d).unwrap()).unwrap();
        UnparsedPublicKey::new(&signature::ECDSA_P384_SHA512_ASN1, &pk)
            .verify(msg, &der_sig)
            .unwrap();
        for len in [20, 28] {
            assert_eq!(key.sign_ecdsa_digest(&vec![7; len]).unwrap().len(), 96);
        }
        assert!(key.sign_ecdsa_digest(&[0; 47]).is_err());
    }

    #[test]
    fn wrong_key_type_is_refused() {
        assert!(matches!(
            ec().sign_pkcs1_v15_raw(b"x"),
            Err(SimulatorError::UnsupportedOperation {
                key: KeyType::EcP384,
                ..
            })
        ));
        assert!(ec().sign_pss_digest(HashAlg::Sha256, &[0; 32]).is_err());
        assert!(rsa().sign_ecdsa_digest(&[0; 48]).is_err());
        assert!(
            rsa()
                .sign_pkcs1_v15_digest(HashAlg::Sha256, &[0; 31])
                .is_err()
        );
    }

    #[test]
    fn message_signatures_verify() {
        let r = rsa();
        let sig = r.sign_message(b"m").unwrap();
        UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            spki_key(&r.public_key_spki_der()),
        )
        .verify(b"m", &sig)
        .unwrap();
        let e = ec();
        let sig = e.sign_message(b"m").unwrap();
        assert_eq!(sig[0], 0x30);
        UnparsedPublicKey::new(
            &signature::ECDSA_P384_SHA384_ASN1,
            spki_key(&e.public_key_spki_der()),
        )
        .verify(b"m", &sig)
        .unwrap();
    }

    #[test]
    fn digest_info_split() {
        let mut di = HashAlg::Sha1.digest_info_prefix().to_vec();
        di.extend_from_slice(&[1; 20]);
        assert_eq!(
            HashAlg::split_digest_info(&di),
            Some((HashAlg::Sha1, &[1u8; 20][..]))
        );
        di.push(0);
        assert_eq!(HashAlg::split_digest_info(&di), None);
        for h in HashAlg::ALL {
            // The last prefix byte is the digest length.
            assert_eq!(
                *h.digest_info_prefix().last().unwrap() as usize,
                h.output_len()
            );
        }
    }

    #[test]
    fn keys_are_send_sync_and_debug_hides_material() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SigningKey>();
        assert_eq!(format!("{:?}", *ec()), "SigningKey(EC P-384, <private>)");
    }

    #[test]
    fn generated_ec_key_works() {
        let k = SigningKey::generate_ec_p384().unwrap();
        assert_eq!(k.kind(), KeyType::EcP384);
        assert_eq!(k.sign_ecdsa_digest(&[1; 48]).unwrap().len(), 96);
    }
}
