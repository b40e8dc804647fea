//! Design notes: architecture, data flow, and what the library trusts.
//!
//! ## Layers
//!
//! Data flows one way, each layer only calling the one below:
//!
//! ```text
//!  tools (CLI, examples)                         — planned
//!  verification (signatures, chains, chip)       — planned
//!  files::*  tlv        pure parsers, data model — never talk to a card
//!  card::BeidCard       card protocol: select, GET CARD DATA, read files, (PIN, sign: planned)
//!  apdu::Command        one constructor per command; Response, StatusWord, Status
//!  transport::Channel   T=0 61xx/6Cxx handling, observer with redaction, APDU count
//!  transport::Transport bytes to a card: PC/SC (feature `pcsc`), simulator, scripts
//! ```
//!
//! The simulator (`beid-simulator`) mirrors the card side with the same vocabulary
//! ([`FileId`](crate::FileId), [`Status`](crate::apdu::Status), the TLV encoder) and plugs in as
//! just another [`Transport`](crate::transport::Transport). Nothing above the transport knows
//! about PC/SC.
//!
//! ## Reading with few APDUs
//!
//! A real card answers each APDU in milliseconds, so the read path minimises round trips: no
//! FCI exists, so sizes come from the content (DER headers, the TLV padding of the address file,
//! the JPEG EOI marker, the RSA key size for signature files) and every READ BINARY after the
//! first asks for exactly what is left. See [`ReadOptions`](crate::ReadOptions) and the
//! `card::read` module documentation.
//!
//! ## Privacy and secrets
//!
//! * PINs are validated before any APDU ([`Pin::new`](crate::Pin::new)), kept zeroized, never in
//!   `Debug`; commands carrying them are marked secret and masked for observers; VERIFY is never
//!   re-sent by the library.
//! * The national number is personal data restricted by Belgian law. `Debug` of every model type
//!   masks it; the APDU observer sees it masked (the channel learns the value from the identity
//!   file or the certificate subject and masks it even when it straddles two READ BINARY
//!   answers, by holding a file's events until the file is complete) unless the caller sets
//!   [`ObserverPrivacy::reveal_national_number`](crate::transport::ObserverPrivacy).
//!
//! ## What the library trusts
//!
//! Nothing read from a card is trusted by the parsers: they accept any bytes and return typed
//! errors. Integrity (signatures by the national register, photo hash, certificate chains,
//! chip authenticity) is the job of the planned verification layer; until a value has been
//! verified it is only "what the card said". The simulator's test root is never trusted unless a
//! caller adds it.
