//! `beid dump DIR`: every file of the card raw, plus the ATR and the card data, for bug reports
//! and for turning a card into test data.
//!
//! Layout (format `beid-dump/1`): `manifest.json`, `atr.bin` (when the transport knows the ATR),
//! `card_data.bin` (the GET CARD DATA answer) and one `<name>.bin` per file present on the card,
//! exactly as read (padding included). `manifest.json` lists every file with its card path,
//! length and SHA-256.
//!
//! Redaction: unless `--show-national-number` is given, every occurrence of the holder's national
//! number (11 ASCII digits: identity tag 06 and the serialNumber of the holder certificates,
//! spec §4.2, §5.2) is replaced by `0` digits. The redacted identity file then no longer matches
//! its RRN signature and the redacted certificates no longer match their CA's signature: a
//! verification of the dump fails exactly the identity signature, the national number and the
//! holder chain checks. The manifest says whether redaction happened.

use std::path::Path;

use aws_lc_rs::digest;
use beid::{Certificate, FileId};
use serde_json::{Value, json};

use crate::commands::{open, print_json};
use crate::{Exit, Failure, Global, Result, json};

/// Replace every occurrence of `needle` in `hay` by ASCII zeros; true when one was found.
fn redact(hay: &mut [u8], needle: &[u8]) -> bool {
    if needle.is_empty() || hay.len() < needle.len() {
        return false;
    }
    let mut found = false;
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay.get(i..i + needle.len()) == Some(needle) {
            for b in hay.iter_mut().skip(i).take(needle.len()) {
                *b = b'0';
            }
            found = true;
            i += needle.len();
        } else {
            i += 1;
        }
    }
    found
}

pub(crate) fn dump(g: &Global, dir: &Path) -> Result<Exit> {
    let (mut card, kind) = open(g, true)?;
    let mut raw = card.read_raw()?;
    let io = |e: std::io::Error| Failure::new(Exit::Input, format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;

    // The national numbers to redact: from the identity file and the holder certificates.
    let mut numbers: Vec<[u8; 11]> = Vec::new();
    if let Some(Ok(id)) = raw.file(FileId::Identity).map(beid::files::Identity::parse) {
        if let Ok(n) = id.national_number() {
            numbers.push(*n.as_bytes());
        }
    }
    for file in [
        FileId::AuthenticationCertificate,
        FileId::NonRepudiationCertificate,
    ] {
        if let Some(Ok(c)) = raw.file(file).map(|b| Certificate::parse_file(file, b)) {
            if let Some(n) = c.holder_national_number() {
                numbers.push(*n.as_bytes());
            }
        }
    }
    numbers.sort_unstable();
    numbers.dedup();
    let mut redacted = Vec::new();
    if !g.show_national_number {
        for (id, bytes) in raw.files.iter_mut() {
            let mut hit = false;
            for n in &numbers {
                hit |= redact(bytes, n);
            }
            if hit {
                redacted.push(id.short_name());
            }
        }
    }

    let write = |name: &str, bytes: &[u8]| -> Result<Value> {
        std::fs::write(dir.join(name), bytes).map_err(io)?;
        Ok(json!({
            "name": name,
            "bytes": bytes.len(),
            "sha256": json::hex(digest::digest(&digest::SHA256, bytes).as_ref()),
        }))
    };
    let mut files = Vec::new();
    if let Some(atr) = &raw.atr {
        files.push(write("atr.bin", atr)?);
    }
    files.push(write("card_data.bin", &raw.card_data)?);
    for (id, bytes) in &raw.files {
        let mut v = write(&format!("{}.bin", id.short_name()), bytes)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("file".into(), Value::from(id.to_string()));
            o.insert("path".into(), Value::from(json::hex(&id.path())));
        }
        files.push(v);
    }
    let manifest = json!({
        "format": "beid-dump/1",
        "generation": card.generation().to_string(),
        "source": kind.json(),
        "national_number_redacted": !g.show_national_number,
        "redacted_files": redacted,
        "note": if g.show_national_number {
            "not redacted: these files hold the holder's national number (personal data)"
        } else {
            "national number digits replaced by 0: the identity signature and the holder \
             certificates' signatures no longer verify"
        },
        "files": files,
    });
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Failure::new(Exit::Card, format!("JSON: {e}")))?;
    std::fs::write(dir.join("manifest.json"), text + "\n").map_err(io)?;
    if g.json {
        print_json(&manifest)?;
    } else {
        out!(
            "{} files from {} written to {}{}",
            raw.files.len(),
            kind.label(),
            dir.display(),
            if g.show_national_number {
                " (national number NOT redacted)"
            } else {
                " (national number redacted: identity and holder certificate signatures no longer verify)"
            }
        );
    }
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_every_occurrence() {
        let mut b = b"xx12345678901yy12345678901".to_vec();
        assert!(redact(&mut b, b"12345678901"));
        assert_eq!(&b, b"xx00000000000yy00000000000");
        assert!(!redact(&mut b, b"12345678901"));
    }
}
