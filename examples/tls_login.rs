//! Log in to an HTTPS server with the eID card: TLS client authentication with the card's
//! authentication key (rustls, `beid::tls`), then GET the URL and print the status line and the
//! body.
//!
//! ```sh
//! cargo run --features rustls,pcsc --example tls_login -- URL [--sim[=PROFILE]] [--reader NAME]
//!     [--server-ca PEM] [--pin-stdin] [--export-root FILE]
//! ```
//!
//! - the card: the first PC/SC reader with a Belgian eID (`pcsc` feature), or the embedded
//!   simulator with `--sim` (PIN `1234`);
//! - the server: trusted through the system roots, or with `--server-ca PEM` a private CA (tests);
//! - the PIN: asked on the terminal without echo, or one line from stdin with `--pin-stdin`;
//! - `--export-root FILE` writes the simulator's test roots (PEM) for a test server's client CA
//!   list (`openssl s_server -Verify 1 -CAfile FILE …`) and exits.
//!
//! A failed login prints its reason and a hint (card not activated, certificate expired, PIN
//! wrong or blocked, card removed, …) and exits with status 2.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use beid::tls::{CardClientAuth, LoginFailure, LoginOptions, PinRequest};
use beid::transport::Transport;
use beid::{BeidCard, Pin, PinError};
use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

struct Args {
    url: String,
    sim: Option<String>,
    reader: Option<String>,
    server_ca: Option<String>,
    pin_stdin: bool,
    export_root: Option<String>,
}

const USAGE: &str = "usage: tls_login URL [--sim[=PROFILE]] [--reader NAME] [--server-ca PEM] \
                     [--pin-stdin] [--export-root FILE]";

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        url: String::new(),
        sim: None,
        reader: None,
        server_ca: None,
        pin_stdin: false,
        export_root: None,
    };
    let mut it = std::env::args().skip(1).peekable();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--sim" => {
                let profile = match it.peek() {
                    Some(p) if !p.starts_with("--") && !p.contains("://") => {
                        it.next().unwrap_or_default()
                    }
                    _ => "applet-1.8".to_owned(),
                };
                a.sim = Some(profile);
            }
            s if s.starts_with("--sim=") => a.sim = Some(s["--sim=".len()..].to_owned()),
            "--reader" => a.reader = Some(it.next().ok_or("--reader needs a name")?),
            "--server-ca" => a.server_ca = Some(it.next().ok_or("--server-ca needs a file")?),
            "--pin-stdin" => a.pin_stdin = true,
            "--export-root" => a.export_root = Some(it.next().ok_or("--export-root needs a file")?),
            "-h" | "--help" => return Err(USAGE.into()),
            s if s.starts_with("--") => return Err(format!("unknown argument {s}\n{USAGE}")),
            url => a.url = url.to_owned(),
        }
    }
    if a.url.is_empty() && a.export_root.is_none() {
        return Err(USAGE.into());
    }
    Ok(a)
}

/// `https://host[:port][/path]` → (host, port, path).
fn parse_url(url: &str) -> Result<(String, u16, String), String> {
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| format!("{url}: only https:// URLs"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() => (h, p.parse().map_err(|_| format!("bad port {p}"))?),
        _ => (authority, 443),
    };
    Ok((host.to_owned(), port, path.to_owned()))
}

fn open(args: &Args) -> Result<(Box<dyn Transport + Send>, String), beid::Error> {
    if let Some(name) = &args.sim {
        let profile =
            beid_simulator::Profile::from_name(name).map_err(|_| beid::TransportError::NoCard)?;
        let card = profile.card().map_err(|_| beid::TransportError::NoCard)?;
        return Ok((Box::new(card), format!("simulator, profile {profile}")));
    }
    pcsc_transport(args.reader.as_deref())
}

#[path = "support/reader.rs"]
mod reader;
use reader::pcsc_transport;

fn roots(args: &Args) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    match &args.server_ca {
        Some(path) => {
            for cert in CertificateDer::pem_file_iter(path).map_err(|e| format!("{path}: {e}"))? {
                let cert = cert.map_err(|e| format!("{path}: {e}"))?;
                roots.add(cert).map_err(|e| format!("{path}: {e}"))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err("no system root certificates found (use --server-ca)".into());
            }
        }
    }
    Ok(roots)
}

/// The PIN for one login: one line of stdin, or a prompt without echo.
fn pin_source(from_stdin: bool) -> impl Fn(&PinRequest) -> Result<Pin, PinError> + Send + Sync {
    move |request: &PinRequest| {
        let mut line = zeroize::Zeroizing::new(String::new());
        if from_stdin {
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|_| PinError::EntryCancelled)?;
        } else {
            if request.tries_left == Some(1) {
                eprintln!("Warning: one PIN try left; a wrong PIN blocks the card.");
            }
            *line =
                rpassword::prompt_password("eID PIN: ").map_err(|_| PinError::EntryCancelled)?;
        }
        let digits = line.trim();
        if digits.is_empty() {
            return Err(PinError::EntryCancelled);
        }
        Pin::new(digits).map_err(|e| match e {
            beid::Error::Pin(p) => p,
            _ => PinError::EntryCancelled,
        })
    }
}

fn login(args: &Args) -> Result<(), Failure> {
    let (host, port, path) = parse_url(&args.url).map_err(Failure::Usage)?;
    let (transport, source) = open(args).map_err(|e| Failure::Login(LoginFailure::from(e)))?;
    let card = BeidCard::open(transport).map_err(|e| Failure::Login(LoginFailure::from(e)))?;
    eprintln!("Card: {} via {source}", card.generation());
    let auth = CardClientAuth::new(card, pin_source(args.pin_stdin), LoginOptions::new())
        .map_err(|e| Failure::Login(e.into()))?;
    let config = auth
        .client_config(roots(args).map_err(Failure::Usage)?)
        .map_err(|e| Failure::Login(LoginFailure::Tls(e)))?;
    let name = ServerName::try_from(host.clone()).map_err(|e| Failure::Usage(e.to_string()))?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name)
        .map_err(|e| Failure::Login(LoginFailure::Tls(e)))?;
    let explain = |e: std::io::Error| {
        Failure::Login(auth.explain(&e).unwrap_or(LoginFailure::Network(e.kind())))
    };
    let tcp = TcpStream::connect((host.as_str(), port)).map_err(explain)?;
    tcp.set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(explain)?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: beid-tls-login\r\n\
         Accept: */*\r\nConnection: close\r\n\r\n"
    );
    tls.write_all(request.as_bytes()).map_err(explain)?;
    let mut response = Vec::new();
    match tls.read_to_end(&mut response) {
        Ok(_) => {}
        // Servers that close without close_notify (openssl s_server -www, many others).
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !response.is_empty() => {}
        Err(e) => return Err(explain(e)),
    }
    let stats = auth.last_login();
    eprintln!(
        "Logged in: {:?} via {:?}; card APDUs: {} for the certificates, {} to sign",
        tls.conn.protocol_version(),
        stats.scheme,
        stats.certificate_apdus,
        stats.signing_apdus
    );
    print_response(&response);
    Ok(())
}

/// The status line and the body (chunked transfer coding decoded).
fn print_response(response: &[u8]) {
    let text = String::from_utf8_lossy(response);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.lines().next().unwrap_or("");
    println!("{status}");
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        let mut rest = body;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16);
            match size {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    print!("{}", after.get(..n).unwrap_or(after));
                    rest = after.get(n + 2..).unwrap_or("");
                }
            }
        }
        println!();
    } else {
        println!("{body}");
    }
}

enum Failure {
    Usage(String),
    Login(LoginFailure),
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(64);
        }
    };
    if let Some(path) = &args.export_root {
        let pem = match beid_simulator::pki::test_roots_pem() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        if let Err(e) = std::fs::write(path, pem) {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
        eprintln!("Wrote the simulator's test roots to {path}");
        if args.url.is_empty() {
            return ExitCode::SUCCESS;
        }
    }
    match login(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(e)) => {
            eprintln!("{e}");
            ExitCode::from(64)
        }
        Err(Failure::Login(f)) => {
            eprintln!("Login failed: {f}\nHint: {}", f.hint());
            ExitCode::from(2)
        }
    }
}
