//! OCSP (RFC 6960): request building and response checking.
//!
//! The RFC 6960 types are declared here with `der`'s derive rather than taken from
//! `x509-ocsp`: the published `x509-ocsp` 0.2 is built on `x509-cert` 0.2 / `der` 0.7, this
//! crate on `x509-cert` 0.3 / `der` 0.8, and bridging two `der` generations through bytes would
//! decode every response twice. The few types are short and are public so that responders
//! (the simulator's, a test's) can encode responses with the same definitions.

use der::asn1::{Any, BitString, GeneralizedTime, ObjectIdentifier, OctetString, Uint};
use der::{Decode, Encode, Sequence, Tag, TagNumber, Tagged};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate as X509;
use x509_cert::ext::pkix::ExtendedKeyUsage;

use super::RevocationStatus;
use crate::files::Certificate;
use crate::verify::crypto::{self, PublicKey};

/// `id-pkix-ocsp-basic`.
pub const ID_PKIX_OCSP_BASIC: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// `id-kp-OCSPSigning`: the extended key usage of a delegated responder certificate.
pub const ID_KP_OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
/// `id-sha1`, the CertID hash algorithm every responder accepts (RFC 5019 §2.1.1).
pub const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");

/// `CertID` (RFC 6960 §4.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct CertId {
    /// Hash algorithm of the two hashes (SHA-1 here).
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// Hash of the issuer's DER-encoded name.
    pub issuer_name_hash: OctetString,
    /// Hash of the issuer's public key (the BIT STRING value of its SubjectPublicKeyInfo).
    pub issuer_key_hash: OctetString,
    /// Serial number of the certificate asked about.
    pub serial_number: Uint,
}

/// `Request` (RFC 6960 §4.1.1), without single-request extensions.
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct Request {
    /// The certificate asked about.
    pub req_cert: CertId,
}

/// `TBSRequest` (RFC 6960 §4.1.1): version v1 (default, not encoded), no requestor name, no
/// extensions (no nonce: the Belgian responders serve pre-produced responses, RFC 5019).
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct TbsRequest {
    /// The certificates asked about.
    pub request_list: Vec<Request>,
}

/// `OCSPRequest` (RFC 6960 §4.1.1), unsigned.
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct OcspRequest {
    /// The request.
    pub tbs_request: TbsRequest,
}

/// `ResponseBytes` (RFC 6960 §4.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct ResponseBytes {
    /// `id-pkix-ocsp-basic`.
    pub response_type: ObjectIdentifier,
    /// DER of a [`BasicOcspResponse`].
    pub response: OctetString,
}

/// `OCSPResponse` (RFC 6960 §4.2.1). `response_status` is the ENUMERATED value (0 =
/// successful) kept as an `Any` with tag ENUMERATED.
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct OcspResponse {
    /// `OCSPResponseStatus` (ENUMERATED).
    pub response_status: Any,
    /// Present when the status is successful.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub response_bytes: Option<ResponseBytes>,
}

/// `BasicOCSPResponse` (RFC 6960 §4.2.1). `tbs_response_data` is kept as the encoded
/// element: the signature is over exactly those bytes.
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct BasicOcspResponse {
    /// DER of a [`ResponseData`].
    pub tbs_response_data: Any,
    /// Signature algorithm.
    pub signature_algorithm: AlgorithmIdentifierOwned,
    /// Signature over `tbs_response_data`.
    pub signature: BitString,
    /// Certificates that help verify the signature (a delegated responder's).
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub certs: Option<Vec<X509>>,
}

/// `ResponseData` (RFC 6960 §4.2.1), version v1. `responder_id` is the CHOICE
/// `byName [1] Name | byKey [2] KeyHash` kept as an `Any`.
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct ResponseData {
    /// Who signed.
    pub responder_id: Any,
    /// When the response was produced.
    pub produced_at: GeneralizedTime,
    /// One answer per certificate.
    pub responses: Vec<SingleResponse>,
    /// Extensions (ignored).
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub response_extensions: Option<Any>,
}

/// `SingleResponse` (RFC 6960 §4.2.1). `cert_status` is the CHOICE `good [0] IMPLICIT NULL |
/// revoked [1] IMPLICIT RevokedInfo | unknown [2] IMPLICIT NULL` kept as an `Any`.
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct SingleResponse {
    /// The certificate this answer is about.
    pub cert_id: CertId,
    /// Good, revoked or unknown.
    pub cert_status: Any,
    /// When the status was known to be correct.
    pub this_update: GeneralizedTime,
    /// When newer information will be available.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub next_update: Option<GeneralizedTime>,
    /// Extensions (ignored).
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub single_extensions: Option<Any>,
}

/// `RevokedInfo` (RFC 6960 §4.2.1), the content of `revoked [1] IMPLICIT`.
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct RevokedInfo {
    /// When it was revoked.
    pub revocation_time: GeneralizedTime,
    /// `CRLReason` (ENUMERATED) as an `Any`.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub revocation_reason: Option<Any>,
}

fn sha1(data: &[u8]) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, data)
        .as_ref()
        .to_vec()
}

/// The `CertID` of `cert` issued by `issuer` (SHA-1 hashes, RFC 5019 §2.1.1).
pub fn cert_id(cert: &Certificate, issuer: &Certificate) -> Result<CertId, der::Error> {
    let tbs = issuer.inner().tbs_certificate();
    let name_der = tbs.subject().to_der()?;
    let key_bits = tbs.subject_public_key_info().subject_public_key.raw_bytes();
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: ID_SHA1,
            parameters: Some(Any::new(Tag::Null, [0u8; 0])?),
        },
        issuer_name_hash: OctetString::new(sha1(&name_der))?,
        issuer_key_hash: OctetString::new(sha1(key_bits))?,
        serial_number: Uint::new(cert.serial_number())?,
    })
}

/// DER of an `OCSPRequest` for `cert` issued by `issuer`, to POST to the responder
/// (`Content-Type: application/ocsp-request`).
pub fn request(cert: &Certificate, issuer: &Certificate) -> Result<Vec<u8>, der::Error> {
    OcspRequest {
        tbs_request: TbsRequest {
            request_list: vec![Request {
                req_cert: cert_id(cert, issuer)?,
            }],
        },
    }
    .to_der()
}

fn same_cert_id(a: &CertId, b: &CertId) -> bool {
    a.hash_algorithm.oid == b.hash_algorithm.oid
        && a.issuer_name_hash == b.issuer_name_hash
        && a.issuer_key_hash == b.issuer_key_hash
        && a.serial_number.as_bytes() == b.serial_number.as_bytes()
}

fn unix(t: &GeneralizedTime) -> u64 {
    t.to_unix_duration().as_secs()
}

/// The CRL reason code of an ENUMERATED `Any`.
pub(crate) fn enumerated(any: &Any) -> Option<u8> {
    match (any.tag(), any.value()) {
        (Tag::Enumerated, [v]) => Some(*v),
        _ => None,
    }
}

fn context(number: u32, constructed: bool) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number: TagNumber(number),
    }
}

/// Does `signer` (a certificate in X.509 form) carry the OCSP-signing extended key usage?
fn is_ocsp_signer(signer: &X509) -> bool {
    signer
        .tbs_certificate()
        .get_extension::<ExtendedKeyUsage>()
        .ok()
        .flatten()
        .is_some_and(|(_, eku)| eku.0.contains(&ID_KP_OCSP_SIGNING))
}

/// Check an OCSP response for `cert` issued by `issuer` at instant `at` (Unix seconds).
///
/// The response must be successful, of type basic, signed by the issuer itself or by a
/// delegated responder whose certificate (in the response) the issuer signed and which has the
/// OCSP-signing extended key usage (RFC 6960 §4.2.2.2); its answer for this certificate must be
/// current: `thisUpdate ≤ at ≤ nextUpdate` (without nextUpdate, at most `max_age` seconds after
/// thisUpdate).
pub fn check_response(
    response_der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    at: u64,
    max_age: u64,
) -> RevocationStatus {
    let Ok(response) = OcspResponse::from_der(response_der) else {
        return RevocationStatus::Malformed;
    };
    match enumerated(&response.response_status) {
        Some(0) => {}
        Some(code) => return RevocationStatus::ResponderRefused { code },
        None => return RevocationStatus::Malformed,
    }
    let Some(bytes) = response.response_bytes else {
        return RevocationStatus::Malformed;
    };
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return RevocationStatus::Malformed;
    }
    let Ok(basic) = BasicOcspResponse::from_der(bytes.response.as_bytes()) else {
        return RevocationStatus::Malformed;
    };
    let Ok(tbs_der) = basic.tbs_response_data.to_der() else {
        return RevocationStatus::Malformed;
    };
    let Ok(data) = ResponseData::from_der(&tbs_der) else {
        return RevocationStatus::Malformed;
    };
    let Some(signature) = basic.signature.as_bytes() else {
        return RevocationStatus::Malformed;
    };
    // The signer: the issuer, or a delegated responder certified by the issuer.
    let issuer_spki = issuer.subject_public_key_info_der();
    let verify_with = |spki: &[u8]| {
        PublicKey::from_spki(spki).and_then(|key| {
            crypto::verify_x509_signature(key, basic.signature_algorithm.oid, &tbs_der, signature)
        })
    };
    let mut signed = verify_with(issuer_spki).is_ok();
    if !signed {
        for responder in basic.certs.iter().flatten() {
            let Ok(der) = responder.to_der() else {
                continue;
            };
            let Ok(responder_cert) = Certificate::parse(&der) else {
                continue;
            };
            let certified = responder_cert.issuer() == issuer.subject()
                && super::verify_certificate_signature(&responder_cert, issuer).is_ok()
                && is_ocsp_signer(responder)
                && responder_cert.is_valid_at(at);
            if certified && verify_with(responder_cert.subject_public_key_info_der()).is_ok() {
                signed = true;
                break;
            }
        }
    }
    if !signed {
        return RevocationStatus::BadSignature;
    }
    let Ok(wanted) = cert_id(cert, issuer) else {
        return RevocationStatus::Malformed;
    };
    let Some(single) = data
        .responses
        .iter()
        .find(|r| same_cert_id(&r.cert_id, &wanted))
    else {
        return RevocationStatus::NotCovered;
    };
    let this_update = unix(&single.this_update);
    let next_update = single.next_update.as_ref().map(unix);
    if let Some(stale) = super::stale(this_update, next_update, at, max_age) {
        return stale;
    }
    let status = &single.cert_status;
    match status.tag() {
        t if t == context(0, false) => RevocationStatus::Good,
        t if t == context(2, false) => RevocationStatus::Unknown,
        t if t == context(1, true) => {
            // IMPLICIT [1] RevokedInfo: re-tag the content as a SEQUENCE to decode it.
            let Ok(seq) = Any::new(Tag::Sequence, status.value()) else {
                return RevocationStatus::Malformed;
            };
            match seq
                .to_der()
                .ok()
                .and_then(|d| RevokedInfo::from_der(&d).ok())
            {
                Some(info) => RevocationStatus::Revoked {
                    at: unix(&info.revocation_time),
                    reason: info.revocation_reason.as_ref().and_then(enumerated),
                },
                None => RevocationStatus::Malformed,
            }
        }
        _ => RevocationStatus::Malformed,
    }
}
