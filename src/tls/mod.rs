//! Log in with the card: TLS client authentication with rustls 0.23 (aws-lc-rs provider),
//! the client certificate and its signature coming from the card's authentication key
//! (spec §8.7–§8.9, §12.2).
//!
//! [`CardClientAuth`] is a `rustls::client::ResolvesClientCert`: when a server asks for a
//! client certificate it presents the card's authentication certificate with the CA and root
//! the card holds (EF Cert#2, #4, #6; read once, then cached), and signs the handshake with the
//! authentication key (`82`): the host hashes the TLS message, asks the [`PinSource`] for the
//! PIN once, and sends VERIFY, MSE:SET (when the algorithm changed) and PSO:CDS inside one card
//! session. Schemes: applet 1.8 `ecdsa_secp384r1_sha384`; applet 1.7 `rsa_pss_rsae_sha256`
//! (the card's PSS, algorithm `20`) for TLS 1.3 and `rsa_pkcs1_sha256` (`08`, or `01` with a
//! DigestInfo for SHA-384/512) for TLS 1.2 — only what the card can really make
//! ([`offered_schemes`]).
//!
//! Every reason a login fails is a [`LoginFailure`] with a [`hint`](LoginFailure::hint): a card
//! not activated, a certificate expired, not yet valid, revoked or under an unknown root (when
//! the caller asks for those checks with [`LoginOptions`]), a wrong or blocked PIN, a cancelled
//! or timed-out PIN entry, no reader, no card, a card removed during the handshake. When the
//! card fails during a handshake the handshake fails too: the signer's error reaches the
//! caller inside the rustls error (find it with [`LoginFailure::from_error`]); when the
//! certificates cannot be read or fail a check, no certificate is presented, the server refuses
//! the handshake, and [`CardClientAuth::explain`] gives the reason.
//!
//! Choices where the issue left one:
//! - the PIN is asked at the moment of signing, after the server has asked for the
//!   certificate, and before the card session begins (no transaction is held while the holder
//!   types); it is never kept after the VERIFY, and never re-sent after a wrong PIN: a wrong
//!   PIN fails the login, and the next login's [`PinRequest`] carries the tries left;
//! - the PIN is verified for every login (the authentication key is "PIN once" per card
//!   session, spec §8.9, but a login is the holder's consent, so it is asked again);
//! - the certificate checks run only when the caller asks ([`LoginOptions::check_at`]): the
//!   library never reads the clock, and the server checks the chain anyway.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use beid::tls::{CardClientAuth, FixedPin, LoginOptions};
//! let card = beid::BeidCard::open(beid_simulator::Profile::Applet18Citizen.card()?)?;
//! let pin = FixedPin::new(beid::Pin::new("1234")?);
//! let auth = CardClientAuth::new(card, pin, LoginOptions::new())?;
//! let config = auth.client_config(rustls::RootCertStore::empty())?;
//! let name = rustls::pki_types::ServerName::try_from("localhost")?;
//! let tls = rustls::ClientConnection::new(Arc::new(config), name)?;
//! # let _ = tls; Ok(()) }
//! ```

mod failure;
mod pin_source;
mod scheme;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rustls::SignatureScheme;
use rustls::client::ResolvesClientCert;
use rustls::pki_types::CertificateDer;
use rustls::sign::CertifiedKey;

pub use failure::LoginFailure;
pub use pin_source::{FixedPin, PinRequest, PinSource};
pub use scheme::offered_schemes;

use crate::apdu::pin_pad::PinPadOptions;
use crate::card::{BeidCard, PinOutcome, SignInput};
use crate::error::{ArgumentError, CertRole, Check, Error, PinError, VerificationError};
use crate::files::Certificate;
use crate::transport::Transport;
use crate::verify::TrustStore;
use crate::verify::revocation::{RevocationFetcher, RevocationMethod, check_certificate};
use crate::vocab::FileId;

/// What to check on the client side before the card signs a login.
///
/// Nothing by default: the server validates the chain. With [`check_at`](Self::check_at) the
/// validity of the three certificates at that instant; with [`trust`](Self::trust) the chain
/// to a root of that store; with [`revocation`](Self::revocation) the authentication
/// certificate's revocation status (spec §12.2). A failed check presents no certificate and
/// reports the typed [`LoginFailure`].
#[derive(Default)]
pub struct LoginOptions {
    pin_pad: Option<PinPadOptions>,
    at: Option<u64>,
    trust: Option<TrustStore>,
    revocation: Option<(Mutex<Box<dyn RevocationFetcher + Send>>, RevocationMethod)>,
}

impl core::fmt::Debug for LoginOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LoginOptions")
            .field("pin_pad", &self.pin_pad)
            .field("at", &self.at)
            .field("trust", &self.trust.as_ref().map(|t| t.roots().len()))
            .field("revocation", &self.revocation.as_ref().map(|r| r.1))
            .finish()
    }
}

impl LoginOptions {
    /// No client-side certificate checks.
    pub fn new() -> Self {
        Self::default()
    }

    /// When the reader has a PIN pad, let the holder enter the PIN on it (spec §13.5) and do
    /// not ask the [`PinSource`]; readers without one still use the source.
    pub fn pin_pad(mut self, options: PinPadOptions) -> Self {
        self.pin_pad = Some(options);
        self
    }

    /// Check the certificates' validity at `unix` seconds (the caller's clock, e.g. now).
    pub fn check_at(mut self, unix: u64) -> Self {
        self.at = Some(unix);
        self
    }

    /// Check the chain authentication → CA → root against `trust` (needs
    /// [`check_at`](Self::check_at)).
    pub fn trust(mut self, trust: TrustStore) -> Self {
        self.trust = Some(trust);
        self
    }

    /// Check the authentication certificate's revocation with `fetcher` (needs
    /// [`check_at`](Self::check_at)).
    pub fn revocation(
        mut self,
        fetcher: impl RevocationFetcher + Send + 'static,
        method: RevocationMethod,
    ) -> Self {
        self.revocation = Some((Mutex::new(Box::new(fetcher)), method));
        self
    }
}

/// What the last login cost on the card.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginStats {
    /// APDUs to read the certificates (0 once they are cached).
    pub certificate_apdus: u64,
    /// APDUs to verify the PIN and sign (VERIFY, MSE:SET when needed, PSO:CDS, GET RESPONSE).
    pub signing_apdus: u64,
    /// PIN entries: times the PIN source or the reader's keypad was asked (0 or 1).
    pub pin_requests: u32,
    /// The scheme the card signed with.
    pub scheme: Option<SignatureScheme>,
}

/// The certificates of the card, as presented.
struct Chain {
    key: Arc<CertifiedKey>,
    auth: Certificate,
    ca: Certificate,
    root: Certificate,
}

pub(crate) struct Shared<T: Transport> {
    card: Mutex<BeidCard<T>>,
    pin: Box<dyn PinSource>,
    options: LoginOptions,
    chain: Mutex<Option<Arc<Chain>>>,
    failure: Mutex<Option<LoginFailure>>,
    stats: Mutex<LoginStats>,
    tries_left: Mutex<Option<u8>>,
}

fn lock<V>(m: &Mutex<V>) -> MutexGuard<'_, V> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// TLS client authentication with the card: a `rustls` client-certificate resolver whose
/// signing key is the card's authentication key. Cheap to clone (shared state).
pub struct CardClientAuth<T: Transport> {
    shared: Arc<Shared<T>>,
}

impl<T: Transport> Clone for CardClientAuth<T> {
    fn clone(&self) -> Self {
        CardClientAuth {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T: Transport> core::fmt::Debug for CardClientAuth<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CardClientAuth")
            .field("options", &self.shared.options)
            .field("last_failure", &*lock(&self.shared.failure))
            .finish_non_exhaustive()
    }
}

impl<T: Transport + Send + 'static> CardClientAuth<T> {
    /// Log in with `card`, the PIN from `pin`. Nothing is sent yet: the certificates are read
    /// when a server first asks for them. A trust store or revocation check without
    /// [`LoginOptions::check_at`] is an [`ArgumentError::MissingInstant`].
    pub fn new(
        card: BeidCard<T>,
        pin: impl PinSource + 'static,
        options: LoginOptions,
    ) -> crate::Result<Self> {
        if options.at.is_none() && (options.trust.is_some() || options.revocation.is_some()) {
            return Err(ArgumentError::MissingInstant.into());
        }
        Ok(CardClientAuth {
            shared: Arc::new(Shared {
                card: Mutex::new(card),
                pin: Box::new(pin),
                options,
                chain: Mutex::new(None),
                failure: Mutex::new(None),
                stats: Mutex::new(LoginStats::default()),
                tries_left: Mutex::new(None),
            }),
        })
    }

    /// A `rustls::ClientConfig` (aws-lc-rs provider, TLS 1.3 and 1.2) trusting `roots` for
    /// the server and authenticating with the card.
    pub fn client_config(
        &self,
        roots: rustls::RootCertStore,
    ) -> Result<rustls::ClientConfig, rustls::Error> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_client_cert_resolver(Arc::new(self.clone())))
    }

    /// Read (once) the certificates and check them now, without a server: what the next login
    /// would present, or why it could not.
    pub fn check(&self) -> Result<(), LoginFailure> {
        self.shared.prepare().map(|_| ())
    }

    /// Why the last login failed on the card's side, if it did: recorded when the card could
    /// not present its certificate or sign. Cleared when a server asks for the certificate.
    pub fn last_failure(&self) -> Option<LoginFailure> {
        lock(&self.shared.failure).clone()
    }

    /// The reason of a failed connection or handshake `err`: what the card recorded first
    /// ([`last_failure`](Self::last_failure)), else what the error chain says
    /// ([`LoginFailure::from_error`]).
    pub fn explain(&self, err: &(dyn std::error::Error + 'static)) -> Option<LoginFailure> {
        self.last_failure()
            .or_else(|| LoginFailure::from_error(err))
    }

    /// What the last login cost on the card.
    pub fn last_login(&self) -> LoginStats {
        *lock(&self.shared.stats)
    }

    /// Use the card between logins (read files, PIN status); the login's card session is not
    /// held meanwhile.
    pub fn with_card<R>(&self, f: impl FnOnce(&mut BeidCard<T>) -> R) -> R {
        f(&mut lock(&self.shared.card))
    }
}

impl<T: Transport> Shared<T> {
    fn record(&self, failure: LoginFailure) -> LoginFailure {
        *lock(&self.failure) = Some(failure.clone());
        failure
    }

    /// The cached chain (reading it the first time) after the caller's checks.
    fn prepare(self: &Arc<Self>) -> Result<Arc<Chain>, LoginFailure>
    where
        T: Send + 'static,
    {
        let chain = self.load().map_err(|e| self.record(e))?;
        self.check(&chain).map_err(|e| self.record(e))?;
        Ok(chain)
    }

    fn load(self: &Arc<Self>) -> Result<Arc<Chain>, LoginFailure>
    where
        T: Send + 'static,
    {
        if let Some(chain) = lock(&self.chain).as_ref() {
            return Ok(Arc::clone(chain));
        }
        let mut card = lock(&self.card);
        let before = card.apdu_count();
        let generation = card.generation();
        let mut read = |file| -> Result<Certificate, Error> {
            Ok(Certificate::parse(&card.read_file(file)?)?)
        };
        let auth = read(FileId::AuthenticationCertificate)?;
        let ca = read(FileId::CaCertificate)?;
        let root = read(FileId::RootCertificate)?;
        lock(&self.stats).certificate_apdus = card.apdu_count() - before;
        drop(card);
        let key = scheme::CardKey {
            shared: Arc::clone(self),
            generation,
            spki: auth.subject_public_key_info_der().to_vec(),
        };
        let certs = [&auth, &ca, &root]
            .iter()
            .map(|c| CertificateDer::from(c.der().to_vec()))
            .collect();
        let chain = Arc::new(Chain {
            key: Arc::new(CertifiedKey::new(certs, Arc::new(key))),
            auth,
            ca,
            root,
        });
        *lock(&self.chain) = Some(Arc::clone(&chain));
        Ok(chain)
    }

    fn check(&self, chain: &Chain) -> Result<(), LoginFailure> {
        let Some(at) = self.options.at else {
            return Ok(());
        };
        for (cert, role) in [
            (&chain.root, CertRole::Root),
            (&chain.ca, CertRole::Ca),
            (&chain.auth, CertRole::Authentication),
        ] {
            crate::verify::check_validity(cert, role, at).map_err(|f| {
                LoginFailure::from_verification(VerificationError::new(
                    Check::AuthenticationChain,
                    f,
                ))
            })?;
        }
        if let Some(trust) = &self.options.trust {
            crate::verify::holder_chain(
                trust,
                &chain.auth,
                CertRole::Authentication,
                &chain.ca,
                Some(&chain.root),
                at,
            )?;
        }
        if let Some((fetcher, method)) = &self.options.revocation {
            let status =
                check_certificate(&mut **lock(fetcher), &chain.auth, &chain.ca, *method, at);
            if let Some(f) = status.failure(CertRole::Authentication) {
                return Err(LoginFailure::from_verification(VerificationError::new(
                    Check::Revocation,
                    f,
                )));
            }
        }
        Ok(())
    }

    /// One login's signature over `digest` (already hashed by the scheme's hash).
    fn sign(
        &self,
        scheme: &'static scheme::Scheme,
        digest: &[u8],
    ) -> Result<Vec<u8>, LoginFailure> {
        let result = self.sign_inner(scheme, digest);
        result.map_err(|e| self.record(e))
    }

    fn sign_inner(
        &self,
        scheme: &'static scheme::Scheme,
        digest: &[u8],
    ) -> Result<Vec<u8>, LoginFailure> {
        let mut card = lock(&self.card);
        let request = PinRequest {
            generation: card.generation(),
            tries_left: *lock(&self.tries_left),
        };
        lock(&self.stats).pin_requests += 1;
        let pad = match self.options.pin_pad {
            Some(options) if card.channel().pin_pad_capabilities().0 => Some(options),
            _ => None,
        };
        let pin = match pad {
            Some(_) => None,
            None => Some(self.pin.pin(&request).map_err(Error::from)?),
        };
        let before = card.apdu_count();
        let mut session = card.session()?;
        let outcome = match (&pin, pad) {
            (Some(pin), _) => session.verify_pin(pin),
            (None, pad) => session.verify_pin_pad(pad.unwrap_or_default()),
        };
        drop(pin);
        let outcome = outcome?;
        match outcome {
            PinOutcome::Verified => *lock(&self.tries_left) = None,
            PinOutcome::Wrong { tries_left } => {
                *lock(&self.tries_left) = Some(tries_left);
                return Err(Error::from(PinError::Wrong { tries_left }).into());
            }
            PinOutcome::Blocked => {
                *lock(&self.tries_left) = Some(0);
                return Err(LoginFailure::PinBlocked);
            }
        }
        let signature = session.sign_authentication(
            SignInput::Digest {
                hash: scheme.hash,
                digest,
            },
            Some(scheme.card),
        )?;
        drop(session);
        let mut stats = lock(&self.stats);
        stats.signing_apdus = card.apdu_count() - before;
        stats.scheme = Some(scheme.tls);
        Ok(signature.to_standard())
    }
}

impl From<VerificationError> for LoginFailure {
    fn from(v: VerificationError) -> Self {
        LoginFailure::from_verification(v)
    }
}

impl<T: Transport + Send + 'static> ResolvesClientCert for CardClientAuth<T> {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        // A new login: forget the last one's outcome.
        *lock(&self.shared.failure) = None;
        *lock(&self.shared.stats) = LoginStats::default();
        let chain = self.shared.prepare().ok()?;
        let generation = lock(&self.shared.card).generation();
        let common = offered_schemes(generation)
            .iter()
            .any(|s| sigschemes.contains(s));
        if !common {
            self.shared
                .record(LoginFailure::Tls(rustls::Error::PeerIncompatible(
                    rustls::PeerIncompatible::NoSignatureSchemesInCommon,
                )));
            return None;
        }
        Some(Arc::clone(&chain.key))
    }

    fn has_certs(&self) -> bool {
        true
    }
}
