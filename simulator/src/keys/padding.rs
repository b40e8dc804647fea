//! Signature paddings built here because aws-lc-rs has no raw RSA operation: EMSA-PKCS1-v1_5
//! type 1 and EMSA-PSS with MGF1 (RFC 8017 §9.1.1, §9.2, §B.2.1).

use aws_lc_rs::digest;
use aws_lc_rs::rand::SecureRandom;

use crate::error::{Operation, SimulatorError};

type Result<T, E = SimulatorError> = core::result::Result<T, E>;

use super::hash::HashAlg;
use crate::key_type::KeyType;

/// EMSA-PKCS1-v1_5 type-1 block: `00 01 FF…FF 00 data`, at least 8 `FF` bytes (RFC 8017 §9.2).
pub(super) fn pkcs1_type1_pad(data: &[u8], k: usize) -> Result<Vec<u8>> {
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
pub(super) fn pss_encode(hash: HashAlg, m_hash: &[u8], em_bits: u32) -> Result<Vec<u8>> {
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
