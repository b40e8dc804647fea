//! Writes the committed seeds of the `verify` fuzz target: every simulator profile read through
//! `BeidCard::read_raw`, in the target's input format (see fuzz_targets/verify.rs), once trusting
//! the card's own root and once with the pinned Belgian roots. Run from `fuzz/`:
//!
//!     cargo run --bin verify_seeds
//!
//! The verification instant is fixed (2026-01-01) so the seeds do not change between runs
//! except where the simulator's keys do.
#![forbid(unsafe_code)]

use std::path::Path;

use beid::BeidCard;
use beid::vocab::FileId;
use beid_simulator::Profile;

const AT: u64 = 1_767_225_600;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/verify");
    std::fs::create_dir_all(&dir)?;
    for profile in Profile::ALL {
        let mut card = BeidCard::open(profile.card()?)?;
        let raw = card.read_raw()?;
        let mut records = Vec::new();
        let mut push = |index: u8, bytes: &[u8]| -> Result<(), std::num::TryFromIntError> {
            records.push(index);
            records.extend_from_slice(&u16::try_from(bytes.len())?.to_be_bytes());
            records.extend_from_slice(bytes);
            Ok(())
        };
        push(19, &raw.card_data)?;
        for (i, id) in FileId::ALL.iter().enumerate() {
            if let Some(bytes) = raw.file(*id) {
                push(u8::try_from(i)?, bytes)?;
            }
        }
        for (flags, name) in [(1u8, "own-root"), (0u8, "belgian")] {
            let mut seed = vec![flags];
            seed.extend_from_slice(&AT.to_be_bytes());
            seed.extend_from_slice(&records);
            std::fs::write(dir.join(format!("seed-{}-{name}", profile.name())), seed)?;
        }
    }
    Ok(())
}
