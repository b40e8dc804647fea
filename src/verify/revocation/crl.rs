//! CRL checking (RFC 5280 §5) with `x509-cert`'s CRL types.

use der::Decode;
use x509_cert::crl::CertificateList;

use super::RevocationStatus;
use crate::files::Certificate;
use crate::verify::crypto::{self, PublicKey};

/// `id-ce-cRLReasons`.
const ID_CE_CRL_REASONS: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("2.5.29.21");

/// The raw `tbsCertList` of a CRL DER (the signature is over exactly these bytes).
fn tbs_cert_list(crl_der: &[u8]) -> Option<&[u8]> {
    let outer = crate::files::der::der_header(crl_der).ok()?;
    let inner = crl_der.get(outer.header_len..)?;
    let tbs = crate::files::der::der_header(inner).ok()?;
    inner.get(..tbs.total_len()?)
}

/// Check `cert` against a CRL of `issuer` at instant `at` (Unix seconds): the CRL must be
/// issued and signed by `issuer`, current (`thisUpdate ≤ at ≤ nextUpdate`; without nextUpdate,
/// at most `max_age` seconds old); the certificate is revoked when its serial number is listed.
pub fn check_crl(
    crl_der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    at: u64,
    max_age: u64,
) -> RevocationStatus {
    let Ok(crl) = CertificateList::<x509_cert::certificate::Rfc5280>::from_der(crl_der) else {
        return RevocationStatus::Malformed;
    };
    let Some(tbs) = tbs_cert_list(crl_der) else {
        return RevocationStatus::Malformed;
    };
    if crl.tbs_cert_list.issuer != *issuer.subject() {
        return RevocationStatus::NotCovered;
    }
    let Some(signature) = crl.signature.as_bytes() else {
        return RevocationStatus::Malformed;
    };
    let signed = PublicKey::from_spki(issuer.subject_public_key_info_der()).and_then(|key| {
        crypto::verify_x509_signature(key, crl.signature_algorithm.oid, tbs, signature)
    });
    if signed.is_err() {
        return RevocationStatus::BadSignature;
    }
    let this_update = crl.tbs_cert_list.this_update.to_unix_duration().as_secs();
    let next_update = crl
        .tbs_cert_list
        .next_update
        .map(|t| t.to_unix_duration().as_secs());
    if let Some(stale) = super::stale(this_update, next_update, at, max_age) {
        return stale;
    }
    let serial = cert.serial_number();
    let entry = crl
        .tbs_cert_list
        .revoked_certificates
        .iter()
        .flatten()
        .find(|r| r.serial_number.as_bytes() == serial);
    match entry {
        None => RevocationStatus::Good,
        Some(r) => {
            let reason = r
                .crl_entry_extensions
                .iter()
                .flatten()
                .find(|e| e.extn_id == ID_CE_CRL_REASONS)
                .and_then(|e| der::asn1::Any::from_der(e.extn_value.as_bytes()).ok())
                .and_then(|a| super::ocsp::enumerated(&a));
            RevocationStatus::Revoked {
                at: r.revocation_date.to_unix_duration().as_secs(),
                reason,
            }
        }
    }
}
