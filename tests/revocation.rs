//! Revocation: OCSP responses and CRLs made by the simulator's test PKI, checked for every
//! status, in memory and through a local HTTP responder on 127.0.0.1 (started and stopped by
//! the test).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::{SystemTime, UNIX_EPOCH};

use beid::error::{CertRole, Check, VerificationFailure};
use beid::verify::revocation::{
    self, FetchError, RevocationFetcher, RevocationMethod, RevocationStatus, ocsp,
};
use beid::verify::{Outcome, Policy, TrustStore};
use beid::{BeidCard, CardContents};
use beid_simulator::keys::KeyFamily;
use beid_simulator::revocation::{OcspAnswer, OcspSigner};
use beid_simulator::{Profile, TestPki};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

const DAY: u64 = 86_400;

/// Serves fixed bytes; records the URLs asked.
#[derive(Default)]
struct Fixed {
    ocsp: Option<Vec<u8>>,
    crl: Option<Vec<u8>>,
    asked: Vec<String>,
}

impl RevocationFetcher for Fixed {
    fn fetch_ocsp(&mut self, url: &str, request: &[u8]) -> Result<Vec<u8>, FetchError> {
        assert!(
            ocsp::OcspRequest::from_der_bytes(request),
            "a DER OCSPRequest"
        );
        self.asked.push(url.to_owned());
        self.ocsp.clone().ok_or(FetchError::Network)
    }
    fn fetch_crl(&mut self, url: &str) -> Result<Vec<u8>, FetchError> {
        self.asked.push(url.to_owned());
        self.crl.clone().ok_or(FetchError::Network)
    }
}

trait DerCheck {
    fn from_der_bytes(bytes: &[u8]) -> bool;
}
impl DerCheck for ocsp::OcspRequest {
    fn from_der_bytes(bytes: &[u8]) -> bool {
        <ocsp::OcspRequest as der::Decode>::from_der(bytes).is_ok()
    }
}

fn card(profile: Profile) -> (CardContents, &'static TestPki, KeyFamily) {
    let contents = BeidCard::open(profile.card().unwrap())
        .and_then(|mut c| c.read_all())
        .unwrap();
    let family = if contents.generation().is_ec() {
        KeyFamily::Ec
    } else {
        KeyFamily::Rsa
    };
    (contents, TestPki::standard(family).unwrap(), family)
}

fn status(
    contents: &CardContents,
    fetcher: &mut Fixed,
    method: RevocationMethod,
) -> RevocationStatus {
    let cert = contents.authentication_certificate().unwrap();
    let ca = contents.ca_certificate().unwrap();
    revocation::check_certificate(fetcher, cert, ca, method, now())
}

#[test]
fn ocsp_every_status() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let (contents, pki, _) = card(profile);
        let auth = contents
            .authentication_certificate()
            .unwrap()
            .der()
            .to_vec();
        let nonrep = contents
            .non_repudiation_certificate()
            .unwrap()
            .der()
            .to_vec();
        let t = now();
        let make = |cert: &[u8], answer, this, next, signer| Fixed {
            ocsp: Some(pki.ocsp_response(cert, answer, this, next, signer).unwrap()),
            ..Fixed::default()
        };
        let ocsp = RevocationMethod::Ocsp;
        let mut f = make(
            &auth,
            OcspAnswer::Good,
            t - 60,
            Some(t + DAY),
            OcspSigner::Issuer,
        );
        assert_eq!(status(&contents, &mut f, ocsp), RevocationStatus::Good);
        assert!(f.asked[0].starts_with("http://"), "{:?}", f.asked);
        let mut f = make(
            &auth,
            OcspAnswer::Good,
            t - 60,
            Some(t + DAY),
            OcspSigner::DelegatedResponder,
        );
        assert_eq!(status(&contents, &mut f, ocsp), RevocationStatus::Good);
        let revoked_at = t - 10 * DAY;
        let mut f = make(
            &auth,
            OcspAnswer::Revoked {
                at: revoked_at,
                reason: Some(1),
            },
            t - 60,
            Some(t + DAY),
            OcspSigner::Issuer,
        );
        assert_eq!(
            status(&contents, &mut f, ocsp),
            RevocationStatus::Revoked {
                at: revoked_at,
                reason: Some(1)
            }
        );
        let mut f = make(
            &auth,
            OcspAnswer::Unknown,
            t - 60,
            Some(t + DAY),
            OcspSigner::Issuer,
        );
        assert_eq!(status(&contents, &mut f, ocsp), RevocationStatus::Unknown);
        // Stale: nextUpdate passed; and a response from the future.
        let mut f = make(
            &auth,
            OcspAnswer::Good,
            t - 9 * DAY,
            Some(t - DAY),
            OcspSigner::Issuer,
        );
        assert!(matches!(
            status(&contents, &mut f, ocsp),
            RevocationStatus::Stale { .. }
        ));
        let mut f = make(&auth, OcspAnswer::Good, t + DAY, None, OcspSigner::Issuer);
        assert!(matches!(
            status(&contents, &mut f, ocsp),
            RevocationStatus::Stale { .. }
        ));
        // Signed by a key nobody certified.
        let mut f = make(
            &auth,
            OcspAnswer::Good,
            t - 60,
            Some(t + DAY),
            OcspSigner::Stranger,
        );
        assert_eq!(
            status(&contents, &mut f, ocsp),
            RevocationStatus::BadSignature
        );
        // A response about the other certificate does not cover this one.
        let mut f = make(
            &nonrep,
            OcspAnswer::Good,
            t - 60,
            Some(t + DAY),
            OcspSigner::Issuer,
        );
        assert_eq!(
            status(&contents, &mut f, ocsp),
            RevocationStatus::NotCovered
        );
        // Error status, garbage, no answer.
        let mut f = Fixed {
            ocsp: Some(TestPki::ocsp_error_response(3).unwrap()),
            ..Fixed::default()
        };
        assert_eq!(
            status(&contents, &mut f, ocsp),
            RevocationStatus::ResponderRefused { code: 3 }
        );
        let mut f = Fixed {
            ocsp: Some(vec![0x30, 0x03, 0x0A, 0x01]),
            ..Fixed::default()
        };
        assert_eq!(status(&contents, &mut f, ocsp), RevocationStatus::Malformed);
        let mut f = Fixed::default();
        assert_eq!(
            status(&contents, &mut f, ocsp),
            RevocationStatus::FetchFailed
        );
        // A flipped bit in the signed data.
        let mut bytes = pki
            .ocsp_response(
                &auth,
                OcspAnswer::Good,
                t - 60,
                Some(t + DAY),
                OcspSigner::Issuer,
            )
            .unwrap();
        let n = bytes.len();
        bytes[n / 2] ^= 0x01;
        let mut f = Fixed {
            ocsp: Some(bytes),
            ..Fixed::default()
        };
        assert!(matches!(
            status(&contents, &mut f, ocsp),
            RevocationStatus::BadSignature
                | RevocationStatus::Malformed
                | RevocationStatus::NotCovered
        ));
    }
}

#[test]
fn crl_every_status_and_fallback() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let (contents, pki, _) = card(profile);
        let auth = contents
            .authentication_certificate()
            .unwrap()
            .der()
            .to_vec();
        let nonrep = contents
            .non_repudiation_certificate()
            .unwrap()
            .der()
            .to_vec();
        let t = now();
        let crl = RevocationMethod::Crl;
        let with = |bytes| Fixed {
            crl: Some(bytes),
            ..Fixed::default()
        };
        let mut f = with(
            pki.crl(&auth, &[(&nonrep, t - DAY, None)], t - 60, Some(t + DAY))
                .unwrap(),
        );
        assert_eq!(status(&contents, &mut f, crl), RevocationStatus::Good);
        let mut f = with(
            pki.crl(&auth, &[(&auth, t - DAY, Some(4))], t - 60, Some(t + DAY))
                .unwrap(),
        );
        assert_eq!(
            status(&contents, &mut f, crl),
            RevocationStatus::Revoked {
                at: t - DAY,
                reason: Some(4)
            }
        );
        let mut f = with(pki.crl(&auth, &[], t - 9 * DAY, Some(t - DAY)).unwrap());
        assert!(matches!(
            status(&contents, &mut f, crl),
            RevocationStatus::Stale { .. }
        ));
        let mut bytes = pki.crl(&auth, &[], t - 60, Some(t + DAY)).unwrap();
        let n = bytes.len();
        bytes[n - 3] ^= 0x01; // in the signature
        let mut f = with(bytes);
        assert_eq!(
            status(&contents, &mut f, crl),
            RevocationStatus::BadSignature
        );
        // OCSP fails to fetch: the CRL answers.
        let mut f = with(
            pki.crl(&auth, &[(&auth, t - DAY, None)], t - 60, Some(t + DAY))
                .unwrap(),
        );
        assert!(matches!(
            status(&contents, &mut f, RevocationMethod::OcspThenCrl),
            RevocationStatus::Revoked { .. }
        ));
        assert_eq!(
            f.asked.len(),
            2,
            "OCSP asked (no answer), then the CRL: {:?}",
            f.asked
        );
        assert!(f.asked[1].contains("crl"), "{:?}", f.asked);
    }
}

#[test]
fn revocation_in_the_report() {
    let profile = Profile::Applet18Citizen;
    let (contents, pki, _) = card(profile);
    let trust = TrustStore::empty()
        .with_root(pki.root_certificate_der())
        .unwrap();
    let t = now();
    let mut report = contents.verify(&trust, t);
    assert_eq!(
        report.outcome(Check::Revocation),
        Outcome::NotApplicable(beid::verify::NotApplicable::NotRequested)
    );
    assert!(!report.satisfies(&Policy::offline().with(Check::Revocation)));
    let auth = contents
        .authentication_certificate()
        .unwrap()
        .der()
        .to_vec();
    let nonrep = contents
        .non_repudiation_certificate()
        .unwrap()
        .der()
        .to_vec();
    // One CRL covers both holder certificates.
    let mut f = Fixed {
        crl: Some(
            pki.crl(&auth, &[(&nonrep, t - DAY, Some(1))], t - 60, Some(t + DAY))
                .unwrap(),
        ),
        ..Fixed::default()
    };
    let statuses = revocation::check_card(&mut report, &contents, &mut f, RevocationMethod::Crl);
    assert_eq!(statuses.len(), 2);
    assert_eq!(
        statuses[0],
        (CertRole::Authentication, RevocationStatus::Good)
    );
    assert_eq!(
        report.outcome(Check::Revocation),
        Outcome::Failed(VerificationFailure::Revoked {
            cert: CertRole::NonRepudiation,
            at: t - DAY,
            reason: Some(1)
        })
    );
    // Everything else still passes: only the revocation check failed.
    assert_eq!(
        report.failures().map(|f| f.check()).collect::<Vec<_>>(),
        vec![Check::Revocation]
    );
    let mut f = Fixed {
        crl: Some(pki.crl(&auth, &[], t - 60, Some(t + DAY)).unwrap()),
        ..Fixed::default()
    };
    revocation::check_card(&mut report, &contents, &mut f, RevocationMethod::Crl);
    assert!(report.satisfies(&Policy::offline().with(Check::Revocation)));
}

#[cfg(feature = "http")]
mod local_responder {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A one-thread HTTP/1.1 server on 127.0.0.1: POST /ocsp answers `ocsp`, GET /crl answers
    /// `crl`, anything else 404. Stopped by dropping the handle.
    struct Responder {
        port: u16,
        stop: Arc<AtomicBool>,
        thread: Option<std::thread::JoinHandle<()>>,
    }

    impl Responder {
        fn start(ocsp: Vec<u8>, crl: Vec<u8>) -> Responder {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let stop = Arc::new(AtomicBool::new(false));
            let flag = stop.clone();
            let thread = std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if flag.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(mut stream) = stream else { continue };
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let mut len = 0usize;
                    loop {
                        let mut h = String::new();
                        reader.read_line(&mut h).unwrap();
                        if h.trim().is_empty() {
                            break;
                        }
                        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0u8; len];
                    reader.read_exact(&mut body).unwrap();
                    let (status, answer) = if line.starts_with("POST /ocsp") && !body.is_empty() {
                        ("200 OK", ocsp.clone())
                    } else if line.starts_with("GET /crl") {
                        ("200 OK", crl.clone())
                    } else {
                        ("404 Not Found", Vec::new())
                    };
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        answer.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&answer);
                }
            });
            Responder {
                port,
                stop,
                thread: Some(thread),
            }
        }
    }

    impl Drop for Responder {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            // Wake the accept loop.
            let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// The library's HTTP fetcher, with the certificate's `*.test.invalid` host replaced by
    /// the local responder (nothing leaves 127.0.0.1).
    struct Local {
        inner: revocation::HttpFetcher,
        port: u16,
    }

    impl RevocationFetcher for Local {
        fn fetch_ocsp(&mut self, url: &str, request: &[u8]) -> Result<Vec<u8>, FetchError> {
            assert!(url.contains(".test.invalid"), "{url}");
            let local = format!("http://127.0.0.1:{}/ocsp", self.port);
            self.inner.fetch_ocsp(&local, request)
        }
        fn fetch_crl(&mut self, url: &str) -> Result<Vec<u8>, FetchError> {
            assert!(url.contains(".test.invalid"), "{url}");
            let local = format!("http://127.0.0.1:{}/crl", self.port);
            self.inner.fetch_crl(&local)
        }
    }

    #[test]
    fn over_http_on_localhost() {
        let (contents, pki, _) = card(Profile::Applet18Citizen);
        let auth = contents
            .authentication_certificate()
            .unwrap()
            .der()
            .to_vec();
        let t = now();
        let responder = Responder::start(
            pki.ocsp_response(
                &auth,
                OcspAnswer::Revoked {
                    at: t - DAY,
                    reason: None,
                },
                t - 60,
                Some(t + DAY),
                OcspSigner::DelegatedResponder,
            )
            .unwrap(),
            pki.crl(&auth, &[], t - 60, Some(t + DAY)).unwrap(),
        );
        let mut fetcher = Local {
            inner: revocation::HttpFetcher::default(),
            port: responder.port,
        };
        let cert = contents.authentication_certificate().unwrap();
        let ca = contents.ca_certificate().unwrap();
        assert_eq!(
            revocation::check_certificate(&mut fetcher, cert, ca, RevocationMethod::Ocsp, t),
            RevocationStatus::Revoked {
                at: t - DAY,
                reason: None
            }
        );
        assert_eq!(
            revocation::check_certificate(&mut fetcher, cert, ca, RevocationMethod::Crl, t),
            RevocationStatus::Good
        );
        // A 404 is a typed fetch error.
        let mut plain = revocation::HttpFetcher::default();
        assert_eq!(
            plain.fetch_crl(&format!("http://127.0.0.1:{}/nothing", responder.port)),
            Err(FetchError::Status(404))
        );
        assert_eq!(
            plain.fetch_crl("https://crl.test.invalid/x.crl"),
            Err(FetchError::UnsupportedUrl)
        );
        drop(responder);
    }
}
