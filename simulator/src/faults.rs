//! Fault injection for the virtual card: deterministic, seeded, configured on the card.
//!
//! Real cards and readers fail in ways a reader library must survive: the card is pulled in the
//! middle of a file, another process resets it, a reader mangles a byte, a card answers `6C xx`
//! where another would not (spec §1.4), a case-4 answer comes in several `61 xx` pieces. A
//! [`Faults`] value describes such events; it lives on the [`VirtualCard`](crate::VirtualCard)
//! ([`VirtualCard::faults_mut`](crate::VirtualCard::faults_mut),
//! [`VirtualCard::set_faults`](crate::VirtualCard::set_faults)) and is consulted for every APDU.
//!
//! Everything is deterministic: APDUs are counted from 1 since the card was created (only APDUs
//! that reach a present card count), and the random choices (which bit to flip) come from a
//! small xorshift generator seeded with [`Faults::seed`]. The same faults and the same APDUs give
//! the same bytes on every run.
//!
//! ```
//! # use beid_simulator::{Faults, Latency};
//! # use beid::apdu::StatusWord;
//! let mut faults = Faults::new();
//! faults
//!     .remove_at_apdu(12)                         // the 12th APDU finds the card gone
//!     .status_for_instruction(0x2A, StatusWord(0x6400), 1) // the first PSO:CDS fails with 64 00
//!     .chunk_responses(64)                        // 61 xx answers come 64 bytes at a time
//!     .wrong_le_on_first_read(true)               // 6C xx on the first READ BINARY of each file
//!     .latency(Latency::ZERO);
//! assert!(!faults.is_empty());
//! ```
//!
//! Blocked PINs, tampered files, cloned chips and expired certificates are not faults of the
//! applet: they are content, set with the [`VirtualCardBuilder`](crate::VirtualCardBuilder); the
//! applet serves whatever the [`CardImage`](crate::CardImage) holds.

use std::time::Duration;

use beid::FileId;
use beid::apdu::StatusWord;

/// Latency added to every exchange of the in-process transport, to make timing-dependent code
/// paths (timeouts, progress reporting) visible in tests. The default is zero: no sleeping at
/// all.
///
/// The delay of one exchange is `per_apdu + per_byte × (command bytes + response bytes)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Latency {
    /// Fixed delay per APDU.
    pub per_apdu: Duration,
    /// Delay per byte sent or received.
    pub per_byte: Duration,
}

impl Latency {
    /// No delay (the default).
    pub const ZERO: Latency = Latency {
        per_apdu: Duration::ZERO,
        per_byte: Duration::ZERO,
    };

    /// Roughly a real card behind a CCID reader: T=0 at 9600–115200 baud gives a few
    /// milliseconds per APDU plus about 0.1 ms per byte (spec §1.1, §1.4). With it, reading a
    /// whole 1.8 card takes seconds, as on real hardware.
    pub const fn real_card() -> Self {
        Latency {
            per_apdu: Duration::from_millis(4),
            per_byte: Duration::from_micros(100),
        }
    }

    /// True when no delay is configured.
    pub fn is_zero(&self) -> bool {
        self.per_apdu.is_zero() && self.per_byte.is_zero()
    }

    /// The delay for an exchange of `bytes` bytes (command and response together).
    pub fn delay_for(&self, bytes: usize) -> Duration {
        let bytes = u32::try_from(bytes).unwrap_or(u32::MAX);
        self.per_apdu
            .saturating_add(self.per_byte.saturating_mul(bytes))
    }
}

/// The faults of one virtual card (see the [module documentation](self)).
///
/// Setters take and return `&mut Self` so they chain both on a fresh value and on
/// [`VirtualCard::faults_mut`](crate::VirtualCard::faults_mut). One-shot faults (removal, reset,
/// status word at APDU *n*) are consumed when they fire.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    seed: u64,
    rng: Option<XorShift64>,
    remove_at: Vec<u64>,
    remove_during_read: Vec<(FileId, usize)>,
    reset_at: Vec<u64>,
    status_at: Vec<(u64, StatusWord)>,
    status_for_ins: Vec<InstructionStatus>,
    chunk: Option<u16>,
    wrong_le_first_read: bool,
    flip_one_in: Option<u32>,
    latency: Latency,
}

#[derive(Clone, Copy, Debug)]
struct InstructionStatus {
    ins: u8,
    sw: StatusWord,
    remaining: u32,
}

impl Faults {
    /// Passed as `times` to [`Faults::status_for_instruction`]: inject on every matching APDU.
    pub const ALWAYS: u32 = u32::MAX;

    /// No faults.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when no fault and no latency is configured (the card behaves like a perfect card).
    pub fn is_empty(&self) -> bool {
        self.remove_at.is_empty()
            && self.remove_during_read.is_empty()
            && self.reset_at.is_empty()
            && self.status_at.is_empty()
            && self.status_for_ins.is_empty()
            && self.chunk.is_none()
            && !self.wrong_le_first_read
            && self.flip_one_in.is_none()
            && self.latency.is_zero()
    }

    /// Remove every fault (the seed is kept).
    pub fn clear(&mut self) -> &mut Self {
        let seed = self.seed;
        *self = Faults::default();
        self.seed = seed;
        self
    }

    /// Seed of the random generator used by [`Faults::flip_bits`]. The default seed is 0 (a
    /// fixed, non-zero internal state); the same seed gives the same flips.
    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.seed = seed;
        self.rng = None;
        self
    }

    /// The card is pulled when APDU number `n` (counted from 1 since the card was created)
    /// arrives: that APDU is not executed and the transport reports
    /// [`beid::TransportError::CardRemoved`] for it and every later one until
    /// [`VirtualCard::insert`](crate::VirtualCard::insert). Over vpcd the connection is closed.
    pub fn remove_at_apdu(&mut self, n: u64) -> &mut Self {
        self.remove_at.push(n);
        self
    }

    /// The card is pulled in the middle of reading `file`: at the first READ BINARY of that file
    /// whose offset is at least `offset` (0 = at the very first read of the file).
    pub fn remove_during_read(&mut self, file: FileId, offset: usize) -> &mut Self {
        self.remove_during_read.push((file, offset));
        self
    }

    /// Another party resets the card when APDU number `n` arrives: that APDU is not executed,
    /// the card loses every PIN right and its current file (spec §8.9), and the transport
    /// reports [`beid::TransportError::CardReset`] until the host calls
    /// [`Transport::reset`](beid::transport::Transport::reset) (as PC/SC requires a reconnect).
    pub fn reset_at_apdu(&mut self, n: u64) -> &mut Self {
        self.reset_at.push(n);
        self
    }

    /// APDU number `n` is answered with `sw` alone, without being executed.
    pub fn status_at_apdu(&mut self, n: u64, sw: StatusWord) -> &mut Self {
        self.status_at.push((n, sw));
        self
    }

    /// The next `times` APDUs with instruction byte `ins` are answered with `sw` alone, without
    /// being executed ([`Faults::ALWAYS`] for every one).
    pub fn status_for_instruction(&mut self, ins: u8, sw: StatusWord, times: u32) -> &mut Self {
        if times > 0 {
            self.status_for_ins.push(InstructionStatus {
                ins,
                sw,
                remaining: times,
            });
        }
        self
    }

    /// Case-4 answers (PSO:CDS, INTERNAL AUTHENTICATE, long READ RECORD) are handed out in
    /// pieces of at most `max` bytes: the card announces `61 xx` with `xx ≤ max`, and every GET
    /// RESPONSE returns at most `max` bytes followed by `61 xx` again while data is left
    /// (spec §1.4, §3.4). `max` is clamped to 1..=256.
    pub fn chunk_responses(&mut self, max: u16) -> &mut Self {
        self.chunk = Some(max.clamp(1, 256));
        self
    }

    /// The first READ BINARY of each file in a card session (since the last reset) is answered
    /// `6C xx` with the exact length, even when Le would fit — as V1 cards and some readers do
    /// (spec §1.4); the re-sent command then succeeds.
    pub fn wrong_le_on_first_read(&mut self, on: bool) -> &mut Self {
        self.wrong_le_first_read = on;
        self
    }

    /// Flip one random bit in the data part of a response, for one response in `one_in` (1 =
    /// every response that carries data; 0 turns the fault off). Status words are never touched.
    pub fn flip_bits(&mut self, one_in: u32) -> &mut Self {
        self.flip_one_in = (one_in > 0).then_some(one_in);
        self
    }

    /// Latency added to every exchange (default [`Latency::ZERO`]).
    pub fn latency(&mut self, latency: Latency) -> &mut Self {
        self.latency = latency;
        self
    }

    // ----- used by the card ----------------------------------------------------------------

    pub(crate) fn chunk_limit(&self) -> usize {
        self.chunk.map_or(256, usize::from)
    }

    pub(crate) fn wrong_le_first_read_enabled(&self) -> bool {
        self.wrong_le_first_read
    }

    pub(crate) fn current_latency(&self) -> Latency {
        self.latency
    }

    /// Fault checks that need no knowledge of the command. Cheap when nothing is configured.
    pub(crate) fn before_apdu(&mut self, n: u64, ins: Option<u8>) -> Option<FaultAction> {
        if take_first(&mut self.remove_at, |&m| m == n) {
            return Some(FaultAction::Remove);
        }
        if take_first(&mut self.reset_at, |&m| m == n) {
            return Some(FaultAction::Reset);
        }
        if let Some(pos) = self.status_at.iter().position(|&(m, _)| m == n) {
            let (_, sw) = self.status_at.swap_remove(pos);
            return Some(FaultAction::Status(sw));
        }
        if let Some(ins) = ins {
            if let Some(pos) = self.status_for_ins.iter().position(|f| f.ins == ins) {
                let entry = self.status_for_ins.get_mut(pos)?;
                let sw = entry.sw;
                if entry.remaining != Self::ALWAYS {
                    entry.remaining -= 1;
                    if entry.remaining == 0 {
                        self.status_for_ins.swap_remove(pos);
                    }
                }
                return Some(FaultAction::Status(sw));
            }
        }
        None
    }

    /// True when a READ BINARY of `file` at `offset` must find the card removed (consumes the
    /// fault).
    pub(crate) fn remove_on_read(&mut self, file: FileId, offset: usize) -> bool {
        take_first(&mut self.remove_during_read, |&(f, o)| {
            f == file && offset >= o
        })
    }

    pub(crate) fn has_read_removal(&self) -> bool {
        !self.remove_during_read.is_empty()
    }

    /// Maybe flip one bit of `data` (the fault of [`Faults::flip_bits`]).
    pub(crate) fn maybe_flip(&mut self, data: &mut [u8]) {
        let Some(one_in) = self.flip_one_in else {
            return;
        };
        if data.is_empty() {
            return;
        }
        let seed = self.seed;
        let rng = self.rng.get_or_insert_with(|| XorShift64::new(seed));
        if rng.below(u64::from(one_in)) != 0 {
            return;
        }
        let bit = rng.below(data.len() as u64 * 8);
        if let Some(b) = data.get_mut((bit / 8) as usize) {
            *b ^= 1 << (bit % 8);
        }
    }
}

/// What the card must do instead of executing an APDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FaultAction {
    Remove,
    Reset,
    Status(StatusWord),
}

fn take_first<T>(v: &mut Vec<T>, pred: impl Fn(&T) -> bool) -> bool {
    if v.is_empty() {
        return false;
    }
    match v.iter().position(pred) {
        Some(pos) => {
            v.swap_remove(pos);
            true
        }
        None => false,
    }
}

/// A tiny xorshift64* generator: deterministic, seedable, no dependency. Not cryptographic;
/// used for fault decisions and GET CHALLENGE answers of the virtual card.
#[derive(Clone, Debug)]
pub(crate) struct XorShift64(u64);

impl XorShift64 {
    pub(crate) fn new(seed: u64) -> Self {
        // splitmix64 step so that small seeds give well-mixed states; never zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        XorShift64(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A value in `0..n` (`n > 0`; 0 gives 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        self.next_u64() % n
    }

    pub(crate) fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            for (o, b) in chunk.iter_mut().zip(v) {
                *o = b;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shot_faults_fire_once() {
        let mut f = Faults::new();
        f.remove_at_apdu(3)
            .reset_at_apdu(5)
            .status_at_apdu(7, StatusWord(0x6581));
        assert_eq!(f.before_apdu(1, Some(0xA4)), None);
        assert_eq!(f.before_apdu(3, Some(0xA4)), Some(FaultAction::Remove));
        assert_eq!(f.before_apdu(3, Some(0xA4)), None);
        assert_eq!(f.before_apdu(5, None), Some(FaultAction::Reset));
        assert_eq!(
            f.before_apdu(7, None),
            Some(FaultAction::Status(StatusWord(0x6581)))
        );
        assert!(f.is_empty());
    }

    #[test]
    fn instruction_status_counts_down_or_repeats() {
        let mut f = Faults::new();
        f.status_for_instruction(0x2A, StatusWord(0x6400), 2);
        assert_eq!(f.before_apdu(1, Some(0xB0)), None);
        assert!(f.before_apdu(2, Some(0x2A)).is_some());
        assert!(f.before_apdu(3, Some(0x2A)).is_some());
        assert_eq!(f.before_apdu(4, Some(0x2A)), None);
        f.status_for_instruction(0xB0, StatusWord(0x6581), Faults::ALWAYS);
        for n in 0..10 {
            assert!(f.before_apdu(n, Some(0xB0)).is_some());
        }
        f.clear();
        assert!(f.is_empty());
    }

    #[test]
    fn read_removal_matches_file_and_offset() {
        let mut f = Faults::new();
        f.remove_during_read(FileId::Photo, 500);
        assert!(!f.remove_on_read(FileId::Identity, 600));
        assert!(!f.remove_on_read(FileId::Photo, 252));
        assert!(f.remove_on_read(FileId::Photo, 504));
        assert!(!f.remove_on_read(FileId::Photo, 756));
    }

    #[test]
    fn bit_flips_are_seeded_and_touch_one_bit() {
        let run = |seed| {
            let mut f = Faults::new();
            f.seed(seed).flip_bits(1);
            let mut data = [0u8; 32];
            f.maybe_flip(&mut data);
            data
        };
        let a = run(7);
        assert_eq!(a, run(7));
        assert_eq!(a.iter().map(|b| b.count_ones()).sum::<u32>(), 1);
        let mut f = Faults::new();
        f.flip_bits(0);
        let mut data = [0u8; 4];
        f.maybe_flip(&mut data);
        assert_eq!(data, [0; 4]);
    }

    #[test]
    fn latency_presets() {
        assert!(Latency::default().is_zero());
        let l = Latency::real_card();
        assert!(!l.is_zero());
        assert_eq!(
            l.delay_for(10),
            Duration::from_millis(4) + Duration::from_micros(1000)
        );
    }

    #[test]
    fn xorshift_is_deterministic_and_nonzero() {
        let mut a = XorShift64::new(0);
        let mut b = XorShift64::new(0);
        assert_eq!(a.next_u64(), b.next_u64());
        let mut buf = [0u8; 13];
        a.fill(&mut buf);
        assert!(buf.iter().any(|&x| x != 0));
    }
}
