//! Enumerations of the identity file (spec §6.1–§6.4, §6.7).
//!
//! Every enumeration keeps codes it does not know as data (`Other(Code)`), so a card issued
//! after this library was written still parses, and every value gives its code back with
//! `code()`. The descriptions are short English texts for logs and user interfaces; card
//! readers in other languages should map the code themselves.

/// A short ASCII code as stored on the card: 1 to 4 printable ASCII characters (document type
/// `"1"`, `"01"`, `"35"`; sex `"V"`; work permit `"A"`, …). Small and `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct Code {
    bytes: [u8; 4],
    len: u8,
}

impl Code {
    /// Longest code that fits.
    pub const MAX_LEN: usize = 4;

    /// Accept 1 to 4 printable ASCII characters (no spaces, no control characters).
    pub fn from_bytes(b: &[u8]) -> Option<Code> {
        if b.is_empty() || b.len() > Self::MAX_LEN || !b.iter().all(u8::is_ascii_graphic) {
            return None;
        }
        let mut bytes = [0u8; 4];
        bytes.get_mut(..b.len())?.copy_from_slice(b);
        Some(Code {
            bytes,
            len: b.len() as u8,
        })
    }

    /// Same as [`Code::from_bytes`] for a string.
    pub fn new(s: &str) -> Option<Code> {
        Code::from_bytes(s.as_bytes())
    }

    /// Constant constructor for the known codes (1 to 4 bytes; anything else becomes `"?"`).
    pub(crate) const fn lit(s: &str) -> Code {
        match s.as_bytes() {
            [a] => Code {
                bytes: [*a, 0, 0, 0],
                len: 1,
            },
            [a, b] => Code {
                bytes: [*a, *b, 0, 0],
                len: 2,
            },
            [a, b, c] => Code {
                bytes: [*a, *b, *c, 0],
                len: 3,
            },
            [a, b, c, d] => Code {
                bytes: [*a, *b, *c, *d],
                len: 4,
            },
            _ => Code {
                bytes: [b'?', 0, 0, 0],
                len: 1,
            },
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Invariant: only printable ASCII is stored.
        core::str::from_utf8(self.as_bytes()).unwrap_or("?")
    }

    /// The code as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len as usize).unwrap_or(&[])
    }

    /// The value of a one- or two-digit decimal code (`"1"`, `"01"`, `"35"`), else `None`.
    pub fn number(&self) -> Option<u8> {
        match self.as_bytes() {
            [a] if a.is_ascii_digit() => Some(a - b'0'),
            [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                Some((a - b'0') * 10 + (b - b'0'))
            }
            _ => None,
        }
    }
}

impl core::fmt::Debug for Code {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Code({:?})", self.as_str())
    }
}

impl core::fmt::Display for Code {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.as_str().to_owned()
    }
}

impl TryFrom<String> for Code {
    type Error = &'static str;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Code::new(&s).ok_or("a code is 1 to 4 printable ASCII characters")
    }
}

/// Generates an enumeration of codes with `from_code`, `parse`, `code`, `description`,
/// `is_known` and the list of known values.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident, numeric = $numeric:literal, unknown = $unknown:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal => $desc:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A code this library does not know, kept as read.
            Other(Code),
        }

        impl $name {
            /// Every value with a meaning known to this library.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )* ];

            /// Decode a code. Unknown codes become `Other`. For the numeric enumerations
            /// (document type, special status, special organisation) a leading zero is
            /// ignored (`"01"` = `"1"`).
            pub fn from_code(code: Code) -> Self {
                let number = if $numeric { code.number() } else { None };
                $(
                    let known = Code::lit($code);
                    if code == known || (number.is_some() && number == known.number()) {
                        return $name::$variant;
                    }
                )*
                $name::Other(code)
            }

            /// Decode the bytes of a field; `None` when they do not form a [`Code`]
            /// (empty, longer than 4 bytes or not printable ASCII).
            pub fn parse(bytes: &[u8]) -> Option<Self> {
                Code::from_bytes(bytes).map(Self::from_code)
            }

            /// The code, as written on the card (canonical form for known values).
            pub const fn code(&self) -> Code {
                match self {
                    $( $name::$variant => Code::lit($code), )*
                    $name::Other(c) => *c,
                }
            }

            /// A short English description.
            pub const fn description(&self) -> &'static str {
                match self {
                    $( $name::$variant => $desc, )*
                    $name::Other(_) => $unknown,
                }
            }

            /// True unless this is an `Other` code.
            pub const fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl From<Code> for $name {
            fn from(code: Code) -> Self {
                Self::from_code(code)
            }
        }
    };
}

code_enum! {
    /// Document type, identity tag 0x0F (spec §6.1).
    ///
    /// The code is one or two ASCII digits; "in the field, both 1 and 01 are present", so a
    /// leading zero is ignored when decoding (`"01"` and `"1"` are both
    /// [`DocumentType::BelgianCitizen`]). [`DocumentType::code`] returns the canonical form
    /// (`"1"`); the exact bytes stay available through
    /// [`Identity::raw_field`](crate::Identity::raw_field).
    DocumentType, numeric = true, unknown = "unknown document type" {
        /// 1: Belgian citizen eID card.
        BelgianCitizen = "1" => "Belgian citizen eID card",
        /// 2: European Community citizen card (2004 only).
        EuropeanCommunityCitizen = "2" => "European Community citizen card",
        /// 3: non-European Community citizen card (2004 only).
        NonEuropeanCommunityCitizen = "3" => "non-European Community citizen card",
        /// 6: Kids ID (Belgian child under 12).
        KidsCard = "6" => "Kids-ID card (child under 12)",
        /// 7: bootstrap card.
        BootstrapCard = "7" => "bootstrap card",
        /// 8: habilitation ("machtigings") card.
        HabilitationCard = "8" => "habilitation card",
        /// 11: A card (foreigner, temporary residence).
        ForeignerA = "11" => "A card (foreigner, temporary residence)",
        /// 12: B card.
        ForeignerB = "12" => "B card (foreigner)",
        /// 13: C card.
        ForeignerC = "13" => "C card (foreigner)",
        /// 14: D card (long-term EU resident).
        ForeignerD = "14" => "D card (long-term EU resident)",
        /// 15: E card (registration certificate).
        ForeignerE = "15" => "E card (registration certificate)",
        /// 16: E+ card (permanent residence).
        ForeignerEPlus = "16" => "E+ card (permanent residence)",
        /// 17: F card.
        ForeignerF = "17" => "F card (foreigner)",
        /// 18: F+ card.
        ForeignerFPlus = "18" => "F+ card (foreigner)",
        /// 19: H card (EU Blue Card).
        ForeignerH = "19" => "H card (EU Blue Card)",
        /// 20: I card (intra-corporate transferee).
        ForeignerI = "20" => "I card (intra-corporate transferee)",
        /// 21: J card (mobile intra-corporate transferee).
        ForeignerJ = "21" => "J card (mobile intra-corporate transferee)",
        /// 22: M card (Brexit, Art. 50 TEU).
        ForeignerM = "22" => "M card (Brexit, Art. 50 TEU)",
        /// 23: N card (Brexit, frontier worker).
        ForeignerN = "23" => "N card (Brexit, frontier worker)",
        /// 27: K card (establishment).
        ForeignerK = "27" => "K card (establishment)",
        /// 28: L card (EU long-term resident).
        ForeignerL = "28" => "L card (EU long-term resident)",
        /// 31: EU card.
        ForeignerEu = "31" => "EU card",
        /// 32: EU+ card.
        ForeignerEuPlus = "32" => "EU+ card",
        /// 33: A card, new layout (Reg. (EC) 1030/2002).
        ForeignerANew = "33" => "A card, new layout",
        /// 34: B card, new layout.
        ForeignerBNew = "34" => "B card, new layout",
        /// 35: F card, new layout.
        ForeignerFNew = "35" => "F card, new layout",
        /// 36: F+ card, new layout.
        ForeignerFPlusNew = "36" => "F+ card, new layout",
        /// 61: kids foreigner card EU.
        KidsForeignerEu = "61" => "kids foreigner card EU",
        /// 62: kids foreigner card EU+.
        KidsForeignerEuPlus = "62" => "kids foreigner card EU+",
        /// 63: kids foreigner card A.
        KidsForeignerA = "63" => "kids foreigner card A",
        /// 64: kids foreigner card B.
        KidsForeignerB = "64" => "kids foreigner card B",
        /// 65: kids foreigner card K.
        KidsForeignerK = "65" => "kids foreigner card K",
        /// 66: kids foreigner card L.
        KidsForeignerL = "66" => "kids foreigner card L",
        /// 67: kids foreigner card F.
        KidsForeignerF = "67" => "kids foreigner card F",
        /// 68: kids foreigner card F+.
        KidsForeignerFPlus = "68" => "kids foreigner card F+",
        /// 69: kids foreigner card M.
        KidsForeignerM = "69" => "kids foreigner card M",
    }
}

impl DocumentType {
    /// The numeric value of the code (1 for [`DocumentType::BelgianCitizen`]), when numeric.
    pub fn number(&self) -> Option<u8> {
        self.code().number()
    }

    /// True for the foreigner (residence) cards, codes 11 to 69.
    pub fn is_foreigner_card(&self) -> bool {
        self.is_known() && self.number().is_some_and(|n| n >= 11)
    }

    /// True for the Kids cards (code 6 and the kids foreigner cards 61 to 69).
    pub fn is_kids_card(&self) -> bool {
        self.is_known() && self.number().is_some_and(|n| n == 6 || n >= 61)
    }
}

code_enum! {
    /// Special status, identity tag 0x10 (spec §6.2). Absent means [`SpecialStatus::NoStatus`].
    /// Values 1–5 are no longer used on new cards (IDA5 note a).
    SpecialStatus, numeric = true, unknown = "unknown special status" {
        /// 0: no special status.
        NoStatus = "0" => "no special status",
        /// 1: white cane (blind).
        WhiteCane = "1" => "white cane (blind)",
        /// 2: extended minority.
        ExtendedMinority = "2" => "extended minority",
        /// 3: white cane and extended minority.
        WhiteCaneAndExtendedMinority = "3" => "white cane and extended minority",
        /// 4: yellow cane (partially sighted).
        YellowCane = "4" => "yellow cane (partially sighted)",
        /// 5: yellow cane and extended minority.
        YellowCaneAndExtendedMinority = "5" => "yellow cane and extended minority",
    }
}

#[allow(clippy::derivable_impls)] // the enum is generated by `code_enum!`
impl Default for SpecialStatus {
    fn default() -> Self {
        SpecialStatus::NoStatus
    }
}

impl SpecialStatus {
    /// White cane (codes 1 and 3).
    pub const fn white_cane(&self) -> bool {
        matches!(
            self,
            SpecialStatus::WhiteCane | SpecialStatus::WhiteCaneAndExtendedMinority
        )
    }

    /// Yellow cane (codes 4 and 5).
    pub const fn yellow_cane(&self) -> bool {
        matches!(
            self,
            SpecialStatus::YellowCane | SpecialStatus::YellowCaneAndExtendedMinority
        )
    }

    /// Extended minority (codes 2, 3 and 5).
    pub const fn extended_minority(&self) -> bool {
        matches!(
            self,
            SpecialStatus::ExtendedMinority
                | SpecialStatus::WhiteCaneAndExtendedMinority
                | SpecialStatus::YellowCaneAndExtendedMinority
        )
    }
}

code_enum! {
    /// Sex, identity tag 0x0D (spec §6.3). The letter follows the card language (`F` French,
    /// `V` Dutch "vrouw", `W` German "weiblich"); the variant keeps which letter was used.
    Sex, numeric = false, unknown = "unknown" {
        /// `M`: male.
        Male = "M" => "male",
        /// `F`: female (French cards).
        FemaleF = "F" => "female",
        /// `V`: female (Dutch cards).
        FemaleV = "V" => "female",
        /// `W`: female (German cards).
        FemaleW = "W" => "female",
    }
}

impl Sex {
    /// `M`.
    pub const fn is_male(&self) -> bool {
        matches!(self, Sex::Male)
    }

    /// `F`, `V` or `W`.
    pub const fn is_female(&self) -> bool {
        matches!(self, Sex::FemaleF | Sex::FemaleV | Sex::FemaleW)
    }
}

code_enum! {
    /// Special organisation, identity tag 0x13 (spec §6.4). Empty means none; no value 3 is
    /// defined.
    SpecialOrganisation, numeric = true, unknown = "unknown special organisation" {
        /// 1: SHAPE.
        Shape = "1" => "SHAPE",
        /// 2: NATO.
        Nato = "2" => "NATO",
        /// 4: former EU Blue Card holder.
        FormerEuBlueCardHolder = "4" => "former EU Blue Card holder",
        /// 5: researcher.
        Researcher = "5" => "researcher",
    }
}

code_enum! {
    /// Work-permit mention, identity tag 0x16 (spec §4.2, §6.7).
    WorkPermit, numeric = false, unknown = "unknown work-permit mention" {
        /// `7`: unlimited access to the labour market.
        UnlimitedLabourMarket = "7" => "unlimited access to the labour market",
        /// `8`: limited access to the labour market.
        LimitedLabourMarket = "8" => "limited access to the labour market",
        /// `9`: no access to the labour market.
        NoLabourMarket = "9" => "no access to the labour market",
        /// `A`: seasonal worker (Directive 2011/98/EU).
        SeasonalWorker = "A" => "seasonal worker",
    }
}

code_enum! {
    /// Brexit mentions, identity tags 0x1B (`B`) and 0x1C (`C`) (spec §4.2, §6.7).
    BrexitMention, numeric = false, unknown = "unknown Brexit mention" {
        /// `B`: Article 18(1) of the Withdrawal Agreement.
        Article18Agreement = "B" => "Article 18(1) Withdrawal Agreement",
        /// `C`: permanent stay ("séjour permanent").
        PermanentStay = "C" => "permanent stay",
    }
}

code_enum! {
    /// A-card mentions, identity tags 0x1D (`A`, `D`–`J`) and 0x1E (`K`) (spec §4.2, §6.7;
    /// Directive (EU) 2016/801).
    CardAMention, numeric = false, unknown = "unknown A-card mention" {
        /// `A`: seasonal worker.
        SeasonalWorker = "A" => "seasonal worker",
        /// `D`: student.
        Student = "D" => "student",
        /// `E`: school pupil.
        SchoolPupil = "E" => "school pupil",
        /// `F`: trainee / intern.
        Trainee = "F" => "trainee",
        /// `G`: volunteer.
        Volunteer = "G" => "volunteer",
        /// `H`: au pair.
        AuPair = "H" => "au pair",
        /// `I`: researcher (mobility).
        Researcher = "I" => "researcher (mobility)",
        /// `J`: job search.
        JobSearch = "J" => "job search",
        /// `K`: mobility programme.
        MobilityProgramme = "K" => "mobility programme",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Code {
        Code::new(s).unwrap()
    }

    #[test]
    fn code_basics() {
        assert_eq!(c("01").as_str(), "01");
        assert_eq!(c("01").number(), Some(1));
        assert_eq!(c("35").number(), Some(35));
        assert_eq!(c("A").number(), None);
        assert_eq!(c("123").number(), None);
        assert!(Code::new("").is_none());
        assert!(Code::new("12345").is_none());
        assert!(Code::new("1 ").is_none());
        assert!(Code::from_bytes(&[0xC3, 0x84]).is_none());
        assert_eq!(format!("{:?}", c("V")), "Code(\"V\")");
        assert_eq!(c("ABCD").to_string(), "ABCD");
    }

    #[test]
    fn every_document_type() {
        let table: &[(&str, DocumentType)] = &[
            ("1", DocumentType::BelgianCitizen),
            ("2", DocumentType::EuropeanCommunityCitizen),
            ("3", DocumentType::NonEuropeanCommunityCitizen),
            ("6", DocumentType::KidsCard),
            ("7", DocumentType::BootstrapCard),
            ("8", DocumentType::HabilitationCard),
            ("11", DocumentType::ForeignerA),
            ("12", DocumentType::ForeignerB),
            ("13", DocumentType::ForeignerC),
            ("14", DocumentType::ForeignerD),
            ("15", DocumentType::ForeignerE),
            ("16", DocumentType::ForeignerEPlus),
            ("17", DocumentType::ForeignerF),
            ("18", DocumentType::ForeignerFPlus),
            ("19", DocumentType::ForeignerH),
            ("20", DocumentType::ForeignerI),
            ("21", DocumentType::ForeignerJ),
            ("22", DocumentType::ForeignerM),
            ("23", DocumentType::ForeignerN),
            ("27", DocumentType::ForeignerK),
            ("28", DocumentType::ForeignerL),
            ("31", DocumentType::ForeignerEu),
            ("32", DocumentType::ForeignerEuPlus),
            ("33", DocumentType::ForeignerANew),
            ("34", DocumentType::ForeignerBNew),
            ("35", DocumentType::ForeignerFNew),
            ("36", DocumentType::ForeignerFPlusNew),
            ("61", DocumentType::KidsForeignerEu),
            ("62", DocumentType::KidsForeignerEuPlus),
            ("63", DocumentType::KidsForeignerA),
            ("64", DocumentType::KidsForeignerB),
            ("65", DocumentType::KidsForeignerK),
            ("66", DocumentType::KidsForeignerL),
            ("67", DocumentType::KidsForeignerF),
            ("68", DocumentType::KidsForeignerFPlus),
            ("69", DocumentType::KidsForeignerM),
        ];
        assert_eq!(table.len(), DocumentType::KNOWN.len());
        for (code, dt) in table {
            assert_eq!(DocumentType::parse(code.as_bytes()), Some(*dt), "{code}");
            assert_eq!(dt.code().as_str(), *code);
            assert!(dt.is_known());
            assert!(!dt.description().is_empty());
            if code.len() == 1 {
                let padded = format!("0{code}");
                assert_eq!(DocumentType::parse(padded.as_bytes()), Some(*dt));
            }
        }
        assert_eq!(
            DocumentType::parse(b"01"),
            Some(DocumentType::BelgianCitizen)
        );
        for unknown in [
            "4", "5", "9", "10", "24", "37", "60", "70", "99", "X", "001",
        ] {
            let dt = DocumentType::parse(unknown.as_bytes()).unwrap();
            assert_eq!(dt, DocumentType::Other(c(unknown)), "{unknown}");
            assert_eq!(dt.code().as_str(), unknown);
            assert!(!dt.is_known());
        }
        assert!(DocumentType::parse(b"").is_none());
        assert!(DocumentType::ForeignerEu.is_foreigner_card());
        assert!(!DocumentType::BelgianCitizen.is_foreigner_card());
        assert!(DocumentType::KidsCard.is_kids_card());
        assert!(DocumentType::KidsForeignerM.is_kids_card());
        assert!(!DocumentType::ForeignerA.is_kids_card());
    }

    #[test]
    fn special_status() {
        assert_eq!(SpecialStatus::default(), SpecialStatus::NoStatus);
        assert_eq!(SpecialStatus::parse(b"0"), Some(SpecialStatus::NoStatus));
        assert_eq!(SpecialStatus::parse(b"00"), Some(SpecialStatus::NoStatus));
        assert_eq!(
            SpecialStatus::parse(b"3"),
            Some(SpecialStatus::WhiteCaneAndExtendedMinority)
        );
        let s = SpecialStatus::parse(b"5").unwrap();
        assert!(s.yellow_cane() && s.extended_minority() && !s.white_cane());
        let s = SpecialStatus::parse(b"1").unwrap();
        assert!(s.white_cane() && !s.extended_minority());
        assert_eq!(
            SpecialStatus::parse(b"6"),
            Some(SpecialStatus::Other(c("6")))
        );
        for s in SpecialStatus::KNOWN {
            assert_eq!(SpecialStatus::from_code(s.code()), *s);
        }
    }

    #[test]
    fn sex_keeps_the_letter() {
        assert_eq!(Sex::parse(b"M"), Some(Sex::Male));
        for (l, s) in [
            ("F", Sex::FemaleF),
            ("V", Sex::FemaleV),
            ("W", Sex::FemaleW),
        ] {
            let got = Sex::parse(l.as_bytes()).unwrap();
            assert_eq!(got, s);
            assert!(got.is_female() && !got.is_male());
            assert_eq!(got.code().as_str(), l);
            assert_eq!(got.description(), "female");
        }
        assert_eq!(Sex::parse(b"X"), Some(Sex::Other(c("X"))));
        assert_eq!(Sex::parse(b"m"), Some(Sex::Other(c("m"))));
    }

    #[test]
    fn organisation_and_mentions() {
        assert_eq!(
            SpecialOrganisation::parse(b"1"),
            Some(SpecialOrganisation::Shape)
        );
        assert_eq!(
            SpecialOrganisation::parse(b"2"),
            Some(SpecialOrganisation::Nato)
        );
        assert_eq!(
            SpecialOrganisation::parse(b"4"),
            Some(SpecialOrganisation::FormerEuBlueCardHolder)
        );
        assert_eq!(
            SpecialOrganisation::parse(b"5"),
            Some(SpecialOrganisation::Researcher)
        );
        assert_eq!(
            SpecialOrganisation::parse(b"3"),
            Some(SpecialOrganisation::Other(c("3")))
        );
        assert_eq!(
            WorkPermit::parse(b"7"),
            Some(WorkPermit::UnlimitedLabourMarket)
        );
        assert_eq!(
            WorkPermit::parse(b"8"),
            Some(WorkPermit::LimitedLabourMarket)
        );
        assert_eq!(WorkPermit::parse(b"9"), Some(WorkPermit::NoLabourMarket));
        assert_eq!(WorkPermit::parse(b"A"), Some(WorkPermit::SeasonalWorker));
        assert_eq!(WorkPermit::parse(b"B"), Some(WorkPermit::Other(c("B"))));
        assert_eq!(
            BrexitMention::parse(b"B"),
            Some(BrexitMention::Article18Agreement)
        );
        assert_eq!(
            BrexitMention::parse(b"C"),
            Some(BrexitMention::PermanentStay)
        );
        let letters = "ADEFGHIJK";
        for (l, m) in letters.chars().zip(CardAMention::KNOWN) {
            assert_eq!(CardAMention::parse(l.to_string().as_bytes()), Some(*m));
            assert_eq!(m.code().as_str(), l.to_string());
        }
        assert_eq!(CardAMention::parse(b"B"), Some(CardAMention::Other(c("B"))));
        assert_eq!(CardAMention::KNOWN.len(), letters.len());
    }
}
