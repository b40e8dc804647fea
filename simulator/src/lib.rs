//! # beid-simulator — a virtual Belgian eID card
//!
//! An in-process simulator of the Belgian eID card (BELPIC applet 1.7 with RSA-2048 keys and
//! 1.8 with ECDSA P-384 keys) that behaves at APDU level like a real card: the same ATRs, T=0
//! `61xx`/`6Cxx` behaviour, SELECT semantics of every real host (eid-mw, the Windows
//! minidriver, commons-eid, OpenSC — spec §13), GET CARD DATA, the PIN state machine with the
//! authentication ("PIN once") and non-repudiation ("PIN just before") rules of each
//! generation, MSE:SET / PSO:CDS producing real signatures, INTERNAL AUTHENTICATE with the basic
//! key, READ RECORD, and every file — identity, address, photo, signatures by a national-register
//! key, PKCS#15 files and X.509 certificates under a **test** root (spec §14 checklist).
//!
//! ```
//! use beid::BeidCard;
//! use beid_simulator::{Profile, VirtualCard};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // A ready profile: built once per process, then cloned in well under a microsecond.
//! let card: VirtualCard = Profile::Applet18Citizen.card()?;
//! let contents = BeidCard::open(card)?.read_all()?;
//! assert_eq!(contents.generation(), beid::Generation::Applet18);
//!
//! // A custom card.
//! let card = VirtualCard::builder()
//!     .generation(beid::Generation::Applet17)
//!     .surname("Janssens")
//!     .pin("4321")
//!     .build()?;
//! # let _ = card;
//! # Ok(()) }
//! ```
//!
//! * [`Profile`]: ready cards (citizen, kids, foreigner; both generations).
//! * [`VirtualCardBuilder`]: every identity and address field, generation, PIN, validity, and the
//!   integrity faults (tampered files, swapped photo, cloned chip, expired certificates, wrong
//!   RRN key, foreign root, blocked PIN).
//! * [`Faults`]: seeded, deterministic transport faults (removal at APDU n or mid-file, reset,
//!   status-word injection, split `61xx` answers, `6Cxx` on first read, bit flips, latency).
//! * [`Transcript`], [`RecordingTransport`], [`ReplayTransport`]: record exchanges (PIN digits
//!   masked) and replay them as regression fixtures.
//! * [`VirtualCard`] implements [`beid::transport::Transport`] (in-process: no sockets, no
//!   threads) and is `Send`, so tests run in parallel; [`VpcdBridge`] and the `beid-sim` binary
//!   serve a card to a vsmartcard vpcd reader so that ordinary PC/SC applications see it.
//!
//! ## What it is not
//!
//! The keys are fixed **public test keys** shipped in the crate and the certificates chain to a
//! root named "beid-simulator TEST Root CA": nothing signed by this simulator proves anything, and
//! the `beid` library never trusts this root unless a caller adds it. The simulator models the
//! behaviour the public documentation and the real middleware show (spec §1–§14); where the
//! sources are silent it picks the behaviour that keeps every real host working and says so in
//! the item's documentation. The raw RSA private-key operation needed for the "card pads"
//! algorithm `01` uses the `rsa` crate (aws-lc-rs has no such operation); the RUSTSEC-2023-0071
//! timing side channel of that crate is irrelevant for public test keys.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// ---- owner: content builder (keys, PKI, files, builder, profiles) ----
pub mod builder;
mod content;
pub mod error;
pub mod image;
mod key_type;
pub mod keys;
pub mod pki;
pub mod replica;
pub mod revocation;

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
pub mod pin_pad;
mod security;
pub mod transcript;
pub mod vpcd;

pub use card::VirtualCard;
pub use faults::{Faults, Latency};
pub use pin_pad::{KeypadEntry, VirtualPinPad};
pub use transcript::{RecordingTransport, ReplayTransport, Transcript, TranscriptEntry};
pub use vpcd::VpcdBridge;
