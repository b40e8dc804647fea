//! The low-level checks against signatures made by OpenSSL (an implementation independent of
//! this library and of the simulator): RSA 512/1024/2048 with SHA-1/256/384/512 found from the
//! `DigestInfo`, ECDSA P-384 DER with zero padding and raw `r‖s`, the address input of spec
//! §7.3. Vectors: `tests/data/openssl/make.sh`.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use beid::error::{Check, VerificationFailure};
use beid::verify;

macro_rules! data {
    ($name:literal) => {
        include_bytes!(concat!("data/openssl/", $name)).as_slice()
    };
}

const IDENTITY: &[u8] = data!("identity.bin");
const ADDRESS: &[u8] = data!("address.bin");

fn failure(r: beid::error::Result<()>) -> VerificationFailure {
    match r {
        Err(beid::Error::Verification(e)) => e.failure(),
        other => panic!("expected a verification error, got {other:?}"),
    }
}

#[test]
fn rsa_every_size_and_digest() {
    let cases: [(&[u8], &[u8]); 7] = [
        (data!("sig512-sha1.bin"), data!("rrn512.der")),
        (data!("sig512-sha256.bin"), data!("rrn512.der")),
        (data!("sig1024-sha1.bin"), data!("rrn1024.der")),
        (data!("sig1024-sha256.bin"), data!("rrn1024.der")),
        (data!("sig1024-sha384.bin"), data!("rrn1024.der")),
        (data!("sig2048-sha256.bin"), data!("rrn2048.der")),
        (data!("sig2048-sha512.bin"), data!("rrn2048.der")),
    ];
    for (i, (sig, cert)) in cases.into_iter().enumerate() {
        verify::identity_signature(IDENTITY, sig, cert).unwrap_or_else(|e| panic!("case {i}: {e}"));
        // The card pads certificate files with zeros: accepted.
        let mut padded = cert.to_vec();
        padded.resize(1300, 0);
        verify::identity_signature(IDENTITY, sig, &padded).expect("padded certificate");
        // Changed data: the digest found in the signature is not the data's.
        let mut changed = IDENTITY.to_vec();
        changed[3] ^= 0x20;
        assert!(
            matches!(
                failure(verify::identity_signature(&changed, sig, cert)),
                VerificationFailure::DigestMismatch { .. }
            ),
            "case {i}"
        );
        // Changed signature: opens to garbage.
        let mut bad = sig.to_vec();
        bad[10] ^= 0x01;
        assert_eq!(
            failure(verify::identity_signature(IDENTITY, &bad, cert)),
            VerificationFailure::BadSignature,
            "case {i}"
        );
    }
    // The wrong key.
    assert!(
        verify::identity_signature(IDENTITY, data!("sig1024-sha1.bin"), data!("rrn2048.der"))
            .is_err()
    );
    // An RSA signature under an EC RRN certificate: the DER framing is not there.
    assert_eq!(
        failure(verify::identity_signature(
            IDENTITY,
            data!("sig1024-sha1.bin"),
            data!("rrn-ec.der")
        )),
        VerificationFailure::MalformedSignature
    );
}

#[test]
fn ecdsa_padded_der_and_raw() {
    let cert = data!("rrn-ec.der");
    let sig = data!("sig-ec-padded.bin");
    verify::identity_signature(IDENTITY, sig, cert).expect("padded DER");
    // The same signature as raw r‖s (96 bytes).
    let der_len = usize::from(sig[1]) + 2;
    let raw = der_to_raw(&sig[..der_len]);
    verify::identity_signature(IDENTITY, &raw, cert).expect("raw r‖s");
    // Changed data.
    let mut changed = IDENTITY.to_vec();
    changed[0] ^= 0x01;
    assert_eq!(
        failure(verify::identity_signature(&changed, sig, cert)),
        VerificationFailure::BadSignature
    );
    // Garbage after the DER is not padding.
    let mut junk = sig.to_vec();
    junk[200] = 1;
    assert_eq!(
        failure(verify::identity_signature(IDENTITY, &junk, cert)),
        VerificationFailure::MalformedSignature
    );
}

fn der_to_raw(der: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut pos = 2;
    for _ in 0..2 {
        assert_eq!(der[pos], 0x02);
        let len = usize::from(der[pos + 1]);
        let v = &der[pos + 2..pos + 2 + len];
        let v = if v.len() > 48 { &v[v.len() - 48..] } else { v };
        out.extend(std::iter::repeat_n(0, 48 - v.len()));
        out.extend_from_slice(v);
        pos += 2 + len;
    }
    out
}

#[test]
fn address_input_is_trimmed_address_then_whole_identity_signature() {
    let ec_id_sig = data!("sig-ec-padded.bin");
    verify::address_signature(
        ADDRESS,
        data!("addr-sig-ec-padded.bin"),
        ec_id_sig,
        data!("rrn-ec.der"),
    )
    .expect("EC address");
    // Only the DER part of the identity signature: not the signed input.
    let der_len = usize::from(ec_id_sig[1]) + 2;
    let e = verify::address_signature(
        ADDRESS,
        data!("addr-sig-ec-padded.bin"),
        &ec_id_sig[..der_len],
        data!("rrn-ec.der"),
    )
    .expect_err("DER part only");
    assert!(matches!(e, beid::Error::Verification(v) if v.check() == Check::AddressSignature));
    verify::address_signature(
        ADDRESS,
        data!("addr-sig1024-sha1.bin"),
        data!("sig1024-sha1.bin"),
        data!("rrn1024.der"),
    )
    .expect("RSA-1024 SHA-1 address");
    // The address file with its padding trimmed by the caller is accepted too (same input).
    let trimmed = &ADDRESS[..ADDRESS.iter().rposition(|b| *b != 0).unwrap() + 1];
    verify::address_signature(
        trimmed,
        data!("addr-sig1024-sha1.bin"),
        data!("sig1024-sha1.bin"),
        data!("rrn1024.der"),
    )
    .expect("trimmed input");
    // Another identity signature appended: fails.
    assert!(
        verify::address_signature(
            ADDRESS,
            data!("addr-sig1024-sha1.bin"),
            data!("sig1024-sha256.bin"),
            data!("rrn1024.der"),
        )
        .is_err()
    );
}

#[test]
fn photo_hash_by_length() {
    let photo = b"\xFF\xD8 not really a jpeg \xFF\xD9";
    for (len, digest) in [
        (
            20usize,
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, photo),
        ),
        (
            32,
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, photo),
        ),
        (
            48,
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA384, photo),
        ),
    ] {
        let mut identity = vec![0x01, 0x01, b'x', 0x11, len as u8];
        identity.extend_from_slice(digest.as_ref());
        verify::photo(&identity, photo).expect("matches");
        assert!(matches!(
            failure(verify::photo(&identity, b"other")),
            VerificationFailure::HashMismatch { .. }
        ));
    }
    assert_eq!(
        failure(verify::photo(&[0x11, 0x03, 1, 2, 3], photo)),
        VerificationFailure::UnexpectedHashLength { len: 3 }
    );
    assert_eq!(
        failure(verify::photo(&[0x01, 0x01, b'x'], photo)),
        VerificationFailure::MissingField { tag: 0x11 }
    );
}
