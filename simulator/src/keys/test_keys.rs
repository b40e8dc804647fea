//! The registry of fixed, PUBLIC test keys shipped with the crate (`assets/keys/*.pk8`).

use std::sync::{Arc, OnceLock};

use beid::Generation;

use crate::error::SimulatorError;

type Result<T, E = SimulatorError> = core::result::Result<T, E>;

use super::signing_key::SigningKey;

/// Which family of fixed test keys (one per card generation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFamily {
    /// RSA keys (applet 1.7): RSA-4096 roots, RSA-2048 for everything else.
    Rsa,
    /// EC P-384 keys (applet 1.8).
    Ec,
}

impl KeyFamily {
    /// The family of a card generation: RSA for applet 1.7, EC for applet 1.8; `None` for
    /// generations the simulator does not build (V1, unknown).
    pub const fn for_generation(generation: Generation) -> Option<KeyFamily> {
        match generation {
            Generation::Applet17 => Some(KeyFamily::Rsa),
            Generation::Applet18 => Some(KeyFamily::Ec),
            _ => None,
        }
    }
}

/// Role of a fixed test key (see [`test_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TestKeyRole {
    /// The test root CA ("beid-simulator TEST Root CA").
    Root,
    /// A second, unrelated test root (for "foreign root" faults).
    ForeignRoot,
    /// The citizen CA (intermediate for Belgian citizens' and kids cards).
    CitizenCa,
    /// The foreigner CA (intermediate for residence-permit cards).
    ForeignerCa,
    /// The national register (RRN) key that signs identity and address (spec §7.1).
    Rrn,
    /// A key that is not the RRN certificate's (for "wrong RRN key" faults).
    WrongRrn,
    /// Holder authentication key (`82`), first pair.
    Authentication,
    /// Holder non-repudiation key (`83`), first pair.
    NonRepudiation,
    /// Holder authentication key, spare pair.
    SpareAuthentication,
    /// Holder non-repudiation key, spare pair.
    SpareNonRepudiation,
    /// Basic key (`81`): EC P-384 on applet 1.8 (public part in EF(PuK#1)); RSA-2048 on
    /// applet 1.7 (public part not on the card, spec §7.5).
    Basic,
    /// A second basic key, for "cloned chip" faults.
    SpareBasic,
}

pub(super) const ROLES: [TestKeyRole; 12] = [
    TestKeyRole::Root,
    TestKeyRole::ForeignRoot,
    TestKeyRole::CitizenCa,
    TestKeyRole::ForeignerCa,
    TestKeyRole::Rrn,
    TestKeyRole::WrongRrn,
    TestKeyRole::Authentication,
    TestKeyRole::NonRepudiation,
    TestKeyRole::SpareAuthentication,
    TestKeyRole::SpareNonRepudiation,
    TestKeyRole::Basic,
    TestKeyRole::SpareBasic,
];

fn test_key_der(family: KeyFamily, role: TestKeyRole) -> Option<&'static [u8]> {
    macro_rules! key {
        ($name:literal) => {
            Some(include_bytes!(concat!("../../assets/keys/", $name, ".pk8")).as_slice())
        };
    }
    match (family, role) {
        (KeyFamily::Rsa, TestKeyRole::Root) => key!("rsa-root"),
        (KeyFamily::Rsa, TestKeyRole::ForeignRoot) => key!("rsa-root-foreign"),
        (KeyFamily::Rsa, TestKeyRole::CitizenCa) => key!("rsa-citizen-ca"),
        (KeyFamily::Rsa, TestKeyRole::ForeignerCa) => key!("rsa-foreigner-ca"),
        (KeyFamily::Rsa, TestKeyRole::Rrn) => key!("rsa-rrn"),
        (KeyFamily::Rsa, TestKeyRole::WrongRrn) => key!("rsa-rrn-wrong"),
        (KeyFamily::Rsa, TestKeyRole::Authentication) => key!("rsa-auth-1"),
        (KeyFamily::Rsa, TestKeyRole::NonRepudiation) => key!("rsa-sign-1"),
        (KeyFamily::Rsa, TestKeyRole::SpareAuthentication) => key!("rsa-auth-2"),
        (KeyFamily::Rsa, TestKeyRole::SpareNonRepudiation) => key!("rsa-sign-2"),
        (KeyFamily::Rsa, TestKeyRole::Basic) => key!("rsa-basic-1"),
        (KeyFamily::Rsa, TestKeyRole::SpareBasic) => key!("rsa-basic-2"),
        (KeyFamily::Ec, TestKeyRole::Root) => key!("ec-root"),
        (KeyFamily::Ec, TestKeyRole::ForeignRoot) => key!("ec-root-foreign"),
        (KeyFamily::Ec, TestKeyRole::CitizenCa) => key!("ec-citizen-ca"),
        (KeyFamily::Ec, TestKeyRole::ForeignerCa) => key!("ec-foreigner-ca"),
        (KeyFamily::Ec, TestKeyRole::Rrn) => key!("ec-rrn"),
        (KeyFamily::Ec, TestKeyRole::WrongRrn) => key!("ec-rrn-wrong"),
        (KeyFamily::Ec, TestKeyRole::Authentication) => key!("ec-auth-1"),
        (KeyFamily::Ec, TestKeyRole::NonRepudiation) => key!("ec-sign-1"),
        (KeyFamily::Ec, TestKeyRole::SpareAuthentication) => key!("ec-auth-2"),
        (KeyFamily::Ec, TestKeyRole::SpareNonRepudiation) => key!("ec-sign-2"),
        (KeyFamily::Ec, TestKeyRole::Basic) => key!("ec-basic-1"),
        (KeyFamily::Ec, TestKeyRole::SpareBasic) => key!("ec-basic-2"),
    }
}

type KeySlot = OnceLock<Option<Arc<SigningKey>>>;

/// A fixed, PUBLIC test key shipped with the crate, parsed once per process.
pub fn test_key(family: KeyFamily, role: TestKeyRole) -> Result<Arc<SigningKey>> {
    static RSA: [KeySlot; ROLES.len()] = [const { OnceLock::new() }; ROLES.len()];
    static EC: [KeySlot; ROLES.len()] = [const { OnceLock::new() }; ROLES.len()];
    let slots = match family {
        KeyFamily::Rsa => &RSA,
        KeyFamily::Ec => &EC,
    };
    let missing = || SimulatorError::KeyRejected {
        reason: "no such test key",
    };
    let idx = ROLES.iter().position(|r| *r == role).ok_or_else(missing)?;
    let slot = slots.get(idx).ok_or_else(missing)?;
    slot.get_or_init(|| {
        let der = test_key_der(family, role)?;
        SigningKey::from_pkcs8(der).ok().map(Arc::new)
    })
    .clone()
    .ok_or_else(missing)
}
