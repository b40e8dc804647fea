//! The trust store: roots trusted by their SHA-256 fingerprint (spec §12.2), and the memo of
//! certificate signatures already verified under it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use crate::error::{Error, Result};
use crate::files::Certificate;
use crate::vocab::FileId;

/// SHA-256 of a DER certificate.
pub type Fingerprint = [u8; 32];

/// SHA-256 fingerprint of `der` (the certificate's DER, without the card file's padding).
pub fn fingerprint(der: &[u8]) -> Fingerprint {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// A Belgian root certificate pinned by fingerprint (spec §12.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PinnedRoot {
    /// Common name, e.g. `Belgium Root CA4`.
    pub name: &'static str,
    /// SHA-256 of the DER certificate.
    pub fingerprint: Fingerprint,
    /// End of validity, Unix seconds (the certificate itself is what the chain check uses).
    pub not_after: u64,
    /// True for roots whose validity ended before this library was written (Root CA,
    /// Root CA2): kept so cards chaining to them are recognised, and reported as expired by the
    /// validity check.
    pub expired: bool,
}

// Evaluated at compile time only (the table below): a bad digit is a build error, not a panic.
#[allow(clippy::indexing_slicing, clippy::panic)]
const fn hex32(s: &str) -> Fingerprint {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

#[allow(clippy::panic)]
const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => panic!("not a hex digit"),
    }
}

/// The Belgian eID roots of spec §12.2, by SHA-256 fingerprint of their DER.
pub const BELGIAN_ROOTS: [PinnedRoot; 6] = [
    PinnedRoot {
        name: "Belgium Root CA",
        fingerprint: hex32("7c7ed4240bb253bb35c376e12e00b027f1659df9d8267422a93eed75edc7adfb"),
        not_after: 1_390_694_400, // 2014-01-26
        expired: true,
    },
    PinnedRoot {
        name: "Belgium Root CA2",
        fingerprint: hex32("9f9744463be13714754e1a3becf98c08cc205e4ab32028f4e2830c4a1b2775b8"),
        not_after: 1_639_526_400, // 2021-12-15
        expired: true,
    },
    PinnedRoot {
        name: "Belgium Root CA3",
        fingerprint: hex32("a8d14e945e3e5156bcae5e39737cf6a1b1f51028bbbf982f50ce5f4c05568b4d"),
        not_after: 1_832_630_400, // 2028-01-28
        expired: false,
    },
    PinnedRoot {
        name: "Belgium Root CA4",
        fingerprint: hex32("c3fbf37259af0954eeea4282dd1c7226a54e7150f7c29a2c495ba34dbfe09ca0"),
        not_after: 1_832_630_400, // 2028-01-28
        expired: false,
    },
    PinnedRoot {
        name: "Belgium Root CA4 (re-issued 2032)",
        fingerprint: hex32("702dd5c1a093cf0a9d71fadd9bf9a7c5857d89fb73b716e867228b3c2beb968f"),
        not_after: 1_982_016_000, // 2032-10-22
        expired: false,
    },
    PinnedRoot {
        name: "Belgium Root CA6",
        fingerprint: hex32("9c872bc979a7c09a58d4a274c199e5cb16cfa9b9618d98bc9a9988e984b8495c"),
        not_after: 2_222_294_400, // 2040-06-03
        expired: false,
    },
];

/// One trusted root: a fingerprint, and the certificate when the caller gave it.
#[derive(Debug, Clone)]
pub struct TrustedRoot {
    label: String,
    fingerprint: Fingerprint,
    certificate: Option<Certificate>,
    expired: bool,
}

impl TrustedRoot {
    /// The root's name (the pinned name, or the certificate's common name).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// SHA-256 of the root certificate's DER.
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// The certificate, when the caller gave its bytes (pinned roots have none: the card
    /// supplies them in EF Cert#6).
    pub fn certificate(&self) -> Option<&Certificate> {
        self.certificate.as_ref()
    }

    /// True for a pinned root whose validity has ended (spec §12.2).
    pub fn is_expired_root(&self) -> bool {
        self.expired
    }
}

/// The roots a verification trusts, and a memo of the certificate signatures already verified
/// under them (shared by the clones of a store, so the same CA is verified once per process
/// with [`TrustStore::belgian`]).
///
/// The root's bytes come from the card (EF Cert#6) or from the caller; a root is trusted when
/// its SHA-256 fingerprint is in the store. The simulator's test root is trusted only when a
/// caller adds it ([`TrustStore::with_root`]).
#[derive(Debug, Clone)]
pub struct TrustStore {
    roots: Vec<TrustedRoot>,
    memo: Arc<Mutex<HashSet<[u8; 32]>>>,
}

impl TrustStore {
    /// The Belgian eID roots of spec §12.2 (Root CA, CA2 — expired —, CA3, CA4 and its
    /// re-issue, CA6), pinned by fingerprint. Every call returns a clone sharing one memo.
    pub fn belgian() -> TrustStore {
        static BELGIAN: OnceLock<TrustStore> = OnceLock::new();
        BELGIAN
            .get_or_init(|| {
                let mut store = TrustStore::empty();
                for root in BELGIAN_ROOTS {
                    store.roots.push(TrustedRoot {
                        label: root.name.to_owned(),
                        fingerprint: root.fingerprint,
                        certificate: None,
                        expired: root.expired,
                    });
                }
                store
            })
            .clone()
    }

    /// A store that trusts nothing.
    pub fn empty() -> TrustStore {
        TrustStore {
            roots: Vec::new(),
            memo: Arc::new(Mutex::new(HashSet::new())),
        }
    }

    /// Also trust this root certificate (DER, trailing zero padding accepted). A chain may then
    /// end at it even when the card's EF Cert#6 is empty or another certificate.
    pub fn with_root(mut self, certificate_der: &[u8]) -> Result<TrustStore> {
        let cert = Certificate::parse_file(FileId::RootCertificate, certificate_der)
            .map_err(Error::from)?;
        let fp = fingerprint(cert.der());
        self.roots.retain(|r| r.fingerprint != fp);
        self.roots.push(TrustedRoot {
            label: cert.subject_common_name().unwrap_or_default(),
            fingerprint: fp,
            certificate: Some(cert),
            expired: false,
        });
        Ok(self)
    }

    /// Also trust the root whose DER has this SHA-256 fingerprint (its bytes come from the
    /// card's EF Cert#6).
    pub fn with_fingerprint(mut self, label: impl Into<String>, fingerprint: Fingerprint) -> Self {
        if !self.roots.iter().any(|r| r.fingerprint == fingerprint) {
            self.roots.push(TrustedRoot {
                label: label.into(),
                fingerprint,
                certificate: None,
                expired: false,
            });
        }
        self
    }

    /// The trusted roots.
    pub fn roots(&self) -> &[TrustedRoot] {
        &self.roots
    }

    /// The trusted root with this fingerprint.
    pub fn find(&self, fingerprint: &Fingerprint) -> Option<&TrustedRoot> {
        self.roots.iter().find(|r| &r.fingerprint == fingerprint)
    }

    /// Number of certificate signatures memoized as verified.
    pub fn memoized(&self) -> usize {
        self.memo.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub(crate) fn is_memoized(&self, key: &[u8; 32]) -> bool {
        self.memo.lock().map(|m| m.contains(key)).unwrap_or(false)
    }

    pub(crate) fn memoize(&self, key: [u8; 32]) {
        if let Ok(mut m) = self.memo.lock() {
            m.insert(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_fingerprints_decode() {
        assert_eq!(BELGIAN_ROOTS[5].fingerprint[0], 0x9c);
        assert_eq!(BELGIAN_ROOTS[5].fingerprint[31], 0x5c);
        let store = TrustStore::belgian();
        assert_eq!(store.roots().len(), 6);
        assert!(store.find(&BELGIAN_ROOTS[3].fingerprint).is_some());
        assert!(store.roots()[0].is_expired_root());
        assert!(!store.roots()[5].is_expired_root());
        assert!(TrustStore::empty().roots().is_empty());
    }
}
