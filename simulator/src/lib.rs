//! # beid-simulator — a virtual Belgian eID card
//!
//! (crate documentation being written)
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// ---- owner: content builder (keys, PKI, files, builder, profiles) ----
pub mod builder;
mod content;
pub mod error;
pub mod image;
pub mod keys;
pub mod pki;

pub use builder::{Profile, VirtualCardBuilder};
pub use error::SimulatorError;
pub use image::{CardImage, CardKeys};
pub use keys::{HashAlg, KeyType, SigningKey};
pub use pki::TestPki;

// ---- owner: applet (APDU state machine, faults, transcripts, transports, vpcd) ----
mod applet;
mod card;
pub mod faults;
mod fs;
mod security;
pub mod transcript;
pub mod vpcd;

pub use card::VirtualCard;
pub use faults::{Faults, Latency};
pub use transcript::{RecordingTransport, ReplayTransport, Transcript, TranscriptEntry};
pub use vpcd::VpcdBridge;
