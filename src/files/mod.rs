//! Pure parsers of every file of the card and the data model (spec §4–§9, §11).
//!
//! Every parser is a function over `&[u8]` that never panics, returns a [`ParseError`] naming
//! the file and byte offset of any problem, keeps unknown tags and enumeration codes as data and
//! keeps the raw bytes next to the decoded values.
//!
//! [`ParseError`]: crate::ParseError

// -- identity / address / text fields (owner: identity parsers)
mod address;
mod birth_date;
mod codes;
mod date;
mod identity;
mod numbers;

pub use address::{Address, AddressBuilder};
pub use birth_date::{BirthDate, BirthDateFormat, MonthLanguage};
pub use codes::{
    BrexitMention, CardAMention, Code, DocumentType, Sex, SpecialOrganisation, SpecialStatus,
    WorkPermit,
};
pub use date::CardDate;
pub use identity::IdentityTag;
pub use identity::{Identity, IdentityBuilder, RevealNationalNumber};
pub use numbers::{CardNumber, CheckDigitRule, NationalNumber};

// -- binary objects (owner: object parsers)
mod card_data;
mod certificate;
pub(crate) mod der;
mod key_kind;
mod photo;
mod public_key;
mod token_info;

pub use card_data::{AppletVersions, CardData, LifeCycle};
pub use certificate::Certificate;
pub use der::der_len;
pub use key_kind::{EcCurve, KeyKind};
pub use photo::{Photo, jpeg_len};
pub use public_key::BasicPublicKey;
pub use token_info::{PersoVersions, TokenFlags, TokenInfo, UnknownElement};
