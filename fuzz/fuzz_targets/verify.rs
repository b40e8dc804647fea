//! Arbitrary card files through verification (spec §7, §12.2): `RawCardContents` cut from the
//! input, then the low-level checks on the raw bytes, `CardContents::from_raw` and
//! `CardContents::verify`. Never a panic; every report holds each check of `Check::ALL` exactly
//! once; a failure names a check of the report.
//!
//! Input: one flags byte (bit 0: trust the root certificate found in the input, otherwise the
//! pinned Belgian roots), the verification instant (8 bytes, big-endian Unix seconds), then
//! records `[file][len: 2 bytes big-endian][bytes]` where `file` modulo 20 indexes
//! `FileId::ALL`, 19 meaning the GET CARD DATA answer. Seeds: `cargo run --bin verify_seeds`.
#![no_main]

use beid::card::{CardContents, RawCardContents};
use beid::error::Check;
use beid::verify::{self, TrustStore};
use beid::vocab::FileId;
use libfuzzer_sys::fuzz_target;

fn cut(data: &[u8]) -> Option<(u8, u64, RawCardContents)> {
    let (&flags, rest) = data.split_first()?;
    let (at, mut rest) = rest.split_at_checked(8)?;
    let at = u64::from_be_bytes(at.try_into().ok()?);
    let mut raw = RawCardContents::new(None, Vec::new());
    while let Some((&file, tail)) = rest.split_first() {
        let Some((len, tail)) = tail.split_at_checked(2) else {
            break;
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]])).min(tail.len());
        let (bytes, tail) = tail.split_at(len);
        match FileId::ALL.get(usize::from(file % 20)) {
            Some(&id) => raw.insert(id, bytes.to_vec()),
            None => raw.card_data = bytes.to_vec(),
        }
        rest = tail;
    }
    Some((flags, at, raw))
}

fuzz_target!(|data: &[u8]| {
    let Some((flags, at, raw)) = cut(data) else {
        return;
    };
    let file = |id| raw.file(id).unwrap_or(&[]);
    let _ = verify::identity_signature(
        file(FileId::Identity),
        file(FileId::IdentitySignature),
        file(FileId::RrnCertificate),
    );
    let _ = verify::address_signature(
        file(FileId::Address),
        file(FileId::AddressSignature),
        file(FileId::IdentitySignature),
        file(FileId::RrnCertificate),
    );
    let _ = verify::photo(file(FileId::Identity), file(FileId::Photo));
    let _ = verify::basic_key_hash(file(FileId::Identity), file(FileId::BasicPublicKey));

    let trust = if flags & 1 == 1 {
        match TrustStore::empty().with_root(file(FileId::RootCertificate)) {
            Ok(t) => t,
            Err(_) => TrustStore::belgian(),
        }
    } else {
        TrustStore::belgian()
    };
    let Ok(contents) = CardContents::from_raw(raw) else {
        return;
    };
    for _ in 0..2 {
        // The second round runs on memoized chain links.
        let report = contents.verify(&trust, at);
        for check in Check::ALL {
            assert_eq!(
                report.results().iter().filter(|r| r.check == check).count(),
                1,
                "{check:?}"
            );
        }
        for f in report.failures() {
            assert!(report.get(f.check()).is_some());
            let _ = (f.file(), format!("{f} {f:?}"));
        }
        let _ = format!("{report:?}");
    }
});
