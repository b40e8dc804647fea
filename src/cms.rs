//! Documents out: a detached CMS / PKCS#7 `SignedData` (RFC 5652) whose signature the card makes
//! (cargo feature `cms`).
//!
//! The signed attributes are the ones document-signing verifiers expect: content type
//! (`id-data`), message digest, signing time and `signingCertificateV2` (RFC 5035, the ESS
//! attribute naming the signing certificate by its SHA-256 hash). The card signs the DER of
//! those attributes (spec §8.8: the host hashes, the card signs the digest): SHA-256 with
//! RSA PKCS#1 v1.5 on applet 1.7, SHA-384 with ECDSA P-384 on 1.8 (DER `ECDSA-Sig-Value` in
//! the `SignerInfo`). The signer certificate and the chain the caller gives (the CA certificate
//! read from the card) go into `certificates`, so `openssl cms -verify -binary -inform DER
//! -in sig.p7s -content doc -CAfile root.pem` accepts the result.
//!
//! The structures are RustCrypto `cms` 0.3 types, encoded with `der`; its `builder` feature is
//! not used (it would bring the `rsa` crate and software keys: the key is on the card).

use aws_lc_rs::digest;
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use const_oid::ObjectIdentifier;
use der::asn1::{Any, GeneralizedTime, OctetString, SetOfVec, UtcTime};
use der::{Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

use crate::apdu::pin_pad::PinPadOptions;
use crate::card::{Session, SignInput};
use crate::error::{Error, ParseError, ParseErrorKind, Parsed, Result};
use crate::files::Certificate;
use crate::pin::Pin;
use crate::transport::Transport;
use crate::vocab::HashAlgorithm;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

/// Which card key signs the document.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum CmsKey<'p> {
    /// The non-repudiation key (`83`, a qualified signature): VERIFY with this PIN immediately
    /// before the signature (spec §8.9).
    NonRepudiation(&'p Pin),
    /// The non-repudiation key with the PIN entered on the reader's keypad (spec §13.5),
    /// verified immediately before the signature.
    NonRepudiationPinPad(PinPadOptions),
    /// The authentication key (`82`), with a PIN verified earlier in the card session.
    Authentication,
}

/// ESSCertIDv2 (RFC 5035) with the default hash algorithm SHA-256 (so `hashAlgorithm` is
/// omitted) and without `issuerSerial`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 } (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn der_err(e: der::Error) -> Error {
    let offset = e
        .position()
        .and_then(|p| usize::try_from(p).ok())
        .unwrap_or(0);
    ParseError::new(Parsed::Certificate, offset, ParseErrorKind::Der(e.kind())).into()
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(der_err)?;
    Ok(Attribute { oid, values })
}

fn algorithm(oid: ObjectIdentifier, null_params: bool) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: null_params.then(|| Any::from(der::asn1::Null)),
    }
}

/// Sign `content` with the card and return the DER `ContentInfo` of a detached `SignedData`.
///
/// `signer` is the certificate of the chosen key (EF(Cert#3) for non-repudiation, EF(Cert#2)
/// for authentication); `chain` the certificates to include after it (normally the CA
/// certificate, EF(Cert#4)). `signing_time_unix` is the signing time in seconds since the Unix
/// epoch (the caller's clock: the library never reads it implicitly).
pub fn sign_detached<T: Transport>(
    session: &mut Session<'_, T>,
    key: CmsKey<'_>,
    content: &[u8],
    signer: &Certificate,
    chain: &[&Certificate],
    signing_time_unix: u64,
) -> Result<Vec<u8>> {
    let ec = session.generation().is_ec();
    let (hash, digest_alg, digest_oid, sig_oid) = if ec {
        (
            HashAlgorithm::Sha384,
            &digest::SHA384,
            SHA384,
            ECDSA_WITH_SHA384,
        )
    } else {
        (
            HashAlgorithm::Sha256,
            &digest::SHA256,
            SHA256,
            SHA256_WITH_RSA,
        )
    };
    let content_digest = digest::digest(digest_alg, content);

    // Signed attributes (RFC 5652 §5.3, RFC 5035).
    let time = core::time::Duration::from_secs(signing_time_unix);
    let time_any = if signing_time_unix < 2_524_608_000 {
        Any::encode_from(&UtcTime::from_unix_duration(time).map_err(der_err)?)
    } else {
        Any::encode_from(&GeneralizedTime::from_unix_duration(time).map_err(der_err)?)
    }
    .map_err(der_err)?;
    let cert_hash = digest::digest(&digest::SHA256, signer.der());
    let signing_cert = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(cert_hash.as_ref()).map_err(der_err)?,
        }],
    };
    let mut signed_attrs = SetOfVec::new();
    for a in [
        attribute(CONTENT_TYPE, Any::encode_from(&ID_DATA).map_err(der_err)?)?,
        attribute(
            MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(content_digest.as_ref()).map_err(der_err)?)
                .map_err(der_err)?,
        )?,
        attribute(SIGNING_TIME, time_any)?,
        attribute(
            SIGNING_CERTIFICATE_V2,
            Any::encode_from(&signing_cert).map_err(der_err)?,
        )?,
    ] {
        signed_attrs.insert(a).map_err(der_err)?;
    }
    // The signature covers the DER of the attributes as a SET OF (tag 31), RFC 5652 §5.4.
    let attrs_der = signed_attrs.to_der().map_err(der_err)?;
    let attrs_digest = digest::digest(digest_alg, &attrs_der);
    let input = SignInput::Digest {
        hash,
        digest: attrs_digest.as_ref(),
    };
    let signature = match key {
        CmsKey::NonRepudiation(pin) => session.non_repudiation(pin).sign(input, None)?,
        CmsKey::NonRepudiationPinPad(options) => {
            session.non_repudiation_pin_pad(options).sign(input, None)?
        }
        CmsKey::Authentication => session.sign_authentication(input, None)?,
    };

    let cert = signer.inner();
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate().issuer().clone(),
        serial_number: cert.tbs_certificate().serial_number().clone(),
    });
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid,
        digest_alg: algorithm(digest_oid, false),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: algorithm(sig_oid, !ec),
        signature: OctetString::new(signature.to_standard()).map_err(der_err)?,
        unsigned_attrs: None,
    };
    let mut certificates = SetOfVec::new();
    for c in core::iter::once(signer).chain(chain.iter().copied()) {
        certificates
            .insert(CertificateChoices::Certificate(c.inner().clone()))
            .map_err(der_err)?;
    }
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms
        .insert(algorithm(digest_oid, false))
        .map_err(der_err)?;
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(certificates)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info]).map_err(der_err)?),
    };
    let info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data).map_err(der_err)?,
    };
    info.to_der().map_err(der_err)
}
