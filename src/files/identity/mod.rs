//! The identity file EF(ID#RN) `3F00 DF01 4031` (spec §4.2) and its encoder.
//!
//! [`Identity::parse`] copies the file once and keeps every field as a small span into that
//! copy: text accessors return `&str` into it, enumerations, dates and the birth date are decoded
//! once at parse time into small `Copy` values. The raw bytes stay available ([`Identity::raw`],
//! [`Identity::raw_field`]) because the identity signature covers the whole file as read
//! (spec §7.2).
//!
//! [`IdentityBuilder`] writes an identity file (for the simulator and for round-trip tests).

#[cfg(doc)]
use crate::error::ParseErrorKind;
use crate::error::{ParseError, Parsed};
use crate::files::birth_date::BirthDate;
use crate::files::codes::{
    BrexitMention, CardAMention, Code, DocumentType, Sex, SpecialOrganisation, SpecialStatus,
    WorkPermit,
};
use crate::files::date::CardDate;
use crate::files::numbers::{CardNumber, NationalNumber};
use crate::tlv;
#[cfg(feature = "serde")]
use crate::tlv::hex::hex_encode;
use crate::tlv::record::{Encoder, Record};
use crate::vocab::FileId;
pub use tag::IdentityTag;

const WHAT: Parsed = Parsed::File(FileId::Identity);

mod builder;
mod debug;
mod parse;
#[cfg(feature = "serde")]
mod serde_impl;
mod tag;
#[cfg(test)]
mod tests;

pub use builder::IdentityBuilder;
pub use debug::RevealNationalNumber;

// ------------------------------------------------------------------------------------------
// Identity

/// The parsed identity file EF(ID#RN) (spec §4.2).
///
/// Holds one copy of the file; text accessors borrow from it. A mandatory field that is missing
/// or of the wrong shape does not make the file unreadable: the typed accessors of card number,
/// validity dates, national number, sex and document type return `Result`, text and binary
/// fields read as empty, and [`Identity::field_errors`] lists every problem. Optional fields
/// return `None`
/// when absent **or present with length 0** (spec §4.4: foreigner cards write several empty
/// tags); [`Identity::raw_field`] tells the two apart.
///
/// ```
/// use beid::files::{DocumentType, IdentityBuilder};
///
/// let bytes = IdentityBuilder::specimen().encode(); // the spec §4.4 card, 176 bytes
/// let id = beid::Identity::parse(&bytes)?;
/// assert_eq!(id.surname(), "Specimen");
/// assert_eq!(id.given_names(), "Nora Angèle");
/// assert_eq!(id.birth_date().map(|d| d.to_iso()).as_deref(), Some("2001-05-03"));
/// assert_eq!(id.document_type()?, DocumentType::BelgianCitizen);
/// assert!(!format!("{id:?}").contains(id.national_number()?.reveal()));
/// # Ok::<(), beid::ParseError>(())
/// ```
///
/// `Debug` prints the decoded fields with the national number masked and never the raw bytes;
/// use [`Identity::debug_revealing_national_number`] to include it. Equality compares the raw
/// bytes.
///
/// With the `serde` feature an identity serializes as its raw bytes (`raw`, hex) plus every
/// decoded field **including the national number** (serializing is an explicit caller action;
/// remove the field yourself when the destination must not hold it). Deserializing reads only
/// `raw` and parses it again, so a deserialized identity is always consistent.
#[derive(Clone)]
pub struct Identity {
    /// Tags 0..=31 as spans; the text tags are those of the tag table.
    rec: Record<32>,
    card_number: Field<CardNumber>,
    validity_begin: Field<CardDate>,
    validity_end: Field<CardDate>,
    national_number: Field<NationalNumber>,
    birth_date: Option<BirthDate>,
    sex: Field<Sex>,
    document_type: Field<DocumentType>,
    /// Problems of single fields that did not make the file unreadable (spec §4.2), by tag.
    field_errors: Vec<(u8, ParseError)>,
    special_status: SpecialStatus,
    special_organisation: Option<SpecialOrganisation>,
    work_permit: Option<WorkPermit>,
    brexit_mentions: [Option<BrexitMention>; 2],
    card_a_mentions: [Option<CardAMention>; 2],
    eu_start_date: Option<CardDate>,
}

/// A decoded mandatory field, or the problem that kept it from decoding (the file still parses).
type Field<T> = Result<T, ParseError>;

impl Identity {
    /// Parse EF(ID#RN) (spec §4.1, §4.2).
    ///
    /// Accepts an optional leading tag 00, zero padding after the last element and tags in
    /// any order; keeps unknown tags (0x20 and above). Errors (all with
    /// `Parsed::File(FileId::Identity)` and a byte offset):
    /// * a broken TLV → [`ParseErrorKind::Truncated`] at the offset where bytes are missing;
    /// * no element at all → [`ParseErrorKind::Empty`];
    /// * a named tag twice → [`ParseErrorKind::UnexpectedTag`] at the second occurrence.
    ///
    /// A mandatory tag that is missing is that field's error, not the file's:
    /// [`ParseErrorKind::Missing`] at the end of the content, from the field's typed accessor
    /// and [`Identity::field_error`] (only a file with no element at all is `Empty`).
    ///
    /// A value of the wrong shape does **not** make the file unreadable (national number not
    /// 11 digits — published test cards carry 13 —, chip number not 16 bytes, a date that is
    /// not a valid `DD.MM.YYYY`, a code that is empty, longer than 4 bytes or not printable
    /// ASCII, an empty photo hash): the file parses, the field's typed accessor returns the
    /// error that names the offset and the problem (or `None` for optional coded fields), the
    /// raw bytes stay in [`Identity::raw_field`], and [`Identity::field_errors`] lists every
    /// such problem — so a verifier can still check the file's signature.
    ///
    /// Not errors: text that is not valid UTF-8 (decoded lossily, raw bytes kept), a birth date
    /// that cannot be decoded ([`Identity::birth_date`] is then `None`), unknown codes (kept as
    /// `Other`), wrong check digits (see [`NationalNumber::check_digits_valid`]).
    pub fn parse(bytes: &[u8]) -> Result<Identity, ParseError> {
        parse::parse(bytes)
    }

    // -- raw access ----------------------------------------------------------------------

    /// The file exactly as given to [`Identity::parse`] (what the identity signature covers,
    /// spec §7.2). Contains the national number.
    pub fn raw(&self) -> &[u8] {
        &self.rec.raw
    }

    /// The file up to where the TLV walk stopped (spec §4.1): the elements, without the zero
    /// padding that may follow them (identity files normally have none). Same meaning as
    /// [`Address::tlv_content`](crate::files::Address::tlv_content).
    pub fn tlv_content(&self) -> &[u8] {
        self.rec.tlv_content()
    }

    /// The file with every trailing `00` byte removed (spec §7.3: what the address signature
    /// covers; for an identity file the signature covers [`Identity::raw`], spec §7.2). Same
    /// meaning as [`Address::without_trailing_zeros`](crate::files::Address::without_trailing_zeros).
    pub fn without_trailing_zeros(&self) -> &[u8] {
        crate::tlv::record::without_trailing_zeros(&self.rec.raw)
    }

    /// Old name of [`Identity::tlv_content`].
    #[deprecated(note = "use `tlv_content` (or `without_trailing_zeros`)")]
    pub fn content(&self) -> &[u8] {
        self.tlv_content()
    }

    fn has(&self, tag: u8) -> bool {
        self.rec.has(tag)
    }

    /// The value bytes of a tag (the first occurrence for a repeated unknown tag), `None` when
    /// the tag is absent. Present-but-empty gives `Some(&[])`.
    pub fn raw_field(&self, tag: impl Into<IdentityTag>) -> Option<&[u8]> {
        self.rec.raw_field(tag.into().byte())
    }

    /// True when the tag is present (possibly with length 0).
    pub fn has_field(&self, tag: impl Into<IdentityTag>) -> bool {
        self.raw_field(tag).is_some()
    }

    /// The elements with tags 0x20 and above, in file order, as `(tag, value)`.
    pub fn unknown_tags(&self) -> impl Iterator<Item = (u8, &[u8])> + '_ {
        self.rec.unknown_tags()
    }

    /// Every element in file order, as `(tag, value)`.
    pub fn fields(&self) -> impl Iterator<Item = (IdentityTag, &[u8])> + '_ {
        tlv::iter(self.tlv_content())
            .filter_map(Result::ok)
            .map(|t| (IdentityTag::from_byte(t.tag), t.value))
    }

    fn text(&self, tag: u8) -> Option<&str> {
        self.rec.text(tag)
    }

    fn text_or_empty(&self, tag: u8) -> &str {
        self.text(tag).unwrap_or("")
    }

    fn non_empty_text(&self, tag: u8) -> Option<&str> {
        self.text(tag).filter(|s| !s.is_empty())
    }

    fn non_empty_bytes(&self, tag: u8) -> Option<&[u8]> {
        self.raw_field(tag).filter(|v| !v.is_empty())
    }

    // -- fields --------------------------------------------------------------------------

    /// Tag 00: the file structure version, when the file starts with it (spec §4.1; absent on
    /// every real card studied).
    pub fn file_structure_version(&self) -> Option<&[u8]> {
        self.raw_field(0x00)
    }

    /// Tag 0x01: the card number (spec §6.9).
    ///
    /// `Err` (with the offset and what is wrong) when the value is not 1 to 12 printable ASCII
    /// characters; the file still parses and [`Identity::raw_field`] gives the bytes.
    pub fn card_number(&self) -> Result<CardNumber, ParseError> {
        self.card_number
    }

    /// Tag 0x02: the chip number, 16 bytes (= the card serial of GET CARD DATA, spec §4.2).
    pub fn chip_number(&self) -> &[u8] {
        self.raw_field(0x02).unwrap_or(&[])
    }

    /// Tag 0x03: first day of validity (spec §5.1). `Err` when missing or not a valid
    /// `DD.MM.YYYY` (the file still parses).
    pub fn validity_begin(&self) -> Result<CardDate, ParseError> {
        self.validity_begin
    }

    /// Tag 0x04: last day of validity (validated like [`Identity::validity_begin`]).
    pub fn validity_end(&self) -> Result<CardDate, ParseError> {
        self.validity_end
    }

    /// Tag 0x05: card delivery municipality.
    pub fn issuing_municipality(&self) -> &str {
        self.text_or_empty(0x05)
    }

    /// Tag 0x06: the national register number (masked in `Debug`/`Display`).
    ///
    /// `Err` when the value is not 11 ASCII digits — e.g. the 13-digit numbers of published test
    /// cards of the card's own test infrastructure: the file still parses (its signature can be
    /// checked) and [`Identity::raw_field`] gives the bytes.
    pub fn national_number(&self) -> Result<NationalNumber, ParseError> {
        self.national_number
    }

    /// Tag 0x07: surname.
    pub fn surname(&self) -> &str {
        self.text_or_empty(0x07)
    }

    /// Tag 0x08: first two given names (`""` when absent).
    pub fn given_names(&self) -> &str {
        self.text_or_empty(0x08)
    }

    /// Tag 0x09: first letter of the third given name; `None` when absent or empty.
    pub fn first_letter_of_third_given_name(&self) -> Option<&str> {
        self.non_empty_text(0x09)
    }

    /// Tag 0x0A: nationality, free text in the card language ("Belg", "Belge", …).
    pub fn nationality(&self) -> &str {
        self.text_or_empty(0x0A)
    }

    /// Tag 0x0B: place of birth.
    pub fn birth_place(&self) -> &str {
        self.text_or_empty(0x0B)
    }

    /// Tag 0x0C decoded (spec §5.2); `None` when the value is not a recognised form (the raw
    /// text is in [`Identity::birth_date_raw`]).
    pub fn birth_date(&self) -> Option<BirthDate> {
        self.birth_date
    }

    /// Tag 0x0C as written (e.g. `"03 MEI 2001"`, `"    1984"`).
    pub fn birth_date_raw(&self) -> &str {
        self.text_or_empty(0x0C)
    }

    /// Tag 0x0D: sex (spec §6.3).
    pub fn sex(&self) -> Result<Sex, ParseError> {
        self.sex
    }

    /// Tag 0x0E: noble condition; `None` when absent or empty.
    ///
    /// Free text, not an enumeration: the specifications define no codes, cards carry the
    /// title itself in the card language ("Comtesse", "Prince", spec §6.5).
    pub fn noble_condition(&self) -> Option<&str> {
        self.non_empty_text(0x0E)
    }

    /// Tag 0x0F: document type (spec §6.1).
    pub fn document_type(&self) -> Result<DocumentType, ParseError> {
        self.document_type
    }

    /// The problem of a single field that did not make the file unreadable (spec §4.2): a
    /// mandatory tag that is missing, a mandatory field whose typed accessor returns `Err`, a
    /// chip number that is not 16 bytes,
    /// an empty photo hash, or an optional coded or date field (0x10, 0x13, 0x16, 0x1B–0x1F)
    /// of the wrong shape (its accessor then returns `None`). `None` when the field is fine.
    pub fn field_error(&self, tag: impl Into<IdentityTag>) -> Option<ParseError> {
        let tag = tag.into().byte();
        crate::tlv::record::field_error(&self.field_errors, tag)
    }

    /// Every field problem, in tag order (see [`Identity::field_error`]).
    pub fn field_errors(&self) -> impl Iterator<Item = (IdentityTag, ParseError)> + '_ {
        self.field_errors
            .iter()
            .map(|(t, e)| (IdentityTag::from_byte(*t), *e))
    }

    /// Tag 0x10: special status (spec §6.2); [`SpecialStatus::NoStatus`] when absent or empty.
    pub fn special_status(&self) -> SpecialStatus {
        self.special_status
    }

    /// Tag 0x11: hash of the photo file (20, 32 or 48 bytes: SHA-1, SHA-256 or SHA-384,
    /// spec §7.4).
    pub fn photo_hash(&self) -> &[u8] {
        self.raw_field(0x11).unwrap_or(&[])
    }

    /// Tag 0x12: duplicate counter (`"00"`, `"01"`, …, spec §6.6); `None` when absent or
    /// empty.
    pub fn duplicate(&self) -> Option<&str> {
        self.non_empty_text(0x12)
    }

    /// Tag 0x13: special organisation (spec §6.4); `None` when absent or empty.
    pub fn special_organisation(&self) -> Option<SpecialOrganisation> {
        self.special_organisation
    }

    /// Tag 0x14: member of family — true when the tag is present (it has no value, §6.8).
    pub fn member_of_family(&self) -> bool {
        self.has(0x14)
    }

    /// Tag 0x15: date and country of protection as written, `dd.MM.yyyy-A2` (spec §6.8);
    /// `None` when absent or empty.
    pub fn date_and_country_of_protection(&self) -> Option<&str> {
        self.non_empty_text(0x15)
    }

    /// Tag 0x15 decoded: the date and the ISO 3166 alpha-2 country (`"13.08.2014-IT"` →
    /// 13 August 2014, `"IT"`); `None` when absent, empty or not of that form.
    pub fn protection_date_and_country(&self) -> Option<(CardDate, &str)> {
        let v = self.date_and_country_of_protection()?;
        let (date, country) = v.split_once('-')?;
        let date = CardDate::parse(date.as_bytes()).ok()?;
        (!country.is_empty()).then_some((date, country))
    }

    /// Tag 0x16: work-permit mention (spec §6.7); `None` when absent or empty.
    pub fn work_permit(&self) -> Option<WorkPermit> {
        self.work_permit
    }

    /// Tag 0x17: employer VAT number 1 (`xxxx.xxx.xxx`); `None` when absent or empty.
    pub fn employer_vat_1(&self) -> Option<&str> {
        self.non_empty_text(0x17)
    }

    /// Tag 0x18: employer VAT number 2; `None` when absent or empty.
    pub fn employer_vat_2(&self) -> Option<&str> {
        self.non_empty_text(0x18)
    }

    /// Tag 0x19: regional file number; `None` when absent or empty.
    pub fn regional_file_number(&self) -> Option<&str> {
        self.non_empty_text(0x19)
    }

    /// Tag 0x1A: SHA-384 of the basic public key file (applet 1.8, spec §7.5); `None` when
    /// absent or empty.
    pub fn basic_key_hash(&self) -> Option<&[u8]> {
        self.non_empty_bytes(0x1A)
    }

    /// Tag 0x1B: Brexit mention 1 (spec §6.7); `None` when absent or empty.
    pub fn brexit_mention_1(&self) -> Option<BrexitMention> {
        self.brexit_mentions[0]
    }

    /// Tag 0x1C: Brexit mention 2; `None` when absent or empty.
    pub fn brexit_mention_2(&self) -> Option<BrexitMention> {
        self.brexit_mentions[1]
    }

    /// Tag 0x1D: A-card mention 1 (spec §6.7); `None` when absent or empty.
    pub fn card_a_mention_1(&self) -> Option<CardAMention> {
        self.card_a_mentions[0]
    }

    /// Tag 0x1E: A-card mention 2; `None` when absent or empty.
    pub fn card_a_mention_2(&self) -> Option<CardAMention> {
        self.card_a_mentions[1]
    }

    /// Tag 0x1F: EU registration date (EU card) / date of permanent residence (EU+ card);
    /// `None` when absent or empty.
    pub fn eu_start_date(&self) -> Option<CardDate> {
        self.eu_start_date
    }

    /// A builder holding the same fields (to re-encode or modify the file).
    pub fn to_builder(&self) -> IdentityBuilder {
        IdentityBuilder::from_identity(self)
    }

    /// A wrapper whose `Debug` prints the national number in clear. Only for callers that
    /// are allowed to see it.
    pub fn debug_revealing_national_number(&self) -> RevealNationalNumber<'_> {
        RevealNationalNumber(self)
    }
}

crate::tlv::record::eq_by_raw!(Identity);
