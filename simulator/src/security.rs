//! PIN state machine, access rights and the security environment (spec §8.3–§8.9).
//!
//! The card has one cardholder PIN (reference `01`, 3 tries, spec §8.1). Two access modes use it:
//!
//! * **key `82` (authentication), "PIN once"**: any successful VERIFY earlier in the card session
//!   is enough, for any number of signatures (RM17 §5.1, RM18 §5.1.1);
//! * **key `83` (non-repudiation), "PIN just before"**: every signature needs its own VERIFY, and
//!   a VERIFY consumed by a non-repudiation signature does not grant the authentication right
//!   ("PIN mixed mode", spec §8.9).
//!
//! Model **[derived from spec §8.9 and §14 item 6]**: the most recent successful VERIFY stays
//! *fresh* until it is consumed by a non-repudiation signature, or until it goes stale; a stale
//! (unconsumed) VERIFY becomes the authentication right. It goes stale
//! * on applet 1.7 (and V1) as soon as any command other than a single MSE:SET follows it
//!   (RM17 §5.1 "just before"; the MSE:SET exception keeps the Windows minidriver's and OpenSC's
//!   VERIFY → MSE:SET → PSO:CDS order working, spec §14 item 6);
//! * on applet 1.8 when a second command follows it (RM18 §5.1.2: at most one command in
//!   between), or at once on a VERIFY, a PSO:CDS, or a command that resets the PIN state or the
//!   security environment (LOG OFF, CHANGE REFERENCE DATA, RESET RETRY COUNTER, INTERNAL
//!   AUTHENTICATE);
//! * in both generations, on any PSO:CDS (consumed only by an accepted non-repudiation one).
//!
//! A failed VERIFY, a failed CHANGE REFERENCE DATA, LOG OFF and a card reset clear every right
//! (spec §8.3, §8.6, §8.9). The PIN value and its counter survive resets (EEPROM); rights and
//! the security environment do not.
//!
//! CHANGE REFERENCE DATA with the right current PIN grants the authentication right (RM17 §6.6
//! "the access right is granted") but opens no non-repudiation window: a signature with key `83`
//! still needs a VERIFY just before it **[derived]**.

use beid::Pin;

/// PIN tries of a fresh card (spec §8.1).
pub(crate) const PIN_MAX_TRIES: u8 = 3;

/// INTERNAL AUTHENTICATE uses allowed before a successful VERIFY is needed (RM18 §5.2, spec
/// §7.5).
pub(crate) const INTERNAL_AUTH_LIMIT: u32 = 5000;

/// How a command affects the non-repudiation window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WindowEffect {
    /// Ends the window at once (VERIFY, LOG OFF, CHANGE, RESET RETRY COUNTER, INTERNAL AUTH).
    Breaks,
    /// MSE:SET: the one command 1.7 tolerates in between.
    Mse,
    /// PSO:CDS: handled by [`Security::authorize_signature`].
    Pso,
    /// Anything else.
    Other,
}

/// Outcome of a PIN comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PinOutcome {
    Ok,
    Wrong { tries_left: u8 },
    Blocked,
}

/// A successful VERIFY not yet consumed or stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fresh {
    /// Commands seen since the VERIFY.
    between: u8,
    /// The single command in between was an MSE:SET.
    only_mse: bool,
}

/// The security environment set by MSE:SET (spec §8.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SecurityEnvironment {
    pub(crate) algorithm: u8,
    pub(crate) key: u8,
}

/// PIN, rights and security environment.
#[derive(Clone)]
pub(crate) struct Security {
    pin: Pin,
    tries_left: u8,
    auth_right: bool,
    fresh: Option<Fresh>,
    se: Option<SecurityEnvironment>,
    internal_auth_uses: u32,
    /// Applet 1.8 rules (one command tolerated between VERIFY and a non-repudiation PSO:CDS).
    tolerant: bool,
}

impl core::fmt::Debug for Security {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Security")
            .field("pin", &"<redacted>")
            .field("tries_left", &self.tries_left)
            .field("auth_right", &self.auth_right)
            .field("fresh", &self.fresh)
            .field("se", &self.se)
            .finish()
    }
}

impl Security {
    pub(crate) fn new(pin: Pin, tries_left: u8, tolerant: bool) -> Self {
        Security {
            pin,
            tries_left: tries_left.min(PIN_MAX_TRIES),
            auth_right: false,
            fresh: None,
            se: None,
            internal_auth_uses: 0,
            tolerant,
        }
    }

    /// Card reset / power cycle: rights and SE are gone, PIN and counter stay.
    pub(crate) fn reset(&mut self) {
        self.clear_rights();
        self.se = None;
    }

    /// Drop every PIN-granted right (failed VERIFY, LOG OFF, reset).
    pub(crate) fn clear_rights(&mut self) {
        self.auth_right = false;
        self.fresh = None;
    }

    pub(crate) fn tries_left(&self) -> u8 {
        self.tries_left
    }

    pub(crate) fn is_blocked(&self) -> bool {
        self.tries_left == 0
    }

    /// The PIN is currently verified (what an empty VERIFY reports, spec §8.3).
    pub(crate) fn is_verified(&self) -> bool {
        self.auth_right || self.fresh.is_some()
    }

    /// Administrative unblock (out of band): counter back to 3, rights untouched.
    pub(crate) fn unblock(&mut self) {
        self.tries_left = PIN_MAX_TRIES;
    }

    /// A fresh VERIFY that was not consumed becomes the authentication right.
    fn expire_fresh(&mut self) {
        if self.fresh.take().is_some() {
            self.auth_right = true;
        }
    }

    /// Account for a command before it runs (spec §8.9).
    pub(crate) fn note_command(&mut self, effect: WindowEffect) {
        match effect {
            WindowEffect::Pso => {}
            WindowEffect::Breaks => self.expire_fresh(),
            WindowEffect::Mse | WindowEffect::Other => {
                if let Some(f) = self.fresh.as_mut() {
                    f.between = f.between.saturating_add(1);
                    f.only_mse = f.between == 1 && effect == WindowEffect::Mse;
                    let still_usable = if self.tolerant {
                        f.between <= 1
                    } else {
                        f.between == 0 || f.only_mse
                    };
                    if !still_usable {
                        self.expire_fresh();
                    }
                }
            }
        }
    }

    /// Compare `candidate` with the PIN (VERIFY): success opens a fresh window; failure costs a
    /// try and clears every right.
    pub(crate) fn verify(&mut self, candidate: &Pin) -> PinOutcome {
        if self.is_blocked() {
            self.clear_rights();
            return PinOutcome::Blocked;
        }
        if *candidate == self.pin {
            self.tries_left = PIN_MAX_TRIES;
            self.expire_fresh();
            self.fresh = Some(Fresh {
                between: 0,
                only_mse: false,
            });
            self.internal_auth_uses = 0;
            PinOutcome::Ok
        } else {
            self.fail()
        }
    }

    /// CHANGE REFERENCE DATA: `old` must match; then the PIN becomes `new` and the
    /// authentication right is granted.
    pub(crate) fn change(&mut self, old: &Pin, new: Pin) -> PinOutcome {
        if self.is_blocked() {
            self.clear_rights();
            return PinOutcome::Blocked;
        }
        if *old == self.pin {
            self.pin = new;
            self.tries_left = PIN_MAX_TRIES;
            self.auth_right = true;
            self.internal_auth_uses = 0;
            PinOutcome::Ok
        } else {
            self.fail()
        }
    }

    fn fail(&mut self) -> PinOutcome {
        self.tries_left = self.tries_left.saturating_sub(1);
        self.clear_rights();
        PinOutcome::Wrong {
            tries_left: self.tries_left,
        }
    }

    pub(crate) fn set_environment(&mut self, se: Option<SecurityEnvironment>) {
        self.se = se;
    }

    pub(crate) fn environment(&self) -> Option<SecurityEnvironment> {
        self.se
    }

    /// PSO:CDS access check for `key` (spec §8.9). Ends the window either way; an accepted
    /// non-repudiation signature consumes the fresh VERIFY.
    pub(crate) fn authorize_signature(&mut self, key: u8) -> bool {
        match key {
            0x82 => {
                let ok = self.is_verified();
                self.expire_fresh();
                ok
            }
            0x83 => {
                let ok = self.fresh.is_some_and(|f| {
                    if self.tolerant {
                        f.between <= 1
                    } else {
                        f.between == 0 || f.only_mse
                    }
                });
                if ok {
                    self.fresh = None;
                } else {
                    self.expire_fresh();
                }
                ok
            }
            _ => {
                self.expire_fresh();
                false
            }
        }
    }

    /// INTERNAL AUTHENTICATE use counter: `false` once the limit is reached (spec §7.5).
    pub(crate) fn count_internal_auth(&mut self) -> bool {
        if self.internal_auth_uses >= INTERNAL_AUTH_LIMIT {
            return false;
        }
        self.internal_auth_uses += 1;
        true
    }

    pub(crate) fn set_internal_auth_uses(&mut self, uses: u32) {
        self.internal_auth_uses = uses;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(s: &str) -> Pin {
        Pin::new(s).unwrap()
    }

    fn sec(tolerant: bool) -> Security {
        Security::new(pin("1234"), 3, tolerant)
    }

    #[test]
    fn wrong_pin_down_to_blocked_and_reset_on_success() {
        let mut s = sec(false);
        assert_eq!(s.verify(&pin("0000")), PinOutcome::Wrong { tries_left: 2 });
        assert_eq!(s.verify(&pin("1234")), PinOutcome::Ok);
        assert_eq!(s.tries_left(), 3);
        for left in [2, 1, 0] {
            assert_eq!(
                s.verify(&pin("9999")),
                PinOutcome::Wrong { tries_left: left }
            );
        }
        assert_eq!(s.verify(&pin("1234")), PinOutcome::Blocked);
        assert!(!s.is_verified());
        s.unblock();
        assert_eq!(s.verify(&pin("1234")), PinOutcome::Ok);
    }

    #[test]
    fn nonrep_window_17() {
        let mut s = sec(false);
        // VERIFY → PSO(83)
        s.verify(&pin("1234"));
        s.note_command(WindowEffect::Pso);
        assert!(s.authorize_signature(0x83));
        // VERIFY → MSE → PSO(83)
        s.verify(&pin("1234"));
        s.note_command(WindowEffect::Mse);
        assert!(s.authorize_signature(0x83));
        // VERIFY → READ → PSO(83): KO, but the VERIFY now grants key 82
        s.clear_rights();
        s.verify(&pin("1234"));
        s.note_command(WindowEffect::Other);
        assert!(!s.authorize_signature(0x83));
        assert!(s.authorize_signature(0x82));
        // VERIFY → MSE → MSE → PSO(83): KO
        s.verify(&pin("1234"));
        s.note_command(WindowEffect::Mse);
        s.note_command(WindowEffect::Mse);
        assert!(!s.authorize_signature(0x83));
    }

    #[test]
    fn nonrep_window_18() {
        let mut s = sec(true);
        s.verify(&pin("1234"));
        s.note_command(WindowEffect::Other);
        assert!(s.authorize_signature(0x83));
        s.verify(&pin("1234"));
        s.note_command(WindowEffect::Other);
        s.note_command(WindowEffect::Other);
        assert!(!s.authorize_signature(0x83));
        s.verify(&pin("1234"));
        s.note_command(WindowEffect::Breaks);
        assert!(!s.authorize_signature(0x83));
    }

    #[test]
    fn mixed_mode() {
        // Verify, Sign(nonrep), Sign(auth) → auth KO
        let mut s = sec(false);
        s.verify(&pin("1234"));
        assert!(s.authorize_signature(0x83));
        assert!(!s.authorize_signature(0x82));
        // Verify, …, Verify, Sign(nonrep), Sign(auth) → OK
        let mut s = sec(false);
        s.verify(&pin("1234"));
        s.note_command(WindowEffect::Other);
        s.note_command(WindowEffect::Breaks); // second VERIFY
        s.verify(&pin("1234"));
        assert!(s.authorize_signature(0x83));
        assert!(s.authorize_signature(0x82));
    }

    #[test]
    fn change_grants_auth_only() {
        let mut s = sec(true);
        assert_eq!(s.change(&pin("1234"), pin("5678")), PinOutcome::Ok);
        assert!(!s.authorize_signature(0x83));
        assert!(s.authorize_signature(0x82));
        assert_eq!(s.verify(&pin("1234")), PinOutcome::Wrong { tries_left: 2 });
        assert!(!s.authorize_signature(0x82));
        assert_eq!(s.verify(&pin("5678")), PinOutcome::Ok);
    }

    #[test]
    fn internal_auth_limit() {
        let mut s = sec(true);
        s.set_internal_auth_uses(INTERNAL_AUTH_LIMIT - 1);
        assert!(s.count_internal_auth());
        assert!(!s.count_internal_auth());
        s.verify(&pin("1234"));
        assert!(s.count_internal_auth());
    }
}
