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

mod hash;
mod padding;
mod signing_key;
mod test_keys;

pub use crate::key_type::KeyType;
pub use hash::HashAlg;
pub use signing_key::{EcKey, RsaKey, SigningKey, ecdsa_fixed_to_der};
pub use test_keys::{KeyFamily, TestKeyRole, test_key};

#[cfg(test)]
mod tests {
    use super::padding::{pkcs1_type1_pad, pss_encode};
    use super::test_keys::ROLES;
    use super::*;
    use crate::error::{Operation, SimulatorError};
    use aws_lc_rs::signature;
    use aws_lc_rs::signature::UnparsedPublicKey;
    use std::sync::Arc;

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
