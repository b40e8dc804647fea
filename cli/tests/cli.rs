//! The `beid` binary against the embedded simulator: every command, its error cases and exit
//! status, the JSON shape, and a scan of every output for the national number.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

/// Every output of every run, scanned for the national number at the end of each test.
static OUTPUTS: Mutex<Vec<(String, bool)>> = Mutex::new(Vec::new());

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

fn beid(args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_beid"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("beid runs");
    if let Some(input) = stdin {
        // A run that fails before reading its stdin closes the pipe: that is not an error here.
        if let Err(e) = child.stdin.take().unwrap().write_all(input.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    } else {
        drop(child.stdin.take());
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    let revealing = args.contains(&"--show-national-number");
    OUTPUTS
        .lock()
        .unwrap()
        .push((format!("{}\n{}", run.stdout, run.stderr), revealing));
    run
}

fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "beid-cli-test-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The simulated holders' national numbers (digits), read with the revealing flag.
fn national_numbers() -> Vec<String> {
    ["applet-1.7", "applet-1.8", "foreigner-1.8"]
        .iter()
        .map(|p| {
            let r = beid(
                &[
                    "read",
                    &format!("--sim={p}"),
                    "--json",
                    "--show-national-number",
                ],
                None,
            );
            assert_eq!(r.code, 0, "{}", r.stderr);
            let n = r.json()["identity"]["national_number"]
                .as_str()
                .unwrap()
                .replace(['.', '-'], "");
            assert_eq!(n.len(), 11, "{n}");
            n
        })
        .collect()
}

/// No output of a non-revealing run holds a national number (digits or formatted).
fn scan_outputs() {
    let numbers = national_numbers();
    for (text, revealing) in OUTPUTS.lock().unwrap().iter() {
        if *revealing {
            continue;
        }
        for n in &numbers {
            let formatted = format!(
                "{}.{}.{}-{}.{}",
                &n[0..2],
                &n[2..4],
                &n[4..6],
                &n[6..9],
                &n[9..11]
            );
            assert!(
                !text.contains(n.as_str()) && !text.contains(&formatted),
                "national number in output: {text}"
            );
        }
    }
}

#[test]
fn read_text_shows_holder_address_and_verification() {
    let r = beid(&["read", "--sim"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "Spécimen",
        "Rue du Spécimen 18, 5000 Namur",
        "embedded simulator, profile applet-1.8",
        "**.**.**-***.**",
        "Verification (trusting the simulator's test root",
        "every required check passed",
    ] {
        assert!(r.stdout.contains(needle), "{needle} in {}", r.stdout);
    }
    scan_outputs();
}

#[test]
fn read_json_shape_is_stable() {
    for profile in ["applet-1.7", "applet-1.8", "kids-1.8", "foreigner-1.7"] {
        let r = beid(&["read", &format!("--sim={profile}"), "--json"], None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        for key in [
            "source",
            "generation",
            "card_data",
            "identity",
            "address",
            "photo",
            "certificates",
        ] {
            assert!(v.get(key).is_some(), "{profile}: {key}");
        }
        assert_eq!(v["source"]["kind"], "simulator");
        assert_eq!(v["source"]["profile"], profile);
        assert_eq!(v["identity"]["national_number"], "**.**.**-***.**");
        for key in [
            "card_number",
            "chip_number",
            "validity_begin",
            "validity_end",
            "surname",
            "given_names",
            "nationality",
            "birth_date",
            "sex",
            "document_type",
            "photo_hash",
        ] {
            assert!(
                v["identity"].get(key).is_some(),
                "{profile}: identity.{key}"
            );
        }
        for key in ["street_and_number", "zip", "municipality"] {
            assert!(v["address"][key].is_string(), "{profile}: address.{key}");
        }
        for cert in ["authentication", "non_repudiation", "ca", "root", "rrn"] {
            assert!(v["certificates"].get(cert).is_some(), "{profile}: {cert}");
        }
        let kids = profile.starts_with("kids");
        assert_eq!(v["certificates"]["authentication"].is_null(), kids);
        assert!(v["photo"]["bytes"].as_u64().unwrap() > 100);
    }
    scan_outputs();
}

#[test]
fn read_writes_the_photo() {
    let dir = temp_dir("photo");
    let photo = dir.join("photo.jpg");
    let r = beid(
        &[
            "read",
            "--sim",
            "--json",
            "--photo",
            photo.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let jpeg = std::fs::read(&photo).unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    assert_eq!(
        jpeg.len() as u64,
        r.json()["photo"]["bytes"].as_u64().unwrap()
    );
}

#[test]
fn verify_exit_status_follows_the_report() {
    for profile in ["applet-1.7", "applet-1.8"] {
        let sim = format!("--sim={profile}");
        let r = beid(&["verify", &sim, "--json"], None);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let v = r.json();
        assert_eq!(v["verified"], true);
        assert_eq!(v["trusts_simulator_root"], true);
        assert!(v["root"]["fingerprint"].as_str().unwrap().len() == 64);
        assert_eq!(v["checks"].as_array().unwrap().len(), 11);

        for (fault, check) in [
            ("tampered-identity", "identity_signature"),
            ("tampered-address", "address_signature"),
            ("swapped-photo", "photo_hash"),
        ] {
            let r = beid(&["verify", &sim, "--sim-fault", fault, "--json"], None);
            assert_eq!(r.code, 1, "{profile} {fault}: {}", r.stdout);
            let v = r.json();
            assert_eq!(v["verified"], false);
            let failed: Vec<&str> = v["checks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["outcome"] == "failed")
                .map(|c| c["check"].as_str().unwrap())
                .collect();
            assert_eq!(failed, [check], "{profile} {fault}");
        }
        // Signatures only: a tampered address still fails; the text output says why.
        let r = beid(
            &[
                "verify",
                &sim,
                "--sim-fault",
                "tampered-address",
                "--policy",
                "signatures-only",
            ],
            None,
        );
        assert_eq!(r.code, 1);
        assert!(
            r.stdout.contains("NOT VERIFIED (address signature)"),
            "{}",
            r.stdout
        );
    }
    let r = beid(
        &["verify", "--sim", "--sim-fault", "cloned-chip", "--json"],
        None,
    );
    assert_eq!(r.code, 1);
    // Validity at a caller-given instant: before the card was issued.
    let r = beid(&["verify", "--sim", "--at", "2001-01-01", "--json"], None);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(r.json()["at"], "2001-01-01T00:00:00Z");
    let r = beid(&["verify", "--sim", "--at", "yesterday"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--at"), "{}", r.stderr);
    scan_outputs();
}

#[test]
fn verify_with_a_malformed_trust_root_names_the_file() {
    let dir = temp_dir("root");
    let bad = dir.join("root.der");
    std::fs::write(&bad, b"not a certificate").unwrap();
    let r = beid(
        &["verify", "--sim", "--trust-root", bad.to_str().unwrap()],
        None,
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("root.der"), "{}", r.stderr);
}

fn verify_signature(cert_der: &[u8], message: &[u8], sig: &[u8], ec: bool) {
    use aws_lc_rs::signature::{self, UnparsedPublicKey};
    let cert = beid::Certificate::parse(cert_der).unwrap();
    let spki = cert
        .inner()
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
        .to_vec();
    let alg: &dyn signature::VerificationAlgorithm = if ec {
        &signature::ECDSA_P384_SHA384_ASN1
    } else {
        &signature::RSA_PKCS1_2048_8192_SHA256
    };
    UnparsedPublicKey::new(alg, &spki)
        .verify(message, sig)
        .expect("signature verifies under the certificate written");
}

#[test]
fn sign_writes_standard_signatures_and_the_certificate() {
    let dir = temp_dir("sign");
    let doc = dir.join("doc.txt");
    std::fs::write(&doc, b"contract text\n").unwrap();
    for (profile, ec) in [("applet-1.7", false), ("applet-1.8", true)] {
        for key in ["auth", "nonrep"] {
            let sig = dir.join(format!("{profile}-{key}.sig"));
            let cert = dir.join(format!("{profile}-{key}.der"));
            let r = beid(
                &[
                    "sign",
                    &format!("--sim={profile}"),
                    "--key",
                    key,
                    "--in",
                    doc.to_str().unwrap(),
                    "--out",
                    sig.to_str().unwrap(),
                    "--cert",
                    cert.to_str().unwrap(),
                    "--pin-stdin",
                ],
                Some("1234\n"),
            );
            assert_eq!(r.code, 0, "{profile} {key}: {}", r.stderr);
            assert!(r.stderr.contains("simulator test key"), "{}", r.stderr);
            verify_signature(
                &std::fs::read(&cert).unwrap(),
                b"contract text\n",
                &std::fs::read(&sig).unwrap(),
                ec,
            );
        }
        let cms = dir.join(format!("{profile}.p7s"));
        let r = beid(
            &[
                "sign",
                &format!("--sim={profile}"),
                "--key",
                "nonrep",
                "--format",
                "cms",
                "--in",
                doc.to_str().unwrap(),
                "--out",
                cms.to_str().unwrap(),
                "--pin-stdin",
                "--json",
            ],
            Some("1234\n"),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.json()["format"], "cms");
        assert_eq!(std::fs::read(&cms).unwrap()[0], 0x30);
    }
    // Raw r‖s on applet 1.8: 96 bytes.
    let raw = dir.join("raw.sig");
    let r = beid(
        &[
            "sign",
            "--sim",
            "--key",
            "nonrep",
            "--format",
            "raw",
            "--in",
            doc.to_str().unwrap(),
            "--out",
            raw.to_str().unwrap(),
            "--pin-stdin",
        ],
        Some("1234\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(&raw).unwrap().len(), 96);
}

#[test]
fn sign_error_cases() {
    let dir = temp_dir("sign-errors");
    let doc = dir.join("doc.txt");
    std::fs::write(&doc, b"x").unwrap();
    let out = dir.join("out.sig");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "sign",
            "--key",
            "nonrep",
            "--in",
            doc.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--pin-stdin",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |extra: &[&str], pin: &str| {
        let a = args(extra);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        beid(&refs, Some(pin))
    };
    // Wrong PIN: exit 5, tries left said, no signature written.
    let r = run(&["--sim"], "9999\n");
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("2 tries left"), "{}", r.stderr);
    assert!(!out.exists());
    // Last try: warned first.
    let r = run(&["--sim", "--sim-tries", "1"], "9999\n");
    assert_eq!(r.code, 5);
    assert!(r.stderr.contains("one PIN try left"), "{}", r.stderr);
    // Blocked: refused before any VERIFY.
    let r = run(&["--sim", "--sim-tries", "0"], "1234\n");
    assert_eq!(r.code, 5);
    assert!(r.stderr.contains("blocked"), "{}", r.stderr);
    // A malformed PIN is the user's mistake (exit 2), caught before any APDU.
    let r = run(&["--sim"], "12ab\n");
    assert_eq!(r.code, 2, "{}", r.stderr);
    // Kids cards have no signing key.
    let r = run(&["--sim=kids-1.8"], "1234\n");
    assert_eq!(r.code, 6, "{}", r.stderr);
    // Missing input file: exit 3, named.
    let r = beid(
        &[
            "sign",
            "--sim",
            "--key",
            "auth",
            "--in",
            "/nonexistent/doc",
            "--out",
            "x",
            "--pin-stdin",
        ],
        Some("1234\n"),
    );
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("/nonexistent/doc"));
    // No reader and no --sim: sign never falls back to the simulator.
    let r = run(&["--reader", "No Such Reader 00 00"], "1234\n");
    assert_eq!(r.code, 4, "{}", r.stderr);
}

#[test]
fn pin_commands() {
    let r = beid(&["pin", "status", "--sim", "--json"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["tries_left"], 3);
    assert_eq!(v["blocked"], false);
    let r = beid(&["pin", "status", "--sim", "--sim-tries", "0"], None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("blocked"));
    let r = beid(&["pin", "verify", "--sim", "--pin-stdin"], Some("1234\n"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = beid(
        &["pin", "verify", "--sim=applet-1.7", "--pin-stdin"],
        Some("0000\n"),
    );
    assert_eq!(r.code, 5);
    assert!(r.stderr.contains("wrong PIN: 2 tries left"), "{}", r.stderr);
    let r = beid(
        &["pin", "change", "--sim", "--pin-stdin"],
        Some("1234\n567890\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // No terminal and no --pin-stdin: a clear usage error, nothing sent.
    let r = beid(&["pin", "verify", "--sim"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--pin-stdin"), "{}", r.stderr);
    scan_outputs();
}

#[test]
fn dump_redacts_the_national_number_and_parses_back() {
    let numbers = national_numbers();
    for (profile, n) in [("applet-1.7", &numbers[0]), ("applet-1.8", &numbers[1])] {
        let dir = temp_dir("dump");
        let r = beid(
            &["dump", &format!("--sim={profile}"), dir.to_str().unwrap()],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["format"], "beid-dump/1");
        assert_eq!(manifest["national_number_redacted"], true);
        let redacted: Vec<&str> = manifest["redacted_files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(redacted.contains(&"identity"), "{redacted:?}");
        assert!(redacted.contains(&"cert_authentication"), "{redacted:?}");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(
                !bytes.windows(11).any(|w| w == n.as_bytes()),
                "national number in a redacted dump"
            );
        }
        for (file, kind) in [
            ("identity.bin", "identity"),
            ("address.bin", "address"),
            ("card_data.bin", "card-data"),
            ("cert_rrn.bin", "cert"),
            ("token_info.bin", "tokeninfo"),
        ] {
            let r = beid(
                &["parse", dir.join(file).to_str().unwrap(), "--as", kind],
                None,
            );
            assert_eq!(r.code, 0, "{file}: {}", r.stderr);
            let _ = r.json();
        }
        // Revealing dump keeps the bytes as read.
        let dir2 = temp_dir("dump-revealed");
        let r = beid(
            &[
                "dump",
                &format!("--sim={profile}"),
                "--show-national-number",
                dir2.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(r.code, 0);
        let id = std::fs::read(dir2.join("identity.bin")).unwrap();
        assert!(id.windows(11).any(|w| w == n.as_bytes()));
    }
    scan_outputs();
}

#[test]
fn parse_error_cases() {
    let dir = temp_dir("parse");
    let bad = dir.join("identity.bin");
    std::fs::write(&bad, [0x01, 0x10, 0x41]).unwrap();
    let r = beid(&["parse", bad.to_str().unwrap(), "--as", "identity"], None);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("identity.bin") && r.stderr.contains("offset"),
        "{}",
        r.stderr
    );
    let r = beid(&["parse", "/nonexistent/file", "--as", "cert"], None);
    assert_eq!(r.code, 3);
    let zeros = dir.join("cert.bin");
    std::fs::write(&zeros, [0u8; 64]).unwrap();
    let r = beid(&["parse", zeros.to_str().unwrap(), "--as", "cert"], None);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let r = beid(
        &["parse", zeros.to_str().unwrap(), "--as", "nonsense"],
        None,
    );
    assert_eq!(r.code, 2);
}

#[test]
fn diagnose_names_a_card_that_is_not_activated() {
    for (profile, sw) in [("--sim=applet-1.7", "62 83"), ("--sim=applet-1.8", "69 85")] {
        let r = beid(&["diagnose", profile, "--sim-fault", "not-issued"], None);
        assert_eq!(r.code, 6, "{}", r.stdout);
        assert!(
            r.stdout
                .contains("PROBLEM  life cycle                   07 selectable"),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout
                .contains("hint: this card has not been activated yet")
        );
        assert!(
            r.stdout.contains(&format!("SELECT answered {sw}")),
            "{}",
            r.stdout
        );
        let r = beid(
            &["diagnose", profile, "--sim-fault", "not-issued", "--json"],
            None,
        );
        let v = r.json();
        let line = v
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["check"] == "life cycle")
            .unwrap();
        assert_eq!(line["ok"], false);
        assert!(line["hint"].as_str().unwrap().contains("activate"));
    }
    let r = beid(&["diagnose", "--sim"], None);
    assert!(
        r.stdout
            .contains("OK       life cycle                   0F personalized")
    );
}

#[test]
fn diagnose_and_no_reader() {
    let r = beid(&["diagnose", "--sim", "--json"], None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v = r.json();
    let checks: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["check"].as_str().unwrap())
        .collect();
    assert!(checks.contains(&"PIN"), "{checks:?}");
    let r = beid(&["diagnose", "--sim", "--sim-tries", "0"], None);
    assert_eq!(r.code, 6);
    assert!(r.stdout.contains("PROBLEM  PIN"), "{}", r.stdout);
    // A named reader that does not exist: no fallback, exit 4.
    for cmd in [
        &["read"][..],
        &["verify"],
        &["pin", "status"],
        &["dump", "/tmp/x"],
    ] {
        let mut a = cmd.to_vec();
        a.extend(["--reader", "No Such Reader 00 00"]);
        let r = beid(&a, None);
        assert_eq!(r.code, 4, "{a:?}: {}", r.stderr);
    }
}

fn without_source(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("source");
    v
}

#[test]
fn dump_then_replica_reads_identically() {
    for profile in ["applet-1.7", "applet-1.8", "kids-1.8"] {
        let dir = temp_dir("replica");
        let sim = format!("--sim={profile}");
        let r = beid(
            &[
                "dump",
                &sim,
                "--show-national-number",
                dir.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let original = beid(&["read", &sim, "--json"], None);
        let replica = beid(
            &["read", "--sim-from", dir.to_str().unwrap(), "--json"],
            None,
        );
        assert_eq!(replica.code, 0, "{}", replica.stderr);
        assert_eq!(replica.json()["source"]["kind"], "replica");
        assert_eq!(
            without_source(original.json()),
            without_source(replica.json()),
            "{profile}"
        );

        // The replica's file signatures and chains verify under the dumped root. A dump of a
        // simulated card even passes the chip challenge (its chip key is the same test key);
        // a real card's replica fails that one check.
        let root = dir.join("cert_root.bin");
        let v = beid(
            &[
                "verify",
                "--sim-from",
                dir.to_str().unwrap(),
                "--trust-root",
                root.to_str().unwrap(),
                "--json",
            ],
            None,
        );
        let report = v.json();
        assert_eq!(v.code, 0, "{profile}: {report}");
        assert_eq!(report["verified"], true, "{profile}: {report}");
        // Without the dumped root the Belgian roots are trusted, never the simulator's.
        let v = beid(&["verify", "--sim-from", dir.to_str().unwrap()], None);
        assert_eq!(v.code, 1);
        assert!(!v.stdout.contains("Trusting the simulator's test root"));
    }

    // Errors: a missing directory, an unknown file, a malformed card data file.
    let missing = beid(&["read", "--sim-from", "/nonexistent/dump"], None);
    assert_eq!(missing.code, 3, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("card_data.bin"),
        "{}",
        missing.stderr
    );
    let dir = temp_dir("replica-bad");
    let r = beid(&["dump", "--sim", dir.to_str().unwrap()], None);
    assert_eq!(r.code, 0);
    std::fs::write(dir.join("mystery.bin"), b"x").unwrap();
    let unknown = beid(&["read", "--sim-from", dir.to_str().unwrap()], None);
    assert_eq!(unknown.code, 3);
    assert!(unknown.stderr.contains("mystery.bin"), "{}", unknown.stderr);
    std::fs::remove_file(dir.join("mystery.bin")).unwrap();
    std::fs::write(dir.join("card_data.bin"), b"short").unwrap();
    let bad = beid(&["read", "--sim-from", dir.to_str().unwrap()], None);
    assert_eq!(bad.code, 3);
    assert!(bad.stderr.contains("GET CARD DATA"), "{}", bad.stderr);
    // Simulator options without a simulator, sim options that conflict.
    assert_eq!(beid(&["read", "--sim-pin", "1234"], None).code, 2);
    assert_eq!(
        beid(&["sim", "--from", "x", "--profile", "applet-1.7"], None).code,
        2
    );
    assert_eq!(beid(&["sim", "--pin", "12"], None).code, 2);
    scan_outputs();
}

#[test]
fn watch_with_the_simulator_prints_insertion_then_read() {
    let r = beid(
        &["watch", "--sim=applet-1.7", "--json", "--events", "2"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert_eq!(lines[0]["event"], "card_inserted");
    assert_eq!(lines[0]["atr"], "3B9813400AA503010101AD1311");
    assert_eq!(lines[0]["belgian"], true);
    assert_eq!(lines[1]["event"], "card_read");
    assert_eq!(lines[1]["reader"], lines[0]["reader"]);
    let card = &lines[1]["card"];
    assert_eq!(card["generation"], "applet 1.7");
    assert_eq!(card["identity"]["national_number"], "**.**.**-***.**");
    assert_eq!(card["source"]["kind"], "simulator");
    // Text mode: one line per event.
    let t = beid(&["watch", "--sim", "--events", "2"], None);
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert_eq!(t.stdout.lines().count(), 2, "{}", t.stdout);
    assert!(t.stdout.contains("card read"), "{}", t.stdout);
    scan_outputs();
}

/// One vpcd message: 2-byte big-endian length, then the bytes (vsmartcard's protocol).
fn vpcd_exchange(s: &mut std::net::TcpStream, msg: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let len = u16::try_from(msg.len()).unwrap().to_be_bytes();
    s.write_all(&len).unwrap();
    s.write_all(msg).unwrap();
    let mut len = [0u8; 2];
    s.read_exact(&mut len).unwrap();
    let mut answer = vec![0u8; usize::from(u16::from_be_bytes(len))];
    s.read_exact(&mut answer).unwrap();
    answer
}

#[test]
fn sim_serves_vpcd_and_never_logs_the_pin() {
    // The test plays vpcd: it listens, `beid sim --once` connects as the card.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let dir = temp_dir("sim");
    let log = dir.join("apdus.txt");
    let root = dir.join("root.pem");
    let child = Command::new(env!("CARGO_BIN_EXE_beid"))
        .args([
            "sim",
            "--vpcd",
            &addr,
            "--profile",
            "applet-1.7",
            "--pin",
            "4711",
            "--once",
            "--apdu-log",
            log.to_str().unwrap(),
            "--export-root",
            root.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    // Control byte 04: the ATR (spec §1.1: applet 1.7).
    assert_eq!(
        vpcd_exchange(&mut s, &[0x04]),
        [
            0x3B, 0x98, 0x13, 0x40, 0x0A, 0xA5, 0x03, 0x01, 0x01, 0x01, 0xAD, 0x13, 0x11
        ]
    );
    // SELECT the Belpic applet, then VERIFY: a wrong PIN costs a try (63 C2), the right one
    // (set with --pin) passes.
    let select = [
        0x00, 0xA4, 0x04, 0x0C, 0x0F, 0xA0, 0x00, 0x00, 0x00, 0x30, 0x29, 0x05, 0x70, 0x00, 0xAD,
        0x13, 0x10, 0x01, 0x01, 0xFF,
    ];
    assert_eq!(vpcd_exchange(&mut s, &select), [0x90, 0x00]);
    let verify = |pin: [u8; 2]| {
        [
            0x00, 0x20, 0x00, 0x01, 0x08, 0x24, pin[0], pin[1], 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ]
    };
    assert_eq!(vpcd_exchange(&mut s, &verify([0x12, 0x34])), [0x63, 0xC2]);
    assert_eq!(vpcd_exchange(&mut s, &verify([0x47, 0x11])), [0x90, 0x00]);
    drop(s);
    // --once: the end of the connection ends the program, with status 0.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let apdus = std::fs::read_to_string(&log).unwrap();
    assert!(apdus.contains("> 0020000108FFFFFFFFFFFFFFFF"), "{apdus}");
    for pin_block in ["241234", "244711"] {
        assert!(
            !apdus.contains(pin_block),
            "PIN block in the APDU log: {apdus}"
        );
        assert!(!stderr.contains(pin_block));
    }
    assert!(
        std::fs::read_to_string(&root)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
}

#[test]
fn the_reader_keypad_takes_the_pin_when_there_is_one() {
    // Verify, cancel, change with a confirmation that differs (spec §13.5).
    let r = beid(
        &["--sim=applet-1.8", "--sim-keypad", "1234", "pin", "verify"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("keypad"), "{}", r.stderr);
    let r = beid(
        &[
            "--sim=applet-1.7",
            "--sim-keypad",
            "cancel",
            "pin",
            "verify",
        ],
        None,
    );
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(r.stderr.contains("PIN entry cancelled"), "{}", r.stderr);
    let r = beid(
        &[
            "--sim=applet-1.7",
            "--sim-keypad",
            "timeout",
            "pin",
            "verify",
        ],
        None,
    );
    assert_eq!(r.code, 5);
    assert!(r.stderr.contains("timed out"), "{}", r.stderr);
    let r = beid(
        &["--sim=applet-1.8", "--sim-keypad", "9999", "pin", "verify"],
        None,
    );
    assert_eq!(r.code, 5);
    assert!(r.stderr.contains("2 tries left"), "{}", r.stderr);
    let args = [
        "--sim=applet-1.8",
        "--sim-keypad",
        "1234",
        "--sim-keypad",
        "4321",
        "--sim-keypad",
        "4322",
        "pin",
        "change",
    ];
    let r = beid(&args, None);
    assert_eq!(r.code, 5);
    assert!(r.stderr.contains("confirmation differ"), "{}", r.stderr);
    // --pin-stdin and --no-pin-pad keep the keyboard path (the keypad queue is not used).
    let r = beid(
        &[
            "--sim=applet-1.8",
            "--sim-keypad",
            "cancel",
            "pin",
            "verify",
            "--pin-stdin",
        ],
        Some("1234\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A non-repudiation signature with the PIN on the keypad.
    let dir = temp_dir("keypad-sign");
    let doc = dir.join("doc.txt");
    std::fs::write(&doc, b"to sign").unwrap();
    let sig = dir.join("doc.sig");
    let r = beid(
        &[
            "--sim=applet-1.7",
            "--sim-keypad",
            "1234",
            "sign",
            "--key",
            "nonrep",
            "--in",
            doc.to_str().unwrap(),
            "--out",
            sig.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(&sig).unwrap().len(), 256);
}
