//! Revocation: OCSP (RFC 6960) and CRLs (RFC 5280 §5), through a caller-provided
//! [`RevocationFetcher`]; the library itself makes no network call. The optional `http`
//! feature provides [`HttpFetcher`], a blocking fetcher on `ureq` (plain HTTP, as the Belgian
//! OCSP and CRL URLs are, spec §12.2).

pub mod crl;
#[cfg(feature = "http")]
mod http;
pub mod ocsp;

#[cfg(feature = "http")]
pub use http::HttpFetcher;

use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};

use crate::card::CardContents;
use crate::error::{CertRole, Check, VerificationFailure};
use crate::files::Certificate;
use crate::verify::report::{CheckResult, Outcome, VerificationReport};

/// Default maximum age of a response or CRL without `nextUpdate`: 7 days.
pub const DEFAULT_MAX_AGE: u64 = 7 * 86_400;

/// What a response or CRL says about one certificate, each case typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RevocationStatus {
    /// Not revoked.
    Good,
    /// Revoked at `at` (Unix seconds) for `reason` (CRL reason code, RFC 5280 §5.3.1).
    Revoked {
        /// Revocation time.
        at: u64,
        /// Reason code, when given.
        reason: Option<u8>,
    },
    /// The responder does not know the certificate.
    Unknown,
    /// The information is not current at the instant of verification.
    Stale {
        /// thisUpdate, Unix seconds.
        this_update: u64,
        /// nextUpdate, Unix seconds, when given.
        next_update: Option<u64>,
    },
    /// Not signed by the issuer (or a responder it delegated).
    BadSignature,
    /// Not decodable as an OCSP response / CRL.
    Malformed,
    /// The responder answered with an error status (RFC 6960 §4.2.1: 1 malformedRequest,
    /// 2 internalError, 3 tryLater, 5 sigRequired, 6 unauthorized).
    ResponderRefused {
        /// The `OCSPResponseStatus` value.
        code: u8,
    },
    /// The response or CRL does not cover this certificate (another issuer or serial).
    NotCovered,
    /// Fetching failed (no URL in the certificate, network error).
    FetchFailed,
}

impl RevocationStatus {
    /// The report failure for a certificate in `cert` role; `None` for [`RevocationStatus::Good`].
    pub fn failure(self, cert: CertRole) -> Option<VerificationFailure> {
        Some(match self {
            RevocationStatus::Good => return None,
            RevocationStatus::Revoked { at, reason } => {
                VerificationFailure::Revoked { cert, at, reason }
            }
            RevocationStatus::Unknown => VerificationFailure::RevocationUnknown { cert },
            RevocationStatus::Stale { .. } => VerificationFailure::RevocationStale { cert },
            _ => VerificationFailure::RevocationBadResponse { cert },
        })
    }
}

/// [`RevocationStatus::Stale`] unless `thisUpdate ≤ at ≤ nextUpdate` (without nextUpdate: at
/// most `max_age` seconds after thisUpdate); shared by OCSP and CRL checking.
fn stale(
    this_update: u64,
    next_update: Option<u64>,
    at: u64,
    max_age: u64,
) -> Option<RevocationStatus> {
    let fresh = this_update <= at
        && match next_update {
            Some(next) => at <= next,
            None => at.saturating_sub(this_update) <= max_age,
        };
    (!fresh).then_some(RevocationStatus::Stale {
        this_update,
        next_update,
    })
}

/// Verify `cert`'s signature under `issuer` (no memo).
pub(crate) fn verify_certificate_signature(
    cert: &Certificate,
    issuer: &Certificate,
) -> Result<(), VerificationFailure> {
    crate::verify::chain::verify_signature(cert, CertRole::Ca, issuer)
}

/// The OCSP responder URL of a certificate (Authority Information Access, `id-ad-ocsp`).
pub fn ocsp_url(cert: &Certificate) -> Option<String> {
    const ID_AD_OCSP: der::asn1::ObjectIdentifier =
        der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
    let (_, aia) = cert
        .inner()
        .tbs_certificate()
        .get_extension::<AuthorityInfoAccessSyntax>()
        .ok()
        .flatten()?;
    aia.0.iter().find_map(|ad| match &ad.access_location {
        GeneralName::UniformResourceIdentifier(uri) if ad.access_method == ID_AD_OCSP => {
            Some(uri.to_string())
        }
        _ => None,
    })
}

/// The first CRL distribution point URL of a certificate.
pub fn crl_url(cert: &Certificate) -> Option<String> {
    let (_, dps) = cert
        .inner()
        .tbs_certificate()
        .get_extension::<CrlDistributionPoints>()
        .ok()
        .flatten()?;
    dps.0.iter().find_map(|dp| match &dp.distribution_point {
        Some(DistributionPointName::FullName(names)) => names.iter().find_map(|n| match n {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            _ => None,
        }),
        _ => None,
    })
}

/// Why a fetch failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL is not one the fetcher can reach (scheme, host).
    #[error("unsupported URL")]
    UnsupportedUrl,
    /// Connection or transfer failed.
    #[error("network error")]
    Network,
    /// The server answered with this HTTP status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// The answer was larger than the fetcher accepts.
    #[error("response too large")]
    TooLarge,
}

/// Fetches OCSP responses and CRLs for the library (which never touches the network itself).
pub trait RevocationFetcher {
    /// POST `request` (DER `OCSPRequest`, `application/ocsp-request`) to `url`; the DER
    /// `OCSPResponse`.
    fn fetch_ocsp(&mut self, url: &str, request: &[u8]) -> Result<Vec<u8>, FetchError>;
    /// GET the DER CRL at `url`.
    fn fetch_crl(&mut self, url: &str) -> Result<Vec<u8>, FetchError>;
}

/// How to check revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationMethod {
    /// OCSP only.
    Ocsp,
    /// CRL only.
    Crl,
    /// OCSP, and the CRL when OCSP gives no usable answer (fetch failure, responder error,
    /// malformed).
    OcspThenCrl,
}

/// Revocation status of one certificate, checked with the responder's or CRL's data.
pub fn check_certificate<F: RevocationFetcher + ?Sized>(
    fetcher: &mut F,
    cert: &Certificate,
    issuer: &Certificate,
    method: RevocationMethod,
    at: u64,
) -> RevocationStatus {
    let by_ocsp = |fetcher: &mut F| {
        let Some(url) = ocsp_url(cert) else {
            return RevocationStatus::FetchFailed;
        };
        let Ok(request) = ocsp::request(cert, issuer) else {
            return RevocationStatus::Malformed;
        };
        match fetcher.fetch_ocsp(&url, &request) {
            Ok(response) => ocsp::check_response(&response, cert, issuer, at, DEFAULT_MAX_AGE),
            Err(_) => RevocationStatus::FetchFailed,
        }
    };
    let by_crl = |fetcher: &mut F| {
        let Some(url) = crl_url(cert) else {
            return RevocationStatus::FetchFailed;
        };
        match fetcher.fetch_crl(&url) {
            Ok(crl) => crl::check_crl(&crl, cert, issuer, at, DEFAULT_MAX_AGE),
            Err(_) => RevocationStatus::FetchFailed,
        }
    };
    match method {
        RevocationMethod::Ocsp => by_ocsp(fetcher),
        RevocationMethod::Crl => by_crl(fetcher),
        RevocationMethod::OcspThenCrl => match by_ocsp(fetcher) {
            s @ (RevocationStatus::Good
            | RevocationStatus::Revoked { .. }
            | RevocationStatus::Unknown
            | RevocationStatus::Stale { .. }
            | RevocationStatus::BadSignature) => s,
            _ => by_crl(fetcher),
        },
    }
}

/// Revocation of the card's holder certificates (authentication, non-repudiation; issuer: the
/// CA of EF Cert#4), recorded in `report` as [`Check::Revocation`]: passed when every present
/// holder certificate is good, else failed with the first problem. Returns each status.
pub fn check_card<F: RevocationFetcher + ?Sized>(
    report: &mut VerificationReport,
    contents: &CardContents,
    fetcher: &mut F,
    method: RevocationMethod,
) -> Vec<(CertRole, RevocationStatus)> {
    let at = report.at();
    let mut statuses = Vec::new();
    if let Some(ca) = contents.ca_certificate() {
        for (role, cert) in [
            (
                CertRole::Authentication,
                contents.authentication_certificate(),
            ),
            (
                CertRole::NonRepudiation,
                contents.non_repudiation_certificate(),
            ),
        ] {
            if let Some(cert) = cert {
                statuses.push((role, check_certificate(fetcher, cert, ca, method, at)));
            }
        }
    }
    let outcome = if statuses.is_empty() {
        match contents.ca_certificate() {
            None if contents.authentication_certificate().is_some() => Outcome::Failed(
                VerificationFailure::MissingFile(crate::vocab::FileId::CaCertificate),
            ),
            _ => Outcome::NotApplicable(crate::verify::NotApplicable::NoCertificate),
        }
    } else {
        statuses
            .iter()
            .find_map(|(role, s)| s.failure(*role))
            .map_or(Outcome::Passed, Outcome::Failed)
    };
    report.set(CheckResult {
        check: Check::Revocation,
        outcome,
        hash: None,
    });
    statuses
}
