//! Design notes: architecture, data flow, and what the library trusts.
//!
//! ## Layers
//!
//! Data flows one way: a module uses only modules of its own layer or of the layers below it.
//! The order is written in `src/LAYERS` and checked in CI (`../shared/tools/layers.py`); the
//! simulator has its own `simulator/src/LAYERS`.
//!
//! ```text
//!  beid CLI (crate beid-cli: clap, serde_json, rpassword) — its dependencies never reach `beid`
//!  tls           log in with the card: rustls 0.23 client-certificate resolver + signing key
//!                on the authentication key, PinSource, LoginOptions (validity, trust store,
//!                revocation), LoginFailure with hints (feature `rustls`) (spec §8.7–§8.9, §12.2)
//!  cms           detached CMS SignedData around a card signature (feature `cms`)
//!  verify        raw-file checks, TrustStore pinned by fingerprint, chains, consistency,
//!                chip challenge, VerificationReport + Policy, revocation (OCSP, CRL, fetcher
//!                trait; HTTP behind feature `http`); crypto through aws-lc-rs (feature
//!                `verify`, default on) (spec §7, §8.11, §12.2)
//!  card          BeidCard, OpenOptions, CardContents: select, GET CARD DATA, read files;
//!                Session: PIN status/VERIFY/CHANGE, MSE:SET, PSO:CDS, INTERNAL AUTHENTICATE
//!                (spec §8)
//!  files  tlv    pure parsers and the data model; never talk to a card (spec §4–§9, §11)
//!  transport     Transport trait (PC/SC behind `pcsc`, scripted, the simulator) with an
//!                optional PinPad (secure PIN entry, spec §13.5), Channel: T=0 61xx/6Cxx
//!                handling, observer with redaction, APDU count (spec §1.4)
//!  apdu          Command (one constructor per command), Response, ResponseRef, the PIN-pad
//!                structures and reader results (spec §3, §8, §9, §13.5)
//!  pin           Pin, PinBlock: validated before any APDU, zeroized (spec §8.1, §8.2)
//!  error         Error = Transport | Card | Pin | Parse | Argument | Verification, each a
//!                layer's own type
//!  vocab         FileId, Generation, ATRs, AIDs, StatusWord/Status, CommandKind, LifeCycle,
//!                key and algorithm references — imports nothing of the crate
//! ```
//!
//! The parsers sit above the transport in this order although they do not use it: they are
//! the model the card layer fills, and nothing below them needs them. The simulator
//! (`beid-simulator`) mirrors the card side in the same vocabulary ([`FileId`](crate::FileId),
//! [`Status`](crate::vocab::Status), the ATRs, the TLV encoder and the identity/address
//! builders) and plugs in as just another [`Transport`](crate::transport::Transport). Nothing
//! above the transport knows about PC/SC.
//!
//! ## Errors
//!
//! [`Error`](crate::Error) is `#[non_exhaustive]`; each variant carries one layer's error:
//! [`TransportError`](crate::TransportError) (card removed or reset, no reader, PC/SC failure —
//! what [`Transport`](crate::transport::Transport) itself returns),
//! [`CardError`](crate::CardError) (status word of a refused command, protocol violation, not a
//! Belgian eID, file not found), [`PinError`](crate::PinError),
//! [`ParseError`](crate::ParseError) (`Copy`: what, byte offset, why) and
//! [`ArgumentError`](crate::ArgumentError) for caller mistakes detected before any APDU.
//! A status word is classified with the card's life cycle: on a card that is not activated
//! (GET CARD DATA byte 27 `07`, spec §9.2) `62 83` / `69 85` on SELECT and `6D 00` anywhere are
//! [`CardError::NotActivated`](crate::CardError::NotActivated), not a bare status error.
//!
//! ## Logging in (TLS)
//!
//! `tls` sits above `verify` (it may check the chain and revocation before the card signs) and
//! uses the card session like any other caller: the PIN from a `PinSource` at the moment of
//! signing, VERIFY + MSE:SET + PSO:CDS in one transaction, nothing kept. Failures during a
//! handshake travel inside `rustls::Error::Other` and are recovered as `LoginFailure`.
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
//! chip authenticity) is the job of the `verify` layer; until a value has been verified it is
//! only "what the card said". The simulator's test root is never trusted unless a
//! caller adds it.
