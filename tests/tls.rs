//! TLS client authentication with the card (spec §8.7–§8.9, §12.2): a rustls server on
//! 127.0.0.1, started and stopped by each test, requiring a client certificate under the
//! simulator's test root (rustls's own `WebPkiClientVerifier`), accepts the card-backed client
//! on both generations — TLS 1.3 and 1.2 on applet 1.7, TLS 1.3 on 1.8 — and every way a
//! login fails gives its typed reason and a failed handshake, within a timeout.
#![cfg(feature = "rustls")]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use beid::tls::{CardClientAuth, FixedPin, LoginFailure, LoginOptions, PinRequest};
use beid::verify::TrustStore;
use beid::{BeidCard, Pin, PinError};
use beid_simulator::keys::KeyFamily;
use beid_simulator::{Faults, Profile, TestPki, VirtualCard};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::server::WebPkiClientVerifier;
use rustls::{ProtocolVersion, RootCertStore, ServerConfig, ServerConnection, StreamOwned};

const TIMEOUT: Duration = Duration::from_secs(20);

/// A private server CA and a leaf for `localhost` / 127.0.0.1.
struct ServerPki {
    ca: CertificateDer<'static>,
    leaf: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

fn server_pki() -> ServerPki {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "beid tls test server CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let params =
        rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    let leaf = params.signed_by(&key, &issuer).unwrap();
    ServerPki {
        ca: ca.der().clone(),
        leaf: leaf.der().clone(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
    }
}

/// What the server saw of one connection.
#[derive(Debug)]
struct Seen {
    version: Option<ProtocolVersion>,
    client_chain: usize,
}

struct Server {
    addr: SocketAddr,
    pki: ServerPki,
    outcome: mpsc::Receiver<Result<Seen, String>>,
}

impl Server {
    /// A server requiring a client certificate under the simulator's test root of `profile`.
    fn start(profile: Profile, versions: &[&'static rustls::SupportedProtocolVersion]) -> Server {
        let pki = server_pki();
        let mut roots = RootCertStore::empty();
        roots.add(CertificateDer::from(test_root(profile))).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .unwrap();
        let config = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![pki.leaf.clone()],
                PrivateKeyDer::Pkcs8(pki.key.clone_key()),
            )
            .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, outcome) = mpsc::channel();
        thread::spawn(move || {
            let _ = tx.send(serve(&listener, Arc::new(config)));
        });
        Server { addr, pki, outcome }
    }

    /// The server's outcome, within the timeout (never hangs the test).
    fn outcome(&self) -> Result<Seen, String> {
        self.outcome
            .recv_timeout(TIMEOUT)
            .expect("the server ends within the timeout")
    }
}

fn serve(listener: &TcpListener, config: Arc<ServerConfig>) -> Result<Seen, String> {
    let (tcp, _) = listener.accept().map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
    let conn = ServerConnection::new(config).map_err(|e| e.to_string())?;
    let mut tls = StreamOwned::new(conn, tcp);
    let mut request = [0u8; 512];
    let n = tls.read(&mut request).map_err(|e| e.to_string())?;
    if !request.get(..n).is_some_and(|r| r.starts_with(b"GET / ")) {
        return Err("not a GET".into());
    }
    let seen = Seen {
        version: tls.conn.protocol_version(),
        client_chain: tls.conn.peer_certificates().map_or(0, <[_]>::len),
    };
    let body = format!("hello, {} certificates", seen.client_chain);
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(response.as_bytes())
        .map_err(|e| e.to_string())?;
    tls.conn.send_close_notify();
    tls.flush().map_err(|e| e.to_string())?;
    Ok(seen)
}

/// GET / with the card; the response, or the error that ended the connection.
fn login(auth: &CardClientAuth<VirtualCard>, server: &Server) -> Result<String, std::io::Error> {
    let mut roots = RootCertStore::empty();
    roots.add(server.pki.ca.clone()).unwrap();
    let config = auth.client_config(roots).unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect_timeout(&server.addr, TIMEOUT)?;
    tcp.set_read_timeout(Some(TIMEOUT))?;
    tcp.set_write_timeout(Some(TIMEOUT))?;
    let mut tls = StreamOwned::new(conn, tcp);
    tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
    let mut response = Vec::new();
    tls.read_to_end(&mut response)?;
    Ok(String::from_utf8_lossy(&response).into_owned())
}

/// The simulator's test root for `profile`'s key family (what `beid sim --export-root` writes).
fn test_root(profile: Profile) -> Vec<u8> {
    let family = match profile {
        Profile::Applet18Citizen => KeyFamily::Ec,
        _ => KeyFamily::Rsa,
    };
    TestPki::standard(family)
        .unwrap()
        .root_certificate_der()
        .to_vec()
}

fn card(profile: Profile) -> BeidCard<VirtualCard> {
    BeidCard::open(profile.card().unwrap()).unwrap()
}

fn pin() -> FixedPin {
    FixedPin::new(Pin::new("1234").unwrap())
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn the_server_accepts_the_card_on_every_generation_and_version() {
    let cases: [(
        Profile,
        &[&'static rustls::SupportedProtocolVersion],
        ProtocolVersion,
        _,
    ); 3] = [
        (
            Profile::Applet17Citizen,
            &[&rustls::version::TLS13],
            ProtocolVersion::TLSv1_3,
            rustls::SignatureScheme::RSA_PSS_SHA256,
        ),
        (
            Profile::Applet17Citizen,
            &[&rustls::version::TLS12],
            ProtocolVersion::TLSv1_2,
            rustls::SignatureScheme::RSA_PKCS1_SHA256,
        ),
        (
            Profile::Applet18Citizen,
            &[&rustls::version::TLS13],
            ProtocolVersion::TLSv1_3,
            rustls::SignatureScheme::ECDSA_NISTP384_SHA384,
        ),
    ];
    for (profile, versions, version, scheme) in cases {
        let server = Server::start(profile, versions);
        let auth = CardClientAuth::new(card(profile), pin(), LoginOptions::new()).unwrap();
        let started = Instant::now();
        let response = login(&auth, &server)
            .unwrap_or_else(|e| panic!("{profile} {version:?}: {e} ({:?})", auth.explain(&e)));
        let seen = server.outcome().unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        assert!(response.ends_with("hello, 3 certificates"), "{response}");
        assert_eq!(seen.version, Some(version), "{profile}");
        assert_eq!(seen.client_chain, 3, "auth + CA + root");
        let stats = auth.last_login();
        assert_eq!(stats.scheme, Some(scheme), "{profile} {version:?}");
        assert_eq!(stats.pin_requests, 1);
        // MSE:SET + VERIFY + PSO:CDS + GET RESPONSE, nothing else.
        assert_eq!(stats.signing_apdus, 4, "{profile} {version:?}");
        assert!(stats.certificate_apdus > 0);
        println!(
            "{profile} {version:?}: {scheme:?}, APDUs: certificates {}, signing {}; {:?}",
            stats.certificate_apdus,
            stats.signing_apdus,
            started.elapsed()
        );
        assert!(auth.last_failure().is_none());
    }
}

#[test]
fn a_second_login_reads_no_certificate_and_asks_the_pin_again() {
    let profile = Profile::Applet18Citizen;
    let asked = Arc::new(Mutex::new(0u32));
    let counter = Arc::clone(&asked);
    let source = move |_: &PinRequest| {
        *counter.lock().unwrap() += 1;
        Pin::new("1234").map_err(|_| PinError::EntryCancelled)
    };
    let auth = CardClientAuth::new(card(profile), source, LoginOptions::new()).unwrap();
    for round in 0..2 {
        let server = Server::start(profile, &[&rustls::version::TLS13]);
        login(&auth, &server).unwrap();
        server.outcome().unwrap();
        let stats = auth.last_login();
        if round == 1 {
            assert_eq!(stats.certificate_apdus, 0, "cached");
            // The security environment is unchanged: no MSE:SET.
            assert_eq!(stats.signing_apdus, 3, "VERIFY + PSO:CDS + GET RESPONSE");
        }
    }
    assert_eq!(*asked.lock().unwrap(), 2, "once per login");
}

/// A login that must fail: the client's typed reason, and the server's refusal.
fn failed_login(auth: &CardClientAuth<VirtualCard>, profile: Profile) -> LoginFailure {
    let server = Server::start(profile, &[&rustls::version::TLS13]);
    let started = Instant::now();
    let err = login(auth, &server).expect_err("the login fails");
    assert!(started.elapsed() < TIMEOUT, "no hang");
    assert!(
        server.outcome().is_err(),
        "the server refused the handshake"
    );
    auth.explain(&err).expect("a typed reason")
}

#[test]
fn a_wrong_pin_fails_the_login_with_tries_left_and_is_never_resent() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let wrong = FixedPin::new(Pin::new("9999").unwrap());
        let auth = CardClientAuth::new(card(profile), wrong, LoginOptions::new()).unwrap();
        let failure = failed_login(&auth, profile);
        assert!(
            matches!(failure, LoginFailure::PinWrong { tries_left: 2 }),
            "{failure:?}"
        );
        assert_eq!(auth.last_login().pin_requests, 1, "asked once, sent once");
        let left = auth.with_card(|c| c.channel().transport().pin_tries_left());
        assert_eq!(left, 2, "one try spent, no retry");
        // The next login's request says how many tries are left.
        let seen = Arc::new(Mutex::new(None));
        let record = Arc::clone(&seen);
        let auth2 = CardClientAuth::new(
            BeidCard::open(profile.card().unwrap()).unwrap(),
            move |r: &PinRequest| {
                *record.lock().unwrap() = Some(r.tries_left);
                Err(PinError::EntryCancelled)
            },
            LoginOptions::new(),
        )
        .unwrap();
        let failure = failed_login(&auth2, profile);
        assert!(
            matches!(failure, LoginFailure::PinEntryCancelled),
            "{failure:?}"
        );
        assert_eq!(
            *seen.lock().unwrap(),
            Some(None),
            "unknown on a fresh login"
        );
    }
}

#[test]
fn the_request_after_a_wrong_pin_carries_the_tries_left() {
    let profile = Profile::Applet17Citizen;
    let tries = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&tries);
    let source = move |r: &PinRequest| {
        record.lock().unwrap().push(r.tries_left);
        Pin::new("1111").map_err(|_| PinError::EntryCancelled)
    };
    let auth = CardClientAuth::new(card(profile), source, LoginOptions::new()).unwrap();
    let first = failed_login(&auth, profile);
    assert!(matches!(first, LoginFailure::PinWrong { tries_left: 2 }));
    let second = failed_login(&auth, profile);
    assert!(matches!(second, LoginFailure::PinWrong { tries_left: 1 }));
    assert!(second.hint().contains("one try left"), "{}", second.hint());
    assert_eq!(*tries.lock().unwrap(), [None, Some(2)]);
}

#[test]
fn a_blocked_pin_fails_the_login() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let vc = profile.builder().blocked_pin().build().unwrap();
        let auth =
            CardClientAuth::new(BeidCard::open(vc).unwrap(), pin(), LoginOptions::new()).unwrap();
        let failure = failed_login(&auth, profile);
        assert!(matches!(failure, LoginFailure::PinBlocked), "{failure:?}");
        assert!(failure.hint().contains("PUK"));
    }
}

#[test]
fn cancelled_and_timed_out_pin_entry_send_nothing() {
    for (error, expected) in [
        (PinError::EntryCancelled, "cancelled"),
        (PinError::EntryTimedOut, "timed out"),
    ] {
        let profile = Profile::Applet18Citizen;
        let auth = CardClientAuth::new(
            card(profile),
            move |_: &PinRequest| -> Result<Pin, PinError> { Err(error) },
            LoginOptions::new(),
        )
        .unwrap();
        let before = auth.with_card(|c| c.apdu_count());
        let failure = failed_login(&auth, profile);
        assert!(failure.to_string().contains(expected), "{failure}");
        let sent = auth.with_card(|c| c.apdu_count()) - before;
        assert_eq!(sent, auth.last_login().certificate_apdus, "no VERIFY");
        assert_eq!(
            auth.with_card(|c| c.channel().transport().pin_tries_left()),
            3
        );
    }
}

#[test]
fn a_card_removed_during_the_handshake_fails_the_login() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let auth = CardClientAuth::new(card(profile), pin(), LoginOptions::new()).unwrap();
        auth.check().unwrap();
        // Pulled after the VERIFY, when the signature is asked for.
        auth.with_card(|c| {
            let t = c.channel().transport_mut();
            let n = t.apdu_count();
            let mut faults = Faults::new();
            faults.remove_at_apdu(n + 2);
            t.set_faults(faults);
        });
        let failure = failed_login(&auth, profile);
        assert!(matches!(failure, LoginFailure::CardRemoved), "{failure:?}");
    }
}

#[test]
fn an_expired_certificate_is_named_before_the_card_signs() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let vc = profile.builder().expired_certificates().build().unwrap();
        let auth = CardClientAuth::new(
            BeidCard::open(vc).unwrap(),
            pin(),
            LoginOptions::new().check_at(now()),
        )
        .unwrap();
        let failure = failed_login(&auth, profile);
        assert!(
            matches!(failure, LoginFailure::CertificateExpired { .. }),
            "{failure:?}"
        );
        assert_eq!(
            auth.last_login().pin_requests,
            0,
            "no PIN for a dead certificate"
        );
        // Without the client-side check the server refuses the expired certificate itself.
        let vc = profile.builder().expired_certificates().build().unwrap();
        let unchecked =
            CardClientAuth::new(BeidCard::open(vc).unwrap(), pin(), LoginOptions::new()).unwrap();
        let server = Server::start(profile, &[&rustls::version::TLS13]);
        let err = login(&unchecked, &server).expect_err("refused");
        let server_said = server.outcome().unwrap_err();
        assert!(
            server_said.to_lowercase().contains("expired"),
            "{server_said}"
        );
        assert!(
            matches!(unchecked.explain(&err), Some(LoginFailure::Tls(_))),
            "{err}"
        );
    }
}

#[test]
fn an_unknown_root_is_named_with_a_trust_store() {
    let profile = Profile::Applet18Citizen;
    let auth = CardClientAuth::new(
        card(profile),
        pin(),
        LoginOptions::new()
            .check_at(now())
            .trust(TrustStore::belgian()),
    )
    .unwrap();
    let failure = failed_login(&auth, profile);
    assert!(matches!(failure, LoginFailure::UnknownRoot), "{failure:?}");
    // With the simulator's root added, the same check passes.
    let trust = TrustStore::empty().with_root(&test_root(profile)).unwrap();
    let auth = CardClientAuth::new(
        card(profile),
        pin(),
        LoginOptions::new().check_at(now()).trust(trust),
    )
    .unwrap();
    auth.check().unwrap();
    // A trust store without an instant is the caller's mistake, caught before any APDU.
    let err = CardClientAuth::new(
        card(profile),
        pin(),
        LoginOptions::new().trust(TrustStore::belgian()),
    )
    .unwrap_err();
    assert!(matches!(err, beid::Error::Argument(_)), "{err:?}");
}

#[test]
fn an_inactive_card_is_named() {
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let vc = profile.builder().not_issued().build().unwrap();
        let auth =
            CardClientAuth::new(BeidCard::open(vc).unwrap(), pin(), LoginOptions::new()).unwrap();
        let failure = failed_login(&auth, profile);
        assert!(
            matches!(failure, LoginFailure::CardNotActivated { .. }),
            "{failure:?}"
        );
        assert!(failure.hint().contains("activate"), "{}", failure.hint());
    }
}

#[test]
fn the_pin_never_appears_in_traces_errors_or_debug() {
    let profile = Profile::Applet17Citizen;
    let log = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&log);
    let secret = "739148";
    let vc = profile.builder().pin(secret).build().unwrap();
    let mut card = BeidCard::open(vc).unwrap();
    card.set_observer(move |exchange| {
        sink.lock().unwrap().push_str(&format!("{exchange:?}\n"));
    });
    let auth = CardClientAuth::new(
        card,
        FixedPin::new(Pin::new(secret).unwrap()),
        LoginOptions::new(),
    )
    .unwrap();
    let server = Server::start(profile, &[&rustls::version::TLS13]);
    let response = login(&auth, &server).unwrap();
    server.outcome().unwrap();
    let mut text = log.lock().unwrap().clone();
    text.push_str(&format!("{response} {auth:?} {:?}", auth.last_login()));
    assert!(
        text.contains("[0, 32, 0, 1"),
        "the trace saw the VERIFY: {text}"
    );
    // The PIN block of 739148 is 26 73 91 48 FF ...
    for needle in [secret, "739148", "73 91 48", "739148ff", "26739148"] {
        assert!(
            !text
                .to_lowercase()
                .replace(' ', "")
                .contains(&needle.replace(' ', "")),
            "{needle} leaked"
        );
    }
}

/// Serves one CRL for every CRL URL; no OCSP.
struct CrlOnly(Vec<u8>);

impl beid::verify::revocation::RevocationFetcher for CrlOnly {
    fn fetch_ocsp(
        &mut self,
        _: &str,
        _: &[u8],
    ) -> Result<Vec<u8>, beid::verify::revocation::FetchError> {
        Err(beid::verify::revocation::FetchError::Network)
    }
    fn fetch_crl(&mut self, _: &str) -> Result<Vec<u8>, beid::verify::revocation::FetchError> {
        Ok(self.0.clone())
    }
}

#[test]
fn a_revoked_certificate_is_named_when_revocation_is_checked() {
    use beid::verify::revocation::RevocationMethod;
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let family = match profile {
            Profile::Applet18Citizen => KeyFamily::Ec,
            _ => KeyFamily::Rsa,
        };
        let pki = TestPki::standard(family).unwrap();
        let mut c = card(profile);
        let auth_der = beid::Certificate::parse(
            &c.read_file(beid::FileId::AuthenticationCertificate)
                .unwrap(),
        )
        .unwrap()
        .der()
        .to_vec();
        let t = now();
        let revoked = pki
            .crl(
                &auth_der,
                &[(&auth_der, t - 86_400, Some(1))],
                t - 60,
                Some(t + 86_400),
            )
            .unwrap();
        let good = pki.crl(&auth_der, &[], t - 60, Some(t + 86_400)).unwrap();
        let auth = CardClientAuth::new(
            c,
            pin(),
            LoginOptions::new()
                .check_at(t)
                .revocation(CrlOnly(revoked), RevocationMethod::Crl),
        )
        .unwrap();
        let failure = failed_login(&auth, profile);
        assert!(
            matches!(
                failure,
                LoginFailure::Revoked {
                    reason: Some(1),
                    ..
                }
            ),
            "{failure:?}"
        );
        assert_eq!(auth.last_login().pin_requests, 0);
        // A CRL without it: the login goes through.
        let auth = CardClientAuth::new(
            card(profile),
            pin(),
            LoginOptions::new()
                .check_at(t)
                .revocation(CrlOnly(good), RevocationMethod::Crl),
        )
        .unwrap();
        let server = Server::start(profile, &[&rustls::version::TLS13]);
        login(&auth, &server).unwrap();
        server.outcome().unwrap();
    }
}

#[test]
fn the_pin_can_come_from_the_reader_keypad() {
    use beid::apdu::pin_pad::PinPadOptions;
    use beid_simulator::{KeypadEntry, VirtualPinPad};
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        let pad = VirtualPinPad::new()
            .then(KeypadEntry::digits("1234"))
            .then(KeypadEntry::Cancel);
        let vc = profile.card().unwrap().with_pin_pad(pad);
        let never = |_: &PinRequest| -> Result<Pin, PinError> {
            panic!("the keypad takes the PIN, the source is not asked")
        };
        let auth = CardClientAuth::new(
            BeidCard::open(vc).unwrap(),
            never,
            LoginOptions::new().pin_pad(PinPadOptions::default()),
        )
        .unwrap();
        let server = Server::start(profile, &[&rustls::version::TLS13]);
        login(&auth, &server).unwrap();
        server.outcome().unwrap();
        assert_eq!(auth.last_login().pin_requests, 1);
        // The holder presses Cancel at the next login.
        let failure = failed_login(&auth, profile);
        assert!(
            matches!(failure, LoginFailure::PinEntryCancelled),
            "{failure:?}"
        );
    }
}
