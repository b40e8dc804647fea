//! The identity file EF(ID#RN) `3F00 DF01 4031` (spec §4.2) and its encoder.
//!
//! [`Identity::parse`] copies the file once and keeps every field as a small span into that
//! copy: text accessors return `&str` into it, enumerations, dates and the birth date are decoded
//! once at parse time into small `Copy` values. The raw bytes stay available ([`Identity::raw`],
//! [`Identity::raw_field`]) because the identity signature covers the whole file as read
//! (spec §7.2).
//!
//! [`IdentityBuilder`] writes an identity file (for the simulator and for round-trip tests).

use crate::error::{ParseError, ParseErrorKind, Parsed};
use crate::files::birth_date::BirthDate;
use crate::files::codes::{
    BrexitMention, CardAMention, Code, DocumentType, Sex, SpecialOrganisation, SpecialStatus,
    WorkPermit,
};
use crate::files::date::CardDate;
use crate::files::identity_tag::{IdentityTag, TEXT_TAGS};
use crate::files::numbers::{CardNumber, NationalNumber};
use crate::tlv;
use crate::tlv::hex::Hex;
#[cfg(feature = "serde")]
use crate::tlv::hex::hex_encode;
use crate::tlv::record::{Encoder, Lossy, Span, TlvFields, collect_fields, text_of};
use crate::vocab::FileId;

const WHAT: Parsed = Parsed::File(FileId::Identity);

// ------------------------------------------------------------------------------------------
// Tags

// ------------------------------------------------------------------------------------------
// Identity

/// The parsed identity file EF(ID#RN) (spec §4.2).
///
/// Holds one copy of the file; text accessors borrow from it. Mandatory fields are validated
/// by [`Identity::parse`], so their accessors are infallible; optional fields return `None`
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
    raw: Vec<u8>,
    content_len: u16,
    /// Bit `t` set when tag `t` (0..=31) is present.
    present: u32,
    spans: [Span; 32],
    unknown: Vec<(u8, Span)>,
    lossy: Lossy,
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

/// Decode a code field; wrong shapes become typed errors at the value's offset.
fn code_at(tag: u8, value: &[u8], offset: usize) -> Result<Code, ParseError> {
    Code::from_bytes(value).ok_or_else(|| {
        let kind = if value.is_empty() || value.len() > Code::MAX_LEN {
            ParseErrorKind::BadValueLength {
                tag,
                len: value.len(),
            }
        } else {
            ParseErrorKind::BadText
        };
        ParseError::new(WHAT, offset, kind)
    })
}

fn date_at(tag: u8, value: &[u8], offset: usize) -> Result<CardDate, ParseError> {
    CardDate::parse(value).map_err(|e| {
        if value.len() != 10 {
            ParseError::new(
                WHAT,
                offset,
                ParseErrorKind::BadValueLength {
                    tag,
                    len: value.len(),
                },
            )
        } else {
            ParseError::new(WHAT, offset + e.offset(), e.kind())
        }
    })
}

impl Identity {
    /// Parse EF(ID#RN) (spec §4.1, §4.2).
    ///
    /// Accepts an optional leading tag 00, zero padding after the last element and tags in
    /// any order; keeps unknown tags (0x20 and above). Errors (all with
    /// `Parsed::File(FileId::Identity)` and a byte offset):
    /// * a broken TLV → [`ParseErrorKind::Truncated`] at the offset where bytes are missing;
    /// * no element at all → [`ParseErrorKind::Empty`];
    /// * a named tag twice → [`ParseErrorKind::UnexpectedTag`] at the second occurrence;
    /// * a mandatory tag missing → [`ParseErrorKind::Missing`] at the end of the content;
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
        let TlvFields {
            spans,
            present,
            unknown,
            content_len,
        } = collect_fields::<32>(bytes, WHAT, IdentityTag::MANDATORY.iter().map(|t| t.byte()))?;

        let span = |tag: u8| spans.get(usize::from(tag)).copied().unwrap_or_default();
        let value = |tag: u8| span(tag).get(bytes);
        let off = |tag: u8| span(tag).offset();
        // Present and not empty.
        let optional =
            |tag: u8| Some(value(tag)).filter(|v| present & (1 << tag) != 0 && !v.is_empty());

        let v = value(0x01);
        let card_number = CardNumber::from_bytes(v).ok_or_else(|| {
            let kind = if v.is_empty() || v.len() > 12 {
                ParseErrorKind::BadValueLength {
                    tag: 0x01,
                    len: v.len(),
                }
            } else {
                ParseErrorKind::BadText
            };
            ParseError::new(WHAT, off(0x01), kind)
        });
        let mut field_errors = Vec::new();
        let chip_len = value(0x02).len();
        if chip_len != 16 {
            field_errors.push((
                0x02,
                ParseError::new(
                    WHAT,
                    off(0x02),
                    ParseErrorKind::BadValueLength {
                        tag: 0x02,
                        len: chip_len,
                    },
                ),
            ));
        }
        let validity_begin = date_at(0x03, value(0x03), off(0x03));
        let validity_end = date_at(0x04, value(0x04), off(0x04));
        let v = value(0x06);
        let national_number = NationalNumber::from_digits(v).ok_or_else(|| {
            match v.iter().position(|b| !b.is_ascii_digit()) {
                Some(i) if v.len() == 11 => {
                    ParseError::new(WHAT, off(0x06) + i, ParseErrorKind::BadText)
                }
                _ => ParseError::new(
                    WHAT,
                    off(0x06),
                    ParseErrorKind::BadValueLength {
                        tag: 0x06,
                        len: v.len(),
                    },
                ),
            }
        });
        let birth_date = BirthDate::parse_bytes(value(0x0C)).ok();
        let sex = code_at(0x0D, value(0x0D), off(0x0D)).map(Sex::from_code);
        let document_type = code_at(0x0F, value(0x0F), off(0x0F)).map(DocumentType::from_code);
        if value(0x11).is_empty() {
            field_errors.push((
                0x11,
                ParseError::new(
                    WHAT,
                    off(0x11),
                    ParseErrorKind::BadValueLength { tag: 0x11, len: 0 },
                ),
            ));
        }
        for (tag, result) in [
            (0x01, card_number.err()),
            (0x03, validity_begin.err()),
            (0x04, validity_end.err()),
            (0x06, national_number.err()),
            (0x0D, sex.err()),
            (0x0F, document_type.err()),
        ] {
            if let Some(e) = result {
                field_errors.push((tag, e));
            }
        }
        // Optional fields: a value of the wrong shape reads as absent and is reported in
        // `field_errors`.
        let mut opt = |tag: u8| -> Option<Code> {
            match optional(tag).map(|v| code_at(tag, v, off(tag))) {
                Some(Ok(c)) => Some(c),
                Some(Err(e)) => {
                    field_errors.push((tag, e));
                    None
                }
                None => None,
            }
        };
        let special_status = opt(0x10).map(SpecialStatus::from_code).unwrap_or_default();
        let special_organisation = opt(0x13).map(SpecialOrganisation::from_code);
        let work_permit = opt(0x16).map(WorkPermit::from_code);
        let brexit_mentions = [
            opt(0x1B).map(BrexitMention::from_code),
            opt(0x1C).map(BrexitMention::from_code),
        ];
        let card_a_mentions = [
            opt(0x1D).map(CardAMention::from_code),
            opt(0x1E).map(CardAMention::from_code),
        ];
        let eu_start_date = match optional(0x1F).map(|v| date_at(0x1F, v, off(0x1F))) {
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                field_errors.push((0x1F, e));
                None
            }
            None => None,
        };
        field_errors.sort_by_key(|(t, _)| *t);

        Ok(Identity {
            raw: bytes.to_vec(),
            content_len: u16::try_from(content_len).unwrap_or(u16::MAX),
            present,
            spans,
            unknown,
            lossy: Lossy::new(),
            card_number,
            validity_begin,
            validity_end,
            national_number,
            birth_date,
            sex,
            document_type,
            field_errors,
            special_status,
            special_organisation,
            work_permit,
            brexit_mentions,
            card_a_mentions,
            eu_start_date,
        })
    }

    // -- raw access ----------------------------------------------------------------------

    /// The file exactly as given to [`Identity::parse`] (what the identity signature covers,
    /// spec §7.2). Contains the national number.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The TLV content without trailing zero padding (identity files normally have none).
    pub fn content(&self) -> &[u8] {
        self.raw
            .get(..usize::from(self.content_len))
            .unwrap_or(&self.raw)
    }

    fn has(&self, tag: u8) -> bool {
        tag < 32 && self.present & (1 << tag) != 0
    }

    fn span(&self, tag: u8) -> Option<Span> {
        if self.has(tag) {
            self.spans.get(usize::from(tag)).copied()
        } else {
            None
        }
    }

    /// The value bytes of a tag (the first occurrence for a repeated unknown tag), `None` when
    /// the tag is absent. Present-but-empty gives `Some(&[])`.
    pub fn raw_field(&self, tag: impl Into<IdentityTag>) -> Option<&[u8]> {
        let tag = tag.into().byte();
        if tag < 32 {
            self.span(tag).map(|s| s.get(&self.raw))
        } else {
            self.unknown
                .iter()
                .find(|(t, _)| *t == tag)
                .map(|(_, s)| s.get(&self.raw))
        }
    }

    /// True when the tag is present (possibly with length 0).
    pub fn has_field(&self, tag: impl Into<IdentityTag>) -> bool {
        self.raw_field(tag).is_some()
    }

    /// The elements with tags 0x20 and above, in file order, as `(tag, value)`.
    pub fn unknown_tags(&self) -> impl Iterator<Item = (u8, &[u8])> + '_ {
        self.unknown.iter().map(|(t, s)| (*t, s.get(&self.raw)))
    }

    /// Every element in file order, as `(tag, value)`.
    pub fn fields(&self) -> impl Iterator<Item = (IdentityTag, &[u8])> + '_ {
        tlv::iter(self.content())
            .filter_map(Result::ok)
            .map(|t| (IdentityTag::from_byte(t.tag), t.value))
    }

    fn text(&self, tag: u8) -> Option<&str> {
        self.span(tag).map(|s| {
            text_of(&self.raw, s, tag, &self.lossy, || {
                (0u8..32)
                    .filter(|t| TEXT_TAGS & (1 << t) != 0)
                    .filter_map(|t| self.span(t).map(|s| (t, s)))
                    .collect()
            })
        })
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

    /// Tag 0x03: first day of validity. Always a valid date: [`Identity::parse`] rejects a
    /// malformed validity date.
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
    /// mandatory field whose typed accessor returns `Err`, a chip number that is not 16 bytes,
    /// an empty photo hash, or an optional coded or date field (0x10, 0x13, 0x16, 0x1B–0x1F)
    /// of the wrong shape (its accessor then returns `None`). `None` when the field is fine.
    pub fn field_error(&self, tag: impl Into<IdentityTag>) -> Option<ParseError> {
        let tag = tag.into().byte();
        self.field_errors
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, e)| *e)
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

    fn fmt_debug(&self, f: &mut core::fmt::Formatter<'_>, reveal: bool) -> core::fmt::Result {
        struct Revealed<'a>(&'a str);
        impl core::fmt::Debug for Revealed<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "NationalNumber({:?})", self.0)
            }
        }
        struct Unknown<'a>(&'a Identity);
        impl core::fmt::Debug for Unknown<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                // Tags and lengths only: values of unknown tags are never printed.
                f.debug_list()
                    .entries(
                        self.0
                            .unknown_tags()
                            .map(|(t, v)| format!("{t:#04x} ({} bytes)", v.len())),
                    )
                    .finish()
            }
        }
        let mut d = f.debug_struct("Identity");
        if let Some(v) = self.file_structure_version() {
            d.field("file_structure_version", &Hex(v));
        }
        d.field("card_number", &self.card_number)
            .field("chip_number", &Hex(self.chip_number()))
            .field("validity_begin", &self.validity_begin)
            .field("validity_end", &self.validity_end)
            .field("issuing_municipality", &self.issuing_municipality());
        if reveal {
            match &self.national_number {
                Ok(n) => d.field("national_number", &Revealed(n.reveal())),
                Err(e) => d.field("national_number", e),
            };
        } else {
            d.field("national_number", &self.national_number);
        }
        d.field("surname", &self.surname())
            .field("given_names", &self.given_names())
            .field(
                "first_letter_of_third_given_name",
                &self.first_letter_of_third_given_name(),
            )
            .field("nationality", &self.nationality())
            .field("birth_place", &self.birth_place())
            .field("birth_date", &self.birth_date)
            .field("birth_date_raw", &self.birth_date_raw())
            .field("sex", &self.sex)
            .field("noble_condition", &self.noble_condition())
            .field("document_type", &self.document_type)
            .field("special_status", &self.special_status)
            .field("photo_hash", &Hex(self.photo_hash()))
            .field("duplicate", &self.duplicate())
            .field("special_organisation", &self.special_organisation)
            .field("member_of_family", &self.member_of_family())
            .field(
                "date_and_country_of_protection",
                &self.date_and_country_of_protection(),
            )
            .field("work_permit", &self.work_permit)
            .field("employer_vat_1", &self.employer_vat_1())
            .field("employer_vat_2", &self.employer_vat_2())
            .field("regional_file_number", &self.regional_file_number())
            .field("basic_key_hash", &self.basic_key_hash().map(Hex))
            .field("brexit_mention_1", &self.brexit_mentions[0])
            .field("brexit_mention_2", &self.brexit_mentions[1])
            .field("card_a_mention_1", &self.card_a_mentions[0])
            .field("card_a_mention_2", &self.card_a_mentions[1])
            .field("eu_start_date", &self.eu_start_date);
        if !self.unknown.is_empty() {
            d.field("unknown_tags", &Unknown(self));
        }
        d.finish_non_exhaustive()
    }
}

impl core::fmt::Debug for Identity {
    /// Decoded fields; the national number is masked and the raw bytes are not printed.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.fmt_debug(f, false)
    }
}

impl PartialEq for Identity {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Eq for Identity {}

impl core::hash::Hash for Identity {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

/// `Debug` of an [`Identity`] with the national number in clear (see
/// [`Identity::debug_revealing_national_number`]).
#[derive(Clone, Copy)]
pub struct RevealNationalNumber<'a>(&'a Identity);

impl core::fmt::Debug for RevealNationalNumber<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt_debug(f, true)
    }
}

#[cfg(feature = "serde")]
pub(crate) mod serde_impl {
    use super::*;
    use serde::ser::SerializeStruct;

    struct HexBytes<'a>(&'a [u8]);

    impl serde::Serialize for HexBytes<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&hex_encode(self.0))
        }
    }

    impl serde::Serialize for Identity {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Identity", 34)?;
            st.serialize_field("raw", &HexBytes(&self.raw))?;
            st.serialize_field(
                "file_structure_version",
                &self.file_structure_version().map(HexBytes),
            )?;
            st.serialize_field("card_number", &self.card_number.ok())?;
            st.serialize_field("chip_number", &HexBytes(self.chip_number()))?;
            st.serialize_field("validity_begin", &self.validity_begin.ok())?;
            st.serialize_field("validity_end", &self.validity_end.ok())?;
            st.serialize_field("issuing_municipality", self.issuing_municipality())?;
            st.serialize_field("national_number", &self.national_number.ok())?;
            st.serialize_field("surname", self.surname())?;
            st.serialize_field("given_names", self.given_names())?;
            st.serialize_field(
                "first_letter_of_third_given_name",
                &self.first_letter_of_third_given_name(),
            )?;
            st.serialize_field("nationality", self.nationality())?;
            st.serialize_field("birth_place", self.birth_place())?;
            st.serialize_field("birth_date", &self.birth_date)?;
            st.serialize_field("birth_date_raw", self.birth_date_raw())?;
            st.serialize_field("sex", &self.sex.ok())?;
            st.serialize_field("noble_condition", &self.noble_condition())?;
            st.serialize_field("document_type", &self.document_type.ok())?;
            st.serialize_field("special_status", &self.special_status)?;
            st.serialize_field("photo_hash", &HexBytes(self.photo_hash()))?;
            st.serialize_field("duplicate", &self.duplicate())?;
            st.serialize_field("special_organisation", &self.special_organisation)?;
            st.serialize_field("member_of_family", &self.member_of_family())?;
            st.serialize_field(
                "date_and_country_of_protection",
                &self.date_and_country_of_protection(),
            )?;
            st.serialize_field("work_permit", &self.work_permit)?;
            st.serialize_field("employer_vat_1", &self.employer_vat_1())?;
            st.serialize_field("employer_vat_2", &self.employer_vat_2())?;
            st.serialize_field("regional_file_number", &self.regional_file_number())?;
            st.serialize_field("basic_key_hash", &self.basic_key_hash().map(HexBytes))?;
            st.serialize_field("brexit_mention_1", &self.brexit_mentions[0])?;
            st.serialize_field("brexit_mention_2", &self.brexit_mentions[1])?;
            st.serialize_field("card_a_mention_1", &self.card_a_mentions[0])?;
            st.serialize_field("card_a_mention_2", &self.card_a_mentions[1])?;
            st.serialize_field("eu_start_date", &self.eu_start_date)?;
            st.end()
        }
    }

    impl<'de> serde::Deserialize<'de> for Identity {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            crate::tlv::hex::from_raw_hex(d, Identity::parse)
        }
    }
}

// ------------------------------------------------------------------------------------------
// Builder

/// Every field of an identity file, owned, for writing one ([`IdentityBuilder::encode`]).
///
/// Optional fields are `Option`s: `None` omits the tag, unless the tag is listed in
/// [`empty_tags`](Self::empty_tags), in which case it is written with length 0 (as foreigner
/// cards do, spec §4.4). Text fields set to `Some("")` are written with length 0 too.
/// Start from [`IdentityBuilder::specimen`] (the spec §4.4 card) or
/// [`Identity::to_builder`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IdentityBuilder {
    /// Tag 00 (written first when set; real cards omit it).
    pub file_structure_version: Option<Vec<u8>>,
    /// Tag 0x01.
    pub card_number: CardNumber,
    /// Tag 0x02.
    pub chip_number: [u8; 16],
    /// Tag 0x03.
    pub validity_begin: CardDate,
    /// Tag 0x04.
    pub validity_end: CardDate,
    /// Tag 0x05.
    pub issuing_municipality: String,
    /// Tag 0x06.
    pub national_number: NationalNumber,
    /// Tag 0x07.
    pub surname: String,
    /// Tag 0x08.
    pub given_names: Option<String>,
    /// Tag 0x09.
    pub first_letter_of_third_given_name: Option<String>,
    /// Tag 0x0A.
    pub nationality: String,
    /// Tag 0x0B.
    pub birth_place: String,
    /// Tag 0x0C, as written on the card (see [`BirthDate::to_card_string`]).
    pub birth_date: String,
    /// Tag 0x0D.
    pub sex: Sex,
    /// Tag 0x0E.
    pub noble_condition: Option<String>,
    /// Tag 0x0F. Its [`code`](DocumentType::code) is written; use
    /// `DocumentType::Other(code)` to write a non-canonical form such as `"01"`.
    pub document_type: DocumentType,
    /// Tag 0x10.
    pub special_status: Option<SpecialStatus>,
    /// Tag 0x11.
    pub photo_hash: Vec<u8>,
    /// Tag 0x12.
    pub duplicate: Option<String>,
    /// Tag 0x13.
    pub special_organisation: Option<SpecialOrganisation>,
    /// Tag 0x14 (written with length 0 when true).
    pub member_of_family: bool,
    /// Tag 0x15 (`dd.MM.yyyy-A2`).
    pub date_and_country_of_protection: Option<String>,
    /// Tag 0x16.
    pub work_permit: Option<WorkPermit>,
    /// Tag 0x17.
    pub employer_vat_1: Option<String>,
    /// Tag 0x18.
    pub employer_vat_2: Option<String>,
    /// Tag 0x19.
    pub regional_file_number: Option<String>,
    /// Tag 0x1A.
    pub basic_key_hash: Option<Vec<u8>>,
    /// Tag 0x1B.
    pub brexit_mention_1: Option<BrexitMention>,
    /// Tag 0x1C.
    pub brexit_mention_2: Option<BrexitMention>,
    /// Tag 0x1D.
    pub card_a_mention_1: Option<CardAMention>,
    /// Tag 0x1E.
    pub card_a_mention_2: Option<CardAMention>,
    /// Tag 0x1F.
    pub eu_start_date: Option<CardDate>,
    /// Optional tags to write with length 0 when their field is `None`.
    pub empty_tags: Vec<IdentityTag>,
    /// Further elements `(tag, value)`, merged in ascending tag order (after a named tag with
    /// the same number). Meant for tags 0x20 and above; other tags are written as given, which
    /// produces files that [`Identity::parse`] rejects (useful for negative tests).
    pub extra_tags: Vec<(u8, Vec<u8>)>,
}

impl IdentityBuilder {
    /// The specimen card of spec §4.4 (re-keyed applet 1.7 test card, 2022): encodes to the
    /// 176 bytes given there.
    pub fn specimen() -> IdentityBuilder {
        let date = CardDate::from_parts_unchecked;
        IdentityBuilder {
            file_structure_version: None,
            card_number: CardNumber::from_ascii12(*b"000001241600"),
            chip_number: [
                0x53, 0x4C, 0x47, 0x90, 0x02, 0x51, 0x00, 0x00, 0x22, 0x39, 0x28, 0x8F, 0x12, 0x92,
                0x03, 0x63,
            ],
            validity_begin: date(2022, 7, 5),
            validity_end: date(2032, 7, 5),
            issuing_municipality: "Brussel".to_owned(),
            national_number: NationalNumber::from_ascii_unchecked(*b"01050399963"),
            surname: "Specimen".to_owned(),
            given_names: Some("Nora Angèle".to_owned()),
            first_letter_of_third_given_name: Some(String::new()),
            nationality: "BELG".to_owned(),
            birth_place: "Leuven".to_owned(),
            birth_date: "03 MEI 2001".to_owned(),
            sex: Sex::FemaleV,
            noble_condition: Some(String::new()),
            document_type: DocumentType::BelgianCitizen,
            special_status: Some(SpecialStatus::NoStatus),
            photo_hash: vec![
                0x47, 0x6A, 0x2C, 0x40, 0x72, 0xF5, 0xFB, 0x07, 0x64, 0x2E, 0x25, 0x6D, 0x5E, 0xDF,
                0xD7, 0x9C, 0x6A, 0x67, 0x5F, 0xC6, 0x92, 0x62, 0xD3, 0x27, 0xF9, 0x97, 0x90, 0x51,
                0x51, 0x7B, 0x08, 0x01,
            ],
            duplicate: None,
            special_organisation: None,
            member_of_family: false,
            date_and_country_of_protection: None,
            work_permit: None,
            employer_vat_1: None,
            employer_vat_2: None,
            regional_file_number: None,
            basic_key_hash: None,
            brexit_mention_1: None,
            brexit_mention_2: None,
            card_a_mention_1: None,
            card_a_mention_2: None,
            eu_start_date: None,
            empty_tags: Vec::new(),
            extra_tags: Vec::new(),
        }
    }

    /// The fields of a parsed identity. Encoding the result reproduces the original file when
    /// it was canonical (ascending tags, no padding, text valid UTF-8), including empty tags
    /// and a `"01"` document type. A mandatory field that did not decode
    /// ([`Identity::field_error`]) takes the [`IdentityBuilder::specimen`] value.
    pub fn from_identity(id: &Identity) -> IdentityBuilder {
        let spec = IdentityBuilder::specimen();
        let text = |tag: u8| id.text(tag).map(str::to_owned);
        let mut chip_number = [0u8; 16];
        if let Ok(c) = <[u8; 16]>::try_from(id.chip_number()) {
            chip_number = c;
        }
        // Keep non-canonical codes ("01") as written.
        let document_type = match id.raw_field(0x0F).and_then(Code::from_bytes) {
            Some(c) if id.document_type.is_ok_and(|d| c != d.code()) => DocumentType::Other(c),
            _ => id.document_type.unwrap_or(spec.document_type),
        };
        let special_status = match id.non_empty_bytes(0x10).and_then(Code::from_bytes) {
            Some(c) if c != id.special_status.code() => Some(SpecialStatus::Other(c)),
            Some(_) => Some(id.special_status),
            None => None,
        };
        let special_organisation = match id.non_empty_bytes(0x13).and_then(Code::from_bytes) {
            Some(c) => match id.special_organisation {
                Some(o) if o.code() == c => Some(o),
                _ => Some(SpecialOrganisation::Other(c)),
            },
            None => None,
        };
        let empty_tags = (0x0Cu8..0x20)
            .filter(|&t| id.raw_field(t).is_some_and(<[u8]>::is_empty))
            .filter(|&t| {
                matches!(
                    t,
                    0x10 | 0x13 | 0x16 | 0x1A | 0x1B | 0x1C | 0x1D | 0x1E | 0x1F
                )
            })
            .map(IdentityTag::from_byte)
            .collect();
        IdentityBuilder {
            file_structure_version: id.file_structure_version().map(<[u8]>::to_vec),
            card_number: id.card_number.unwrap_or(spec.card_number),
            chip_number,
            validity_begin: id.validity_begin.unwrap_or(spec.validity_begin),
            validity_end: id.validity_end.unwrap_or(spec.validity_end),
            issuing_municipality: id.issuing_municipality().to_owned(),
            national_number: id.national_number.unwrap_or(spec.national_number),
            surname: id.surname().to_owned(),
            given_names: text(0x08),
            first_letter_of_third_given_name: text(0x09),
            nationality: id.nationality().to_owned(),
            birth_place: id.birth_place().to_owned(),
            birth_date: id.birth_date_raw().to_owned(),
            sex: id.sex.unwrap_or(spec.sex),
            noble_condition: text(0x0E),
            document_type,
            special_status,
            photo_hash: id.photo_hash().to_vec(),
            duplicate: text(0x12),
            special_organisation,
            member_of_family: id.member_of_family(),
            date_and_country_of_protection: text(0x15),
            work_permit: id.work_permit,
            employer_vat_1: text(0x17),
            employer_vat_2: text(0x18),
            regional_file_number: text(0x19),
            basic_key_hash: id.basic_key_hash().map(<[u8]>::to_vec),
            brexit_mention_1: id.brexit_mentions[0],
            brexit_mention_2: id.brexit_mentions[1],
            card_a_mention_1: id.card_a_mentions[0],
            card_a_mention_2: id.card_a_mentions[1],
            eu_start_date: id.eu_start_date,
            empty_tags,
            extra_tags: id.unknown_tags().map(|(t, v)| (t, v.to_vec())).collect(),
        }
    }

    /// Write the file: tags in ascending order, tag 00 only when set, no padding
    /// (spec §4.1, §4.2; the length rule of [`crate::tlv`]).
    pub fn encode(&self) -> Vec<u8> {
        let empty: Vec<u8> = self.empty_tags.iter().map(|t| t.byte()).collect();
        let mut e = Encoder::new(&self.extra_tags, &empty);
        fn s(v: &Option<String>) -> Option<&[u8]> {
            v.as_deref().map(str::as_bytes)
        }
        e.put_opt(0x00, self.file_structure_version.as_deref());
        e.put(0x01, self.card_number.as_bytes());
        e.put(0x02, &self.chip_number);
        e.put(0x03, self.validity_begin.to_string().as_bytes());
        e.put(0x04, self.validity_end.to_string().as_bytes());
        e.put(0x05, self.issuing_municipality.as_bytes());
        e.put(0x06, self.national_number.as_bytes());
        e.put(0x07, self.surname.as_bytes());
        e.put_opt(0x08, s(&self.given_names));
        e.put_opt(0x09, s(&self.first_letter_of_third_given_name));
        e.put(0x0A, self.nationality.as_bytes());
        e.put(0x0B, self.birth_place.as_bytes());
        e.put(0x0C, self.birth_date.as_bytes());
        e.put(0x0D, self.sex.code().as_bytes());
        e.put_opt(0x0E, s(&self.noble_condition));
        e.put(0x0F, self.document_type.code().as_bytes());
        e.put_opt(
            0x10,
            self.special_status
                .map(|c| c.code())
                .as_ref()
                .map(Code::as_bytes),
        );
        e.put(0x11, &self.photo_hash);
        e.put_opt(0x12, s(&self.duplicate));
        e.put_opt(
            0x13,
            self.special_organisation
                .map(|c| c.code())
                .as_ref()
                .map(Code::as_bytes),
        );
        e.put_opt(0x14, self.member_of_family.then_some(&[][..]));
        e.put_opt(0x15, s(&self.date_and_country_of_protection));
        e.put_opt(
            0x16,
            self.work_permit
                .map(|c| c.code())
                .as_ref()
                .map(Code::as_bytes),
        );
        e.put_opt(0x17, s(&self.employer_vat_1));
        e.put_opt(0x18, s(&self.employer_vat_2));
        e.put_opt(0x19, s(&self.regional_file_number));
        e.put_opt(0x1A, self.basic_key_hash.as_deref());
        for (tag, m) in [(0x1B, self.brexit_mention_1), (0x1C, self.brexit_mention_2)] {
            e.put_opt(tag, m.map(|c| c.code()).as_ref().map(Code::as_bytes));
        }
        for (tag, m) in [(0x1D, self.card_a_mention_1), (0x1E, self.card_a_mention_2)] {
            e.put_opt(tag, m.map(|c| c.code()).as_ref().map(Code::as_bytes));
        }
        e.put_opt(
            0x1F,
            self.eu_start_date
                .map(|d| d.to_string())
                .as_deref()
                .map(str::as_bytes),
        );
        e.finish().finish()
    }

    /// Encode and parse: the [`Identity`] this builder describes.
    pub fn build(&self) -> Result<Identity, ParseError> {
        Identity::parse(&self.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spec §4.4, full hex.
    pub(crate) const SPECIMEN_HEX: &str = "010c3030303030313234313630300210534c4790025100002239288f12920363030a30352e30372e32303232040a30352e30372e3230333205074272757373656c060b3031303530333939393633070853706563696d656e080c4e6f726120416e67c3a86c6509000a0442454c470b064c657576656e0c0b3033204d454920323030310d01560e000f01311001301120476a2c4072f5fb07642e256d5edfd79c6a675fc69262d327f9979051517b0801";

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn specimen() -> Vec<u8> {
        unhex(SPECIMEN_HEX)
    }

    fn err(bytes: &[u8]) -> ParseError {
        Identity::parse(bytes).unwrap_err()
    }

    /// Replace the value of `tag` in the specimen.
    fn with_value(tag: u8, value: &[u8]) -> Vec<u8> {
        let mut w = tlv::TlvWriter::new();
        for t in tlv::iter(&specimen()) {
            let t = t.unwrap();
            w.push(t.tag, if t.tag == tag { value } else { t.value });
        }
        w.finish()
    }

    fn without(tag: u8) -> Vec<u8> {
        let mut w = tlv::TlvWriter::new();
        for t in tlv::iter(&specimen()) {
            let t = t.unwrap();
            if t.tag != tag {
                w.push(t.tag, t.value);
            }
        }
        w.finish()
    }

    fn offset_of_value(bytes: &[u8], tag: u8) -> usize {
        tlv::iter(bytes)
            .map(Result::unwrap)
            .find(|t| t.tag == tag)
            .unwrap()
            .value_offset
    }

    #[test]
    fn worked_example_every_field() {
        let bytes = specimen();
        assert_eq!(bytes.len(), 176);
        let id = Identity::parse(&bytes).unwrap();
        assert_eq!(id.raw(), &bytes[..]);
        assert_eq!(id.content(), &bytes[..]);
        assert_eq!(id.file_structure_version(), None);
        assert_eq!(id.card_number().unwrap().as_str(), "000001241600");
        assert!(id.card_number().unwrap().check_digits_valid());
        assert_eq!(
            id.chip_number(),
            &unhex("534c4790025100002239288f12920363")[..]
        );
        assert_eq!(
            id.validity_begin().unwrap(),
            CardDate::new(2022, 7, 5).unwrap()
        );
        assert_eq!(
            id.validity_end().unwrap(),
            CardDate::new(2032, 7, 5).unwrap()
        );
        assert_eq!(id.issuing_municipality(), "Brussel");
        assert_eq!(id.national_number().unwrap().reveal(), "01050399963");
        assert_eq!(
            id.national_number().unwrap().check_digit_rule(),
            Some(crate::files::numbers::CheckDigitRule::From2000)
        );
        assert_eq!(id.surname(), "Specimen");
        assert_eq!(id.given_names(), "Nora Angèle");
        assert_eq!(id.raw_field(IdentityTag::GivenNames).unwrap().len(), 12);
        assert_eq!(id.first_letter_of_third_given_name(), None);
        assert_eq!(id.raw_field(0x09), Some(&[][..]));
        assert_eq!(id.nationality(), "BELG");
        assert_eq!(id.birth_place(), "Leuven");
        assert_eq!(id.birth_date_raw(), "03 MEI 2001");
        let bd = id.birth_date().unwrap();
        assert_eq!(bd.date_parts(), (2001, Some(5), Some(3)));
        assert_eq!(bd.to_iso(), "2001-05-03");
        assert_eq!(
            bd.month_language(),
            Some(crate::files::birth_date::MonthLanguage::Dutch)
        );
        assert_eq!(id.sex().unwrap(), Sex::FemaleV);
        assert!(id.sex().unwrap().is_female());
        assert_eq!(id.noble_condition(), None);
        assert!(id.has_field(IdentityTag::NobleCondition));
        assert_eq!(id.document_type().unwrap(), DocumentType::BelgianCitizen);
        assert_eq!(id.special_status(), SpecialStatus::NoStatus);
        assert_eq!(id.photo_hash().len(), 32);
        assert_eq!(id.photo_hash()[..4], [0x47, 0x6A, 0x2C, 0x40]);
        assert_eq!(id.photo_hash()[31], 0x01);
        assert_eq!(id.duplicate(), None);
        assert_eq!(id.special_organisation(), None);
        assert!(!id.member_of_family());
        assert_eq!(id.date_and_country_of_protection(), None);
        assert_eq!(id.protection_date_and_country(), None);
        assert_eq!(id.work_permit(), None);
        assert_eq!(id.employer_vat_1(), None);
        assert_eq!(id.employer_vat_2(), None);
        assert_eq!(id.regional_file_number(), None);
        assert_eq!(id.basic_key_hash(), None);
        assert_eq!(id.brexit_mention_1(), None);
        assert_eq!(id.brexit_mention_2(), None);
        assert_eq!(id.card_a_mention_1(), None);
        assert_eq!(id.card_a_mention_2(), None);
        assert_eq!(id.eu_start_date(), None);
        assert_eq!(id.unknown_tags().count(), 0);
        assert_eq!(id.fields().count(), 17);
        assert!(!id.has_field(IdentityTag::Duplicate));
    }

    #[test]
    fn specimen_builder_encodes_the_spec_bytes() {
        let b = IdentityBuilder::specimen();
        assert_eq!(b.encode(), specimen());
        let id = Identity::parse(&specimen()).unwrap();
        assert_eq!(id.to_builder(), b);
        assert_eq!(b.build().unwrap(), id);
    }

    #[test]
    fn debug_masks_national_number() {
        let id = Identity::parse(&specimen()).unwrap();
        let dbg = format!("{id:?}");
        assert!(!dbg.contains("01050399963"), "{dbg}");
        assert!(!dbg.contains("3031303530333939393633"), "{dbg}");
        assert!(dbg.contains("<redacted>"));
        assert!(dbg.contains("Nora Angèle"));
        assert!(dbg.contains("000001241600"));
        let alt = format!("{id:#?}");
        assert!(!alt.contains("01050399963"));
        let revealed = format!("{:?}", id.debug_revealing_national_number());
        assert!(revealed.contains("01050399963"));
        assert!(!revealed.contains("<redacted>"));
    }

    #[test]
    fn foreigner_file_with_empty_tags() {
        // Tags 0x12..0x19 as on the 2018 foreigner card of spec §4.4, several with length 0.
        let mut b = IdentityBuilder::specimen();
        b.card_number = CardNumber::from_bytes(b"B021329690").unwrap();
        b.document_type = DocumentType::ForeignerEuPlus;
        b.nationality = "Südafrika".to_owned();
        b.sex = Sex::FemaleW;
        b.birth_date = "22.DEZ. 1997".to_owned();
        b.duplicate = Some("01".to_owned());
        b.special_organisation = Some(SpecialOrganisation::Researcher);
        b.member_of_family = true;
        b.date_and_country_of_protection = Some(String::new());
        b.work_permit = Some(WorkPermit::NoLabourMarket);
        b.employer_vat_1 = Some(String::new());
        b.employer_vat_2 = Some(String::new());
        b.regional_file_number = Some(String::new());
        let bytes = b.encode();
        // The exact tail of spec §4.4: 12 02 "01" 13 01 "5" 14 00 15 00 16 01 "9" 17 00 18 00 19 00
        let tail = [
            0x12, 0x02, b'0', b'1', 0x13, 0x01, b'5', 0x14, 0x00, 0x15, 0x00, 0x16, 0x01, b'9',
            0x17, 0x00, 0x18, 0x00, 0x19, 0x00,
        ];
        assert!(bytes.ends_with(&tail));
        let id = Identity::parse(&bytes).unwrap();
        assert_eq!(id.card_number().unwrap().formatted(), "B 0213296 90");
        assert_eq!(id.document_type().unwrap(), DocumentType::ForeignerEuPlus);
        assert_eq!(id.nationality(), "Südafrika");
        assert_eq!(id.sex().unwrap(), Sex::FemaleW);
        assert_eq!(
            id.birth_date().unwrap().date_parts(),
            (1997, Some(12), Some(22))
        );
        assert_eq!(id.duplicate(), Some("01"));
        assert_eq!(
            id.special_organisation(),
            Some(SpecialOrganisation::Researcher)
        );
        assert!(id.member_of_family());
        assert_eq!(id.date_and_country_of_protection(), None);
        assert_eq!(id.raw_field(0x15), Some(&[][..]));
        assert_eq!(id.work_permit(), Some(WorkPermit::NoLabourMarket));
        assert_eq!(id.employer_vat_1(), None);
        assert_eq!(id.employer_vat_2(), None);
        assert_eq!(id.regional_file_number(), None);
        assert_eq!(id.to_builder().encode(), bytes);

        // With values.
        b.date_and_country_of_protection = Some("13.08.2014-IT".to_owned());
        b.employer_vat_1 = Some("0123.456.789".to_owned());
        b.employer_vat_2 = Some("0987.654.321".to_owned());
        b.regional_file_number = Some("RF123456789012345".to_owned());
        b.work_permit = Some(WorkPermit::SeasonalWorker);
        let id = b.build().unwrap();
        assert_eq!(id.date_and_country_of_protection(), Some("13.08.2014-IT"));
        assert_eq!(
            id.protection_date_and_country(),
            Some((CardDate::new(2014, 8, 13).unwrap(), "IT"))
        );
        assert_eq!(id.employer_vat_1(), Some("0123.456.789"));
        assert_eq!(id.employer_vat_2(), Some("0987.654.321"));
        assert_eq!(id.regional_file_number(), Some("RF123456789012345"));
        assert_eq!(id.work_permit(), Some(WorkPermit::SeasonalWorker));
    }

    #[test]
    fn applet_18_file_with_basic_key_hash_and_eu_date() {
        let mut b = IdentityBuilder::specimen();
        b.document_type = DocumentType::ForeignerEu;
        b.photo_hash = vec![0xAB; 48];
        b.basic_key_hash = Some(vec![0xCD; 48]);
        b.brexit_mention_1 = Some(BrexitMention::Article18Agreement);
        b.brexit_mention_2 = Some(BrexitMention::PermanentStay);
        b.card_a_mention_1 = Some(CardAMention::Student);
        b.card_a_mention_2 = Some(CardAMention::MobilityProgramme);
        b.eu_start_date = Some(CardDate::new(2021, 3, 15).unwrap());
        let bytes = b.encode();
        let tail_1f = [
            0x1F, 0x0A, b'1', b'5', b'.', b'0', b'3', b'.', b'2', b'0', b'2', b'1',
        ];
        assert!(bytes.ends_with(&tail_1f));
        let id = Identity::parse(&bytes).unwrap();
        assert_eq!(id.photo_hash(), &[0xAB; 48][..]);
        assert_eq!(id.basic_key_hash(), Some(&[0xCD; 48][..]));
        assert_eq!(
            id.brexit_mention_1(),
            Some(BrexitMention::Article18Agreement)
        );
        assert_eq!(id.brexit_mention_2(), Some(BrexitMention::PermanentStay));
        assert_eq!(id.card_a_mention_1(), Some(CardAMention::Student));
        assert_eq!(id.card_a_mention_2(), Some(CardAMention::MobilityProgramme));
        assert_eq!(id.eu_start_date(), CardDate::new(2021, 3, 15));
        assert_eq!(id.to_builder(), b);
    }

    #[test]
    fn unknown_tags_and_leading_tag_zero() {
        let mut b = IdentityBuilder::specimen();
        b.file_structure_version = Some(vec![0x00, 0x02]);
        b.extra_tags = vec![(0x25, b"x".to_vec()), (0x20, vec![1, 2, 3]), (0x25, vec![])];
        let bytes = b.encode();
        assert_eq!(&bytes[..4], &[0x00, 0x02, 0x00, 0x02]);
        let id = Identity::parse(&bytes).unwrap();
        assert_eq!(id.file_structure_version(), Some(&[0x00, 0x02][..]));
        let unknown: Vec<_> = id.unknown_tags().collect();
        assert_eq!(
            unknown,
            vec![(0x20, &[1, 2, 3][..]), (0x25, &b"x"[..]), (0x25, &[][..])]
        );
        assert_eq!(id.raw_field(0x25), Some(&b"x"[..]));
        assert_eq!(
            id.raw_field(IdentityTag::Unknown(0x20)),
            Some(&[1, 2, 3][..])
        );
        assert_eq!(id.surname(), "Specimen");
        let dbg = format!("{id:?}");
        assert!(dbg.contains("0x25 (1 bytes)"), "{dbg}");
        let rebuilt = id.to_builder();
        assert_eq!(rebuilt.encode(), bytes);
        // Unknown tags are kept in the middle of the file too.
        let mut mid = tlv::TlvWriter::new();
        for t in tlv::iter(&specimen()) {
            let t = t.unwrap();
            mid.push(t.tag, t.value);
            if t.tag == 0x05 {
                mid.push(0x99, b"between");
            }
        }
        let id = Identity::parse(mid.as_bytes()).unwrap();
        assert_eq!(id.raw_field(0x99), Some(&b"between"[..]));
        assert_eq!(id.issuing_municipality(), "Brussel");
    }

    #[test]
    fn zero_padding_is_ignored() {
        let mut bytes = specimen();
        bytes.extend_from_slice(&[0; 40]);
        let id = Identity::parse(&bytes).unwrap();
        assert_eq!(id.raw().len(), 216);
        assert_eq!(id.content().len(), 176);
        assert_eq!(id.surname(), "Specimen");
    }

    #[test]
    fn truncation_is_a_typed_error_with_offset() {
        let bytes = specimen();
        // Cut inside the photo hash value (starts at 144, 32 bytes).
        let e = err(&bytes[..150]);
        assert_eq!(e.what(), Parsed::File(FileId::Identity));
        assert_eq!(e.offset(), 144);
        assert_eq!(e.kind(), ParseErrorKind::Truncated { needed: 26 });
        // Cut right after a tag byte.
        let e = err(&bytes[..143]);
        assert_eq!(e.offset(), 143);
        assert_eq!(e.kind(), ParseErrorKind::Truncated { needed: 1 });
        // Cut at an element boundary: the photo hash is missing.
        let e = err(&bytes[..142]);
        assert_eq!(e.kind(), ParseErrorKind::Missing { tag: 0x11 });
        assert_eq!(e.offset(), 142);
        assert_eq!(e.what(), Parsed::File(FileId::Identity));
        for n in 0..bytes.len() {
            assert!(Identity::parse(&bytes[..n]).is_err(), "{n}");
        }
    }

    #[test]
    fn oversized_input_and_thread_safety() {
        let e = err(&vec![0x01; 70_000]);
        assert_eq!(e.kind(), ParseErrorKind::BadLength);
        assert_eq!(e.what(), Parsed::File(FileId::Identity));
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Identity>();
        send_sync::<IdentityBuilder>();
    }

    #[test]
    fn empty_input() {
        assert_eq!(err(&[]).kind(), ParseErrorKind::Empty);
        assert_eq!(err(&[0; 117]).kind(), ParseErrorKind::Empty);
        assert_eq!(err(&[0x00, 0x02, 0x00, 0x02]).kind(), ParseErrorKind::Empty);
    }

    #[test]
    fn every_mandatory_tag_is_required() {
        for tag in IdentityTag::MANDATORY {
            let e = err(&without(tag.byte()));
            assert_eq!(
                e.kind(),
                ParseErrorKind::Missing { tag: tag.byte() },
                "{tag:?}"
            );
            assert_eq!(e.what(), Parsed::File(FileId::Identity));
            assert!(tag.is_mandatory());
        }
        for tag in [0x08, 0x09, 0x0E, 0x10] {
            let id = Identity::parse(&without(tag)).unwrap();
            assert!(!id.has_field(tag));
            assert!(!IdentityTag::from(tag).is_mandatory());
        }
        let id = Identity::parse(&without(0x08)).unwrap();
        assert_eq!(id.given_names(), "");
        let id = Identity::parse(&without(0x10)).unwrap();
        assert_eq!(id.special_status(), SpecialStatus::NoStatus);
    }

    #[test]
    fn wrong_shapes_are_typed_field_errors_at_the_value() {
        // Since the tolerance change the file parses; the field reports the same error.
        let check = |tag: u8, value: &[u8], kind: ParseErrorKind, delta: usize| {
            let bytes = with_value(tag, value);
            let id = Identity::parse(&bytes).unwrap();
            let e = id.field_error(tag).unwrap();
            assert_eq!(id.raw(), &bytes[..]);
            assert_eq!(id.raw_field(tag), Some(value));
            assert_eq!(e.kind(), kind, "tag {tag:#x}");
            assert_eq!(
                e.offset(),
                offset_of_value(&bytes, tag) + delta,
                "tag {tag:#x}"
            );
            assert_eq!(e.what(), Parsed::File(FileId::Identity));
        };
        use ParseErrorKind::*;
        check(0x06, b"0105039996", BadValueLength { tag: 6, len: 10 }, 0);
        check(0x06, b"010503999631", BadValueLength { tag: 6, len: 12 }, 0);
        check(0x06, b"01050x99963", BadText, 5);
        check(0x01, b"", BadValueLength { tag: 1, len: 0 }, 0);
        check(0x01, b"0000 1241600", BadText, 0);
        check(0x02, &[0; 15], BadValueLength { tag: 2, len: 15 }, 0);
        check(0x03, b"5.07.2022", BadValueLength { tag: 3, len: 9 }, 0);
        check(0x04, b"31.02.2032", BadText, 0);
        check(0x04, b"05.07-2032", BadText, 5);
        check(0x0D, b"", BadValueLength { tag: 0x0D, len: 0 }, 0);
        check(0x0F, b"01234", BadValueLength { tag: 0x0F, len: 5 }, 0);
        check(0x0F, "é".as_bytes(), BadText, 0);
        check(0x10, b"0 0", BadText, 0);
        check(0x11, b"", BadValueLength { tag: 0x11, len: 0 }, 0);
    }

    #[test]
    fn thirteen_digit_national_number_keeps_the_file_readable() {
        // Published test cards of the card's own test infrastructure carry 13 digits.
        let bytes = with_value(0x06, b"0105039996312");
        let id = Identity::parse(&bytes).unwrap();
        let e = id.national_number().unwrap_err();
        assert_eq!(e.kind(), ParseErrorKind::BadValueLength { tag: 6, len: 13 });
        assert_eq!(e.offset(), offset_of_value(&bytes, 0x06));
        assert_eq!(
            id.raw_field(IdentityTag::NationalNumber),
            Some(&b"0105039996312"[..])
        );
        assert_eq!(id.surname(), "Specimen");
        assert_eq!(id.field_errors().count(), 1);
        // Debug and serde still work and never show the digits.
        let dbg = format!("{id:?}");
        assert!(!dbg.contains("0105039996312"), "{dbg}");
        let revealed = format!("{:?}", id.debug_revealing_national_number());
        assert!(revealed.contains("BadValueLength"), "{revealed}");
        // The other fields are intact; a clean file has no field error.
        assert_eq!(id.card_number().unwrap().as_str(), "000001241600");
        assert_eq!(
            Identity::parse(&specimen()).unwrap().field_errors().count(),
            0
        );
    }

    #[test]
    fn bad_optional_code_reads_as_absent_and_is_reported() {
        let bytes = with_value(0x10, b"0 0");
        let id = Identity::parse(&bytes).unwrap();
        assert_eq!(id.special_status(), SpecialStatus::NoStatus);
        assert_eq!(
            id.field_error(0x10).unwrap().kind(),
            ParseErrorKind::BadText
        );
        assert!(id.field_error(0x07).is_none());
    }

    #[test]
    fn duplicate_named_tag_is_rejected() {
        let mut bytes = specimen();
        tlv::encode(&mut bytes, 0x07, b"Again");
        let e = err(&bytes);
        assert_eq!(e.kind(), ParseErrorKind::UnexpectedTag { tag: 0x07 });
        assert_eq!(e.offset(), 176);
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily() {
        let bytes = with_value(0x07, b"Sp\xFFcimen");
        let id = Identity::parse(&bytes).unwrap();
        assert_eq!(id.surname(), "Sp\u{FFFD}cimen");
        assert_eq!(id.raw_field(0x07), Some(&b"Sp\xFFcimen"[..]));
        assert_eq!(id.given_names(), "Nora Angèle");
        let bytes = with_value(0x0C, b"03 M\xC3I 2001");
        let id = Identity::parse(&bytes).unwrap();
        assert_eq!(id.birth_date(), None);
        assert_eq!(id.birth_date_raw(), "03 M\u{FFFD}I 2001");
    }

    #[test]
    fn unrecognised_birth_date_is_not_an_error() {
        let id = Identity::parse(&with_value(0x0C, b"sometime")).unwrap();
        assert_eq!(id.birth_date(), None);
        assert_eq!(id.birth_date_raw(), "sometime");
        let id = Identity::parse(&with_value(0x0C, b"    1984")).unwrap();
        assert_eq!(id.birth_date().unwrap().date_parts(), (1984, None, None));
    }

    #[test]
    fn document_type_01_round_trips() {
        let bytes = with_value(0x0F, b"01");
        let id = Identity::parse(&bytes).unwrap();
        assert_eq!(id.document_type().unwrap(), DocumentType::BelgianCitizen);
        assert_eq!(id.raw_field(IdentityTag::DocumentType), Some(&b"01"[..]));
        assert_eq!(id.to_builder().encode(), bytes);
    }

    #[test]
    fn unknown_codes_are_kept() {
        let id = Identity::parse(&with_value(0x0F, b"99")).unwrap();
        assert_eq!(
            id.document_type().unwrap(),
            DocumentType::Other(Code::new("99").unwrap())
        );
        let id = Identity::parse(&with_value(0x0D, b"X")).unwrap();
        assert_eq!(id.sex().unwrap(), Sex::Other(Code::new("X").unwrap()));
    }

    #[test]
    fn tag_table() {
        for (i, t) in IdentityTag::ALL.iter().enumerate() {
            assert_eq!(t.byte() as usize, i);
            assert_eq!(IdentityTag::from_byte(i as u8), *t);
            assert_eq!(t.label().is_some(), i != 0);
        }
        assert_eq!(IdentityTag::from(0x20), IdentityTag::Unknown(0x20));
        assert_eq!(u8::from(IdentityTag::Unknown(0xFE)), 0xFE);
        assert_eq!(IdentityTag::Unknown(0x40).label(), None);
        assert_eq!(IdentityTag::MANDATORY.len(), 13);
        assert_eq!(
            IdentityTag::ALL.iter().filter(|t| t.is_mandatory()).count(),
            13
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip() {
        let id = Identity::parse(&specimen()).unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert!(json.contains(&format!("\"raw\":\"{SPECIMEN_HEX}\"")));
        assert!(json.contains("\"national_number\":\"01050399963\""));
        assert!(json.contains("\"surname\":\"Specimen\""));
        let back: Identity = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        let only_raw: Identity =
            serde_json::from_str(&format!("{{\"raw\":\"{SPECIMEN_HEX}\"}}")).unwrap();
        assert_eq!(only_raw, id);
        assert!(serde_json::from_str::<Identity>("{\"raw\":\"0102\"}").is_err());
        assert!(serde_json::from_str::<Identity>("{\"raw\":\"zz\"}").is_err());
        let b = IdentityBuilder::specimen();
        let back: IdentityBuilder =
            serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
        assert_eq!(back, b);
    }
}
