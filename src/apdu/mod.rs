//! The APDU layer: command constructors, responses, status words (spec §3, §8, §9, §10).
//!
//! This layer only encodes and decodes bytes; it never talks to a card. The
//! [`transport`](crate::transport) layer moves the bytes and handles T=0 `61xx`/`6Cxx`.

mod command;
pub mod pin_pad;
mod response;

pub use command::{Command, MAX_COMMAND_LEN, mask_apdu};
pub use response::{Response, ResponseRef};
// The vocabulary the commands are written in (defined in `crate::vocab`).
pub use crate::vocab::{
    AlgorithmReference, BELPIC_APPLET_AID, ID_DF_AID, KeyReference, PKCS15_AID, Status, StatusWord,
};
