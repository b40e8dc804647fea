//! Detached CMS signatures made by the simulated card, checked by `openssl cms -verify` against
//! the simulator's exported test root (both generations, both keys).
#![cfg(feature = "cms")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::process::Command;

use beid::cms::{CmsKey, sign_detached};
use beid::{BeidCard, Certificate, FileId, Pin};
use beid_simulator::Profile;

fn openssl_verifies(p7s: &[u8], content: &[u8], name: &str) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("beid-cms-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sig = dir.join("sig.p7s");
    let doc = dir.join("doc");
    let root = dir.join("root.pem");
    std::fs::write(&sig, p7s).unwrap();
    std::fs::write(&doc, content).unwrap();
    std::fs::write(&root, beid_simulator::pki::test_roots_pem().unwrap()).unwrap();
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
        .arg(&sig)
        .arg("-content")
        .arg(&doc)
        .arg("-CAfile")
        .arg(&root)
        .args(["-out", "/dev/null"])
        .output()
        .expect("openssl");
    let _ = std::fs::remove_dir_all(&dir);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn openssl_accepts_detached_cms_both_generations_both_keys() {
    let content = b"%PDF-1.7 a document to sign\n".repeat(20);
    for profile in [Profile::Applet17Citizen, Profile::Applet18Citizen] {
        for non_rep in [true, false] {
            let mut card = BeidCard::open(profile.card().unwrap()).unwrap();
            let file = if non_rep {
                FileId::NonRepudiationCertificate
            } else {
                FileId::AuthenticationCertificate
            };
            let signer = Certificate::parse(&card.read_file(file).unwrap()).unwrap();
            let ca = Certificate::parse(&card.read_file(FileId::CaCertificate).unwrap()).unwrap();
            let pin = Pin::new("1234").unwrap();
            let mut s = card.session().unwrap();
            let key = if non_rep {
                CmsKey::NonRepudiation(&pin)
            } else {
                s.verify_pin(&pin).unwrap().into_result().unwrap();
                CmsKey::Authentication
            };
            let p7s = sign_detached(&mut s, key, &content, &signer, &[&ca], 1_790_000_000).unwrap();
            let (ok, err) = openssl_verifies(&p7s, &content, &format!("{profile}-{non_rep}"));
            assert!(ok, "{profile} non-rep {non_rep}: {err}");
            // A changed document fails.
            let (ok, _) = openssl_verifies(&p7s, b"another document", "tampered");
            assert!(!ok);
        }
    }
}
