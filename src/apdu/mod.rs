//! The APDU layer: command constructors, responses, status words (spec §3, §8, §9, §10).
//!
//! This layer only encodes and decodes bytes; it never talks to a card. The
//! [`transport`](crate::transport) layer moves the bytes and handles T=0 `61xx`/`6Cxx`.

mod command;
mod response;
mod status;

pub use command::{
    AlgorithmReference, BELPIC_APPLET_AID, Command, ID_DF_AID, KeyReference, MAX_COMMAND_LEN,
    PKCS15_AID,
};
pub use response::{Response, ResponseRef};
pub use status::{Status, StatusWord};
