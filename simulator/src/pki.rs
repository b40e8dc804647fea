//! The simulator's TEST public-key infrastructure: X.509 certificates shaped like the real
//! Belgian ones (spec §7.1, §12.1, §12.2), issued by a self-signed root whose name says it is a
//! test root.
//!
//! Hierarchy per key family (RSA for applet 1.7, EC P-384 for applet 1.8):
//!
//! ```text
//! beid-simulator TEST Root CA (RSA|EC)        EF(Cert#6)   self-signed, CA
//! ├── TEST Citizen CA   (serialNumber=202602)  EF(Cert#4)   CA, pathLen 0
//! │   ├── <Given> <Surname> (Authentication)   EF(Cert#2)   digitalSignature
//! │   └── <Given> <Surname> (Signature)        EF(Cert#3)   nonRepudiation + QCStatements
//! ├── TEST Foreigner CA (serialNumber=202601)  EF(Cert#4) on residence-permit cards
//! └── TEST RRN                                 EF(Cert#8)   digitalSignature + nonRepudiation
//! ```
//!
//! Signatures: `sha256WithRSAEncryption` (RSA family) or `ecdsa-with-SHA384` (EC family), as on
//! real 1.7 and 1.8 cards. URLs point to `*.test.invalid` hosts (RFC 2606: never resolvable).
//!
//! **Every key of this PKI is a public test key** ([`crate::keys::test_key`]): never trust the
//! root outside tests.

use std::sync::{Arc, OnceLock};

use const_oid::AssociatedOid;
use const_oid::ObjectIdentifier;
use const_oid::db::rfc4519::CN;
use const_oid::db::rfc4519::{COUNTRY_NAME, GIVEN_NAME, ORGANIZATION_NAME, SERIAL_NUMBER, SN};
use const_oid::db::rfc5280::{ID_AD_CA_ISSUERS, ID_AD_OCSP, ID_QT_CPS};
use const_oid::db::rfc5912::{ECDSA_WITH_SHA_384, SHA_256_WITH_RSA_ENCRYPTION};
use der::asn1::{Any, BitString, GeneralizedTime, Ia5String, OctetString, UtcTime};
use der::{Decode, Encode, Tag};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::certpolicy::{PolicyInformation, PolicyQualifierInfo};
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
    CertificatePolicies, CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use crate::error::{InputProblem, SimulatorError};
use crate::keys::{HashAlg, KeyFamily, KeyType, SigningKey, TestKeyRole, test_key};

type Result<T, E = SimulatorError> = core::result::Result<T, E>;

/// QCStatements extension (RFC 3739).
const ID_PE_QC_STATEMENTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.3");
/// ETSI EN 319 412-5 QcCompliance.
pub const QC_COMPLIANCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.1");
/// ETSI EN 319 412-5 QcSSCD (key in a qualified signature creation device).
pub const QC_SSCD: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.4");
/// Root policy (CA4-style arc, spec §12.2).
const POLICY_ROOT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.56.12.1.1");
/// Citizen / foreigner CA policy.
const POLICY_CA: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.56.12.1.1.2");
/// Holder non-repudiation ("Signature") certificate policy.
pub const POLICY_SIGNATURE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.56.12.1.1.2.1");
/// Holder authentication certificate policy.
pub const POLICY_AUTHENTICATION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.56.12.1.1.2.2");
/// RRN certificate policy (as on the test card of spec §7.1).
pub const POLICY_RRN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.56.12.1.1.4");

const CPS_URL: &str = "http://repository.test.invalid/eid";
const OCSP_URL: &str = "http://ocsp.test.invalid/eid";

/// Subject organisation of the CA certificates.
pub const TEST_ORGANISATION: &str = "beid simulator (TEST ONLY)";

/// A UTC date and time of a certificate validity bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CertTime {
    /// Year (1970–9999).
    pub year: u16,
    /// Month (1–12).
    pub month: u8,
    /// Day (1–31).
    pub day: u8,
    /// Hour (0–23).
    pub hour: u8,
    /// Minute (0–59).
    pub minute: u8,
    /// Second (0–59).
    pub second: u8,
}

impl CertTime {
    /// Midnight UTC of a date.
    pub const fn ymd(year: u16, month: u8, day: u8) -> CertTime {
        CertTime {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
        }
    }

    /// The last second of a date (23:59:59 UTC), used for `notAfter`.
    pub const fn end_of_day(year: u16, month: u8, day: u8) -> CertTime {
        CertTime {
            year,
            month,
            day,
            hour: 23,
            minute: 59,
            second: 59,
        }
    }

    /// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 on.
    fn to_x509(self) -> Result<Time> {
        let dt = der::DateTime::new(
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
        )?;
        if self.year < 2050 {
            Ok(Time::UtcTime(UtcTime::from_date_time(dt)?))
        } else {
            Ok(Time::GeneralTime(GeneralizedTime::from_date_time(dt)))
        }
    }
}

/// Validity period of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertValidity {
    /// `notBefore`.
    pub not_before: CertTime,
    /// `notAfter`.
    pub not_after: CertTime,
}

impl CertValidity {
    /// From the start of `from` to the end of `until`.
    pub const fn days(from: (u16, u8, u8), until: (u16, u8, u8)) -> CertValidity {
        CertValidity {
            not_before: CertTime::ymd(from.0, from.1, from.2),
            not_after: CertTime::end_of_day(until.0, until.1, until.2),
        }
    }
}

/// Which holder certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolderRole {
    /// EF(Cert#2), key `82`: keyUsage digitalSignature, policy `2.16.56.12.1.1.2.2`.
    Authentication,
    /// EF(Cert#3), key `83`: keyUsage nonRepudiation, QCStatements, policy
    /// `2.16.56.12.1.1.2.1`.
    NonRepudiation,
}

impl HolderRole {
    /// The suffix of the common name (as on real cards).
    pub const fn cn_suffix(self) -> &'static str {
        match self {
            HolderRole::Authentication => "(Authentication)",
            HolderRole::NonRepudiation => "(Signature)",
        }
    }
}

/// The intermediate CA that issues a card's holder certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssuingCa {
    /// "TEST Citizen CA" (Belgian eID and Kids cards).
    Citizen,
    /// "TEST Foreigner CA" (residence-permit cards, document types 11–36, 61–69).
    Foreigner,
}

/// Data of a holder certificate (spec §12.1: subject `C=BE, CN=<given> <surname> (…),
/// SN=<surname>, GN=<given names>, serialNumber=<national number>`).
#[derive(Clone, Copy)]
pub struct HolderCertRequest<'a> {
    /// Which certificate.
    pub role: HolderRole,
    /// Which CA issues it.
    pub ca: IssuingCa,
    /// Surname (identity tag 07).
    pub surname: &'a str,
    /// Given names (identity tag 08).
    pub given_names: &'a str,
    /// The 11-digit national number (identity tag 06).
    pub national_number: &'a str,
    /// DER `SubjectPublicKeyInfo` of the holder key.
    pub public_key_spki: &'a [u8],
    /// Validity period.
    pub validity: CertValidity,
    /// Certificate serial number (positive, at most 20 bytes).
    pub serial: &'a [u8],
}

impl core::fmt::Debug for HolderCertRequest<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HolderCertRequest")
            .field("role", &self.role)
            .field("ca", &self.ca)
            .field("validity", &self.validity)
            .finish_non_exhaustive()
    }
}

/// One certification authority of the test PKI: key, certificate DER and name.
pub(crate) struct Authority {
    pub(crate) key: Arc<SigningKey>,
    pub(crate) cert: Arc<Vec<u8>>,
    pub(crate) name: Name,
    pub(crate) ski: Vec<u8>,
    /// File stem of its CRL / certificate URLs.
    stem: String,
}

/// The TEST PKI of one key family: root, citizen and foreigner CAs, RRN certificate.
///
/// The standard instance per family is built once per process ([`TestPki::standard`]);
/// certificates are shared (`Arc`) with every card.
pub struct TestPki {
    family: KeyFamily,
    root: Authority,
    citizen: Authority,
    foreigner: Authority,
    rrn_key: Arc<SigningKey>,
    rrn_cert: Arc<Vec<u8>>,
}

impl core::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TestPki")
            .field("family", &self.family)
            .field("root", &self.root.name.to_string())
            .finish_non_exhaustive()
    }
}

/// Validity of the test roots (25 years, like Belgium Root CA6's 20).
pub const ROOT_VALIDITY: CertValidity = CertValidity::days((2020, 6, 3), (2045, 6, 3));
/// Validity of the intermediate CAs and of the RRN certificate.
pub const CA_VALIDITY: CertValidity = CertValidity::days((2025, 6, 1), (2040, 6, 1));

impl TestPki {
    /// The standard test PKI of a key family, built once per process.
    pub fn standard(family: KeyFamily) -> Result<&'static TestPki> {
        static RSA: OnceLock<Option<TestPki>> = OnceLock::new();
        static EC: OnceLock<Option<TestPki>> = OnceLock::new();
        Self::cached(family, false, &RSA, &EC)
    }

    /// A PKI with the same names as [`TestPki::standard`] but a different root key (and
    /// therefore different certificates): a card built on it "chains to a foreign root". The
    /// intermediate and RRN keys are the standard ones.
    pub fn foreign(family: KeyFamily) -> Result<&'static TestPki> {
        static RSA: OnceLock<Option<TestPki>> = OnceLock::new();
        static EC: OnceLock<Option<TestPki>> = OnceLock::new();
        Self::cached(family, true, &RSA, &EC)
    }

    fn cached(
        family: KeyFamily,
        foreign: bool,
        rsa: &'static OnceLock<Option<TestPki>>,
        ec: &'static OnceLock<Option<TestPki>>,
    ) -> Result<&'static TestPki> {
        let cell = match family {
            KeyFamily::Rsa => rsa,
            KeyFamily::Ec => ec,
        };
        match cell.get_or_init(|| TestPki::build(family, foreign).ok()) {
            Some(pki) => Ok(pki),
            // Cannot happen with the shipped keys; rebuild to report the typed error.
            None => TestPki::build(family, foreign).and(Err(SimulatorError::KeyRejected {
                reason: "test PKI could not be built",
            })),
        }
    }

    /// Build a PKI from the fixed test keys (a few signatures; use [`TestPki::standard`]).
    pub fn build(family: KeyFamily, foreign_root: bool) -> Result<TestPki> {
        let root_key = test_key(
            family,
            if foreign_root {
                TestKeyRole::ForeignRoot
            } else {
                TestKeyRole::Root
            },
        )?;
        let fam = match family {
            KeyFamily::Rsa => "RSA",
            KeyFamily::Ec => "EC",
        };
        let suffix = fam.to_ascii_lowercase();
        let root_name = make_name(&[
            (COUNTRY_NAME, "BE"),
            (ORGANIZATION_NAME, TEST_ORGANISATION),
            (CN, &format!("beid-simulator TEST Root CA ({fam})")),
        ])?;
        let root_ski = key_identifier(root_key.spki())?;
        let root_stem = format!("root-{suffix}");
        let root_cert = sign_certificate(CertParams {
            issuer_key: &root_key,
            issuer_name: &root_name,
            issuer_ski: &root_ski,
            subject: &root_name,
            spki: root_key.spki(),
            serial: &serial_from(&[b"root", fam.as_bytes()]),
            validity: ROOT_VALIDITY,
            extensions: vec![
                ext(
                    &BasicConstraints {
                        ca: true,
                        path_len_constraint: None,
                    },
                    true,
                )?,
                ext(&KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign), true)?,
                ext(&policies(POLICY_ROOT)?, false)?,
            ],
            self_signed: true,
        })?;
        let root = Authority {
            key: root_key,
            cert: Arc::new(root_cert),
            name: root_name,
            ski: root_ski,
            stem: root_stem,
        };
        let citizen = intermediate(&root, family, TestKeyRole::CitizenCa, "Citizen", "202602")?;
        let foreigner = intermediate(
            &root,
            family,
            TestKeyRole::ForeignerCa,
            "Foreigner",
            "202601",
        )?;

        let rrn_key = test_key(family, TestKeyRole::Rrn)?;
        let rrn_name = make_name(&[
            (COUNTRY_NAME, "BE"),
            (ORGANIZATION_NAME, "TEST RRN"),
            (CN, "TEST RRN"),
        ])?;
        let rrn_cert = sign_certificate(CertParams {
            issuer_key: &root.key,
            issuer_name: &root.name,
            issuer_ski: &root.ski,
            subject: &rrn_name,
            spki: rrn_key.spki(),
            serial: &serial_from(&[b"rrn", fam.as_bytes()]),
            validity: CA_VALIDITY,
            extensions: vec![
                ext(
                    &KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
                    true,
                )?,
                ext(&policies(POLICY_RRN)?, false)?,
                ext(&crl_dp(&root.stem)?, false)?,
                ext(&aia(&root.stem)?, false)?,
            ],
            self_signed: false,
        })?;
        Ok(TestPki {
            family,
            root,
            citizen,
            foreigner,
            rrn_key,
            rrn_cert: Arc::new(rrn_cert),
        })
    }

    /// The key family.
    pub fn family(&self) -> KeyFamily {
        self.family
    }

    /// DER of the root certificate (EF(Cert#6)).
    pub fn root_certificate_der(&self) -> &[u8] {
        &self.root.cert
    }

    /// The root certificate in PEM (`-----BEGIN CERTIFICATE-----`), e.g. for a trust store
    /// of a test (`beid-sim --export-root`).
    pub fn root_certificate_pem(&self) -> Result<String> {
        to_pem(&self.root.cert)
    }

    /// DER of an intermediate CA certificate (EF(Cert#4)).
    pub fn ca_certificate_der(&self, ca: IssuingCa) -> &[u8] {
        &self.authority(ca).cert
    }

    /// DER of the RRN certificate (EF(Cert#8)).
    pub fn rrn_certificate_der(&self) -> &[u8] {
        &self.rrn_cert
    }

    /// The RRN private key (signs identity and address, spec §7.2, §7.3).
    pub fn rrn_key(&self) -> &Arc<SigningKey> {
        &self.rrn_key
    }

    pub(crate) fn authority(&self, ca: IssuingCa) -> &Authority {
        match ca {
            IssuingCa::Citizen => &self.citizen,
            IssuingCa::Foreigner => &self.foreigner,
        }
    }

    /// Issue a holder certificate (authentication or non-repudiation) for a card.
    pub fn issue_holder_certificate(&self, req: &HolderCertRequest<'_>) -> Result<Vec<u8>> {
        let ca = self.authority(req.ca);
        let first_given = req.given_names.split_whitespace().next().unwrap_or("");
        let cn = if first_given.is_empty() {
            format!("{} {}", req.surname, req.role.cn_suffix())
        } else {
            format!("{first_given} {} {}", req.surname, req.role.cn_suffix())
        };
        let mut attrs: Vec<(ObjectIdentifier, &str)> = vec![(COUNTRY_NAME, "BE"), (CN, &cn)];
        if !req.surname.is_empty() {
            attrs.push((SN, req.surname));
        }
        if !req.given_names.is_empty() {
            attrs.push((GIVEN_NAME, req.given_names));
        }
        attrs.push((SERIAL_NUMBER, req.national_number));
        let subject = make_name(&attrs)?;
        let (usage, policy) = match req.role {
            HolderRole::Authentication => (
                KeyUsage(KeyUsages::DigitalSignature.into()),
                POLICY_AUTHENTICATION,
            ),
            HolderRole::NonRepudiation => {
                (KeyUsage(KeyUsages::NonRepudiation.into()), POLICY_SIGNATURE)
            }
        };
        let mut extensions = vec![
            ext(&usage, true)?,
            ext(&policies(policy)?, false)?,
            ext(&crl_dp(&ca.stem)?, false)?,
            ext(&aia(&ca.stem)?, false)?,
        ];
        if req.role == HolderRole::NonRepudiation {
            extensions.push(qc_statements()?);
        }
        sign_certificate(CertParams {
            issuer_key: &ca.key,
            issuer_name: &ca.name,
            issuer_ski: &ca.ski,
            subject: &subject,
            spki: req.public_key_spki,
            serial: req.serial,
            validity: req.validity,
            extensions,
            self_signed: false,
        })
    }
}

/// The PEM of both standard test roots (RSA family first, then EC), for a test trust store
/// (`beid-sim --export-root`).
pub fn test_roots_pem() -> Result<String> {
    let mut out = TestPki::standard(KeyFamily::Rsa)?.root_certificate_pem()?;
    out.push_str(&TestPki::standard(KeyFamily::Ec)?.root_certificate_pem()?);
    Ok(out)
}

fn intermediate(
    root: &Authority,
    family: KeyFamily,
    role: TestKeyRole,
    label: &str,
    serial_rdn: &str,
) -> Result<Authority> {
    let key = test_key(family, role)?;
    let suffix = match family {
        KeyFamily::Rsa => "rsa",
        KeyFamily::Ec => "ec",
    };
    let name = make_name(&[
        (COUNTRY_NAME, "BE"),
        (ORGANIZATION_NAME, TEST_ORGANISATION),
        (SERIAL_NUMBER, serial_rdn),
        (CN, &format!("TEST {label} CA")),
    ])?;
    let ski = key_identifier(key.spki())?;
    let cert = sign_certificate(CertParams {
        issuer_key: &root.key,
        issuer_name: &root.name,
        issuer_ski: &root.ski,
        subject: &name,
        spki: key.spki(),
        serial: &serial_from(&[label.as_bytes(), suffix.as_bytes()]),
        validity: CA_VALIDITY,
        extensions: vec![
            ext(
                &BasicConstraints {
                    ca: true,
                    path_len_constraint: Some(0),
                },
                true,
            )?,
            ext(&KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign), true)?,
            ext(&policies(POLICY_CA)?, false)?,
            ext(&crl_dp(&root.stem)?, false)?,
            ext(&aia(&root.stem)?, false)?,
        ]
        .into_iter()
        .chain(intermediate_eku(family)?)
        .collect(),
        self_signed: false,
    })?;
    Ok(Authority {
        key,
        cert: Arc::new(cert),
        name,
        ski,
        stem: format!("{}{serial_rdn}-{suffix}", label.to_ascii_lowercase()),
    })
}

/// id-kp-clientAuth (RFC 5280 §4.2.1.12).
const ID_KP_CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");
/// id-kp-emailProtection (RFC 5280 §4.2.1.12).
const ID_KP_EMAIL_PROTECTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");

/// The extended key usage of an intermediate: the CA6 Citizen and Foreigner CAs carry
/// clientAuth + emailProtection (spec §12.2, openssl on the published samples), which TLS
/// verifiers check down the chain (an EKU without clientAuth on the CA would fail a login).
/// The spec gives no EKU for the RSA hierarchy's CAs, so they have none.
fn intermediate_eku(family: KeyFamily) -> Result<Option<Extension>> {
    match family {
        KeyFamily::Ec => Ok(Some(ext(
            &ExtendedKeyUsage(vec![ID_KP_CLIENT_AUTH, ID_KP_EMAIL_PROTECTION]),
            false,
        )?)),
        KeyFamily::Rsa => Ok(None),
    }
}

pub(crate) struct CertParams<'a> {
    pub(crate) issuer_key: &'a SigningKey,
    pub(crate) issuer_name: &'a Name,
    pub(crate) issuer_ski: &'a [u8],
    pub(crate) subject: &'a Name,
    pub(crate) spki: &'a [u8],
    pub(crate) serial: &'a [u8],
    pub(crate) validity: CertValidity,
    pub(crate) extensions: Vec<Extension>,
    pub(crate) self_signed: bool,
}

/// `TBSCertificate` (RFC 5280 §4.1), always v3 with extensions.
#[derive(der::Sequence)]
struct Tbs {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    version: u8,
    serial_number: SerialNumber,
    signature: AlgorithmIdentifierOwned,
    issuer: Name,
    validity: Validity,
    subject: Name,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT")]
    extensions: Vec<Extension>,
}

/// `Certificate` (RFC 5280 §4.1).
#[derive(der::Sequence)]
struct Cert {
    tbs_certificate: Tbs,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

pub(crate) fn signature_algorithm(key: &SigningKey) -> Result<AlgorithmIdentifierOwned> {
    Ok(match key.kind() {
        KeyType::Rsa { .. } => AlgorithmIdentifierOwned {
            oid: SHA_256_WITH_RSA_ENCRYPTION,
            parameters: Some(Any::new(Tag::Null, [0u8; 0])?),
        },
        KeyType::EcP384 => AlgorithmIdentifierOwned {
            oid: ECDSA_WITH_SHA_384,
            parameters: None,
        },
    })
}

pub(crate) fn sign_certificate(p: CertParams<'_>) -> Result<Vec<u8>> {
    let spki = SubjectPublicKeyInfoOwned::from_der(p.spki)?;
    let mut extensions = Vec::with_capacity(p.extensions.len() + 2);
    if !p.self_signed {
        extensions.push(ext(
            &AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(p.issuer_ski)?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
            false,
        )?);
    }
    extensions.push(ext(
        &SubjectKeyIdentifier(OctetString::new(key_identifier(p.spki)?)?),
        false,
    )?);
    extensions.extend(p.extensions);
    let alg = signature_algorithm(p.issuer_key)?;
    let tbs = Tbs {
        version: 2,
        serial_number: SerialNumber::new(p.serial)?,
        signature: alg.clone(),
        issuer: p.issuer_name.clone(),
        validity: Validity::new(
            p.validity.not_before.to_x509()?,
            p.validity.not_after.to_x509()?,
        ),
        subject: p.subject.clone(),
        subject_public_key_info: spki,
        extensions,
    };
    let tbs_der = tbs.to_der()?;
    let sig = p.issuer_key.sign_message(&tbs_der)?;
    let cert = Cert {
        tbs_certificate: tbs,
        signature_algorithm: alg,
        signature: BitString::from_bytes(&sig)?,
    };
    let der = cert.to_der()?;
    // Round-trip through the x509-cert parser: what we emit must be a valid certificate.
    x509_cert::Certificate::from_der(&der)?;
    Ok(der)
}

/// A name with one attribute per RDN, in the given (DER) order. `C` and `serialNumber` are
/// PrintableString (RFC 5280 Appendix A); other values PrintableString when possible, else
/// UTF8String.
pub(crate) fn make_name(attrs: &[(ObjectIdentifier, &str)]) -> Result<Name> {
    let mut seq = RdnSequence::default();
    for (oid, value) in attrs {
        let tag = if *oid == COUNTRY_NAME || *oid == SERIAL_NUMBER || is_printable(value) {
            Tag::PrintableString
        } else {
            Tag::Utf8String
        };
        let mut rdn = RelativeDistinguishedName::default();
        rdn.insert(AttributeTypeAndValue {
            oid: *oid,
            value: Any::new(tag, value.as_bytes())?,
        })?;
        seq.push(rdn);
    }
    Ok(Name::from_der(&seq.to_der()?)?)
}

fn is_printable(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b))
}

/// RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value.
pub(crate) fn key_identifier(spki_der: &[u8]) -> Result<Vec<u8>> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)?;
    HashAlg::Sha1
        .hash(spki.subject_public_key.raw_bytes())
        .ok_or(SimulatorError::KeyRejected {
            reason: "SHA-1 unavailable",
        })
}

/// A positive 16-byte serial number derived from labels (deterministic).
pub(crate) fn serial_from(parts: &[&[u8]]) -> Vec<u8> {
    let mut data = Vec::new();
    for p in parts {
        data.extend_from_slice(&(p.len() as u32).to_be_bytes());
        data.extend_from_slice(p);
    }
    let mut serial = HashAlg::Sha256.hash(&data).unwrap_or_default();
    serial.truncate(16);
    if let Some(first) = serial.first_mut() {
        *first = (*first & 0x3F) | 0x10;
    }
    serial
}

pub(crate) fn ext<T: Encode + AssociatedOid>(value: &T, critical: bool) -> Result<Extension> {
    Ok(Extension {
        extn_id: T::OID,
        critical,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

fn uri(url: &str) -> Result<GeneralName> {
    Ok(GeneralName::UniformResourceIdentifier(Ia5String::new(url)?))
}

fn policies(policy: ObjectIdentifier) -> Result<CertificatePolicies> {
    let cps = Ia5String::new(CPS_URL)?;
    Ok(CertificatePolicies(vec![PolicyInformation {
        policy_identifier: policy,
        policy_qualifiers: Some(vec![PolicyQualifierInfo {
            policy_qualifier_id: ID_QT_CPS,
            qualifier: Some(Any::encode_from(&cps)?),
        }]),
    }]))
}

fn crl_dp(stem: &str) -> Result<CrlDistributionPoints> {
    Ok(CrlDistributionPoints(vec![DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![uri(&format!(
            "http://crl.test.invalid/eid/{stem}.crl"
        ))?])),
        reasons: None,
        crl_issuer: None,
    }]))
}

fn aia(issuer_stem: &str) -> Result<AuthorityInfoAccessSyntax> {
    Ok(AuthorityInfoAccessSyntax(vec![
        AccessDescription {
            access_method: ID_AD_OCSP,
            access_location: uri(OCSP_URL)?,
        },
        AccessDescription {
            access_method: ID_AD_CA_ISSUERS,
            access_location: uri(&format!("http://certs.test.invalid/eid/{issuer_stem}.crt"))?,
        },
    ]))
}

/// `QCStatements ::= SEQUENCE OF QCStatement`, `QCStatement ::= SEQUENCE { statementId OID,
/// statementInfo ANY OPTIONAL }` (RFC 3739) with QcCompliance and QcSSCD.
fn qc_statements() -> Result<Extension> {
    #[derive(der::Sequence)]
    struct QcStatement {
        statement_id: ObjectIdentifier,
    }
    let value = vec![
        QcStatement {
            statement_id: QC_COMPLIANCE,
        },
        QcStatement {
            statement_id: QC_SSCD,
        },
    ];
    Ok(Extension {
        extn_id: ID_PE_QC_STATEMENTS,
        critical: false,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

/// PEM-encode a certificate.
pub fn to_pem(der: &[u8]) -> Result<String> {
    Ok(
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der)
            .map_err(der::Error::from)?,
    )
}

/// Validate a builder-supplied validity (not_before ≤ not_after, real dates).
pub(crate) fn check_validity(field: &'static str, v: &CertValidity) -> Result<()> {
    for t in [v.not_before, v.not_after] {
        if der::DateTime::new(t.year, t.month, t.day, t.hour, t.minute, t.second).is_err() {
            return Err(SimulatorError::input(
                field,
                InputProblem::BadDate {
                    year: t.year,
                    month: t.month,
                    day: t.day,
                },
            ));
        }
    }
    if v.not_before > v.not_after {
        return Err(SimulatorError::input(
            field,
            InputProblem::Conflict {
                with: "not_before after not_after",
            },
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_cert::Certificate;

    fn parse(der: &[u8]) -> Certificate {
        Certificate::from_der(der).unwrap()
    }

    #[test]
    fn standard_pki_shapes() {
        for family in [KeyFamily::Rsa, KeyFamily::Ec] {
            let pki = TestPki::standard(family).unwrap();
            let root = parse(pki.root_certificate_der());
            let tbs = root.tbs_certificate();
            assert_eq!(tbs.issuer(), tbs.subject());
            let s = tbs.subject().to_string();
            assert!(s.contains("TEST Root CA"), "{s}");
            assert!(s.contains("TEST ONLY"));
            let (crit, bc) = tbs.get_extension::<BasicConstraints>().unwrap().unwrap();
            assert!(crit && bc.ca);
            let ca = parse(pki.ca_certificate_der(IssuingCa::Citizen));
            assert_eq!(ca.tbs_certificate().issuer(), tbs.subject());
            let cs = ca.tbs_certificate().subject().to_string();
            assert!(
                cs.contains("CN=TEST Citizen CA") && cs.contains("202602"),
                "{cs}"
            );
            let (_, bc) = ca
                .tbs_certificate()
                .get_extension::<BasicConstraints>()
                .unwrap()
                .unwrap();
            assert_eq!(bc.path_len_constraint, Some(0));
            let rrn = parse(pki.rrn_certificate_der());
            assert_eq!(
                rrn.tbs_certificate().subject().to_string(),
                "CN=TEST RRN,O=TEST RRN,C=BE"
            );
            let (_, ku) = rrn
                .tbs_certificate()
                .get_extension::<KeyUsage>()
                .unwrap()
                .unwrap();
            assert!(ku.digital_signature() && ku.non_repudiation());
            let expected_alg = match family {
                KeyFamily::Rsa => SHA_256_WITH_RSA_ENCRYPTION,
                KeyFamily::Ec => ECDSA_WITH_SHA_384,
            };
            assert_eq!(rrn.signature_algorithm().oid, expected_alg);
            // Same standard instance on every call.
            assert!(core::ptr::eq(pki, TestPki::standard(family).unwrap()));
            assert!(
                pki.root_certificate_pem()
                    .unwrap()
                    .starts_with("-----BEGIN CERTIFICATE-----\n")
            );
        }
    }

    #[test]
    fn ec_intermediates_carry_client_auth_as_ca6_does() {
        for (family, expected) in [
            (
                KeyFamily::Ec,
                Some(vec![ID_KP_CLIENT_AUTH, ID_KP_EMAIL_PROTECTION]),
            ),
            (KeyFamily::Rsa, None),
        ] {
            let pki = TestPki::standard(family).unwrap();
            for ca in [IssuingCa::Citizen, IssuingCa::Foreigner] {
                let cert = parse(pki.ca_certificate_der(ca));
                let eku = cert
                    .tbs_certificate()
                    .get_extension::<ExtendedKeyUsage>()
                    .unwrap()
                    .map(|(_, e)| e.0);
                assert_eq!(eku, expected, "{family:?} {ca:?}");
            }
        }
    }

    #[test]
    fn foreign_root_differs_but_has_the_same_name() {
        let a = TestPki::standard(KeyFamily::Ec).unwrap();
        let b = TestPki::foreign(KeyFamily::Ec).unwrap();
        assert_ne!(a.root_certificate_der(), b.root_certificate_der());
        assert_eq!(
            parse(a.root_certificate_der()).tbs_certificate().subject(),
            parse(b.root_certificate_der()).tbs_certificate().subject()
        );
    }

    #[test]
    fn holder_certificate_shape() {
        let pki = TestPki::standard(KeyFamily::Ec).unwrap();
        let key = test_key(KeyFamily::Ec, TestKeyRole::NonRepudiation).unwrap();
        let der = pki
            .issue_holder_certificate(&HolderCertRequest {
                role: HolderRole::NonRepudiation,
                ca: IssuingCa::Citizen,
                surname: "Specimen",
                given_names: "Nora Angèle",
                national_number: "01050399963",
                public_key_spki: key.spki(),
                validity: CertValidity::days((2026, 1, 15), (2036, 1, 15)),
                serial: &[0x11, 0x22],
            })
            .unwrap();
        let cert = parse(&der);
        let tbs = cert.tbs_certificate();
        let subject = tbs.subject().to_string();
        assert!(
            subject.contains("CN=Nora Specimen (Signature)"),
            "{subject}"
        );
        assert!(
            subject.contains("SERIALNUMBER=01050399963")
                || subject.contains("serialNumber=01050399963"),
            "{subject}"
        );
        let (crit, ku) = tbs.get_extension::<KeyUsage>().unwrap().unwrap();
        assert!(crit && ku.non_repudiation() && !ku.digital_signature());
        let exts = tbs.extensions().unwrap();
        let qc = exts
            .iter()
            .find(|e| e.extn_id == ID_PE_QC_STATEMENTS)
            .unwrap();
        let qc_der = qc.extn_value.as_bytes();
        // SEQUENCE { SEQUENCE { 0.4.0.1862.1.1 }, SEQUENCE { 0.4.0.1862.1.4 } }
        assert_eq!(
            qc_der,
            &[
                0x30, 0x14, 0x30, 0x08, 0x06, 0x06, 0x04, 0x00, 0x8E, 0x46, 0x01, 0x01, 0x30, 0x08,
                0x06, 0x06, 0x04, 0x00, 0x8E, 0x46, 0x01, 0x04
            ]
        );
        let (_, pol) = tbs.get_extension::<CertificatePolicies>().unwrap().unwrap();
        assert_eq!(pol.0[0].policy_identifier, POLICY_SIGNATURE);
        assert!(
            tbs.get_extension::<CrlDistributionPoints>()
                .unwrap()
                .is_some()
        );
        assert!(
            tbs.get_extension::<AuthorityInfoAccessSyntax>()
                .unwrap()
                .is_some()
        );
        let (_, aki) = tbs
            .get_extension::<AuthorityKeyIdentifier>()
            .unwrap()
            .unwrap();
        let ca = parse(pki.ca_certificate_der(IssuingCa::Citizen));
        let (_, ski) = ca
            .tbs_certificate()
            .get_extension::<SubjectKeyIdentifier>()
            .unwrap()
            .unwrap();
        assert_eq!(aki.key_identifier.unwrap(), ski.0);
    }

    #[test]
    fn times_switch_to_generalized_in_2050() {
        assert!(matches!(
            CertTime::ymd(2049, 12, 31).to_x509().unwrap(),
            Time::UtcTime(_)
        ));
        assert!(matches!(
            CertTime::ymd(2050, 1, 1).to_x509().unwrap(),
            Time::GeneralTime(_)
        ));
    }

    #[test]
    fn validity_checks() {
        let ok = CertValidity::days((2020, 1, 1), (2021, 1, 1));
        assert!(check_validity("v", &ok).is_ok());
        let bad = CertValidity::days((2022, 1, 1), (2021, 1, 1));
        assert!(check_validity("v", &bad).is_err());
        let bad = CertValidity::days((2022, 2, 30), (2023, 1, 1));
        assert!(check_validity("v", &bad).is_err());
    }
}
