//! [`OpenOptions`]: the one way to configure a [`BeidCard`] before its first APDU — read tuning,
//! APDU observer and its privacy, channel limits and progress reporting.

use crate::card::{BeidCard, Progress, ReadOptions};
use crate::error::Result;
use crate::transport::{Channel, ChannelLimits, Exchange, ObserverPrivacy, Transport};

/// A progress callback (see [`OpenOptions::progress`]).
pub(crate) type ProgressFn = Box<dyn FnMut(&Progress) + Send>;
type ObserverFn = Box<dyn FnMut(&Exchange<'_>) + Send>;

/// How to open a card: built with [`OpenOptions::new`], finished with [`OpenOptions::open`].
/// [`BeidCard::open`] is `OpenOptions::new().open(transport)`.
///
/// ```
/// # fn main() -> Result<(), beid::Error> {
/// # let transport = beid_simulator::Profile::Applet17Citizen.card().unwrap();
/// use std::sync::{Arc, Mutex};
/// let apdus = Arc::new(Mutex::new(0u32));
/// let seen = apdus.clone();
/// let mut card = beid::OpenOptions::new()
///     .chunk(252) // eid-mw's READ BINARY size (spec §3.2)
///     .observer(move |_exchange| *seen.lock().unwrap() += 1) // PIN and national number masked
///     .progress(|p| eprintln!("{} / {} bytes", p.bytes, p.expected))
///     .open(transport)?;
/// let contents = card.read_all()?;
/// assert!(*apdus.lock().unwrap() > 10);
/// # let _ = contents; Ok(()) }
/// ```
#[derive(Default)]
#[must_use]
pub struct OpenOptions {
    read: ReadOptions,
    limits: Option<ChannelLimits>,
    observer: Option<ObserverFn>,
    privacy: ObserverPrivacy,
    progress: Option<ProgressFn>,
}

impl core::fmt::Debug for OpenOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("OpenOptions")
            .field("read", &self.read)
            .field("limits", &self.limits)
            .field("observer", &self.observer.is_some())
            .field("privacy", &self.privacy)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl OpenOptions {
    /// Defaults: 256-byte reads, default channel limits, no observer, no progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replace the read tuning.
    pub fn read(mut self, read: ReadOptions) -> Self {
        self.read = read;
        self
    }

    /// Largest Le per READ BINARY (see [`ReadOptions::chunk`]).
    pub fn chunk(mut self, chunk: u16) -> Self {
        self.read = self.read.with_chunk(chunk);
        self
    }

    /// Bounds of the channel's automatic `61xx`/`6Cxx` loops.
    pub fn limits(mut self, limits: ChannelLimits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// An observer called after every exchange, from the first APDU (the applet SELECT) on, with
    /// PIN digits always masked and the national number masked unless [`OpenOptions::privacy`]
    /// reveals it.
    pub fn observer(mut self, observer: impl FnMut(&Exchange<'_>) + Send + 'static) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    /// What the observer may see.
    pub fn privacy(mut self, privacy: ObserverPrivacy) -> Self {
        self.privacy = privacy;
        self
    }

    /// A callback reporting the progress of [`BeidCard::read_raw`] / [`BeidCard::read_all`]
    /// after every READ BINARY (bytes so far and the expected total, refined as real sizes
    /// become known) — e.g. for a progress bar: a real card takes seconds.
    pub fn progress(mut self, progress: impl FnMut(&Progress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// Open the card: select the applet and read the card data (2 APDUs, spec §13.1 steps 2–3).
    pub fn open<T: Transport>(self, transport: T) -> Result<BeidCard<T>> {
        let mut channel = Channel::new(transport);
        if let Some(limits) = self.limits {
            channel.set_limits(limits);
        }
        channel.set_privacy(self.privacy);
        if let Some(observer) = self.observer {
            channel.set_observer(observer);
        }
        BeidCard::from_channel(channel, self.read, self.progress)
    }
}
