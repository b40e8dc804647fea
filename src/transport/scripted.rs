//! A scripted transport for tests: answers commands from a list of steps.

use std::collections::VecDeque;

use super::{Transport, TransportResult};
use crate::error::{TransportError, TransportFailure};

/// One step of a [`ScriptedTransport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptStep {
    /// Answer the next command with `response` (data ‖ SW). When `expect` is set, the command
    /// must equal it, otherwise the transport fails with
    /// [`TransportFailure::ScriptMismatch`].
    Respond {
        /// The command expected, or `None` for any.
        expect: Option<Vec<u8>>,
        /// The raw response to return.
        response: Vec<u8>,
    },
    /// The card is pulled: this and every later transmit fails with [`TransportError::CardRemoved`].
    Removed,
    /// The card was reset by someone else: this transmit fails with [`TransportError::CardReset`].
    Reset,
}

impl ScriptStep {
    /// Answer any command with `response`.
    pub fn any(response: &[u8]) -> Self {
        ScriptStep::Respond {
            expect: None,
            response: response.to_vec(),
        }
    }

    /// Expect exactly `command` and answer `response`.
    pub fn expect(command: &[u8], response: &[u8]) -> Self {
        ScriptStep::Respond {
            expect: Some(command.to_vec()),
            response: response.to_vec(),
        }
    }
}

/// A [`Transport`] that plays a script: each transmit consumes one [`ScriptStep`]. Commands sent
/// are recorded (see [`ScriptedTransport::sent`]). Running out of steps is a typed error
/// ([`TransportFailure::ScriptExhausted`]), never a panic — which makes it the transport of the
/// fuzz target that feeds arbitrary R-APDUs to the read path.
#[derive(Clone, Debug, Default)]
pub struct ScriptedTransport {
    steps: VecDeque<ScriptStep>,
    sent: Vec<Vec<u8>>,
    atr: Option<Vec<u8>>,
    removed: bool,
    resets: u32,
}

impl ScriptedTransport {
    /// A transport playing `steps` in order.
    pub fn new(steps: Vec<ScriptStep>) -> Self {
        ScriptedTransport {
            steps: steps.into(),
            ..Default::default()
        }
    }

    /// A transport answering each command with the next of `responses`, whatever it is.
    pub fn from_responses<I, R>(responses: I) -> Self
    where
        I: IntoIterator<Item = R>,
        R: AsRef<[u8]>,
    {
        Self::new(
            responses
                .into_iter()
                .map(|r| ScriptStep::any(r.as_ref()))
                .collect(),
        )
    }

    /// Report this ATR.
    pub fn with_atr(mut self, atr: &[u8]) -> Self {
        self.atr = Some(atr.to_vec());
        self
    }

    /// Append a step.
    pub fn push(&mut self, step: ScriptStep) {
        self.steps.push_back(step);
    }

    /// Every command sent so far (unmasked: this is a test tool).
    pub fn sent(&self) -> &[Vec<u8>] {
        &self.sent
    }

    /// True when every step was consumed.
    pub fn is_finished(&self) -> bool {
        self.steps.is_empty()
    }

    /// Number of [`Transport::reset`] calls.
    pub fn resets(&self) -> u32 {
        self.resets
    }
}

impl Transport for ScriptedTransport {
    fn transmit(&mut self, command: &[u8], response: &mut Vec<u8>) -> TransportResult {
        response.clear();
        if self.removed {
            return Err(TransportError::CardRemoved);
        }
        self.sent.push(command.to_vec());
        match self.steps.pop_front() {
            None => Err(TransportError::bare(TransportFailure::ScriptExhausted)),
            Some(ScriptStep::Removed) => {
                self.removed = true;
                Err(TransportError::CardRemoved)
            }
            Some(ScriptStep::Reset) => Err(TransportError::CardReset),
            Some(ScriptStep::Respond {
                expect,
                response: r,
            }) => {
                if let Some(e) = expect {
                    if e != command {
                        return Err(TransportError::bare(TransportFailure::ScriptMismatch));
                    }
                }
                response.extend_from_slice(&r);
                Ok(())
            }
        }
    }

    fn atr(&self) -> Option<&[u8]> {
        self.atr.as_deref()
    }

    fn reset(&mut self) -> TransportResult {
        if self.removed {
            return Err(TransportError::CardRemoved);
        }
        self.resets += 1;
        Ok(())
    }
}

/// Hex to bytes, spaces allowed (test helper shared by the crate's unit tests).
#[cfg(test)]
pub(crate) fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}
