//! A virtual card made from a real card's files: a `beid dump` directory, or any
//! [`RawCardContents`] read with [`beid::BeidCard::read_raw`].
//!
//! The replica serves every file **byte for byte as given** (padding included, files that were
//! absent stay absent and answer `6A82`), the given ATR and the given GET CARD DATA answer, so
//! a dumped card and its re-served copy read identically through the library (and through any
//! middleware). The generation is taken from the card data (applet version byte, spec §9.2) and
//! checked against the ATR when the ATR is one of the known Belgian ATRs (spec §1.1).
//!
//! What a replica cannot copy is the private keys: they never leave a real card. It signs with
//! the simulator's fixed **test keys** of its generation ([`crate::keys::test_key`]). For a
//! dump of a simulated card those are the very keys it had, and everything verifies; for a real
//! card's dump
//! - signatures by the authentication / non-repudiation key do not verify under the dumped
//!   holder certificates;
//! - on applet 1.8 the chip challenge (INTERNAL AUTHENTICATE, spec §7.5) does not verify under
//!   the dumped EF(PuK#1): a verification report of the replica fails its chip check;
//! - the file signatures (identity, address, photo hash) and the certificate chains are the
//!   card's own bytes and verify exactly as on the original — unless the dump was redacted
//!   (`beid dump` without `--show-national-number` zeroes the national number, which breaks the
//!   identity signature and the holder certificates' signatures).
//!
//! A holder key is present when its certificate file holds a certificate (first byte `30`,
//! spec §2.2: a missing certificate is a file of zero bytes), as on a kids card.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use beid::files::CardData;
use beid::vocab::{ATR_APPLET_17, ATR_APPLET_18};
use beid::{FileId, Generation, Pin, RawCardContents};

use crate::content;
use crate::error::{DumpProblem, SimulatorError};
use crate::image::{CardImage, CardKeys};
use crate::keys::{KeyFamily, TestKeyRole, test_key};

type Result<T, E = SimulatorError> = core::result::Result<T, E>;

/// File name of the ATR in a dump directory.
pub const DUMP_ATR: &str = "atr.bin";
/// File name of the GET CARD DATA answer in a dump directory.
pub const DUMP_CARD_DATA: &str = "card_data.bin";
/// File name of the (informational) manifest in a dump directory.
pub const DUMP_MANIFEST: &str = "manifest.json";

/// The generation an ATR announces, for the two ATRs of current cards (spec §1.1); `None` for
/// any other ATR (older cards, readers that rewrite the ATR).
fn atr_generation(atr: &[u8]) -> Option<Generation> {
    if atr == ATR_APPLET_18 {
        Some(Generation::Applet18)
    } else if atr == ATR_APPLET_17 {
        Some(Generation::Applet17)
    } else {
        None
    }
}

fn holds_certificate(raw: &RawCardContents, file: FileId) -> bool {
    raw.file(file).and_then(|b| b.first()) == Some(&0x30)
}

impl CardImage {
    /// A card image serving exactly `raw`'s files, ATR and card data, with `pin` as the
    /// cardholder PIN (3 tries) and the simulator's test keys (see the [module
    /// documentation](crate::replica) for what that means for signatures).
    ///
    /// Errors: the card data does not parse ([`DumpProblem::BadCardData`]), its generation is
    /// not one the simulator serves ([`DumpProblem::UnsupportedGeneration`]), or the ATR is the
    /// other generation's ([`DumpProblem::AtrConflict`]); an invalid PIN.
    pub fn from_raw(raw: &RawCardContents, pin: &str) -> Result<CardImage> {
        let problem = |problem| SimulatorError::Dump {
            path: PathBuf::from(DUMP_CARD_DATA),
            problem,
        };
        // The 28 bytes of `80 E4 00 00 1C`; the 31-byte applet-1.8 form (`P2 = 01`) appends
        // the live PIN tries counter and `FF FF` (spec §9.2), which the applet computes.
        let card_data: [u8; 28] = *raw
            .card_data
            .split_first_chunk::<28>()
            .ok_or(problem(DumpProblem::BadCardData))?
            .0;
        let generation = CardData::parse(&card_data)
            .map_err(|_| problem(DumpProblem::BadCardData))?
            .generation();
        let family = KeyFamily::for_generation(generation)
            .ok_or(problem(DumpProblem::UnsupportedGeneration(generation)))?;
        let atr = match &raw.atr {
            Some(atr) => {
                if let Some(announced) = atr_generation(atr) {
                    if announced != generation {
                        return Err(SimulatorError::Dump {
                            path: PathBuf::from(DUMP_ATR),
                            problem: DumpProblem::AtrConflict {
                                atr: announced,
                                card_data: generation,
                            },
                        });
                    }
                }
                atr.clone()
            }
            None => content::atr(generation),
        };
        let key = |present: bool, role| -> Result<Option<Arc<crate::keys::SigningKey>>> {
            if present {
                test_key(family, role).map(Some)
            } else {
                Ok(None)
            }
        };
        let keys = CardKeys {
            authentication: key(
                holds_certificate(raw, FileId::AuthenticationCertificate),
                TestKeyRole::Authentication,
            )?,
            non_repudiation: key(
                holds_certificate(raw, FileId::NonRepudiationCertificate),
                TestKeyRole::NonRepudiation,
            )?,
            basic: key(true, TestKeyRole::Basic)?,
        };
        Ok(CardImage {
            generation,
            atr,
            card_data,
            files: raw
                .files
                .iter()
                .map(|(id, bytes)| (*id, Arc::new(bytes.clone())))
                .collect(),
            pin: Pin::new(pin)?,
            pin_tries_left: 3,
            keys,
        })
    }
}

/// Read a `beid dump` directory (format `beid-dump/1`): `card_data.bin` (required), `atr.bin`
/// (optional) and one `<name>.bin` per card file, named by [`FileId::short_name`].
/// `manifest.json` is informational and not needed. Any other `*.bin` file is an error
/// ([`DumpProblem::UnknownFile`]): a file the replica could not serve would silently change
/// the card.
pub fn load_dump(dir: &Path) -> Result<RawCardContents> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(|e| SimulatorError::Dump {
            path,
            problem: DumpProblem::Unreadable(e.kind()),
        })
    };
    let card_data = read(DUMP_CARD_DATA)?;
    let atr = match read(DUMP_ATR) {
        Ok(atr) => Some(atr),
        Err(SimulatorError::Dump {
            problem: DumpProblem::Unreadable(std::io::ErrorKind::NotFound),
            ..
        }) => None,
        Err(e) => return Err(e),
    };
    let mut raw = RawCardContents::new(atr, card_data);
    let entries = std::fs::read_dir(dir).map_err(|e| SimulatorError::Dump {
        path: dir.to_path_buf(),
        problem: DumpProblem::Unreadable(e.kind()),
    })?;
    for entry in entries {
        let entry = entry.map_err(|e| SimulatorError::Dump {
            path: dir.to_path_buf(),
            problem: DumpProblem::Unreadable(e.kind()),
        })?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(stem) = name.strip_suffix(".bin") else {
            continue;
        };
        if name == DUMP_ATR || name == DUMP_CARD_DATA {
            continue;
        }
        let file = FileId::from_short_name(stem).ok_or_else(|| SimulatorError::Dump {
            path: entry.path(),
            problem: DumpProblem::UnknownFile,
        })?;
        raw.insert(file, read(name)?);
    }
    Ok(raw)
}

impl crate::VirtualCard {
    /// A virtual card serving a dumped card's files (see [`load_dump`] and
    /// [`CardImage::from_raw`]).
    pub fn from_dump(dir: &Path, pin: &str) -> Result<crate::VirtualCard> {
        Ok(crate::VirtualCard::from_image(CardImage::from_raw(
            &load_dump(dir)?,
            pin,
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Profile;
    use beid::BeidCard;

    fn raw_of(profile: Profile) -> RawCardContents {
        let mut card = BeidCard::open(profile.card().unwrap()).unwrap();
        card.read_raw().unwrap()
    }

    #[test]
    fn a_replica_reads_identically() {
        for profile in Profile::ALL {
            let raw = raw_of(profile);
            let image = CardImage::from_raw(&raw, "1234").unwrap();
            assert_eq!(image.generation, profile.generation(), "{profile}");
            let mut again = BeidCard::open(crate::VirtualCard::from_image(image)).unwrap();
            let copy = again.read_raw().unwrap();
            assert_eq!(copy.atr, raw.atr, "{profile}");
            assert_eq!(copy.card_data, raw.card_data, "{profile}");
            assert_eq!(copy.files, raw.files, "{profile}");
        }
    }

    #[test]
    fn holder_keys_follow_the_certificate_files() {
        let kids = CardImage::from_raw(&raw_of(Profile::Applet18Kids), "1234").unwrap();
        assert!(kids.keys.authentication.is_none() && kids.keys.non_repudiation.is_none());
        let adult = CardImage::from_raw(&raw_of(Profile::Applet17Citizen), "1234").unwrap();
        assert!(adult.keys.authentication.is_some() && adult.keys.non_repudiation.is_some());
    }

    #[test]
    fn generation_comes_from_card_data_and_must_agree_with_the_atr() {
        let mut raw = raw_of(Profile::Applet17Citizen);
        raw.atr = Some(ATR_APPLET_18.to_vec());
        match CardImage::from_raw(&raw, "1234") {
            Err(SimulatorError::Dump {
                problem: DumpProblem::AtrConflict { atr, card_data },
                ..
            }) => {
                assert_eq!(atr, Generation::Applet18);
                assert_eq!(card_data, Generation::Applet17);
            }
            other => panic!("{other:?}"),
        }
        raw.atr = None;
        let image = CardImage::from_raw(&raw, "1234").unwrap();
        assert_eq!(image.atr, ATR_APPLET_17.to_vec());
        raw.card_data.truncate(10);
        assert!(matches!(
            CardImage::from_raw(&raw, "1234"),
            Err(SimulatorError::Dump {
                problem: DumpProblem::BadCardData,
                ..
            })
        ));
    }

    #[test]
    fn dump_directory_round_trip_and_errors() {
        let dir = std::env::temp_dir().join(format!("beid-replica-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let raw = raw_of(Profile::Applet18Citizen);
        assert!(matches!(
            load_dump(&dir),
            Err(SimulatorError::Dump {
                problem: DumpProblem::Unreadable(std::io::ErrorKind::NotFound),
                ..
            })
        ));
        std::fs::write(dir.join(DUMP_CARD_DATA), &raw.card_data).unwrap();
        std::fs::write(dir.join(DUMP_ATR), raw.atr.as_ref().unwrap()).unwrap();
        std::fs::write(dir.join(DUMP_MANIFEST), b"{}").unwrap();
        for (id, bytes) in &raw.files {
            std::fs::write(dir.join(format!("{}.bin", id.short_name())), bytes).unwrap();
        }
        let loaded = load_dump(&dir).unwrap();
        assert_eq!(loaded.files, raw.files);
        assert_eq!(loaded.atr, raw.atr);
        let card = crate::VirtualCard::from_dump(&dir, "1234").unwrap();
        assert_eq!(card.generation(), Generation::Applet18);
        std::fs::write(dir.join("mystery.bin"), b"x").unwrap();
        assert!(matches!(
            load_dump(&dir),
            Err(SimulatorError::Dump {
                problem: DumpProblem::UnknownFile,
                ..
            })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
