//! Hash algorithms of the card's signature algorithms and DigestInfo handling (spec §8.7, §8.8).

use aws_lc_rs::digest;
use beid::vocab::HashAlgorithm;

/// Hash algorithms of the card's signature algorithm references (spec §8.7, §8.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// MD5 (applet 1.7 algorithm `04`, "backward compatibility only").
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// Every hash algorithm.
    pub const ALL: [HashAlg; 6] = [
        HashAlg::Md5,
        HashAlg::Sha1,
        HashAlg::Sha224,
        HashAlg::Sha256,
        HashAlg::Sha384,
        HashAlg::Sha512,
    ];

    /// The library's name of this hash (its table holds the lengths and DigestInfo prefixes).
    pub const fn library(self) -> HashAlgorithm {
        match self {
            HashAlg::Md5 => HashAlgorithm::Md5,
            HashAlg::Sha1 => HashAlgorithm::Sha1,
            HashAlg::Sha224 => HashAlgorithm::Sha224,
            HashAlg::Sha256 => HashAlgorithm::Sha256,
            HashAlg::Sha384 => HashAlgorithm::Sha384,
            HashAlg::Sha512 => HashAlgorithm::Sha512,
        }
    }

    /// Digest length in bytes.
    pub const fn output_len(self) -> usize {
        self.library().digest_len()
    }

    /// The DER `DigestInfo` prefix that precedes the digest in a PKCS#1 v1.5 signature
    /// (spec §8.8, from the library's table).
    pub const fn digest_info_prefix(self) -> &'static [u8] {
        match self.library().digest_info_prefix() {
            Some(p) => p,
            None => &[],
        }
    }

    /// Recognise `prefix ‖ digest` of one of the known hashes; returns the hash and the digest.
    pub fn split_digest_info(data: &[u8]) -> Option<(HashAlg, &[u8])> {
        HashAlg::ALL.into_iter().find_map(|h| {
            let digest = data.strip_prefix(h.digest_info_prefix())?;
            (digest.len() == h.output_len()).then_some((h, digest))
        })
    }

    /// The `aws-lc-rs` algorithm (`None` for MD5, which it does not offer).
    pub(super) fn aws(self) -> Option<&'static digest::Algorithm> {
        match self {
            HashAlg::Md5 => None,
            HashAlg::Sha1 => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
            HashAlg::Sha224 => Some(&digest::SHA224),
            HashAlg::Sha256 => Some(&digest::SHA256),
            HashAlg::Sha384 => Some(&digest::SHA384),
            HashAlg::Sha512 => Some(&digest::SHA512),
        }
    }

    /// Hash `data`. `None` for MD5 (not available in the crypto library used).
    pub fn hash(self, data: &[u8]) -> Option<Vec<u8>> {
        self.aws()
            .map(|alg| digest::digest(alg, data).as_ref().to_vec())
    }
}

impl core::fmt::Display for HashAlg {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha224 => "SHA-224",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        })
    }
}
