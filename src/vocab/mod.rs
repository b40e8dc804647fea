//! The card's vocabulary: file identifiers and paths, applet generations, ATRs, AIDs, status
//! words, command names, key and algorithm references (spec §1, §2.1, §8.7, §9.3, §10).
//!
//! This is the ground floor of the crate: it imports nothing else of it, and every other layer
//! (errors, APDUs, transports, parsers, the card protocol) and the simulator speak these words.

mod aid;
mod algorithm;
mod atr;
mod command_kind;
mod file_id;
mod generation;
mod key;
pub mod life_cycle;
mod status;

pub use aid::{BELPIC_APPLET_AID, ID_DF_AID, PKCS15_AID};
pub use algorithm::{EcdsaAlgorithm, HashAlgorithm, RsaAlgorithm, SignatureAlgorithm};
pub use atr::{
    ATR_APPLET_10, ATR_APPLET_17, ATR_APPLET_18, ATR_APPLET_BETA, generation_of_atr, is_beid_atr,
};
pub use command_kind::CommandKind;
pub use file_id::{FileId, PathBytes};
pub use generation::Generation;
pub use key::{AlgorithmReference, KeyReference};
pub use life_cycle::LifeCycle;
pub use status::{Status, StatusWord};
