//! The fewest APDUs `BeidCard::read_raw` can use for a set of files (shared by
//! `tests/read_simulator.rs`, which asserts it, and `benches/simulator.rs`, which prints it).
//!
//! One SELECT per file, and READ BINARY only as often as the content requires: exact Le once
//! the DER length is known, no probe after a padded address, one read for an absent
//! certificate, the RSA key size for 1.7 signature files; files of unknown size pay one `6Cxx`
//! answer (or a `6B00` probe when their size is a multiple of 256).

use beid::{FileId, Generation, RawCardContents};

/// Minimum APDU count for reading `raw` from a card of `generation`.
pub(crate) fn minimum_apdus(raw: &RawCardContents, generation: Generation) -> u64 {
    let mut minimum = 0u64;
    for (file, bytes) in &raw.files {
        minimum += 1; // SELECT
        let n = bytes.len() as u64;
        minimum += match file {
            f if f.is_certificate() && bytes.first() == Some(&0) => 1,
            f if f.is_certificate() => n.div_ceil(256),
            // DER with a typical-size first guess, and the padded address (guess 117 bytes)
            FileId::TokenInfo | FileId::BasicPublicKey | FileId::Address => n.div_ceil(256),
            FileId::IdentitySignature | FileId::AddressSignature
                if generation == Generation::Applet17 =>
            {
                n.div_ceil(256)
            }
            // the JPEG end is seen in the content; only a partial last chunk costs a 6Cxx
            FileId::Photo => n.div_ceil(256) + u64::from(n % 256 != 0),
            _ => n.div_ceil(256) + 1,
        };
    }
    minimum
}
