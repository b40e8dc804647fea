//! Bridge to a vsmartcard **vpcd** virtual reader, so that real middleware (OpenSC, eid-mw,
//! commons-eid, anything on PC/SC) talks to a [`VirtualCard`] through pcscd.
//!
//! Protocol (vsmartcard `vpcd.c`, `vpcd.h`; peers notes §B.9): vpcd listens on TCP (port 35963
//! for its first slot) and the virtual card connects to it. Every message, both ways, is a
//! 2-byte big-endian length followed by that many bytes. A 1-byte message from vpcd is a
//! control message: `00` power off, `01` power on, `02` reset, `04` get ATR — only `04` is
//! answered (with the framed ATR). Any longer message is a C-APDU, answered with one framed
//! R-APDU. vpcd sees the card as removed when the connection closes, so a removal
//! [fault](crate::Faults) closes the connection; the bridge then reconnects (re-inserts the
//! card) after [`VpcdBridge::reconnect_interval`].
//!
//! ```no_run
//! # fn demo(card: beid_simulator::VirtualCard) -> Result<(), beid_simulator::SimulatorError> {
//! use beid_simulator::vpcd::{VpcdBridge, DEFAULT_VPCD_ADDR};
//! let mut bridge = VpcdBridge::new(card, DEFAULT_VPCD_ADDR);
//! let stop = bridge.stop_flag(); // set it (e.g. from a signal handler) to end `run`
//! bridge.run()?;
//! # Ok(()) }
//! ```

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::card::VirtualCard;
use crate::error::SimulatorError;
use crate::transcript::{Hex, TranscriptEntry, mask_command};

/// Where vpcd listens by default: its first slot on the local machine (port `0x8C7B`).
pub const DEFAULT_VPCD_ADDR: &str = "127.0.0.1:35963";

/// Default pause between connection attempts.
pub const DEFAULT_RECONNECT_INTERVAL: Duration = Duration::from_millis(500);

/// How often blocking socket operations wake up to look at the stop flag.
const POLL: Duration = Duration::from_millis(50);

/// Control messages from vpcd (vsmartcard `vpcd.h`).
const CTRL_OFF: u8 = 0x00;
const CTRL_ON: u8 = 0x01;
const CTRL_RESET: u8 = 0x02;
const CTRL_ATR: u8 = 0x04;

/// How one connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionEnd {
    /// vpcd closed the connection (pcscd stopped, reader removed) or the socket failed.
    Disconnected,
    /// The card was removed (a removal or reset fault): the bridge closed the connection.
    CardRemoved,
    /// The stop flag was set.
    Stopped,
}

/// Serves one [`VirtualCard`] to a vpcd reader (see the [module documentation](self)).
pub struct VpcdBridge {
    card: VirtualCard,
    addr: String,
    reconnect_interval: Duration,
    once: bool,
    log: Option<Box<dyn Write + Send>>,
    stop: Arc<AtomicBool>,
}

impl core::fmt::Debug for VpcdBridge {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VpcdBridge")
            .field("card", &self.card)
            .field("addr", &self.addr)
            .field("reconnect_interval", &self.reconnect_interval)
            .field("once", &self.once)
            .field("log", &self.log.is_some())
            .finish()
    }
}

enum Read2 {
    Done,
    Eof,
    Stopped,
}

impl VpcdBridge {
    /// A bridge that will connect to vpcd at `addr` (`HOST:PORT`).
    pub fn new(card: VirtualCard, addr: impl Into<String>) -> Self {
        VpcdBridge {
            card,
            addr: addr.into(),
            reconnect_interval: DEFAULT_RECONNECT_INTERVAL,
            once: false,
            log: None,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Pause between connection attempts and before reconnecting after a drop (default 500 ms).
    pub fn reconnect_interval(mut self, interval: Duration) -> Self {
        self.reconnect_interval = interval;
        self
    }

    /// Return from [`VpcdBridge::run`] after the first connection ends instead of reconnecting.
    pub fn once(mut self, once: bool) -> Self {
        self.once = once;
        self
    }

    /// Write every exchange to `log` in the [transcript](crate::transcript) text format, PIN
    /// data masked; control messages and connection events as `#` comments.
    pub fn apdu_log(mut self, log: Box<dyn Write + Send>) -> Self {
        self.log = Some(log);
        self
    }

    /// Use `flag` as the stop flag (e.g. one registered with a signal handler).
    pub fn with_stop_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.stop = flag;
        self
    }

    /// The stop flag: set it to `true` to make [`VpcdBridge::run`] return (within ~50 ms).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// The card being served.
    pub fn card(&self) -> &VirtualCard {
        &self.card
    }

    /// The card being served, mutably (e.g. to add faults between sessions).
    pub fn card_mut(&mut self) -> &mut VirtualCard {
        &mut self.card
    }

    /// The card, after the bridge is done.
    pub fn into_card(self) -> VirtualCard {
        self.card
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn note(&mut self, args: core::fmt::Arguments<'_>) {
        if let Some(log) = self.log.as_mut() {
            let _ = log.write_fmt(args).and_then(|()| log.flush());
        }
    }

    /// Connect to vpcd and serve the card until the stop flag is set (or, with
    /// [`VpcdBridge::once`], until the first connection ends). Connection failures and drops
    /// are retried every [`VpcdBridge::reconnect_interval`]; each new connection inserts the
    /// card afresh.
    ///
    /// # Errors
    /// [`SimulatorError::Io`] when the address cannot be resolved.
    pub fn run(&mut self) -> Result<(), SimulatorError> {
        loop {
            if self.stopped() {
                return Ok(());
            }
            let addrs: Vec<SocketAddr> = self.addr.to_socket_addrs()?.collect();
            if let Some(stream) = addrs
                .iter()
                .find_map(|a| TcpStream::connect_timeout(a, Duration::from_secs(2)).ok())
            {
                let addr = self.addr.clone();
                self.note(format_args!("# connected to {addr}\n"));
                self.card.insert();
                let end = self.serve_connection(stream);
                self.note(format_args!("# connection ended: {end:?}\n"));
                if self.once || end == SessionEnd::Stopped {
                    return Ok(());
                }
            }
            self.pause(self.reconnect_interval);
        }
    }

    /// Sleep `d`, waking early when the stop flag is set.
    fn pause(&self, d: Duration) {
        let until = Instant::now() + d;
        while !self.stopped() {
            let now = Instant::now();
            if now >= until {
                break;
            }
            std::thread::sleep((until - now).min(POLL));
        }
    }

    /// Serve the card on an established connection (vpcd's default mode, or a connection vpcd
    /// opened in its reverse mode) until it ends.
    pub fn serve_connection(&mut self, mut stream: TcpStream) -> SessionEnd {
        let _ = stream.set_nodelay(true);
        if stream.set_read_timeout(Some(POLL)).is_err() {
            return SessionEnd::Disconnected;
        }
        let mut message = Vec::with_capacity(261);
        let mut response = Vec::with_capacity(258);
        let end = loop {
            let mut header = [0u8; 2];
            match read_full(&mut stream, &mut header, &self.stop) {
                Ok(Read2::Done) => {}
                Ok(Read2::Stopped) => break SessionEnd::Stopped,
                Ok(Read2::Eof) | Err(_) => break SessionEnd::Disconnected,
            }
            message.clear();
            message.resize(usize::from(u16::from_be_bytes(header)), 0);
            match read_full(&mut stream, &mut message, &self.stop) {
                Ok(Read2::Done) => {}
                Ok(Read2::Stopped) => break SessionEnd::Stopped,
                Ok(Read2::Eof) | Err(_) => break SessionEnd::Disconnected,
            }
            let reply: Option<&[u8]> = match message.as_slice() {
                [] => None,
                [CTRL_OFF] => {
                    self.card.power_off();
                    self.note(format_args!("# power off\n"));
                    None
                }
                [CTRL_ON] => {
                    self.card.power_on();
                    self.note(format_args!("# power on\n"));
                    None
                }
                [CTRL_RESET] => {
                    self.card.reset();
                    self.note(format_args!("reset\n"));
                    None
                }
                [CTRL_ATR] => Some(self.card.atr()),
                [_] => None,
                apdu => {
                    if self.card.is_present() && !self.card.is_powered() {
                        self.card.power_on();
                    }
                    match self.card.transmit_into(apdu, &mut response) {
                        Ok(()) => {
                            if self.log.is_some() {
                                let line = format!(
                                    "> {}\n< {}\n",
                                    Hex(&mask_command(apdu)),
                                    Hex(&response)
                                );
                                self.note(format_args!("{line}"));
                            }
                            Some(response.as_slice())
                        }
                        Err(e) => {
                            if self.log.is_some() {
                                let entry = if matches!(e, beid::TransportError::CardReset) {
                                    TranscriptEntry::CardReset {
                                        command: mask_command(apdu),
                                    }
                                } else {
                                    TranscriptEntry::CardRemoved {
                                        command: mask_command(apdu),
                                    }
                                };
                                self.note(format_args!("{entry}\n"));
                            }
                            // vpcd sees a removal when the connection closes.
                            break SessionEnd::CardRemoved;
                        }
                    }
                }
            };
            if let Some(bytes) = reply {
                if write_frame(&mut stream, bytes).is_err() {
                    break SessionEnd::Disconnected;
                }
            }
        };
        let _ = stream.shutdown(std::net::Shutdown::Both);
        end
    }
}

/// Fill `buf` from `stream`, waking up to look at `stop` while waiting.
fn read_full(stream: &mut TcpStream, buf: &mut [u8], stop: &AtomicBool) -> io::Result<Read2> {
    let mut filled = 0;
    while filled < buf.len() {
        if stop.load(Ordering::Relaxed) {
            return Ok(Read2::Stopped);
        }
        let Some(rest) = buf.get_mut(filled..) else {
            break;
        };
        match stream.read(rest) {
            Ok(0) => return Ok(Read2::Eof),
            Ok(n) => filled += n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Read2::Done)
}

/// Write one frame: 2-byte big-endian length, then the bytes.
fn write_frame(stream: &mut TcpStream, bytes: &[u8]) -> io::Result<()> {
    let len =
        u16::try_from(bytes.len()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let mut frame = Vec::with_capacity(bytes.len() + 2);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(bytes);
    stream.write_all(&frame)
}
