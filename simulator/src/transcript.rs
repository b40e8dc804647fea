//! Transcripts: recorded APDU exchanges, as values and as a line-oriented text format, and a
//! [`ReplayTransport`] that plays them back — regression fixtures for downstream projects.
//!
//! PIN digits never reach a transcript: the data of VERIFY (`20`), CHANGE REFERENCE DATA (`24`)
//! and RESET RETRY COUNTER (`2C`) commands is replaced by `FF` bytes of the same length, like
//! `beid::apdu::Command::masked_bytes`. On replay a masked command matches any command with the
//! same header and data length, so a fixture recorded with one PIN replays with another.
//!
//! # Text format
//!
//! One item per line; hex is upper case without spaces when written (spaces are accepted when
//! read); blank lines and lines starting with `#` are ignored.
//!
//! ```text
//! # beid-simulator transcript
//! atr 3B7F96000080318065B085040120120FFF829000
//! > 00A4040C0FA00000003029057000AD13100101FF
//! < 9000
//! > 0020000108FFFFFFFFFFFFFFFF
//! < 63C2
//! > 00B0000000
//! ! removed
//! reset
//! ```
//!
//! * `atr HEX` — the card's ATR (optional, first);
//! * `> HEX` — a command, followed by exactly one outcome line:
//!   `< HEX` (the response, data ‖ SW), `! removed` (the card was gone) or `! reset` (the card
//!   was reset by someone else; the host must reset/reconnect);
//! * `reset` — the host reset (or powered up) the card.

use std::fmt::Write as _;

use beid::transport::Transport;
use beid::{TransportError, TransportFailure};

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TranscriptEntry {
    /// A command (masked) and the card's response (data ‖ SW1 SW2).
    Exchange {
        /// The command APDU, PIN data masked.
        command: Vec<u8>,
        /// The response APDU.
        response: Vec<u8>,
    },
    /// The command found the card removed.
    CardRemoved {
        /// The command APDU, PIN data masked.
        command: Vec<u8>,
    },
    /// The command found the card reset by someone else.
    CardReset {
        /// The command APDU, PIN data masked.
        command: Vec<u8>,
    },
    /// The host reset or powered up the card.
    Reset,
}

impl core::fmt::Display for TranscriptEntry {
    /// The entry's lines in the text format, without a final newline.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            TranscriptEntry::Exchange { command, response } => {
                write!(f, "> {}\n< {}", Hex(command), Hex(response))
            }
            TranscriptEntry::CardRemoved { command } => {
                write!(f, "> {}\n! removed", Hex(command))
            }
            TranscriptEntry::CardReset { command } => write!(f, "> {}\n! reset", Hex(command)),
            TranscriptEntry::Reset => f.write_str("reset"),
        }
    }
}

/// Upper-case hex without separators.
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// The bytes of `command` as a transcript shows them: the data of VERIFY, CHANGE REFERENCE DATA
/// and RESET RETRY COUNTER replaced by `FF`.
pub fn mask_command(command: &[u8]) -> Vec<u8> {
    beid::apdu::mask_apdu(command)
}

/// True when `recorded` (from a transcript) stands for `actual`: equal bytes, or a masked
/// secret command with the same header and length.
pub fn command_matches(recorded: &[u8], actual: &[u8]) -> bool {
    if recorded == actual {
        return true;
    }
    match (recorded, actual) {
        ([c, ins, p1, p2, lc, data @ ..], [c2, ins2, p12, p22, lc2, ..])
            if beid::CommandKind::from_header(*c, *ins).carries_pin() && !data.is_empty() =>
        {
            (c, ins, p1, p2, lc) == (c2, ins2, p12, p22, lc2)
                && recorded.len() == actual.len()
                && data.iter().take(usize::from(*lc)).all(|&b| b == 0xFF)
        }
        _ => false,
    }
}

/// A recorded sequence of APDU exchanges (see the [module documentation](self)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    atr: Option<Vec<u8>>,
    entries: Vec<TranscriptEntry>,
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::default()
    }

    /// The ATR line, if any.
    pub fn atr(&self) -> Option<&[u8]> {
        self.atr.as_deref()
    }

    /// Set the ATR line.
    pub fn set_atr(&mut self, atr: &[u8]) {
        self.atr = Some(atr.to_vec());
    }

    /// Every entry, in order.
    pub fn entries(&self) -> &[TranscriptEntry] {
        &self.entries
    }

    /// The completed exchanges `(command, response)`, in order.
    pub fn exchanges(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.entries.iter().filter_map(|e| match e {
            TranscriptEntry::Exchange { command, response } => {
                Some((command.as_slice(), response.as_slice()))
            }
            _ => None,
        })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Record an exchange (the command is masked here).
    pub fn push_exchange(&mut self, command: &[u8], response: &[u8]) {
        self.entries.push(TranscriptEntry::Exchange {
            command: mask_command(command),
            response: response.to_vec(),
        });
    }

    /// Record a command that found the card removed.
    pub fn push_card_removed(&mut self, command: &[u8]) {
        self.entries.push(TranscriptEntry::CardRemoved {
            command: mask_command(command),
        });
    }

    /// Record a command that found the card reset.
    pub fn push_card_reset(&mut self, command: &[u8]) {
        self.entries.push(TranscriptEntry::CardReset {
            command: mask_command(command),
        });
    }

    /// Record a host reset.
    pub fn push_reset(&mut self) {
        self.entries.push(TranscriptEntry::Reset);
    }

    /// The text form (see the [module documentation](self)); same as `to_string()`.
    pub fn to_text(&self) -> String {
        let mut s = String::with_capacity(64 + self.entries.len() * 40);
        let _ = write!(s, "{self}");
        s
    }

    /// Parse the text form.
    ///
    /// # Errors
    /// [`TranscriptError`] with the 1-based line number of the first bad line.
    pub fn parse(text: &str) -> Result<Transcript, TranscriptError> {
        let mut t = Transcript::new();
        let mut open: Option<(usize, Vec<u8>)> = None;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |kind| TranscriptError {
                line: line_no,
                kind,
            };
            if let Some((_, command)) = open.take() {
                let entry = if let Some(hex) = line.strip_prefix('<') {
                    TranscriptEntry::Exchange {
                        command,
                        response: parse_hex(hex).ok_or(err(TranscriptErrorKind::BadHex))?,
                    }
                } else if line == "! removed" {
                    TranscriptEntry::CardRemoved { command }
                } else if line == "! reset" {
                    TranscriptEntry::CardReset { command }
                } else {
                    return Err(err(TranscriptErrorKind::MissingOutcome));
                };
                t.entries.push(entry);
                continue;
            }
            if let Some(hex) = line.strip_prefix('>') {
                let command = parse_hex(hex).ok_or(err(TranscriptErrorKind::BadHex))?;
                if command.len() < 4 {
                    return Err(err(TranscriptErrorKind::CommandTooShort));
                }
                open = Some((line_no, command));
            } else if let Some(hex) = line.strip_prefix("atr ") {
                if !t.entries.is_empty() || t.atr.is_some() {
                    return Err(err(TranscriptErrorKind::UnexpectedLine));
                }
                t.atr = Some(parse_hex(hex).ok_or(err(TranscriptErrorKind::BadHex))?);
            } else if line == "reset" {
                t.entries.push(TranscriptEntry::Reset);
            } else if line.starts_with('<') || line.starts_with('!') {
                return Err(err(TranscriptErrorKind::OutcomeWithoutCommand));
            } else {
                return Err(err(TranscriptErrorKind::UnexpectedLine));
            }
        }
        if let Some((line, _)) = open {
            return Err(TranscriptError {
                line,
                kind: TranscriptErrorKind::MissingOutcome,
            });
        }
        Ok(t)
    }
}

impl core::fmt::Display for Transcript {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("# beid-simulator transcript\n")?;
        if let Some(atr) = &self.atr {
            writeln!(f, "atr {}", Hex(atr))?;
        }
        for e in &self.entries {
            writeln!(f, "{e}")?;
        }
        Ok(())
    }
}

impl core::str::FromStr for Transcript {
    type Err = TranscriptError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Transcript::parse(s)
    }
}

fn parse_hex(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 2);
    let mut high: Option<u8> = None;
    for c in s.chars() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let v = u8::try_from(c.to_digit(16)?).ok()?;
        match high.take() {
            None => high = Some(v),
            Some(h) => out.push((h << 4) | v),
        }
    }
    high.is_none().then_some(out)
}

/// A transcript line that could not be parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("transcript line {line}: {kind}")]
pub struct TranscriptError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub kind: TranscriptErrorKind,
}

/// What is wrong with a transcript line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TranscriptErrorKind {
    /// Not valid hex (odd number of digits or a non-hex character).
    BadHex,
    /// A `>` command shorter than the 4-byte header.
    CommandTooShort,
    /// A `>` command not followed by `<`, `! removed` or `! reset`.
    MissingOutcome,
    /// A `<` or `!` line without a command before it.
    OutcomeWithoutCommand,
    /// A line of no known form (or an `atr` line after the first entry).
    UnexpectedLine,
}

impl core::fmt::Display for TranscriptErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TranscriptErrorKind::BadHex => "invalid hex",
            TranscriptErrorKind::CommandTooShort => "command shorter than 4 bytes",
            TranscriptErrorKind::MissingOutcome => "command without a response line",
            TranscriptErrorKind::OutcomeWithoutCommand => "response line without a command",
            TranscriptErrorKind::UnexpectedLine => "unexpected line",
        })
    }
}

/// A [`Transport`] that plays a [`Transcript`] back: each command must match the next recorded
/// one (masked PIN commands match any PIN), and gets the recorded response or event.
///
/// `reset()` consumes a recorded `reset` entry when one is next and succeeds otherwise; `reset`
/// entries the host does not ask for are skipped by `transmit`, so a fixture does not depend on
/// how often a host resets.
#[derive(Clone, Debug)]
pub struct ReplayTransport {
    transcript: Transcript,
    position: usize,
}

impl ReplayTransport {
    /// Replay `transcript` from its beginning.
    pub fn new(transcript: Transcript) -> Self {
        ReplayTransport {
            transcript,
            position: 0,
        }
    }

    /// Parse a transcript's text and replay it.
    ///
    /// # Errors
    /// [`TranscriptError`] when the text does not parse.
    pub fn from_text(text: &str) -> Result<Self, TranscriptError> {
        Transcript::parse(text).map(Self::new)
    }

    /// Index of the next entry to replay.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Entries not replayed yet (`reset` entries included).
    pub fn remaining(&self) -> usize {
        self.transcript.len().saturating_sub(self.position)
    }

    /// True when every exchange was replayed (only `reset` entries may be left).
    pub fn is_finished(&self) -> bool {
        self.transcript
            .entries()
            .get(self.position..)
            .is_none_or(|rest| rest.iter().all(|e| *e == TranscriptEntry::Reset))
    }

    /// The transcript being replayed.
    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }
}

fn mismatch() -> TransportError {
    TransportError::bare(TransportFailure::ScriptMismatch)
}

impl Transport for ReplayTransport {
    fn transmit(
        &mut self,
        command: &[u8],
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        response.clear();
        let entries = self.transcript.entries();
        while entries.get(self.position) == Some(&TranscriptEntry::Reset) {
            self.position += 1;
        }
        let Some(entry) = entries.get(self.position) else {
            return Err(TransportError::bare(TransportFailure::ScriptExhausted));
        };
        let (recorded, outcome) = match entry {
            TranscriptEntry::Exchange { command, response } => (command, Ok(Some(response))),
            TranscriptEntry::CardRemoved { command } => (command, Err(TransportError::CardRemoved)),
            TranscriptEntry::CardReset { command } => (command, Err(TransportError::CardReset)),
            TranscriptEntry::Reset => return Err(mismatch()),
        };
        if !command_matches(recorded, command) {
            return Err(mismatch());
        }
        self.position += 1;
        if let Some(r) = outcome? {
            response.extend_from_slice(r);
        }
        Ok(())
    }

    fn atr(&self) -> Option<&[u8]> {
        self.transcript.atr()
    }

    fn reset(&mut self) -> beid::transport::TransportResult {
        if self.transcript.entries().get(self.position) == Some(&TranscriptEntry::Reset) {
            self.position += 1;
        }
        Ok(())
    }
}

/// A [`Transport`] wrapper that records every exchange of the inner transport (a real card
/// through PC/SC, or a virtual one) into a [`Transcript`], PIN data masked.
///
/// Only PIN data is masked: responses are kept as the card sent them, so a transcript of a
/// real card holds its holder's personal data (national number, photo, address). Record
/// fixtures from virtual cards, or from test cards, never from a citizen's card.
#[derive(Debug)]
pub struct RecordingTransport<T> {
    inner: T,
    transcript: Transcript,
}

impl<T: Transport> RecordingTransport<T> {
    /// Record the exchanges of `inner`.
    pub fn new(inner: T) -> Self {
        let mut transcript = Transcript::new();
        if let Some(atr) = inner.atr() {
            transcript.set_atr(atr);
        }
        RecordingTransport { inner, transcript }
    }

    /// What was recorded so far.
    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }

    /// The inner transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The inner transport, mutably (exchanges made through it directly are not recorded).
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// The inner transport and the transcript.
    pub fn into_parts(self) -> (T, Transcript) {
        (self.inner, self.transcript)
    }
}

impl<T: Transport> Transport for RecordingTransport<T> {
    fn transmit(
        &mut self,
        command: &[u8],
        response: &mut Vec<u8>,
    ) -> beid::transport::TransportResult {
        let result = self.inner.transmit(command, response);
        match &result {
            Ok(()) => self.transcript.push_exchange(command, response),
            Err(TransportError::CardRemoved) => self.transcript.push_card_removed(command),
            Err(TransportError::CardReset) => self.transcript.push_card_reset(command),
            Err(_) => {}
        }
        result
    }

    fn atr(&self) -> Option<&[u8]> {
        self.inner.atr()
    }

    fn begin_transaction(&mut self) -> beid::transport::TransportResult {
        self.inner.begin_transaction()
    }

    fn end_transaction(&mut self) -> beid::transport::TransportResult {
        self.inner.end_transaction()
    }

    fn reset(&mut self) -> beid::transport::TransportResult {
        self.inner.reset()?;
        self.transcript.push_reset();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_hides_pin_blocks_only() {
        let verify = [
            0x00, 0x20, 0x00, 0x01, 0x08, 0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ];
        let m = mask_command(&verify);
        assert_eq!(&m[..5], &verify[..5]);
        assert!(m[5..].iter().all(|&b| b == 0xFF));
        let mut change = vec![0x00, 0x24, 0x00, 0x01, 0x10];
        change.extend_from_slice(&[0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        change.extend_from_slice(&[0x24, 0x56, 0x78, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        assert!(mask_command(&change)[5..].iter().all(|&b| b == 0xFF));
        let empty_verify = [0x00, 0x20, 0x00, 0x01];
        assert_eq!(mask_command(&empty_verify), empty_verify);
        let select = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x3F, 0x00];
        assert_eq!(mask_command(&select), select);
    }

    #[test]
    fn masked_lines_match_any_pin() {
        let real = [
            0x00, 0x20, 0x00, 0x01, 0x08, 0x24, 0x99, 0x99, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ];
        let masked = mask_command(&real);
        assert!(command_matches(&masked, &real));
        assert!(!command_matches(&masked, &real[..12]));
        assert!(!command_matches(
            &[0x00, 0xB0, 0, 0, 0xFF],
            &[0x00, 0xB0, 0, 0, 0xFC]
        ));
        // a masked select is not a wildcard
        assert!(!command_matches(
            &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0xFF, 0xFF],
            &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x3F, 0x00]
        ));
    }

    #[test]
    fn text_round_trip() {
        let mut t = Transcript::new();
        t.set_atr(&[0x3B, 0x98]);
        t.push_exchange(&[0x00, 0xA4, 0x04, 0x0C, 0x01, 0xA0], &[0x90, 0x00]);
        t.push_exchange(
            &[
                0x00, 0x20, 0x00, 0x01, 0x08, 0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            ],
            &[0x63, 0xC2],
        );
        t.push_card_removed(&[0x00, 0xB0, 0x00, 0x00, 0xFC]);
        t.push_reset();
        t.push_card_reset(&[0x00, 0xB0, 0x00, 0x00, 0xFC]);
        let text = t.to_text();
        assert!(text.contains("> 00A4040C01A0\n< 9000\n"));
        assert!(text.contains("> 0020000108FFFFFFFFFFFFFFFF\n< 63C2\n"));
        assert!(!text.contains("1234"));
        assert_eq!(Transcript::parse(&text).unwrap(), t);
        assert_eq!(text.parse::<Transcript>().unwrap(), t);
        // spaces and lower case are accepted
        let t2 = Transcript::parse("> 00 a4 04 0c 01 a0\n< 90 00\n").unwrap();
        assert_eq!(t2.exchanges().count(), 1);
    }

    #[test]
    fn parse_errors_name_the_line() {
        let e = Transcript::parse("# x\n> 00A4\n").unwrap_err();
        assert_eq!(e.kind, TranscriptErrorKind::CommandTooShort);
        assert_eq!(e.line, 2);
        let e = Transcript::parse("> 00A40000\n> 00A40000\n").unwrap_err();
        assert_eq!(e.kind, TranscriptErrorKind::MissingOutcome);
        let e = Transcript::parse("> 00A40000\n").unwrap_err();
        assert_eq!((e.line, e.kind), (1, TranscriptErrorKind::MissingOutcome));
        let e = Transcript::parse("< 9000\n").unwrap_err();
        assert_eq!(e.kind, TranscriptErrorKind::OutcomeWithoutCommand);
        let e = Transcript::parse("> 00A4000\n< 9000").unwrap_err();
        assert_eq!(e.kind, TranscriptErrorKind::BadHex);
        let e = Transcript::parse("hello").unwrap_err();
        assert_eq!(e.kind, TranscriptErrorKind::UnexpectedLine);
    }

    #[test]
    fn replay_plays_back_and_detects_mismatch() {
        let text = "atr 3B98\n> 00A4020C023F00\n< 9000\nreset\n> 0020000108FFFFFFFFFFFFFFFF\n< 9000\n> 00B0000000\n! removed\n";
        let mut r = ReplayTransport::from_text(text).unwrap();
        assert_eq!(r.atr(), Some(&[0x3B, 0x98][..]));
        let mut resp = Vec::new();
        r.transmit(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x3F, 0x00], &mut resp)
            .unwrap();
        assert_eq!(resp, [0x90, 0x00]);
        // the recorded reset is skipped when the host does not reset
        let pin = [
            0x00, 0x20, 0x00, 0x01, 0x08, 0x25, 0x12, 0x34, 0x5F, 0xFF, 0xFF, 0xFF, 0xFF,
        ];
        r.transmit(&pin, &mut resp).unwrap();
        assert_eq!(resp, [0x90, 0x00]);
        assert!(!r.is_finished());
        // mismatch
        let err = r
            .transmit(&[0x00, 0xB0, 0x00, 0x00, 0xFC], &mut resp)
            .unwrap_err();
        assert!(matches!(
            err,
            TransportError::Failure {
                kind: TransportFailure::ScriptMismatch,
                ..
            }
        ));
        assert!(matches!(
            r.transmit(&[0x00, 0xB0, 0x00, 0x00, 0x00], &mut resp),
            Err(TransportError::CardRemoved)
        ));
        assert!(r.is_finished());
        assert!(matches!(
            r.transmit(&[0x00, 0xB0, 0x00, 0x00, 0x00], &mut resp),
            Err(TransportError::Failure {
                kind: TransportFailure::ScriptExhausted,
                ..
            })
        ));
        r.reset().unwrap();
    }
}
