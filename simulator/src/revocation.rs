//! Revocation data of the test PKI: OCSP responses (RFC 6960) and CRLs (RFC 5280 §5) made
//! here, so tests serve good / revoked / unknown / stale / wrongly signed answers themselves.
//!
//! Responses use the library's RFC 6960 types ([`beid::verify::revocation::ocsp`]). Signers:
//! the issuing CA itself, a delegated responder certificate it issues (fresh P-384 key, EKU
//! `id-kp-OCSPSigning`), or a key nobody certified. CRLs are signed by the CA.

use std::time::Duration;

use beid::files::Certificate;
use beid::verify::revocation::ocsp::{
    BasicOcspResponse, ID_KP_OCSP_SIGNING, ID_PKIX_OCSP_BASIC, OcspResponse, ResponseBytes,
    ResponseData, RevokedInfo, SingleResponse, cert_id,
};
use der::asn1::{Any, BitString, GeneralizedTime, ObjectIdentifier, OctetString, UtcTime};
use der::{Decode, Encode, Tag, TagNumber};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, KeyUsages};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;

use crate::error::SimulatorError;
use crate::keys::SigningKey;
use crate::pki::{
    Authority, CA_VALIDITY, CertParams, IssuingCa, TestPki, ext, key_identifier, make_name,
    sign_certificate, signature_algorithm,
};

type Result<T, E = SimulatorError> = core::result::Result<T, E>;

/// `id-ce-cRLReasons`.
const ID_CE_CRL_REASONS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.21");

/// What an OCSP response says about the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcspAnswer {
    /// Not revoked.
    Good,
    /// Revoked at this instant (Unix seconds) with this CRL reason code.
    Revoked {
        /// Revocation time.
        at: u64,
        /// Reason code (RFC 5280 §5.3.1), if any.
        reason: Option<u8>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// Who signs an OCSP response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcspSigner {
    /// The issuing CA's key.
    Issuer,
    /// A responder certificate issued by the CA with `id-kp-OCSPSigning` (included in the
    /// response).
    DelegatedResponder,
    /// A fresh key that nobody certified (the response must be rejected).
    Stranger,
}

fn gt(unix: u64) -> Result<GeneralizedTime> {
    Ok(GeneralizedTime::from_unix_duration(Duration::from_secs(
        unix,
    ))?)
}

fn context(number: u32, constructed: bool) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number: TagNumber(number),
    }
}

fn sha1(data: &[u8]) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, data)
        .as_ref()
        .to_vec()
}

fn parse(der: &[u8]) -> Result<Certificate> {
    Certificate::parse(der).map_err(|_| SimulatorError::KeyRejected {
        reason: "not a certificate",
    })
}

impl TestPki {
    /// The authority that issued `cert_der` (citizen or foreigner CA).
    fn issuer_of(&self, cert: &Certificate) -> Result<(&Authority, Certificate)> {
        for ca in [IssuingCa::Citizen, IssuingCa::Foreigner] {
            let a = self.authority(ca);
            if &a.name == cert.issuer() {
                return Ok((a, parse(&a.cert)?));
            }
        }
        Err(SimulatorError::KeyRejected {
            reason: "certificate not issued by a CA of this test PKI",
        })
    }

    /// A DER `OCSPResponse` (successful, basic) about `cert_der` (a holder certificate of this
    /// PKI): `answer`, thisUpdate / nextUpdate (Unix seconds), signed by `signer`.
    pub fn ocsp_response(
        &self,
        cert_der: &[u8],
        answer: OcspAnswer,
        this_update: u64,
        next_update: Option<u64>,
        signer: OcspSigner,
    ) -> Result<Vec<u8>> {
        let cert = parse(cert_der)?;
        let (authority, issuer) = self.issuer_of(&cert)?;
        let id = cert_id(&cert, &issuer)?;
        let cert_status = match answer {
            OcspAnswer::Good => Any::new(context(0, false), [0u8; 0])?,
            OcspAnswer::Unknown => Any::new(context(2, false), [0u8; 0])?,
            OcspAnswer::Revoked { at, reason } => {
                let info = RevokedInfo {
                    revocation_time: gt(at)?,
                    revocation_reason: reason
                        .map(|r| Any::new(Tag::Enumerated, [r]))
                        .transpose()?,
                };
                let seq = Any::from_der(&info.to_der()?)?;
                Any::new(context(1, true), seq.value())?
            }
        };
        // The signing key, and the responder certificate to include.
        let (key, certs): (
            std::sync::Arc<SigningKey>,
            Option<Vec<x509_cert::Certificate>>,
        ) = match signer {
            OcspSigner::Issuer => (authority.key.clone(), None),
            OcspSigner::DelegatedResponder | OcspSigner::Stranger => {
                let key = std::sync::Arc::new(SigningKey::generate_ec_p384()?);
                if signer == OcspSigner::Stranger {
                    (key, None)
                } else {
                    let der = self.responder_certificate(authority, &key)?;
                    (key, Some(vec![x509_cert::Certificate::from_der(&der)?]))
                }
            }
        };
        let spki = spki::SubjectPublicKeyInfoRef::from_der(key.spki())?;
        let key_hash = sha1(spki.subject_public_key.raw_bytes());
        let responder_id = Any::new(context(2, true), OctetString::new(key_hash)?.to_der()?)?;
        let data = ResponseData {
            responder_id,
            produced_at: gt(this_update)?,
            responses: vec![SingleResponse {
                cert_id: id,
                cert_status,
                this_update: gt(this_update)?,
                next_update: next_update.map(gt).transpose()?,
                single_extensions: None,
            }],
            response_extensions: None,
        };
        let tbs_der = data.to_der()?;
        let signature = key.sign_message(&tbs_der)?;
        let basic = BasicOcspResponse {
            tbs_response_data: Any::from_der(&tbs_der)?,
            signature_algorithm: signature_algorithm(&key)?,
            signature: BitString::from_bytes(&signature)?,
            certs,
        };
        Ok(OcspResponse {
            response_status: Any::new(Tag::Enumerated, [0u8])?,
            response_bytes: Some(ResponseBytes {
                response_type: ID_PKIX_OCSP_BASIC,
                response: OctetString::new(basic.to_der()?)?,
            }),
        }
        .to_der()?)
    }

    /// A DER `OCSPResponse` with an error status and no body (RFC 6960 §4.2.1: 1
    /// malformedRequest, 2 internalError, 3 tryLater, 5 sigRequired, 6 unauthorized).
    pub fn ocsp_error_response(code: u8) -> Result<Vec<u8>> {
        Ok(OcspResponse {
            response_status: Any::new(Tag::Enumerated, [code])?,
            response_bytes: None,
        }
        .to_der()?)
    }

    /// A delegated OCSP responder certificate for `key`, issued by `authority`.
    fn responder_certificate(&self, authority: &Authority, key: &SigningKey) -> Result<Vec<u8>> {
        let name = make_name(&[
            (const_oid::db::rfc4519::COUNTRY_NAME, "BE"),
            (const_oid::db::rfc4519::CN, "TEST OCSP Responder"),
        ])?;
        let _ = key_identifier(key.spki())?;
        sign_certificate(CertParams {
            issuer_key: &authority.key,
            issuer_name: &authority.name,
            issuer_ski: &authority.ski,
            subject: &name,
            spki: key.spki(),
            serial: &[0x0C, 0x5B],
            validity: CA_VALIDITY,
            extensions: vec![
                ext(&KeyUsage(KeyUsages::DigitalSignature.into()), true)?,
                ext(&ExtendedKeyUsage(vec![ID_KP_OCSP_SIGNING]), false)?,
            ],
            self_signed: false,
        })
    }

    /// A DER CRL of the CA that issued `holder_cert_der`, signed by that CA: `revoked` lists
    /// `(certificate DER, revocation time, reason code)`; thisUpdate / nextUpdate in Unix
    /// seconds.
    pub fn crl(
        &self,
        holder_cert_der: &[u8],
        revoked: &[(&[u8], u64, Option<u8>)],
        this_update: u64,
        next_update: Option<u64>,
    ) -> Result<Vec<u8>> {
        let cert = parse(holder_cert_der)?;
        let (authority, _) = self.issuer_of(&cert)?;
        let utc = |t: u64| -> Result<Time> {
            Ok(Time::UtcTime(UtcTime::from_unix_duration(
                Duration::from_secs(t),
            )?))
        };
        let mut entries: Vec<RevokedCert> = Vec::new();
        for (der, at, reason) in revoked {
            let c = parse(der)?;
            let crl_entry_extensions = match reason {
                Some(r) => Some(vec![Extension {
                    extn_id: ID_CE_CRL_REASONS,
                    critical: false,
                    extn_value: OctetString::new(Any::new(Tag::Enumerated, [*r])?.to_der()?)?,
                }]),
                None => None,
            };
            entries.push(RevokedCert {
                serial_number: SerialNumber::new(c.serial_number())?,
                revocation_date: utc(*at)?,
                crl_entry_extensions,
            });
        }
        let alg = signature_algorithm(&authority.key)?;
        let tbs = TbsCertList {
            version: x509_cert::Version::V2,
            signature: alg.clone(),
            issuer: authority.name.clone(),
            this_update: utc(this_update)?,
            next_update: next_update.map(utc).transpose()?,
            revoked_certificates: if entries.is_empty() {
                None
            } else {
                Some(entries)
            },
            crl_extensions: None,
        };
        let tbs_der = tbs.to_der()?;
        let signature = authority.key.sign_message(&tbs_der)?;
        Ok(CertificateList {
            tbs_cert_list: tbs,
            signature_algorithm: alg,
            signature: BitString::from_bytes(&signature)?,
        }
        .to_der()?)
    }
}
