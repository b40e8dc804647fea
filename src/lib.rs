//! # beid — the Belgian electronic identity card, in Rust
//!
//! Reads, parses and (in later releases) verifies and signs with the Belgian eID card (the
//! BELPIC applet, generations V1, 1.7 and 1.8), over any transport: PC/SC readers (feature
//! `pcsc`) or the in-process simulator of the `beid-simulator` crate.
//!
//! Layers, data flowing one way (see [`design`]):
//!
//! 1. [`transport`] — bytes to a card and back ([`transport::Transport`]), plus the
//!    [`transport::Channel`] that handles T=0 `61xx`/`6Cxx` for every transport;
//! 2. [`apdu`] — one constructor per card command, responses, status words;
//! 3. [`card`] — the card protocol ([`card::BeidCard`]): select, GET CARD DATA, reading files;
//! 4. [`files`] and [`tlv`] — pure parsers of every file, the data model;
//! 5. verification and signing (planned).
//!
//! The parsers never panic, keep unknown tags and codes as data, keep raw bytes next to decoded
//! values and report the file and offset of any problem. The national number is redacted from
//! `Debug` output and from APDU traces unless the caller asks for it.
//!
//! Byte-level references in the documentation (`§4.1`, …) point to the project's card
//! specification, `beid-card-spec.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod apdu;
pub mod card;
#[cfg(feature = "cms")]
#[cfg_attr(docsrs, doc(cfg(feature = "cms")))]
pub mod cms;
pub mod design;
pub mod error;
pub mod files;
pub mod pin;
#[cfg(feature = "rustls")]
#[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
pub mod tls;
pub mod tlv;
pub mod transport;
#[cfg(feature = "verify")]
#[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
pub mod verify;
pub mod vocab;

pub use card::{BeidCard, CardContents, OpenOptions, RawCardContents, ReadOptions};
pub use error::{
    ArgumentError, CardError, Error, ParseError, ParseErrorKind, Parsed, PinError, PinFormatError,
    ProtocolViolation, Result, TransportError, TransportFailure,
};
pub use files::{
    Address, BasicPublicKey, BirthDate, CardData, CardNumber, Certificate, Identity,
    NationalNumber, Photo, TokenInfo,
};
pub use pin::{Pin, Puk};
pub use vocab::{CommandKind, FileId, Generation, Status, StatusWord};

/// The README's examples, compiled and run as doctests (they use the `rustls` feature; the
/// README's test command enables every feature).
#[cfg(all(doctest, feature = "rustls"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
