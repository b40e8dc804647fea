//! The verification report: every check with pass / fail / not applicable and why, and the
//! policy that says which checks are required.

use crate::error::{Check, Error, VerificationError, VerificationFailure};
use crate::vocab::{Generation, HashAlgorithm};

use super::trust::Fingerprint;

/// Why a check was not applicable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum NotApplicable {
    /// The card's generation has no such thing (basic key and chip challenge before 1.8).
    Generation(Generation),
    /// The card has no such certificate (Kids cards, spec §11.7).
    NoCertificate,
    /// The check needs the card itself (the chip challenge: use the live verification).
    NeedsCard,
    /// The check was not asked for (revocation without revocation data).
    NotRequested,
}

impl NotApplicable {
    /// True when the card itself has nothing to check (as opposed to a check that was not
    /// performed).
    pub const fn is_inherent(self) -> bool {
        matches!(
            self,
            NotApplicable::Generation(_) | NotApplicable::NoCertificate
        )
    }
}

impl core::fmt::Display for NotApplicable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            NotApplicable::Generation(g) => write!(f, "not on {g} cards"),
            NotApplicable::NoCertificate => f.write_str("the card has no such certificate"),
            NotApplicable::NeedsCard => f.write_str("needs the card (live verification)"),
            NotApplicable::NotRequested => f.write_str("not requested"),
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The check passed.
    Passed,
    /// The check failed, for this reason.
    Failed(VerificationFailure),
    /// The check does not apply, for this reason.
    NotApplicable(NotApplicable),
}

impl Outcome {
    /// True for [`Outcome::Passed`].
    pub const fn is_passed(&self) -> bool {
        matches!(self, Outcome::Passed)
    }

    /// True for [`Outcome::Failed`].
    pub const fn is_failed(&self) -> bool {
        matches!(self, Outcome::Failed(_))
    }

    /// A stable name: `pass`, `fail` or `not_applicable`.
    pub const fn status(&self) -> &'static str {
        match self {
            Outcome::Passed => "pass",
            Outcome::Failed(_) => "fail",
            Outcome::NotApplicable(_) => "not_applicable",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckResult {
    /// The check.
    pub check: Check,
    /// Its outcome.
    pub outcome: Outcome,
    /// The hash algorithm the check used, when it hashed something.
    pub hash: Option<HashAlgorithm>,
}

impl CheckResult {
    /// The outcome as text: `pass`, the failure reason, or why it does not apply.
    pub fn reason(&self) -> String {
        match self.outcome {
            Outcome::Passed => match self.hash {
                Some(h) => format!("ok ({h:?})"),
                None => "ok".to_owned(),
            },
            Outcome::Failed(f) => f.to_string(),
            Outcome::NotApplicable(n) => n.to_string(),
        }
    }
}

/// Which checks a verification requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    required: Vec<Check>,
}

impl Policy {
    /// Every check of the card: signatures, photo, basic key and chip challenge (which needs
    /// the live verification), the three chains and both consistency checks. Revocation is
    /// added with [`Policy::with`] when the caller supplies revocation data (it needs the
    /// network, which this library never reaches by itself).
    pub fn strict() -> Policy {
        Policy {
            required: Check::ALL
                .into_iter()
                .filter(|c| *c != Check::Revocation)
                .collect(),
        }
    }

    /// [`Policy::strict`] without the chip challenge: for servers that hold the files of a
    /// card, not the card.
    pub fn offline() -> Policy {
        Policy::strict().without(Check::ChipChallenge)
    }

    /// Only the integrity of the data: identity and address signatures and the photo hash
    /// (spec §7.2–§7.4; the RRN certificate's chain is not required).
    pub fn signatures_only() -> Policy {
        Policy::custom([
            Check::IdentitySignature,
            Check::AddressSignature,
            Check::PhotoHash,
        ])
    }

    /// Exactly these checks.
    pub fn custom(checks: impl IntoIterator<Item = Check>) -> Policy {
        let mut required: Vec<Check> = checks.into_iter().collect();
        required.sort();
        required.dedup();
        Policy { required }
    }

    /// This policy plus `check`.
    #[must_use]
    pub fn with(mut self, check: Check) -> Policy {
        if !self.required.contains(&check) {
            self.required.push(check);
            self.required.sort();
        }
        self
    }

    /// This policy without `check`.
    #[must_use]
    pub fn without(mut self, check: Check) -> Policy {
        self.required.retain(|c| *c != check);
        self
    }

    /// True when the policy requires `check`.
    pub fn requires(&self, check: Check) -> bool {
        self.required.contains(&check)
    }

    /// The required checks.
    pub fn required(&self) -> &[Check] {
        &self.required
    }
}

/// The root a report's chains ended at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReportRoot {
    /// Name of the trusted root (pinned name or certificate common name).
    pub label: String,
    /// SHA-256 of the root certificate, lowercase hex.
    pub fingerprint: String,
}

/// Every check of a verification with its outcome (spec §7, §12.2).
///
/// A report is made by [`CardContents::verify`](crate::card::CardContents::verify) or
/// [`verify_live`](crate::verify::verify_live) at a caller-given instant; it is never restored
/// from serialized data (a deserialized card is never "already verified").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationReport {
    pub(crate) at: u64,
    pub(crate) results: Vec<CheckResult>,
    pub(crate) root: Option<ReportRoot>,
}

impl VerificationReport {
    /// The instant of verification (Unix seconds) used for certificate validity.
    pub fn at(&self) -> u64 {
        self.at
    }

    /// Every check, in [`Check::ALL`] order.
    pub fn results(&self) -> &[CheckResult] {
        &self.results
    }

    /// The result of one check.
    pub fn get(&self, check: Check) -> Option<&CheckResult> {
        self.results.iter().find(|r| r.check == check)
    }

    /// The outcome of one check (`NotApplicable(NotRequested)` when absent).
    pub fn outcome(&self, check: Check) -> Outcome {
        self.get(check)
            .map(|r| r.outcome)
            .unwrap_or(Outcome::NotApplicable(NotApplicable::NotRequested))
    }

    /// Replace the result of one check (revocation is recorded this way).
    pub(crate) fn set(&mut self, result: CheckResult) {
        match self.results.iter_mut().find(|r| r.check == result.check) {
            Some(r) => *r = result,
            None => self.results.push(result),
        }
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = VerificationError> + '_ {
        self.results.iter().filter_map(|r| match r.outcome {
            Outcome::Failed(f) => Some(VerificationError::new(r.check, f)),
            _ => None,
        })
    }

    /// The trusted root the chains ended at, when one did.
    pub fn root(&self) -> Option<&ReportRoot> {
        self.root.as_ref()
    }

    /// The required checks that did not pass: failed, or not performed (a check that does not
    /// apply to the card, [`NotApplicable::is_inherent`], is satisfied).
    pub fn unsatisfied<'a>(&'a self, policy: &'a Policy) -> impl Iterator<Item = Check> + 'a {
        policy
            .required()
            .iter()
            .copied()
            .filter(move |c| match self.outcome(*c) {
                Outcome::Passed => false,
                Outcome::NotApplicable(n) => !n.is_inherent(),
                Outcome::Failed(_) => true,
            })
    }

    /// True when every check the policy requires passed (or does not apply to the card).
    pub fn satisfies(&self, policy: &Policy) -> bool {
        self.unsatisfied(policy).next().is_none()
    }

    /// `Ok` when the policy is satisfied, else the first unsatisfied required check as an
    /// [`Error::Verification`]: its failure, or [`VerificationFailure::NotPerformed`] for a
    /// required check that was not performed.
    pub fn into_result(self, policy: &Policy) -> Result<(), Error> {
        let first = self.unsatisfied(policy).next();
        match first {
            None => Ok(()),
            Some(check) => Err(VerificationError::new(
                check,
                match self.outcome(check) {
                    Outcome::Failed(f) => f,
                    _ => VerificationFailure::NotPerformed,
                },
            )
            .into()),
        }
    }
}

pub(crate) fn hex(fp: &Fingerprint) -> String {
    fp.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(feature = "serde")]
mod serde_impl {
    use super::*;
    use serde::ser::{SerializeMap, SerializeStruct};

    impl serde::Serialize for CheckResult {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(None)?;
            m.serialize_entry("check", self.check.name())?;
            m.serialize_entry("status", self.outcome.status())?;
            m.serialize_entry("reason", &self.reason())?;
            if let Some(h) = self.hash {
                m.serialize_entry("hash", &format!("{h:?}"))?;
            }
            m.end()
        }
    }

    impl serde::Serialize for VerificationReport {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("VerificationReport", 4)?;
            st.serialize_field("at", &self.at)?;
            st.serialize_field(
                "passed",
                &self.results.iter().all(|r| !r.outcome.is_failed()),
            )?;
            st.serialize_field("root", &self.root)?;
            st.serialize_field("checks", &self.results)?;
            st.end()
        }
    }
}
