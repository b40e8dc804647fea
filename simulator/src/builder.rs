//! [`VirtualCardBuilder`]: describe a card (identity, address, PIN, certificates, faults) and
//! get its [`CardImage`]; [`Profile`]: ready-made cards, built once per process.
//!
//! ```
//! use beid_simulator::{Profile, VirtualCardBuilder};
//! use beid::Generation;
//!
//! // A ready profile: instant after the first use.
//! let image = Profile::Applet18Citizen.image().unwrap();
//! assert_eq!(image.generation, Generation::Applet18);
//!
//! // A custom card (signs its files and holder certificates: a few milliseconds).
//! let image = VirtualCardBuilder::new(Generation::Applet17)
//!     .surname("Peeters")
//!     .given_names("Jan Maria")
//!     .birth_date_ymd(1980, 2, 29)
//!     .seed(42)
//!     .build_image()
//!     .unwrap();
//! # let _ = image;
//! ```
//!
//! Determinism: with the same inputs and [`seed`](VirtualCardBuilder::seed), every file of an
//! applet 1.7 (RSA, PKCS#1 v1.5) card is byte-identical across runs. On applet 1.8 the ECDSA
//! signatures (identity and address signature files, certificates) are randomised by the
//! crypto library, so those bytes differ between runs while all data stays the same.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use beid::files::{
    AddressBuilder, BirthDate, BirthDateFormat, BrexitMention, CardAMention, CardDate,
    DocumentType, IdentityBuilder, IdentityTag, MonthLanguage, Sex, SpecialOrganisation,
    SpecialStatus, WorkPermit,
};
use beid::vocab::LifeCycle;
use beid::{CardNumber, FileId, Generation, NationalNumber, Pin};

use crate::content;
use crate::error::{InputProblem, SimulatorError};
use crate::image::{CardImage, CardKeys};
use crate::keys::{HashAlg, KeyFamily, SigningKey, TestKeyRole, test_key};
use crate::pki::{self, CertTime, CertValidity, HolderCertRequest, HolderRole, IssuingCa, TestPki};

type Result<T, E = SimulatorError> = core::result::Result<T, E>;

/// Default card validity begin (`DD.MM.YYYY` tag 03): 15 January 2026.
pub const DEFAULT_VALIDITY_BEGIN: (u16, u8, u8) = (2026, 1, 15);

/// The birth date as the builder holds it.
#[derive(Clone, Debug)]
enum Birth {
    /// A (possibly partial) date, written in the card language.
    Date(BirthDate),
    /// A raw tag-0C string written as given; the national number then needs the parts.
    Raw {
        text: String,
        parts: (u16, Option<u8>, Option<u8>),
    },
}

/// Content faults: deliberate defects built into the card's data (the applet's own
/// behavioural faults are configured on the virtual card itself).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ContentFaults {
    tamper_identity: bool,
    tamper_address: bool,
    swapped_photo: bool,
    cloned_chip: bool,
    wrong_rrn_key: bool,
    foreign_root: bool,
    not_issued: bool,
}

/// Describes one virtual card; [`build_image`](Self::build_image) produces its [`CardImage`].
///
/// Every identity and address field has a setter; unset fields take plausible defaults
/// derived from the [`seed`](Self::seed) (chip serial, card number, national number sequence).
/// Text values must stay below 128 bytes (spec §4.1: every reader's TLV length rule agrees
/// there) — longer ones are refused by `build_image`.
#[derive(Clone)]
pub struct VirtualCardBuilder {
    generation: Generation,
    seed: u64,
    language: MonthLanguage,
    birth_date_format: Option<BirthDateFormat>,
    // identity
    /// The identity file as the library writes it (spec §4.1, §4.2); the fields the build
    /// derives (card and chip number, validity, national number, birth date, sex, photo
    /// and basic-key hashes) are filled in by `build_image`.
    identity: IdentityBuilder,
    card_number: Option<String>,
    chip_serial: Option<[u8; 16]>,
    validity_begin: Option<CardDate>,
    validity_end: Option<CardDate>,
    national_number: Option<String>,
    national_number_sequence: Option<u16>,
    birth: Birth,
    sex: Option<Sex>,
    // address
    /// The address file as the library writes it (spec §4.3).
    address: AddressBuilder,
    // photo
    photo: Option<Arc<Vec<u8>>>,
    // PIN
    pin: String,
    pin_tries_left: u8,
    // certificates and keys
    authentication_certificate: bool,
    non_repudiation_certificate: bool,
    certificate_validity: Option<CertValidity>,
    authentication_key: Option<Arc<SigningKey>>,
    non_repudiation_key: Option<Arc<SigningKey>>,
    basic_key: Option<Arc<SigningKey>>,
    faults: ContentFaults,
    errors: Vec<(&'static str, InputProblem)>,
}

impl core::fmt::Debug for VirtualCardBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VirtualCardBuilder")
            .field("generation", &self.generation)
            .field("seed", &self.seed)
            .field("document_type", &self.identity.document_type)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

/// The identity a new builder starts from: the spec §4.4 specimen with this simulator's
/// defaults (a Dutch-language citizen card); the derived fields are replaced at build time.
fn default_identity() -> IdentityBuilder {
    let mut id = IdentityBuilder::specimen();
    id.file_structure_version = None;
    id.issuing_municipality = "Brussel".to_owned();
    id.surname = "Specimen".to_owned();
    id.given_names = Some("Alice Geldig".to_owned());
    id.first_letter_of_third_given_name = Some(String::new());
    id.nationality = "Belg".to_owned();
    id.birth_place = "Brussel".to_owned();
    id.noble_condition = Some(String::new());
    id.document_type = DocumentType::BelgianCitizen;
    id.special_status = Some(SpecialStatus::NoStatus);
    id.duplicate = None;
    id.special_organisation = None;
    id.member_of_family = false;
    id.date_and_country_of_protection = None;
    id.work_permit = None;
    id.employer_vat_1 = None;
    id.employer_vat_2 = None;
    id.regional_file_number = None;
    id.brexit_mention_1 = None;
    id.brexit_mention_2 = None;
    id.card_a_mention_1 = None;
    id.card_a_mention_2 = None;
    id.eu_start_date = None;
    id.empty_tags = Vec::new();
    id.extra_tags = Vec::new();
    id
}

macro_rules! text_setter {
    ($(#[$doc:meta])* $name:ident => $part:ident . $field:ident) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$part.$field = value.into();
            self
        }
    };
}

macro_rules! opt_text_setter {
    ($(#[$doc:meta])* $name:ident => $part:ident . $field:ident) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, value: impl Into<String>) -> Self {
            self.$part.$field = Some(value.into());
            self
        }
    };
}

impl VirtualCardBuilder {
    /// A Belgian citizen card of `generation` (only [`Generation::Applet17`] and
    /// [`Generation::Applet18`] are built; others make `build_image` fail) with a plausible
    /// Dutch-language identity, PIN `1234`, 3 tries, both holder certificates.
    pub fn new(generation: Generation) -> VirtualCardBuilder {
        VirtualCardBuilder {
            generation,
            seed: 1,
            language: MonthLanguage::Dutch,
            birth_date_format: None,
            card_number: None,
            chip_serial: None,
            validity_begin: None,
            validity_end: None,
            national_number: None,
            national_number_sequence: None,
            birth: match BirthDate::new(1990, Some(3), Some(15)) {
                Some(d) => Birth::Date(d),
                None => Birth::Raw {
                    text: "15 MAAR 1990".into(),
                    parts: (1990, Some(3), Some(15)),
                },
            },
            sex: None,
            identity: default_identity(),
            address: AddressBuilder::new("Specimenstraat 1", "1000", "Brussel")
                .pad_to(content::ADDRESS_FILE_LEN),
            photo: None,
            pin: "1234".into(),
            pin_tries_left: 3,
            authentication_certificate: true,
            non_repudiation_certificate: true,
            certificate_validity: None,
            authentication_key: None,
            non_repudiation_key: None,
            basic_key: None,
            faults: ContentFaults::default(),
            errors: Vec::new(),
        }
    }

    /// Start from a ready profile (then change what the test needs).
    pub fn from_profile(profile: Profile) -> VirtualCardBuilder {
        profile.builder()
    }

    fn fail(mut self, err: SimulatorError) -> Self {
        if let SimulatorError::InvalidInput { field, problem } = err {
            self.errors.push((field, problem));
        }
        self
    }

    // ---- card-level settings -------------------------------------------------------------

    /// The applet generation: [`Generation::Applet17`] (RSA-2048) or [`Generation::Applet18`]
    /// (EC P-384).
    #[must_use]
    pub fn generation(mut self, generation: Generation) -> Self {
        self.generation = generation;
        self
    }

    /// Seed of every derived default (chip serial, card number, national-number sequence,
    /// certificate serials). Same seed and inputs → same card.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Card language: month names of the birth date (spec §5.2) and the letter of a female
    /// sex when [`sex`](Self::sex) is not given as a letter (`V` Dutch, `F` French, `W`
    /// German, spec §6.3). Default Dutch.
    #[must_use]
    pub fn language(mut self, language: MonthLanguage) -> Self {
        self.language = language;
        self
    }

    /// The 16-byte chip serial (GET CARD DATA bytes 0–15, TokenInfo serial, identity tag 02,
    /// spec §9.2). Default: `"SLIN3f"` followed by 10 bytes derived from the seed.
    #[must_use]
    pub fn chip_serial(mut self, serial: [u8; 16]) -> Self {
        self.chip_serial = Some(serial);
        self
    }

    /// The cardholder PIN (4 to 12 digits, default `1234`).
    #[must_use]
    pub fn pin(mut self, pin: impl Into<String>) -> Self {
        self.pin = pin.into();
        self
    }

    /// PIN tries left at power-on (0 to 3; default 3; 0 = blocked PIN).
    #[must_use]
    pub fn pin_tries_left(mut self, tries: u8) -> Self {
        if tries > 3 {
            return self.fail(SimulatorError::input(
                "pin_tries_left",
                InputProblem::OutOfRange {
                    value: u64::from(tries),
                    max: 3,
                },
            ));
        }
        self.pin_tries_left = tries;
        self
    }

    /// A blocked PIN (no tries left).
    #[must_use]
    pub fn blocked_pin(self) -> Self {
        self.pin_tries_left(0)
    }

    // ---- identity (spec §4.2) ------------------------------------------------------------

    /// Tag 01, card number: 12 digits on eID/Kids cards, `B` + 9 digits on foreigner cards
    /// (spec §6.9). Written as given (1–12 printable ASCII characters). Default: derived from
    /// the seed, with valid check digits.
    #[must_use]
    pub fn card_number(mut self, number: impl Into<String>) -> Self {
        self.card_number = Some(number.into());
        self
    }

    /// Tags 03 and 04, card validity (`DD.MM.YYYY`). Default: 15.01.2026 to 10 years later
    /// (3 years for Kids cards, 5 for foreigner cards).
    #[must_use]
    pub fn validity(mut self, begin: CardDate, end: CardDate) -> Self {
        self.validity_begin = Some(begin);
        self.validity_end = Some(end);
        self
    }

    /// Tags 03 and 04 from year/month/day triples.
    #[must_use]
    pub fn validity_ymd(self, begin: (u16, u8, u8), end: (u16, u8, u8)) -> Self {
        match (
            CardDate::new(begin.0, begin.1, begin.2),
            CardDate::new(end.0, end.1, end.2),
        ) {
            (Some(b), Some(e)) => self.validity(b, e),
            (None, _) => self.fail(bad_date("validity", begin)),
            (_, None) => self.fail(bad_date("validity", end)),
        }
    }

    text_setter!(
        /// Tag 05, card delivery (issuing) municipality.
        issuing_municipality => identity.issuing_municipality
    );

    /// Tag 06, national register number (11 digits, spec §6.9). Default: computed from the
    /// birth date, a seed-derived sequence (odd for men, even for women) and valid check
    /// digits. Check digits of a given number are not verified (to allow negative tests).
    #[must_use]
    pub fn national_number(mut self, number: impl Into<String>) -> Self {
        self.national_number = Some(number.into());
        self
    }

    /// The sequence part (`SSS`, 1–997) of the computed national number.
    #[must_use]
    pub fn national_number_sequence(mut self, sequence: u16) -> Self {
        if !(1..=997).contains(&sequence) {
            return self.fail(SimulatorError::input(
                "national_number_sequence",
                InputProblem::OutOfRange {
                    value: u64::from(sequence),
                    max: 997,
                },
            ));
        }
        self.national_number_sequence = Some(sequence);
        self
    }

    text_setter!(
        /// Tag 07, surname.
        surname => identity.surname
    );

    opt_text_setter!(
        /// Tag 08, first two given names.
        given_names => identity.given_names
    );

    opt_text_setter!(
        /// Tag 09, first letter of the third given name (default: present and empty).
        third_name_initial => identity.first_letter_of_third_given_name
    );

    text_setter!(
        /// Tag 0A, nationality (free text in the card language, e.g. "Belg", "Belge").
        nationality => identity.nationality
    );

    text_setter!(
        /// Tag 0B, birth place.
        birth_place => identity.birth_place
    );

    /// Tag 0C, birth date (full or partial), written in the card [`language`](Self::language).
    #[must_use]
    pub fn birth_date(mut self, date: BirthDate) -> Self {
        self.birth = Birth::Date(date);
        self
    }

    /// Tag 0C from year, month, day.
    #[must_use]
    pub fn birth_date_ymd(self, year: u16, month: u8, day: u8) -> Self {
        match BirthDate::new(year, Some(month), Some(day)) {
            Some(d) => self.birth_date(d),
            None => self.fail(bad_date("birth_date", (year, month, day))),
        }
    }

    /// Tag 0C, a birth date of which only the year is known (written as spaces and the
    /// year, spec §5.2).
    #[must_use]
    pub fn birth_year_only(self, year: u16) -> Self {
        match BirthDate::new(year, None, None) {
            Some(d) => self.birth_date(d),
            None => self.fail(bad_date("birth_date", (year, 0, 0))),
        }
    }

    /// The layout of tag 0C (default: the language's current layout, spec §5.2).
    #[must_use]
    pub fn birth_date_format(mut self, format: BirthDateFormat) -> Self {
        self.birth_date_format = Some(format);
        self
    }

    /// Tag 0C written exactly as `text` (any layout, for reader tests); `year`, `month`,
    /// `day` feed the computed national number.
    #[must_use]
    pub fn birth_date_raw(
        mut self,
        text: impl Into<String>,
        year: u16,
        month: Option<u8>,
        day: Option<u8>,
    ) -> Self {
        self.birth = Birth::Raw {
            text: text.into(),
            parts: (year, month, day),
        };
        self
    }

    /// Tag 0D, sex. Default female, letter by language.
    #[must_use]
    pub fn sex(mut self, sex: Sex) -> Self {
        self.sex = Some(sex);
        self
    }

    opt_text_setter!(
        /// Tag 0E, noble condition (default: present and empty).
        noble_condition => identity.noble_condition
    );

    /// Tag 0F, document type (spec §6.1). Default 1 (Belgian citizen).
    #[must_use]
    pub fn document_type(mut self, document_type: DocumentType) -> Self {
        self.identity.document_type = document_type;
        self
    }

    /// Tag 10, special status (default `0`).
    #[must_use]
    pub fn special_status(mut self, status: SpecialStatus) -> Self {
        self.identity.special_status = Some(status);
        self
    }

    opt_text_setter!(
        /// Tag 12, duplicate (two digits, e.g. `"01"`; absent by default).
        duplicate => identity.duplicate
    );

    /// Tag 13, special organisation (absent by default).
    #[must_use]
    pub fn special_organisation(mut self, organisation: SpecialOrganisation) -> Self {
        self.identity.special_organisation = Some(organisation);
        self
    }

    /// Tag 14, member of family (present with length 0 when true).
    #[must_use]
    pub fn member_of_family(mut self, member: bool) -> Self {
        self.identity.member_of_family = member;
        self
    }

    opt_text_setter!(
        /// Tag 15, date and country of protection (`dd.MM.yyyy-A2`).
        date_and_country_of_protection => identity.date_and_country_of_protection
    );

    /// Tag 16, work-permit mention.
    #[must_use]
    pub fn work_permit(mut self, mention: WorkPermit) -> Self {
        self.identity.work_permit = Some(mention);
        self
    }

    opt_text_setter!(
        /// Tag 17, employer VAT number 1 (`xxxx.xxx.xxx`).
        employer_vat_1 => identity.employer_vat_1
    );

    opt_text_setter!(
        /// Tag 18, employer VAT number 2.
        employer_vat_2 => identity.employer_vat_2
    );

    opt_text_setter!(
        /// Tag 19, regional file number.
        regional_file_number => identity.regional_file_number
    );

    /// Tag 1B, Brexit mention 1.
    #[must_use]
    pub fn brexit_mention_1(mut self, mention: BrexitMention) -> Self {
        self.identity.brexit_mention_1 = Some(mention);
        self
    }

    /// Tag 1C, Brexit mention 2.
    #[must_use]
    pub fn brexit_mention_2(mut self, mention: BrexitMention) -> Self {
        self.identity.brexit_mention_2 = Some(mention);
        self
    }

    /// Tag 1D, A-card mention 1.
    #[must_use]
    pub fn card_a_mention_1(mut self, mention: CardAMention) -> Self {
        self.identity.card_a_mention_1 = Some(mention);
        self
    }

    /// Tag 1E, A-card mention 2.
    #[must_use]
    pub fn card_a_mention_2(mut self, mention: CardAMention) -> Self {
        self.identity.card_a_mention_2 = Some(mention);
        self
    }

    /// Tag 1F, EU registration date / date of permanent residence.
    #[must_use]
    pub fn eu_start_date(mut self, date: CardDate) -> Self {
        self.identity.eu_start_date = Some(date);
        self
    }

    /// Tag 1F from year, month, day.
    #[must_use]
    pub fn eu_start_date_ymd(self, year: u16, month: u8, day: u8) -> Self {
        match CardDate::new(year, month, day) {
            Some(d) => self.eu_start_date(d),
            None => self.fail(bad_date("eu_start_date", (year, month, day))),
        }
    }

    /// Write optional tag `tag` (0x10–0x1F) with length 0 when its field is not set (as some
    /// foreigner cards do, spec §4.4).
    #[must_use]
    pub fn empty_tag(mut self, tag: u8) -> Self {
        if !(0x10..=0x1F).contains(&tag) {
            return self.fail(SimulatorError::input(
                "empty_tag",
                InputProblem::ReservedTag { tag },
            ));
        }
        self.identity.empty_tags.push(IdentityTag::from_byte(tag));
        self
    }

    /// An extra identity element with an unknown tag (0x20 and above; tags 00–1F have their
    /// own setters), merged in ascending tag order — for testing how readers keep unknown
    /// tags (spec §14 item 11).
    #[must_use]
    pub fn extra_tag(mut self, tag: u8, value: impl Into<Vec<u8>>) -> Self {
        if tag < 0x20 {
            return self.fail(SimulatorError::input(
                "extra_tag",
                InputProblem::ReservedTag { tag },
            ));
        }
        self.identity.extra_tags.push((tag, value.into()));
        self
    }

    // ---- address (spec §4.3) ---------------------------------------------------------------

    text_setter!(
        /// Address tag 01, street and number.
        street => address.street_and_number
    );

    text_setter!(
        /// Address tag 02, zip code.
        zip => address.zip
    );

    text_setter!(
        /// Address tag 03, municipality.
        municipality => address.municipality
    );

    /// Street, zip and municipality at once.
    #[must_use]
    pub fn address(
        self,
        street: impl Into<String>,
        zip: impl Into<String>,
        municipality: impl Into<String>,
    ) -> Self {
        self.street(street).zip(zip).municipality(municipality)
    }

    /// The photo (a JPEG; default: the shipped 140×200 greyscale specimen photo). Its hash
    /// goes into tag 11.
    #[must_use]
    pub fn photo(mut self, jpeg: impl Into<Vec<u8>>) -> Self {
        self.photo = Some(Arc::new(jpeg.into()));
        self
    }

    // ---- certificates and keys -------------------------------------------------------------

    /// Whether the card has an authentication certificate and key `82` (default true).
    #[must_use]
    pub fn authentication_certificate(mut self, present: bool) -> Self {
        self.authentication_certificate = present;
        self
    }

    /// Whether the card has a non-repudiation certificate and key `83` (default true).
    #[must_use]
    pub fn non_repudiation_certificate(mut self, present: bool) -> Self {
        self.non_repudiation_certificate = present;
        self
    }

    /// Neither holder certificate nor holder key (Kids cards, spec §11.7 case b).
    #[must_use]
    pub fn without_holder_certificates(self) -> Self {
        self.authentication_certificate(false)
            .non_repudiation_certificate(false)
    }

    /// Validity of the holder certificates (default: the card validity, from 00:00:00 UTC
    /// of the begin date to 23:59:59 UTC of the end date).
    #[must_use]
    pub fn certificate_validity(mut self, validity: CertValidity) -> Self {
        self.certificate_validity = Some(validity);
        self
    }

    /// Holder certificates that expired: valid from 1 January eleven years ago to 1 January
    /// of last year (relative to the system clock).
    #[must_use]
    pub fn expired_certificates(self) -> Self {
        let y = current_year();
        self.certificate_validity(CertValidity::days(
            (y.saturating_sub(11), 1, 1),
            (y.saturating_sub(1), 1, 1),
        ))
    }

    /// A card that is not issued yet: GET CARD DATA byte 27 = `07` (SELECTABLE, spec §9.2),
    /// as on cards ordered through a consulate before their activation. The applet answers its
    /// select and GET CARD DATA; selecting any EF answers "file not activated" (`62 83` on
    /// 1.7, `69 85` on 1.8, spec §3.1, §10) and VERIFY, CHANGE, MSE, PSO and INTERNAL
    /// AUTHENTICATE answer `6D 00` ("not available in the current life cycle"). The files are
    /// built as for an issued card, so an activated copy differs in byte 27 only.
    #[must_use]
    pub fn not_issued(mut self) -> Self {
        self.faults.not_issued = true;
        self
    }

    /// Holder certificates that are not yet valid: from 1 January next year on (relative to
    /// the system clock).
    #[must_use]
    pub fn not_yet_valid_certificates(self) -> Self {
        let y = current_year();
        self.certificate_validity(CertValidity::days((y + 1, 1, 1), (y + 11, 1, 1)))
    }

    /// Use this authentication key (RSA on 1.7, EC P-384 on 1.8) instead of the fixed test
    /// key.
    #[must_use]
    pub fn authentication_key(mut self, key: Arc<SigningKey>) -> Self {
        self.authentication_key = Some(key);
        self
    }

    /// Use this non-repudiation key instead of the fixed test key.
    #[must_use]
    pub fn non_repudiation_key(mut self, key: Arc<SigningKey>) -> Self {
        self.non_repudiation_key = Some(key);
        self
    }

    /// Use this basic key (`81`) instead of the fixed test key. On 1.8 its public key is
    /// written to EF(PuK#1) and hashed into tag 1A.
    #[must_use]
    pub fn basic_key(mut self, key: Arc<SigningKey>) -> Self {
        self.basic_key = Some(key);
        self
    }

    // ---- content faults --------------------------------------------------------------------

    /// Change the identity file after it was signed (the case of an ASCII letter of the
    /// surname is flipped — or, failing that, of another text field — so the file still parses
    /// but the identity signature no longer verifies).
    #[must_use]
    pub fn tampered_identity(mut self) -> Self {
        self.faults.tamper_identity = true;
        self
    }

    /// Change the address file after it was signed (a letter of the street, or a zip digit).
    #[must_use]
    pub fn tampered_address(mut self) -> Self {
        self.faults.tamper_address = true;
        self
    }

    /// Serve a photo that does not match the photo hash of tag 11 (a valid JPEG with an
    /// added comment segment).
    #[must_use]
    pub fn swapped_photo(mut self) -> Self {
        self.faults.swapped_photo = true;
        self
    }

    /// A cloned chip: EF(PuK#1) and tag 1A describe the genuine basic key, but the card's
    /// private basic key is another one, so the challenge of spec §7.5 fails.
    #[must_use]
    pub fn cloned_chip(mut self) -> Self {
        self.faults.cloned_chip = true;
        self
    }

    /// Sign identity and address with a key that is not the RRN certificate's.
    #[must_use]
    pub fn wrong_rrn_key(mut self) -> Self {
        self.faults.wrong_rrn_key = true;
        self
    }

    /// Chain every certificate to a different test root (same names, other key:
    /// [`TestPki::foreign`]).
    #[must_use]
    pub fn foreign_root(mut self) -> Self {
        self.faults.foreign_root = true;
        self
    }

    // ---- build -----------------------------------------------------------------------------

    /// Build the card image: every file, signatures, holder certificates and keys. The steps,
    /// in order: validate → derive (serial, national number, dates) → keys (basic key, photo)
    /// → files (identity, address) → signatures (RRN) → PKI (holder certificates) → faults →
    /// assemble.
    pub fn build_image(&self) -> Result<CardImage> {
        let valid = self.validate()?;
        let derived = self.derive()?;
        let keys = self.keys(&valid)?;
        let content = self.content_files(&derived, &keys)?;
        let mut signed = self.sign_files(&valid, content)?;
        let holder = self.holder_pki(&valid, &derived, &signed)?;
        self.apply_faults(&mut signed);
        Ok(self.assemble(valid, derived, keys, signed, holder))
    }

    /// Step 1: the inputs recorded by the setters, the generation and the PIN are usable.
    fn validate(&self) -> Result<Valid> {
        if let Some((field, problem)) = self.errors.first() {
            return Err(SimulatorError::input(field, problem.clone()));
        }
        let family = KeyFamily::for_generation(self.generation)
            .ok_or(SimulatorError::input("generation", InputProblem::BadCode))?;
        let pin = Pin::new(&self.pin)?;
        self.check_lengths()?;
        Ok(Valid { family, pin })
    }

    /// Step 2: every value the card derives when the test did not give it (chip serial, sex
    /// letter, birth date text, national number, card number, validity).
    fn derive(&self) -> Result<Derived> {
        let serial = self.chip_serial.unwrap_or_else(|| derive_serial(self.seed));
        let sex = self.sex.unwrap_or(match self.language {
            MonthLanguage::French => Sex::FemaleF,
            MonthLanguage::Dutch => Sex::FemaleV,
            MonthLanguage::German => Sex::FemaleW,
        });
        let (birth_text, birth_parts) = self.birth_text();
        let national_number = self.national_number_text(birth_parts, sex);
        let national_number = NationalNumber::from_digits(national_number.as_bytes()).ok_or(
            SimulatorError::input("national_number", InputProblem::NotDigits),
        )?;
        let card_number_text = self.card_number.clone().unwrap_or_else(|| {
            derive_card_number(self.seed, self.identity.document_type.is_foreigner_card())
        });
        let card_number =
            CardNumber::from_bytes(card_number_text.as_bytes()).ok_or(SimulatorError::input(
                "card_number",
                InputProblem::TooLong {
                    len: card_number_text.len(),
                    max: 12,
                },
            ))?;
        let validity_begin = match self.validity_begin {
            Some(b) => b,
            None => {
                let (y, m, d) = DEFAULT_VALIDITY_BEGIN;
                CardDate::new(y, m, d).ok_or(bad_date("validity", DEFAULT_VALIDITY_BEGIN))?
            }
        };
        let validity_end = match self.validity_end {
            Some(e) => e,
            None => self.default_validity_end(validity_begin),
        };
        if validity_end < validity_begin {
            return Err(SimulatorError::input(
                "validity",
                InputProblem::Conflict {
                    with: "end before begin",
                },
            ));
        }
        Ok(Derived {
            serial,
            sex,
            birth_text,
            national_number,
            card_number,
            validity_begin,
            validity_end,
        })
    }

    /// Step 3: the basic key (spec §7.5) — the published one and the one the chip really
    /// holds (another for a cloned chip) — and the photo with its hash (spec §7.4).
    fn keys(&self, valid: &Valid) -> Result<Keys> {
        let family = valid.family;
        let photo: Arc<Vec<u8>> = match &self.photo {
            Some(p) => Arc::clone(p),
            None => shipped_photo(),
        };
        let photo_hash = content::photo_hash(self.generation, &photo)?;
        let published_basic = match &self.basic_key {
            Some(k) => {
                check_key("basic_key", k, family)?;
                Arc::clone(k)
            }
            None => test_key(family, TestKeyRole::Basic)?,
        };
        let card_basic = if self.faults.cloned_chip {
            test_key(family, TestKeyRole::SpareBasic)?
        } else {
            Arc::clone(&published_basic)
        };
        let basic_file = self
            .generation
            .is_ec()
            .then(|| published_basic.public_key_spki_der());
        Ok(Keys {
            photo,
            photo_hash,
            card_basic,
            basic_file,
        })
    }

    /// Step 4: the identity and address files, through the library's encoders (spec §4.1–§4.3).
    fn content_files(&self, derived: &Derived, keys: &Keys) -> Result<Content> {
        let mut id = self.identity.clone();
        id.card_number = derived.card_number;
        id.chip_number = derived.serial;
        id.validity_begin = derived.validity_begin;
        id.validity_end = derived.validity_end;
        id.national_number = derived.national_number;
        id.birth_date = derived.birth_text.clone();
        id.sex = derived.sex;
        id.photo_hash = keys.photo_hash.clone();
        id.basic_key_hash = keys
            .basic_file
            .as_ref()
            .map(|f| HashAlg::Sha384.hash(f).unwrap_or_default());
        Ok(Content {
            identity: id.encode(),
            address: self.address.encode(),
        })
    }

    /// Step 5: the RRN's signatures over identity and address (spec §7.2, §7.3), with the
    /// test PKI's RRN key (or a wrong one for that fault).
    fn sign_files(&self, valid: &Valid, content: Content) -> Result<Signed> {
        let family = valid.family;
        let pki = if self.faults.foreign_root {
            TestPki::foreign(family)?
        } else {
            TestPki::standard(family)?
        };
        let rrn_key = if self.faults.wrong_rrn_key {
            test_key(family, TestKeyRole::WrongRrn)?
        } else {
            Arc::clone(pki.rrn_key())
        };
        let identity_signature = content::signature_file(&rrn_key, &content.identity)?;
        let address_signature = content::signature_file(
            &rrn_key,
            &content::address_signature_input(&content.address, &identity_signature),
        )?;
        Ok(Signed {
            pki,
            content,
            identity_signature,
            address_signature,
        })
    }

    /// Step 6: the holder certificates and keys under the citizen or foreigner CA of the
    /// test PKI, valid as the card (or as the test asked).
    fn holder_pki(&self, valid: &Valid, derived: &Derived, signed: &Signed) -> Result<Holder> {
        let ca = if self.identity.document_type.is_foreigner_card() {
            IssuingCa::Foreigner
        } else {
            IssuingCa::Citizen
        };
        let (begin, end) = (derived.validity_begin, derived.validity_end);
        let validity = match self.certificate_validity {
            Some(v) => {
                pki::check_validity("certificate_validity", &v)?;
                v
            }
            None => CertValidity {
                not_before: CertTime::ymd(begin.year(), begin.month(), begin.day()),
                not_after: CertTime::end_of_day(end.year(), end.month(), end.day()),
            },
        };
        let data = HolderData {
            pki: signed.pki,
            ca,
            surname: &self.identity.surname,
            given_names: self.identity.given_names.as_deref().unwrap_or(""),
            national_number: derived.national_number.reveal(),
            validity,
            seed: self.seed,
            family: valid.family,
        };
        let (auth_key, auth_cert) = data.issue(
            self.authentication_certificate,
            HolderRole::Authentication,
            self.authentication_key.as_ref(),
        )?;
        let (non_rep_key, non_rep_cert) = data.issue(
            self.non_repudiation_certificate,
            HolderRole::NonRepudiation,
            self.non_repudiation_key.as_ref(),
        )?;
        Ok(Holder {
            ca,
            auth_key,
            auth_cert,
            non_rep_key,
            non_rep_cert,
        })
    }

    /// Step 7: content faults that change files after they were signed.
    fn apply_faults(&self, signed: &mut Signed) {
        if self.faults.tamper_identity {
            tamper(
                &mut signed.content.identity,
                &[0x07, 0x0B, 0x05, 0x0A, 0x11],
            );
        }
        if self.faults.tamper_address {
            tamper(&mut signed.content.address, &[0x01, 0x03, 0x02]);
        }
    }

    /// Step 8: every file of the card, the card data (life cycle) and the keys.
    fn assemble(
        &self,
        valid: Valid,
        derived: Derived,
        keys: Keys,
        signed: Signed,
        holder: Holder,
    ) -> CardImage {
        let generation = self.generation;
        let pki = signed.pki;
        let served_photo = if self.faults.swapped_photo {
            Arc::new(content::altered_photo(&keys.photo))
        } else {
            keys.photo
        };
        let cert_file = |der: Option<&[u8]>| Arc::new(content::certificate_file(generation, der));
        let mut files: BTreeMap<FileId, Arc<Vec<u8>>> = BTreeMap::new();
        files.insert(FileId::Dir, Arc::new(content::EF_DIR.to_vec()));
        files.insert(FileId::Odf, Arc::new(content::EF_ODF.to_vec()));
        files.insert(
            FileId::TokenInfo,
            Arc::new(content::token_info(
                &derived.serial,
                content::perso_versions(generation),
            )),
        );
        files.insert(FileId::Aodf, Arc::new(content::EF_AODF.to_vec()));
        files.insert(
            FileId::Prkdf,
            Arc::new(content::prkdf(
                generation,
                holder.auth_key.is_some(),
                holder.non_rep_key.is_some(),
            )),
        );
        files.insert(
            FileId::Cdf,
            Arc::new(content::cdf(
                generation,
                holder.auth_cert.is_some(),
                holder.non_rep_cert.is_some(),
            )),
        );
        files.insert(
            FileId::AuthenticationCertificate,
            cert_file(holder.auth_cert.as_deref()),
        );
        files.insert(
            FileId::NonRepudiationCertificate,
            cert_file(holder.non_rep_cert.as_deref()),
        );
        files.insert(
            FileId::CaCertificate,
            cert_file(Some(pki.ca_certificate_der(holder.ca))),
        );
        files.insert(
            FileId::RootCertificate,
            cert_file(Some(pki.root_certificate_der())),
        );
        files.insert(
            FileId::RrnCertificate,
            cert_file(Some(pki.rrn_certificate_der())),
        );
        files.insert(FileId::Identity, Arc::new(signed.content.identity));
        files.insert(
            FileId::IdentitySignature,
            Arc::new(signed.identity_signature),
        );
        files.insert(FileId::Address, Arc::new(signed.content.address));
        files.insert(FileId::AddressSignature, Arc::new(signed.address_signature));
        files.insert(FileId::Photo, served_photo);
        if let Some(f) = keys.basic_file {
            files.insert(FileId::BasicPublicKey, Arc::new(f));
        }
        let mut card_data = content::card_data(generation, &derived.serial);
        if self.faults.not_issued {
            if let Some(b) = card_data.get_mut(LifeCycle::OFFSET) {
                *b = LifeCycle::Selectable.byte();
            }
        }
        CardImage {
            generation,
            atr: content::atr(generation),
            card_data,
            files,
            pin: valid.pin,
            pin_tries_left: self.pin_tries_left,
            keys: CardKeys {
                authentication: holder.auth_key,
                non_repudiation: holder.non_rep_key,
                basic: Some(keys.card_basic),
            },
        }
    }

    /// Build the virtual card (the image served by the applet state machine).
    pub fn build(&self) -> Result<crate::VirtualCard> {
        Ok(crate::VirtualCard::from_image(self.build_image()?))
    }

    fn birth_text(&self) -> (String, (u16, Option<u8>, Option<u8>)) {
        match &self.birth {
            Birth::Date(d) => {
                let format = self
                    .birth_date_format
                    .unwrap_or(self.language.default_format());
                (d.to_card_string_with(self.language, format), d.date_parts())
            }
            Birth::Raw { text, parts } => (text.clone(), *parts),
        }
    }

    fn national_number_text(&self, birth: (u16, Option<u8>, Option<u8>), sex: Sex) -> String {
        if let Some(n) = &self.national_number {
            return n.clone();
        }
        let sequence = self.national_number_sequence.unwrap_or_else(|| {
            // 1..=997 from the seed, odd for men, even for women (spec §6.9).
            let r = u16::from_be_bytes(take::<2>(&derive(self.seed, b"national-number")));
            let s = r % 497 * 2 + 1; // odd, 1..=993
            if sex.is_male() { s } else { s + 1 }
        });
        national_number_for(birth, sequence)
    }

    fn default_validity_end(&self, b: CardDate) -> CardDate {
        let years = if self.identity.document_type.is_kids_card() {
            3
        } else if self.identity.document_type.is_foreigner_card() {
            5
        } else {
            10
        };
        let y = b.year().saturating_add(years);
        CardDate::new(y, b.month(), b.day())
            .or_else(|| CardDate::new(y, b.month(), 28))
            .unwrap_or(b)
    }

    fn check_lengths(&self) -> Result<()> {
        let max = content::MAX_TLV_VALUE;
        let fields: [(&'static str, Option<&str>); 16] = [
            (
                "issuing_municipality",
                Some(&self.identity.issuing_municipality),
            ),
            ("surname", Some(&self.identity.surname)),
            ("given_names", self.identity.given_names.as_deref()),
            (
                "third_name_initial",
                self.identity.first_letter_of_third_given_name.as_deref(),
            ),
            ("nationality", Some(&self.identity.nationality)),
            ("birth_place", Some(&self.identity.birth_place)),
            ("noble_condition", self.identity.noble_condition.as_deref()),
            ("duplicate", self.identity.duplicate.as_deref()),
            (
                "date_and_country_of_protection",
                self.identity.date_and_country_of_protection.as_deref(),
            ),
            ("employer_vat_1", self.identity.employer_vat_1.as_deref()),
            ("employer_vat_2", self.identity.employer_vat_2.as_deref()),
            (
                "regional_file_number",
                self.identity.regional_file_number.as_deref(),
            ),
            ("street", Some(&self.address.street_and_number)),
            ("zip", Some(&self.address.zip)),
            ("municipality", Some(&self.address.municipality)),
            ("card_number", self.card_number.as_deref()),
        ];
        for (field, value) in fields {
            if let Some(v) = value
                && v.len() > max
            {
                return Err(SimulatorError::input(
                    field,
                    InputProblem::TooLong { len: v.len(), max },
                ));
            }
        }
        if let Birth::Raw { text, .. } = &self.birth
            && text.len() > max
        {
            return Err(SimulatorError::input(
                "birth_date",
                InputProblem::TooLong {
                    len: text.len(),
                    max,
                },
            ));
        }
        for (_, v) in &self.identity.extra_tags {
            if v.len() > max {
                return Err(SimulatorError::input(
                    "extra_tag",
                    InputProblem::TooLong { len: v.len(), max },
                ));
            }
        }
        if let Some(p) = &self.photo
            && p.is_empty()
        {
            return Err(SimulatorError::input("photo", InputProblem::Empty));
        }
        Ok(())
    }
}

/// A holder key and its certificate DER (both `None` when the card has neither).
type HolderKeyAndCert = (Option<Arc<SigningKey>>, Option<Vec<u8>>);

/// [`VirtualCardBuilder::validate`]'s result.
struct Valid {
    family: KeyFamily,
    pin: Pin,
}

/// [`VirtualCardBuilder::derive`]'s result.
struct Derived {
    serial: [u8; 16],
    sex: Sex,
    birth_text: String,
    national_number: NationalNumber,
    card_number: CardNumber,
    validity_begin: CardDate,
    validity_end: CardDate,
}

/// [`VirtualCardBuilder::keys`]'s result.
struct Keys {
    photo: Arc<Vec<u8>>,
    photo_hash: Vec<u8>,
    card_basic: Arc<SigningKey>,
    basic_file: Option<Vec<u8>>,
}

/// The identity and address files as signed.
struct Content {
    identity: Vec<u8>,
    address: Vec<u8>,
}

/// [`VirtualCardBuilder::sign_files`]'s result.
struct Signed {
    pki: &'static TestPki,
    content: Content,
    identity_signature: Vec<u8>,
    address_signature: Vec<u8>,
}

/// [`VirtualCardBuilder::holder_pki`]'s result.
struct Holder {
    ca: IssuingCa,
    auth_key: Option<Arc<SigningKey>>,
    auth_cert: Option<Vec<u8>>,
    non_rep_key: Option<Arc<SigningKey>>,
    non_rep_cert: Option<Vec<u8>>,
}

struct HolderData<'a> {
    pki: &'a TestPki,
    ca: IssuingCa,
    surname: &'a str,
    given_names: &'a str,
    national_number: &'a str,
    validity: CertValidity,
    seed: u64,
    family: KeyFamily,
}

impl HolderData<'_> {
    /// The holder key and certificate of `role`, when `present`.
    fn issue(
        &self,
        present: bool,
        role: HolderRole,
        custom: Option<&Arc<SigningKey>>,
    ) -> Result<HolderKeyAndCert> {
        if !present {
            return Ok((None, None));
        }
        let (field, test_role) = match role {
            HolderRole::Authentication => ("authentication_key", TestKeyRole::Authentication),
            HolderRole::NonRepudiation => ("non_repudiation_key", TestKeyRole::NonRepudiation),
        };
        let key = match custom {
            Some(k) => {
                check_key(field, k, self.family)?;
                Arc::clone(k)
            }
            None => test_key(self.family, test_role)?,
        };
        let role_label: &[u8] = match role {
            HolderRole::Authentication => b"auth",
            HolderRole::NonRepudiation => b"sign",
        };
        let serial = pki::serial_from(&[
            b"holder",
            role_label,
            &self.seed.to_be_bytes(),
            self.national_number.as_bytes(),
        ]);
        let cert = self.pki.issue_holder_certificate(&HolderCertRequest {
            role,
            ca: self.ca,
            surname: self.surname,
            given_names: self.given_names,
            national_number: self.national_number,
            public_key_spki: key.spki(),
            validity: self.validity,
            serial: &serial,
        })?;
        Ok((Some(key), Some(cert)))
    }
}

fn check_key(field: &'static str, key: &SigningKey, family: KeyFamily) -> Result<()> {
    let ok = match family {
        KeyFamily::Rsa => key.kind().is_rsa(),
        KeyFamily::Ec => key.kind().is_ec(),
    };
    if ok {
        Ok(())
    } else {
        Err(SimulatorError::input(
            field,
            InputProblem::WrongKeyType { got: key.kind() },
        ))
    }
}

fn bad_date(field: &'static str, (year, month, day): (u16, u8, u8)) -> SimulatorError {
    SimulatorError::input(field, InputProblem::BadDate { year, month, day })
}

/// Flip the case of the first ASCII letter found in the values of `tags` (in this order of
/// preference); if none has one, flip the lowest bit of the last byte of the first tag present.
/// The file keeps its TLV structure.
fn tamper(file: &mut [u8], tags: &[u8]) {
    let elements: Vec<(u8, usize, usize)> = beid::tlv::iter(file)
        .filter_map(Result::ok)
        .map(|t| (t.tag, t.value_offset, t.value.len()))
        .collect();
    for tag in tags {
        for &(t, off, len) in &elements {
            if t != *tag {
                continue;
            }
            let Some(value) = file.get_mut(off..off + len) else {
                continue;
            };
            if let Some(b) = value.iter_mut().find(|b| b.is_ascii_alphabetic()) {
                *b ^= 0x20;
                return;
            }
        }
    }
    for tag in tags {
        if let Some(&(_, off, len)) = elements.iter().find(|e| e.0 == *tag && e.2 > 0)
            && let Some(b) = file.get_mut(off + len - 1)
        {
            *b ^= 0x01;
            return;
        }
    }
}

fn shipped_photo() -> Arc<Vec<u8>> {
    static PHOTO: OnceLock<Arc<Vec<u8>>> = OnceLock::new();
    Arc::clone(PHOTO.get_or_init(|| Arc::new(content::PHOTO.to_vec())))
}

fn current_year() -> u16 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Days since 1970 → civil year (average Gregorian year; exact enough for ±1 year margins
    // except within a day of New Year, where both answers still give a useful fault).
    let year = 1970 + secs / 31_556_952;
    u16::try_from(year).unwrap_or(2026)
}

/// 32 pseudo-random bytes from the seed and a label (SHA-256; deterministic).
fn derive(seed: u64, label: &[u8]) -> Vec<u8> {
    let mut data = seed.to_be_bytes().to_vec();
    data.extend_from_slice(label);
    HashAlg::Sha256.hash(&data).unwrap_or_else(|| vec![0; 32])
}

fn take<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = *b;
    }
    out
}

/// Default chip serial: `"SLIN3f"` + 10 seed-derived bytes (spec §9.2).
fn derive_serial(seed: u64) -> [u8; 16] {
    let mut serial = [0u8; 16];
    let random = derive(seed, b"chip-serial");
    for (dst, src) in serial
        .iter_mut()
        .zip(content::SERIAL_PREFIX.iter().chain(random.iter()))
    {
        *dst = *src;
    }
    serial
}

/// A card number with valid check digits (spec §6.9: last two digits = the preceding digits
/// mod 97): 12 digits, or `B` + 9 digits on foreigner cards.
fn derive_card_number(seed: u64, foreigner: bool) -> String {
    let r = u64::from_be_bytes(take::<8>(&derive(seed, b"card-number")));
    if foreigner {
        let body = r % 10_000_000;
        format!("B{body:07}{:02}", body % 97)
    } else {
        // Real numbers start with 59… (older) or 000… / 6… (newer); use a 59 prefix.
        let body = 5_900_000_000 + r % 100_000_000;
        format!("{body:010}{:02}", body % 97)
    }
}

/// The national number `YYMMDDSSSCC` for a birth date and sequence, with the check digits of
/// spec §6.9 (`97 − (first 9 digits mod 97)`, with 2 000 000 000 added for births from 2000).
/// Unknown month or day are written `00`.
pub fn national_number_for(birth: (u16, Option<u8>, Option<u8>), sequence: u16) -> String {
    let (year, month, day) = birth;
    let yy = u64::from(year % 100);
    let mm = u64::from(month.unwrap_or(0));
    let dd = u64::from(day.unwrap_or(0));
    let seq = u64::from(sequence % 1000);
    let first9 = yy * 10_000_000 + mm * 100_000 + dd * 1_000 + seq;
    let n = if year >= 2000 {
        2_000_000_000 + first9
    } else {
        first9
    };
    format!("{first9:09}{:02}", 97 - n % 97)
}

// ---------------------------------------------------------------------------------------------
// Ready profiles

/// Ready-made cards. [`Profile::image`] builds each once per process and then hands out cheap
/// clones (files and keys are shared), so a profile card is available instantly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// Applet 1.7 (RSA-2048) Belgian citizen card, Dutch.
    Applet17Citizen,
    /// Applet 1.8 (EC P-384) Belgian citizen card, French.
    Applet18Citizen,
    /// Applet 1.7 Kids-ID (document type 6): no holder certificates or keys.
    Applet17Kids,
    /// Applet 1.8 Kids-ID, German: no holder certificates or keys.
    Applet18Kids,
    /// Applet 1.7 foreigner B card (document type 12) with work permit and employer fields,
    /// issued by the Foreigner CA.
    Applet17Foreigner,
    /// Applet 1.8 foreigner EU+ card (document type 32) with tag 1F.
    Applet18Foreigner,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 6] = [
        Profile::Applet17Citizen,
        Profile::Applet18Citizen,
        Profile::Applet17Kids,
        Profile::Applet18Kids,
        Profile::Applet17Foreigner,
        Profile::Applet18Foreigner,
    ];

    /// The command-line name (`beid-sim --profile NAME`).
    pub const fn name(self) -> &'static str {
        match self {
            Profile::Applet17Citizen => "applet-1.7",
            Profile::Applet18Citizen => "applet-1.8",
            Profile::Applet17Kids => "kids-1.7",
            Profile::Applet18Kids => "kids-1.8",
            Profile::Applet17Foreigner => "foreigner-1.7",
            Profile::Applet18Foreigner => "foreigner-1.8",
        }
    }

    /// Parse a command-line name: `applet-1.7`, `applet-1.8`, `kids-1.7`, `kids-1.8`,
    /// `foreigner-1.7`, `foreigner-1.8` (ASCII case-insensitive).
    pub fn from_name(name: &str) -> Result<Profile> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| SimulatorError::UnknownProfile(name.to_owned()))
    }

    /// The card generation.
    pub const fn generation(self) -> Generation {
        match self {
            Profile::Applet17Citizen | Profile::Applet17Kids | Profile::Applet17Foreigner => {
                Generation::Applet17
            }
            Profile::Applet18Citizen | Profile::Applet18Kids | Profile::Applet18Foreigner => {
                Generation::Applet18
            }
        }
    }

    fn index(self) -> usize {
        Profile::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The builder that describes this profile (to derive a variant from it).
    pub fn builder(self) -> VirtualCardBuilder {
        match self {
            Profile::Applet17Citizen => VirtualCardBuilder::new(Generation::Applet17)
                .seed(0x1701)
                .language(MonthLanguage::Dutch)
                .surname("Specimen")
                .given_names("Alice Geldig")
                .nationality("Belg")
                .birth_place("Brussel")
                .birth_date_ymd(1990, 3, 15)
                .sex(Sex::FemaleV)
                .issuing_municipality("Brussel")
                .validity_ymd((2026, 1, 15), (2036, 1, 15))
                .address("Specimenstraat 17", "1000", "Brussel"),
            Profile::Applet18Citizen => VirtualCardBuilder::new(Generation::Applet18)
                .seed(0x1801)
                .language(MonthLanguage::French)
                .surname("Spécimen")
                .given_names("Benoît Valide")
                .third_name_initial("J")
                .nationality("Belge")
                .birth_place("Namur")
                .birth_date_ymd(1985, 7, 4)
                .sex(Sex::Male)
                .issuing_municipality("Namur")
                .validity_ymd((2026, 1, 15), (2036, 1, 15))
                .address("Rue du Spécimen 18", "5000", "Namur"),
            Profile::Applet17Kids => VirtualCardBuilder::new(Generation::Applet17)
                .seed(0x1706)
                .language(MonthLanguage::Dutch)
                .document_type(DocumentType::KidsCard)
                .surname("Specimen")
                .given_names("Kim")
                .nationality("Belg")
                .birth_place("Gent")
                .birth_date_ymd(2019, 5, 2)
                .sex(Sex::Male)
                .issuing_municipality("Gent")
                .validity_ymd((2026, 1, 15), (2029, 1, 15))
                .address("Specimenstraat 6", "9000", "Gent")
                .without_holder_certificates(),
            Profile::Applet18Kids => VirtualCardBuilder::new(Generation::Applet18)
                .seed(0x1806)
                .language(MonthLanguage::German)
                .document_type(DocumentType::KidsCard)
                .surname("Muster")
                .given_names("Lena")
                .nationality("Belgier")
                .birth_place("Eupen")
                .birth_date_ymd(2020, 3, 2)
                .sex(Sex::FemaleW)
                .issuing_municipality("Eupen")
                .validity_ymd((2026, 1, 15), (2029, 1, 15))
                .address("Musterstraße 8", "4700", "Eupen")
                .without_holder_certificates(),
            Profile::Applet17Foreigner => VirtualCardBuilder::new(Generation::Applet17)
                .seed(0x1712)
                .language(MonthLanguage::Dutch)
                .document_type(DocumentType::ForeignerB)
                .surname("Specimen")
                .given_names("Carlos Ejemplo")
                .nationality("Spaanse")
                .birth_place("Madrid")
                .birth_date_ymd(1979, 11, 30)
                .sex(Sex::Male)
                .issuing_municipality("Antwerpen")
                .validity_ymd((2026, 1, 15), (2031, 1, 15))
                .duplicate("00")
                .empty_tag(0x13)
                .empty_tag(0x15)
                .work_permit(WorkPermit::LimitedLabourMarket)
                .employer_vat_1("0123.456.749")
                .empty_tag(0x18)
                .empty_tag(0x19)
                .address("Specimenlei 12", "2000", "Antwerpen"),
            Profile::Applet18Foreigner => VirtualCardBuilder::new(Generation::Applet18)
                .seed(0x1832)
                .language(MonthLanguage::Dutch)
                .document_type(DocumentType::ForeignerEuPlus)
                .surname("Voorbeeld")
                .given_names("Eva")
                .nationality("Nederlandse")
                .birth_place("Utrecht")
                .birth_date_ymd(1988, 8, 21)
                .sex(Sex::FemaleV)
                .issuing_municipality("Leuven")
                .validity_ymd((2026, 1, 15), (2036, 1, 15))
                .duplicate("00")
                .eu_start_date_ymd(2015, 2, 1)
                .address("Voorbeeldstraat 32", "3000", "Leuven"),
        }
    }

    /// The profile's card image, built on first use and cloned afterwards (files and keys are
    /// shared, so a clone costs a few atomic increments).
    pub fn image(self) -> Result<CardImage> {
        static CACHE: [OnceLock<Option<CardImage>>; 6] = [const { OnceLock::new() }; 6];
        let slot = CACHE
            .get(self.index())
            .ok_or(SimulatorError::UnknownProfile(self.name().to_owned()))?;
        match slot.get_or_init(|| self.builder().build_image().ok()) {
            Some(image) => Ok(image.clone()),
            // Cannot happen for the shipped profiles (tested); report the typed error.
            None => self.builder().build_image(),
        }
    }

    /// A virtual card of this profile.
    pub fn card(self) -> Result<crate::VirtualCard> {
        Ok(crate::VirtualCard::from_image(self.image()?))
    }
}

impl core::fmt::Display for Profile {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Profile {
    type Err = SimulatorError;

    fn from_str(s: &str) -> Result<Profile> {
        Profile::from_name(s)
    }
}

impl crate::VirtualCard {
    /// Start building a custom card: an applet-1.8 citizen card with specimen data, every field
    /// changeable (see [`VirtualCardBuilder`]). `.generation(Generation::Applet17)` switches to an
    /// RSA-2048 card.
    pub fn builder() -> VirtualCardBuilder {
        VirtualCardBuilder::new(Generation::Applet18)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_numbers_have_valid_check_digits() {
        // Spec §6.9 samples: 01050399963 (2000+ rule), 71715100070-style pre-2000.
        assert_eq!(
            national_number_for((2001, Some(5), Some(3)), 999),
            "01050399963"
        );
        assert_eq!(
            national_number_for((1997, Some(12), Some(22)), 562),
            "97122256226"
        );
        for seed in 0..50u64 {
            for (y, m, d) in [(1950, 1, 1), (1999, 12, 31), (2000, 2, 29), (2020, 7, 7)] {
                let b = VirtualCardBuilder::new(Generation::Applet17)
                    .seed(seed)
                    .birth_date_ymd(y, m, d);
                let s = b.national_number_text((y, Some(m), Some(d)), Sex::FemaleV);
                let nn = NationalNumber::from_digits(s.as_bytes()).unwrap();
                assert!(nn.check_digits_valid(), "{s}");
                assert_eq!(nn.birth_year(), Some(y));
                assert_eq!(nn.sequence() % 2, 0, "women get even sequences");
                let s = b.national_number_text((y, Some(m), Some(d)), Sex::Male);
                let nn = NationalNumber::from_digits(s.as_bytes()).unwrap();
                assert_eq!(nn.sequence() % 2, 1, "men get odd sequences");
            }
        }
        assert_eq!(&national_number_for((1984, None, None), 12)[..6], "840000");
    }

    #[test]
    fn card_numbers_have_valid_check_digits() {
        for seed in 0..100 {
            let n = derive_card_number(seed, false);
            assert_eq!(n.len(), 12);
            assert!(
                CardNumber::from_bytes(n.as_bytes())
                    .unwrap()
                    .check_digits_valid(),
                "{n}"
            );
            let f = derive_card_number(seed, true);
            assert_eq!(f.len(), 10);
            assert!(f.starts_with('B'));
            assert!(
                CardNumber::from_bytes(f.as_bytes())
                    .unwrap()
                    .check_digits_valid(),
                "{f}"
            );
        }
    }

    #[test]
    fn serial_is_seeded_and_starts_with_slin3f() {
        let a = derive_serial(7);
        assert_eq!(&a[..6], b"SLIN3f");
        assert_eq!(a, derive_serial(7));
        assert_ne!(a, derive_serial(8));
    }

    #[test]
    fn profile_names_round_trip() {
        for p in Profile::ALL {
            assert_eq!(Profile::from_name(p.name()).unwrap(), p);
            assert_eq!(p.name().parse::<Profile>().unwrap(), p);
        }
        assert!(matches!(
            Profile::from_name("applet-2.0"),
            Err(SimulatorError::UnknownProfile(_))
        ));
    }

    #[test]
    fn setter_errors_are_reported_with_the_field() {
        let err = VirtualCardBuilder::new(Generation::Applet18)
            .pin_tries_left(4)
            .build_image()
            .unwrap_err();
        assert!(matches!(
            err,
            SimulatorError::InvalidInput {
                field: "pin_tries_left",
                ..
            }
        ));
        let err = VirtualCardBuilder::new(Generation::Applet18)
            .surname("x".repeat(128))
            .build_image()
            .unwrap_err();
        assert!(matches!(
            err,
            SimulatorError::InvalidInput {
                field: "surname",
                problem: InputProblem::TooLong { len: 128, max: 127 }
            }
        ));
        assert!(
            VirtualCardBuilder::new(Generation::V1)
                .build_image()
                .is_err()
        );
        assert!(
            VirtualCardBuilder::new(Generation::Applet17)
                .pin("12")
                .build_image()
                .is_err()
        );
        assert!(
            VirtualCardBuilder::new(Generation::Applet17)
                .extra_tag(0x07, b"x".to_vec())
                .build_image()
                .is_err()
        );
        assert!(
            VirtualCardBuilder::new(Generation::Applet17)
                .birth_date_ymd(2001, 2, 29)
                .build_image()
                .is_err()
        );
        let ec = test_key(KeyFamily::Ec, TestKeyRole::Authentication).unwrap();
        assert!(matches!(
            VirtualCardBuilder::new(Generation::Applet17)
                .authentication_key(ec)
                .build_image(),
            Err(SimulatorError::InvalidInput {
                field: "authentication_key",
                problem: InputProblem::WrongKeyType { .. }
            })
        ));
    }

    #[test]
    fn tamper_keeps_structure() {
        let mut f = vec![0x01, 0x02, b'1', b'2', 0x07, 0x03, b'a', b'b', b'c'];
        tamper(&mut f, &[0x07]);
        assert_eq!(&f[6..], b"Abc");
        let mut f = vec![0x07, 0x02, b'1', b'2'];
        tamper(&mut f, &[0x07]);
        assert_eq!(&f[2..], b"13");
    }
}
