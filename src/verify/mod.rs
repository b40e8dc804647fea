//! Verification: prove that what was read is genuine — the RRN's signatures over identity and
//! address, the photo hash, the certificate chains up to a root pinned by fingerprint, the
//! consistency of the card's numbers, and on applet 1.8 the chip itself (spec §7, §8.11, §12.2).
//!
//! Two levels:
//! - **low-level checks on raw file bytes**, for servers and tools that hold files rather than
//!   a card: [`identity_signature`], [`address_signature`], [`photo`]; the inputs are exactly
//!   what the card returns (padding included);
//! - **the report**: [`CardContents::verify`] runs every check that can run on files and gives
//!   a [`VerificationReport`]; [`verify_live`] adds the chip challenge with the card. A
//!   [`Policy`] says which checks are required.
//!
//! Choices where the spec leaves one open (each keeps every real card working):
//! - the digest of an RSA signature is the one its `DigestInfo` names, never one assumed from
//!   the applet version (re-signed 1.7 cards: SHA-1 photo hash under a SHA-256 signature,
//!   §7.2); an EC RRN key on P-384 always means SHA-384 (§7.2, as eid-mw);
//! - an EC signature file is read as DER followed by zero padding, or as raw `r‖s` when it is
//!   exactly twice the coordinate length; a file that is both is tried both ways (§7.2);
//! - the address signature input is the address file without its trailing `00` bytes followed
//!   by the complete identity signature file as read, padding included (§7.3);
//! - a certificate without a keyUsage extension is not restricted (RFC 5280); the RRN
//!   certificate needs digitalSignature or nonRepudiation when it has one (§7.1);
//! - the validity instant is always the caller's: nothing reads the system clock.
//!
//! Crypto is aws-lc-rs (plus `crypto-bigint` for the raw RSA public operation aws-lc-rs lacks,
//! see [`crypto`](self) notes). The module sits above the card layer and below the CLI.

mod chain;
mod crypto;
mod files;
mod report;
pub mod revocation;
mod trust;

pub(crate) use chain::check_validity;
pub use report::{CheckResult, NotApplicable, Outcome, Policy, ReportRoot, VerificationReport};
pub use trust::{BELGIAN_ROOTS, Fingerprint, PinnedRoot, TrustStore, TrustedRoot, fingerprint};

use crate::card::{BeidCard, CardContents};
use crate::error::{
    CertRole, Check, Error, MismatchSource, Result, VerificationError, VerificationFailure,
};
use crate::files::Certificate;
use crate::transport::Transport;
use crate::vocab::{FileId, HashAlgorithm};

fn fail(check: Check) -> impl Fn(VerificationFailure) -> Error {
    move |f| VerificationError::new(check, f).into()
}

/// Verify EF(SGN#ID) over EF(ID#RN) with the RRN certificate's key (spec §7.2).
///
/// RSA PKCS#1 v1.5 with the digest the signature's `DigestInfo` names (SHA-1, SHA-256, …; keys
/// of 512 to 8192 bits), or ECDSA (P-384 with SHA-384; DER with zero padding, or raw `r‖s`).
/// `rrn_certificate_der` may carry the card file's zero padding. A failure is an
/// [`Error::Verification`] naming [`Check::IdentitySignature`] and the reason.
pub fn identity_signature(
    identity_file: &[u8],
    identity_signature_file: &[u8],
    rrn_certificate_der: &[u8],
) -> Result<()> {
    files::identity_signature(identity_file, identity_signature_file, rrn_certificate_der)
        .map(|_| ())
        .map_err(fail(Check::IdentitySignature))
}

/// Verify EF(SGN#Address) (spec §7.3): the signed data is `address_file` with its trailing
/// zero bytes removed, followed by `identity_signature_file` exactly as stored (EC padding
/// included). Algorithms as [`identity_signature`].
pub fn address_signature(
    address_file: &[u8],
    address_signature_file: &[u8],
    identity_signature_file: &[u8],
    rrn_certificate_der: &[u8],
) -> Result<()> {
    files::address_signature(
        address_file,
        address_signature_file,
        identity_signature_file,
        rrn_certificate_der,
    )
    .map(|_| ())
    .map_err(fail(Check::AddressSignature))
}

/// Verify the photo against identity tag 0x11 (spec §7.4): the hash function is chosen by the
/// stored hash's length (20 → SHA-1, 32 → SHA-256, 48 → SHA-384); constant-time comparison.
pub fn photo(identity_file: &[u8], photo: &[u8]) -> Result<()> {
    files::photo(identity_file, photo)
        .map(|_| ())
        .map_err(fail(Check::PhotoHash))
}

/// Verify EF(PuK#1) against identity tag 0x1A: SHA-384 over the whole file (spec §7.5).
pub fn basic_key_hash(identity_file: &[u8], basic_public_key_file: &[u8]) -> Result<()> {
    files::basic_key(identity_file, basic_public_key_file).map_err(fail(Check::BasicKeyHash))
}

fn result(
    check: Check,
    r: core::result::Result<Option<HashAlgorithm>, VerificationFailure>,
) -> CheckResult {
    match r {
        Ok(hash) => CheckResult {
            check,
            outcome: Outcome::Passed,
            hash,
        },
        Err(f) => CheckResult {
            check,
            outcome: Outcome::Failed(f),
            hash: None,
        },
    }
}

fn not_applicable(check: Check, why: NotApplicable) -> CheckResult {
    CheckResult {
        check,
        outcome: Outcome::NotApplicable(why),
        hash: None,
    }
}

/// The raw bytes of a file of the contents (empty when not read).
fn raw(contents: &CardContents, file: FileId) -> &[u8] {
    contents.raw().file(file).unwrap_or(&[])
}

fn national_number_check(contents: &CardContents) -> CheckResult {
    let holders = [
        (
            contents.authentication_certificate(),
            MismatchSource::AuthenticationCertificate,
        ),
        (
            contents.non_repudiation_certificate(),
            MismatchSource::NonRepudiationCertificate,
        ),
    ];
    if holders.iter().all(|(c, _)| c.is_none()) {
        return not_applicable(Check::NationalNumber, NotApplicable::NoCertificate);
    }
    let number = match contents.identity().national_number() {
        Ok(n) => n,
        Err(e) => {
            return result(
                Check::NationalNumber,
                Err(VerificationFailure::Malformed(e)),
            );
        }
    };
    for (cert, source) in holders {
        if let Some(cert) = cert
            && cert.holder_national_number() != Some(number)
        {
            return result(
                Check::NationalNumber,
                Err(VerificationFailure::Mismatch { with: source }),
            );
        }
    }
    result(Check::NationalNumber, Ok(None))
}

fn chip_number_check(contents: &CardContents) -> CheckResult {
    let chip = contents.identity().chip_number();
    if chip.is_empty() {
        return result(
            Check::ChipNumber,
            Err(VerificationFailure::MissingField { tag: 0x02 }),
        );
    }
    if chip != contents.card_data().serial().as_slice() {
        return result(
            Check::ChipNumber,
            Err(VerificationFailure::Mismatch {
                with: MismatchSource::CardData,
            }),
        );
    }
    match contents.token_info().serial() {
        Ok(serial) if serial.as_slice() == chip => result(Check::ChipNumber, Ok(None)),
        Ok(_) => result(
            Check::ChipNumber,
            Err(VerificationFailure::Mismatch {
                with: MismatchSource::TokenInfo,
            }),
        ),
        Err(e) => result(Check::ChipNumber, Err(VerificationFailure::Malformed(e))),
    }
}

fn chain_check(
    check: Check,
    role: CertRole,
    leaf: Option<&Certificate>,
    contents: &CardContents,
    trust: &TrustStore,
    at: u64,
    root: &mut Option<ReportRoot>,
) -> CheckResult {
    let Some(leaf) = leaf else {
        let file = role.file();
        return if role == CertRole::Rrn || !Certificate::is_absent(raw(contents, file)) {
            // The RRN certificate is on every card; a holder file that is not empty but did
            // not parse is a failure, not an absence.
            result(check, Err(VerificationFailure::MissingFile(file)))
        } else {
            not_applicable(check, NotApplicable::NoCertificate)
        };
    };
    let ca = match role {
        CertRole::Rrn => None,
        _ => match contents.ca_certificate() {
            Some(ca) => Some(ca),
            None => {
                return result(
                    check,
                    Err(VerificationFailure::MissingFile(FileId::CaCertificate)),
                );
            }
        },
    };
    match chain::verify_chain(trust, leaf, role, ca, contents.root_certificate(), at) {
        Ok(r) => {
            root.get_or_insert(ReportRoot {
                label: r.label,
                fingerprint: report::hex(&r.fingerprint),
            });
            result(check, Ok(None))
        }
        Err(f) => result(check, Err(f)),
    }
}

impl CardContents {
    /// Every check that can run on the files: identity and address signatures, photo hash,
    /// basic key hash (1.8), the RRN, authentication and non-repudiation chains to a root of
    /// `trust`, with validity at `at` (Unix seconds, the caller's clock — never the system's),
    /// and the national and chip number consistency. The chip challenge is
    /// [`NotApplicable::NeedsCard`] here: use [`verify_live`]. Revocation is
    /// [`NotApplicable::NotRequested`].
    ///
    /// The contents may come from a card, from files, or deserialized from another machine:
    /// every check runs on the raw bytes each time.
    pub fn verify(&self, trust: &TrustStore, at: u64) -> VerificationReport {
        let identity = raw(self, FileId::Identity);
        let identity_sig = raw(self, FileId::IdentitySignature);
        let rrn = raw(self, FileId::RrnCertificate);
        let generation = self.generation();
        let mut root = None;
        let mut results = Vec::with_capacity(Check::ALL.len());
        results.push(result(
            Check::IdentitySignature,
            files::identity_signature(identity, identity_sig, rrn).map(Some),
        ));
        results.push(result(
            Check::AddressSignature,
            files::address_signature(
                raw(self, FileId::Address),
                raw(self, FileId::AddressSignature),
                identity_sig,
                rrn,
            )
            .map(Some),
        ));
        results.push(result(
            Check::PhotoHash,
            files::photo(identity, raw(self, FileId::Photo)).map(Some),
        ));
        if generation.is_ec() {
            results.push(result(
                Check::BasicKeyHash,
                files::basic_key(identity, raw(self, FileId::BasicPublicKey))
                    .map(|()| Some(HashAlgorithm::Sha384)),
            ));
            results.push(not_applicable(
                Check::ChipChallenge,
                NotApplicable::NeedsCard,
            ));
        } else {
            results.push(not_applicable(
                Check::BasicKeyHash,
                NotApplicable::Generation(generation),
            ));
            results.push(not_applicable(
                Check::ChipChallenge,
                NotApplicable::Generation(generation),
            ));
        }
        results.push(chain_check(
            Check::RrnChain,
            CertRole::Rrn,
            self.rrn_certificate(),
            self,
            trust,
            at,
            &mut root,
        ));
        results.push(chain_check(
            Check::AuthenticationChain,
            CertRole::Authentication,
            self.authentication_certificate(),
            self,
            trust,
            at,
            &mut root,
        ));
        results.push(chain_check(
            Check::NonRepudiationChain,
            CertRole::NonRepudiation,
            self.non_repudiation_certificate(),
            self,
            trust,
            at,
            &mut root,
        ));
        results.push(national_number_check(self));
        results.push(chip_number_check(self));
        results.push(not_applicable(
            Check::Revocation,
            NotApplicable::NotRequested,
        ));
        VerificationReport { at, results, root }
    }
}

/// The chip challenge of spec §7.5: a fresh random 48-byte challenge, INTERNAL AUTHENTICATE
/// with the basic key, and the answer verified (ECDSA P-384, the challenge used as the
/// SHA-384 value) under the key of EF(PuK#1), whose SHA-384 must equal identity tag 0x1A.
fn chip_challenge<T: Transport>(
    card: &mut BeidCard<T>,
    contents: &CardContents,
) -> Result<core::result::Result<(), VerificationFailure>> {
    let identity = raw(contents, FileId::Identity);
    let basic = raw(contents, FileId::BasicPublicKey);
    if let Err(f) = files::basic_key(identity, basic) {
        return Ok(Err(f));
    }
    let Some(key) = contents.basic_public_key() else {
        return Ok(Err(VerificationFailure::MissingFile(
            FileId::BasicPublicKey,
        )));
    };
    let Some(point) = key.uncompressed_point() else {
        return Ok(Err(VerificationFailure::UnsupportedKey));
    };
    let mut challenge = [0u8; 48];
    if aws_lc_rs::rand::fill(&mut challenge).is_err() {
        // No randomness: no challenge worth sending.
        return Ok(Err(VerificationFailure::NotPerformed));
    }
    let answer = {
        let mut session = card.session()?;
        match session.internal_authenticate(&challenge) {
            Ok(a) => a,
            Err(Error::Card(_)) => return Ok(Err(VerificationFailure::ChallengeRefused)),
            Err(e) => return Err(e),
        }
    };
    let rs = match answer.len() {
        96 => answer,
        // RM18's footnote allows a DER answer; take r and s from it.
        _ => match der_to_rs(&answer) {
            Some(rs) => rs,
            None => return Ok(Err(VerificationFailure::MalformedSignature)),
        },
    };
    Ok(crypto::verify_p384_prehashed(point, &challenge, &rs))
}

/// `SEQUENCE { INTEGER r, INTEGER s }` → 48-byte `r‖s`.
fn der_to_rs(der: &[u8]) -> Option<Vec<u8>> {
    #[derive(der::Sequence)]
    struct Sig<'a> {
        r: der::asn1::UintRef<'a>,
        s: der::asn1::UintRef<'a>,
    }
    use der::Decode;
    let sig = Sig::from_der(der).ok()?;
    let mut out = vec![0u8; 96];
    for (i, v) in [sig.r.as_bytes(), sig.s.as_bytes()].into_iter().enumerate() {
        if v.len() > 48 {
            return None;
        }
        let end = (i + 1) * 48;
        out.get_mut(end - v.len()..end)?.copy_from_slice(v);
    }
    Some(out)
}

/// Verify a holder certificate (`role`: [`CertRole::Authentication`] or
/// [`CertRole::NonRepudiation`]) through its CA (EF Cert#4) to a root of `trust` at instant `at`
/// (Unix seconds; spec §12.2): issuer names and signatures, validity of every certificate,
/// basic constraints and key usages as real cards have them. `card_root` is the card's EF
/// Cert#6 (trusted only when its fingerprint is in `trust`). The same check as
/// [`Check::AuthenticationChain`] / [`Check::NonRepudiationChain`] of the report, for callers
/// that hold only certificates (a TLS login checking its certificate before the handshake).
pub fn holder_chain(
    trust: &TrustStore,
    holder: &Certificate,
    role: CertRole,
    ca: &Certificate,
    card_root: Option<&Certificate>,
    at: u64,
) -> Result<()> {
    let check = match role {
        CertRole::NonRepudiation => Check::NonRepudiationChain,
        _ => Check::AuthenticationChain,
    };
    chain::verify_chain(trust, holder, role, Some(ca), card_root, at)
        .map(|_| ())
        .map_err(fail(check))
}

/// [`CardContents::verify`] plus the live chip challenge on applet 1.8 (spec §7.5): a fresh
/// random challenge from aws-lc-rs's system RNG, INTERNAL AUTHENTICATE with key `81` inside
/// one card session. `contents` must have been read from this `card`. Transport errors (card
/// removed) are errors; a card refusing the challenge is a failed check.
pub fn verify_live<T: Transport>(
    card: &mut BeidCard<T>,
    contents: &CardContents,
    trust: &TrustStore,
    at: u64,
) -> Result<VerificationReport> {
    let mut report = contents.verify(trust, at);
    if contents.generation().is_ec() {
        let outcome = chip_challenge(card, contents)?;
        if let Some(r) = report
            .results
            .iter_mut()
            .find(|r| r.check == Check::ChipChallenge)
        {
            *r = result(Check::ChipChallenge, outcome.map(|()| None));
        }
    }
    Ok(report)
}
