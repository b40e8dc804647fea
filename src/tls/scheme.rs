//! The TLS signature schemes each card generation can really make, declared once (spec §8.7,
//! §8.8), and the rustls signing key and signer that make them with the card.

use std::sync::Arc;

use aws_lc_rs::digest;
use rustls::SignatureScheme;
use rustls::pki_types::SubjectPublicKeyInfoDer;
use rustls::sign::{Signer, SigningKey};

use super::Shared;
use crate::transport::Transport;
use crate::vocab::{
    EcdsaAlgorithm, Generation, HashAlgorithm, RsaAlgorithm, SignatureAlgorithm as CardAlgorithm,
};

/// One TLS scheme: how the card makes it.
#[derive(Debug)]
pub(super) struct Scheme {
    /// The TLS name.
    pub(super) tls: SignatureScheme,
    /// The hash of the TLS message, computed by the host.
    pub(super) hash: HashAlgorithm,
    /// The same hash in aws-lc-rs.
    pub(super) digest: &'static digest::Algorithm,
    /// The card's algorithm (MSE:SET reference, spec §8.7).
    pub(super) card: CardAlgorithm,
}

macro_rules! schemes {
    ($name:ident: $( $tls:ident => $hash:ident, $digest:ident, $card:expr; )+) => {
        const $name: &[Scheme] = &[ $( Scheme {
            tls: SignatureScheme::$tls,
            hash: HashAlgorithm::$hash,
            digest: &digest::$digest,
            card: $card,
        }, )+ ];
    };
}

// Applet 1.7 (RSA-2048), in order of preference. PKCS#1 v1.5 first: TLS 1.3 never offers it
// for CertificateVerify (rustls filters the server's list), so TLS 1.3 picks PSS (`20`, the
// card's RSASSA-PSS with SHA-256, salt 32) and TLS 1.2 keeps the scheme every server of the
// Belgian eID ecosystem has accepted for years. SHA-384/512 go as a DigestInfo with `01`
// (the card pads, spec §8.8). PSS with SHA-384/512 is not offered: the card has no such
// algorithm.
schemes! { RSA_17:
    RSA_PKCS1_SHA256 => Sha256, SHA256, CardAlgorithm::Rsa(RsaAlgorithm::Pkcs1Sha256);
    RSA_PSS_SHA256 => Sha256, SHA256, CardAlgorithm::Rsa(RsaAlgorithm::PssSha256);
    RSA_PKCS1_SHA384 => Sha384, SHA384, CardAlgorithm::Rsa(RsaAlgorithm::Pkcs1);
    RSA_PKCS1_SHA512 => Sha512, SHA512, CardAlgorithm::Rsa(RsaAlgorithm::Pkcs1);
}

// V1 applets (1.0/1.1): only `01`/`02`/`04` (spec §8.7), so every hash goes as a DigestInfo
// with `01`; no PSS, hence TLS 1.2 only.
schemes! { RSA_V1:
    RSA_PKCS1_SHA256 => Sha256, SHA256, CardAlgorithm::Rsa(RsaAlgorithm::Pkcs1);
    RSA_PKCS1_SHA384 => Sha384, SHA384, CardAlgorithm::Rsa(RsaAlgorithm::Pkcs1);
    RSA_PKCS1_SHA512 => Sha512, SHA512, CardAlgorithm::Rsa(RsaAlgorithm::Pkcs1);
}

// Applet 1.8 (P-384). TLS 1.3 binds the curve to the scheme, so P-384 keys sign only
// `ecdsa_secp384r1_sha384` (card algorithm `02`, the card answers r‖s, sent as DER).
schemes! { EC:
    ECDSA_NISTP384_SHA384 => Sha384, SHA384, CardAlgorithm::Ecdsa(EcdsaAlgorithm::Sha384);
}

/// The schemes a card of `generation` can make, most preferred first.
pub(super) fn schemes_for(generation: Generation) -> &'static [Scheme] {
    match generation {
        g if g.is_ec() => EC,
        Generation::V1 => RSA_V1,
        _ => RSA_17,
    }
}

/// The TLS signature schemes a card of `generation` can make, most preferred first (spec
/// §8.7): 1.8 `ecdsa_secp384r1_sha384`; 1.7 `rsa_pkcs1_sha256`, `rsa_pss_rsae_sha256`,
/// `rsa_pkcs1_sha384`, `rsa_pkcs1_sha512`; V1 PKCS#1 only.
pub fn offered_schemes(generation: Generation) -> Vec<SignatureScheme> {
    schemes_for(generation).iter().map(|s| s.tls).collect()
}

/// The card's authentication key as a rustls signing key.
pub(super) struct CardKey<T: Transport> {
    pub(super) shared: Arc<Shared<T>>,
    pub(super) generation: Generation,
    pub(super) spki: Vec<u8>,
}

impl<T: Transport> core::fmt::Debug for CardKey<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardKey")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl<T: Transport + Send + 'static> SigningKey for CardKey<T> {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        let scheme = schemes_for(self.generation)
            .iter()
            .find(|s| offered.contains(&s.tls))?;
        Some(Box::new(CardSigner {
            shared: Arc::clone(&self.shared),
            scheme,
        }))
    }

    fn public_key(&self) -> Option<SubjectPublicKeyInfoDer<'_>> {
        Some(SubjectPublicKeyInfoDer::from(self.spki.as_slice()))
    }

    fn algorithm(&self) -> rustls::SignatureAlgorithm {
        if self.generation.is_ec() {
            rustls::SignatureAlgorithm::ECDSA
        } else {
            rustls::SignatureAlgorithm::RSA
        }
    }
}

/// One handshake's signature: PIN, VERIFY, MSE:SET, PSO:CDS.
struct CardSigner<T: Transport> {
    shared: Arc<Shared<T>>,
    scheme: &'static Scheme,
}

impl<T: Transport> core::fmt::Debug for CardSigner<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardSigner")
            .field("scheme", &self.scheme.tls)
            .finish_non_exhaustive()
    }
}

impl<T: Transport + Send + 'static> Signer for CardSigner<T> {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        let digest = digest::digest(self.scheme.digest, message);
        self.shared
            .sign(self.scheme, digest.as_ref())
            .map_err(|failure| rustls::Error::Other(rustls::OtherError(Arc::new(failure))))
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme.tls
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_generation_offers_what_its_card_can_do() {
        for g in [Generation::V1, Generation::Applet17, Generation::Applet18] {
            for s in schemes_for(g) {
                assert_eq!(s.hash.digest_len(), s.digest.output_len(), "{:?}", s.tls);
                assert_eq!(s.card.hash().unwrap_or(s.hash), s.hash, "{:?}", s.tls);
                assert_eq!(
                    matches!(s.card, CardAlgorithm::Ecdsa(_)),
                    g.is_ec(),
                    "{:?}",
                    s.tls
                );
            }
        }
        assert_eq!(
            offered_schemes(Generation::Applet18),
            [SignatureScheme::ECDSA_NISTP384_SHA384]
        );
        // TLS 1.3 (RFC 8446 §4.2.3: no PKCS#1 v1.5 in CertificateVerify) keeps only PSS of the
        // 1.7 list, and nothing of the V1 list.
        let tls13 = |s: &SignatureScheme| {
            !matches!(
                s,
                SignatureScheme::RSA_PKCS1_SHA256
                    | SignatureScheme::RSA_PKCS1_SHA384
                    | SignatureScheme::RSA_PKCS1_SHA512
            )
        };
        let kept: Vec<_> = offered_schemes(Generation::Applet17)
            .into_iter()
            .filter(tls13)
            .collect();
        assert_eq!(kept, [SignatureScheme::RSA_PSS_SHA256]);
        assert!(!offered_schemes(Generation::V1).iter().any(tls13));
    }
}
