//! Certificate chains: holder or RRN certificate → (CA) → root, validity at a caller-given
//! instant, basic constraints and key usages as real cards have them (spec §7.1, §12.2).

use x509_cert::ext::pkix::{BasicConstraints, KeyUsages};

use crate::error::{CertRole, CertSignatureFailure, RequiredUsage, VerificationFailure as Failure};
use crate::files::Certificate;
use crate::verify::crypto::{self, PublicKey};
use crate::verify::trust::{Fingerprint, TrustStore, fingerprint};

/// The root a chain ended at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChainRoot {
    pub(crate) label: String,
    pub(crate) fingerprint: Fingerprint,
}

/// The raw `tbsCertificate` and signature of a certificate.
fn tbs_and_signature(cert: &Certificate) -> Option<(&[u8], &[u8])> {
    let der = cert.der();
    let outer = crate::files::der::der_header(der).ok()?;
    let inner = der.get(outer.header_len..)?;
    let tbs_header = crate::files::der::der_header(inner).ok()?;
    let tbs = inner.get(..tbs_header.total_len()?)?;
    Some((tbs, cert.inner().signature().raw_bytes()))
}

/// Verify that `issuer`'s key signed `cert` (no memo).
pub(crate) fn verify_signature(
    cert: &Certificate,
    role: CertRole,
    issuer: &Certificate,
) -> Result<(), Failure> {
    let fail = |reason| Failure::CertificateSignature { cert: role, reason };
    let key = PublicKey::from_spki(issuer.subject_public_key_info_der())
        .map_err(|_| fail(CertSignatureFailure::UnsupportedKey))?;
    let (tbs, signature) =
        tbs_and_signature(cert).ok_or(fail(CertSignatureFailure::BadSignature))?;
    match crypto::verify_x509_signature(key, cert.signature_algorithm(), tbs, signature) {
        Ok(()) => Ok(()),
        Err(Failure::UnsupportedAlgorithm) => Err(fail(CertSignatureFailure::UnsupportedAlgorithm)),
        Err(Failure::UnsupportedKey | Failure::MalformedKey) => {
            Err(fail(CertSignatureFailure::UnsupportedKey))
        }
        Err(_) => Err(fail(CertSignatureFailure::BadSignature)),
    }
}

/// Verify that `issuer`'s key signed `cert`, memoized in `store`.
fn verify_link(
    store: &TrustStore,
    cert: &Certificate,
    role: CertRole,
    issuer: &Certificate,
) -> Result<(), Failure> {
    let mut key_material = Vec::with_capacity(64);
    key_material.extend_from_slice(&fingerprint(cert.der()));
    key_material.extend_from_slice(&fingerprint(issuer.der()));
    let memo_key = fingerprint(&key_material);
    if store.is_memoized(&memo_key) {
        return Ok(());
    }
    verify_signature(cert, role, issuer)?;
    store.memoize(memo_key);
    Ok(())
}

/// Validity of `cert` (in `role`) at `at`, Unix seconds.
pub(crate) fn check_validity(cert: &Certificate, role: CertRole, at: u64) -> Result<(), Failure> {
    let not_before = cert.not_before_unix();
    let not_after = cert.not_after_unix();
    if at < not_before {
        Err(Failure::NotYetValid {
            cert: role,
            not_before,
            at,
        })
    } else if at > not_after {
        Err(Failure::Expired {
            cert: role,
            not_after,
            at,
        })
    } else {
        Ok(())
    }
}

fn is_ca(cert: &Certificate) -> Option<bool> {
    cert.inner()
        .tbs_certificate()
        .get_extension::<BasicConstraints>()
        .ok()
        .flatten()
        .map(|(_, bc)| bc.ca)
}

fn check_usage(cert: &Certificate, role: CertRole, required: RequiredUsage) -> Result<(), Failure> {
    // No keyUsage extension: no restriction (RFC 5280 §4.2.1.3).
    let Some(ku) = cert.key_usage() else {
        return Ok(());
    };
    let ok = match required {
        RequiredUsage::DigitalSignature => ku.0.contains(KeyUsages::DigitalSignature),
        RequiredUsage::NonRepudiation => ku.0.contains(KeyUsages::NonRepudiation),
        RequiredUsage::DataSigning => {
            ku.0.contains(KeyUsages::DigitalSignature) || ku.0.contains(KeyUsages::NonRepudiation)
        }
        RequiredUsage::KeyCertSign => ku.0.contains(KeyUsages::KeyCertSign),
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::KeyUsage {
            cert: role,
            required,
        })
    }
}

/// Choose the root for a chain whose top certificate is `top`: the card's root when its
/// fingerprint is trusted; else a caller-given root certificate of the store that signed `top`;
/// else the failure naming the card root's fingerprint ([`Failure::UnknownRoot`]) or
/// [`Failure::NoRoot`].
fn choose_root<'a>(
    store: &'a TrustStore,
    top: &Certificate,
    top_role: CertRole,
    card_root: Option<&'a Certificate>,
) -> Result<(&'a Certificate, ChainRoot), Failure> {
    if let Some(root) = card_root {
        let fp = fingerprint(root.der());
        if let Some(trusted) = store.find(&fp) {
            return Ok((
                root,
                ChainRoot {
                    label: trusted.label().to_owned(),
                    fingerprint: fp,
                },
            ));
        }
    }
    for trusted in store.roots() {
        if let Some(cert) = trusted.certificate()
            && cert.subject() == top.issuer()
            && verify_link(store, top, top_role, cert).is_ok()
        {
            return Ok((
                cert,
                ChainRoot {
                    label: trusted.label().to_owned(),
                    fingerprint: *trusted.fingerprint(),
                },
            ));
        }
    }
    match card_root {
        Some(root) => Err(Failure::UnknownRoot {
            fingerprint: fingerprint(root.der()),
        }),
        None => Err(Failure::NoRoot),
    }
}

/// Verify `leaf` (in `role`) through the optional `ca` to a trusted root at instant `at`
/// (Unix seconds). Checks, in order: root choice (trusted fingerprint), issuer names and
/// signatures from the top down, validity of every certificate, basic constraints (CA and root
/// must be CAs, the leaf must not be one), key usages (leaf by role, CA `keyCertSign`).
pub(crate) fn verify_chain(
    store: &TrustStore,
    leaf: &Certificate,
    role: CertRole,
    ca: Option<&Certificate>,
    card_root: Option<&Certificate>,
    at: u64,
) -> Result<ChainRoot, Failure> {
    let (top, top_role) = match ca {
        Some(ca) => (ca, CertRole::Ca),
        None => (leaf, role),
    };
    let (root, chain_root) = choose_root(store, top, top_role, card_root)?;
    // Names and signatures, top down.
    if top.issuer() != root.subject() {
        return Err(Failure::IssuerMismatch { cert: top_role });
    }
    verify_link(store, top, top_role, root)?;
    if let Some(ca) = ca {
        if leaf.issuer() != ca.subject() {
            return Err(Failure::IssuerMismatch { cert: role });
        }
        verify_link(store, leaf, role, ca)?;
    }
    // Validity at the caller's instant.
    check_validity(root, CertRole::Root, at)?;
    if let Some(ca) = ca {
        check_validity(ca, CertRole::Ca, at)?;
    }
    check_validity(leaf, role, at)?;
    // Basic constraints.
    if is_ca(root) == Some(false) {
        return Err(Failure::NotCa {
            cert: CertRole::Root,
        });
    }
    if let Some(ca) = ca {
        if is_ca(ca) != Some(true) {
            return Err(Failure::NotCa { cert: CertRole::Ca });
        }
        check_usage(ca, CertRole::Ca, RequiredUsage::KeyCertSign)?;
    }
    if is_ca(leaf) == Some(true) {
        return Err(Failure::UnexpectedCa { cert: role });
    }
    let usage = match role {
        CertRole::Authentication => RequiredUsage::DigitalSignature,
        CertRole::NonRepudiation => RequiredUsage::NonRepudiation,
        _ => RequiredUsage::DataSigning,
    };
    check_usage(leaf, role, usage)?;
    Ok(chain_root)
}
