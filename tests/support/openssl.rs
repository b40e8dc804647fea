//! Shared by the tests that check signatures with the `openssl` command line: a scratch
//! directory, running openssl, a certificate's public key.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

/// A scratch directory under the system temp dir, unique per process and use; removed on drop.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl Scratch {
    /// A new, empty scratch directory.
    pub(crate) fn new(tag: &str) -> Scratch {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "beid-test-{}-{tag}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    /// Write `bytes` to `name` in the directory.
    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).expect("write scratch file");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run `openssl` with `args`.
pub(crate) fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("run openssl (scripts/setup.sh installs it)")
}

/// `openssl x509 -inform DER -pubkey -noout`: the certificate's public key as PEM, written to
/// `name` in `s`.
pub(crate) fn cert_pubkey(s: &Scratch, name: &str, cert_der: &[u8]) -> PathBuf {
    let cert = s.write(&format!("{name}.der"), cert_der);
    let out = s.0.join(format!("{name}.pub.pem"));
    let o = openssl(&[
        "x509",
        "-inform",
        "DER",
        "-in",
        cert.to_str().unwrap_or_default(),
        "-pubkey",
        "-noout",
        "-out",
        out.to_str().unwrap_or_default(),
    ]);
    assert!(
        o.status.success(),
        "openssl x509: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}
