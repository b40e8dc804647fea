//! Where the card comes from: a PC/SC reader or the embedded simulator.

use beid::transport::Transport;
use beid::{TransportError, TransportFailure};
use beid_simulator::keys::KeyFamily;
use beid_simulator::{Profile, TestPki};

use crate::{Exit, Failure, Global, Result};

/// A transport and what it is.
pub(crate) struct Source {
    pub(crate) transport: Box<dyn Transport + Send>,
    pub(crate) kind: SourceKind,
}

/// What the card is.
#[derive(Debug, Clone)]
pub(crate) enum SourceKind {
    /// A PC/SC reader, by name.
    Reader(String),
    /// The embedded simulator; its test PKI's root may be trusted (never for a real card).
    Simulator { profile: Profile, root_der: Vec<u8> },
    /// The embedded simulator serving a dump directory (`--sim-from DIR`): the dumped card's
    /// files, the simulator's test keys. Its files come from a real card, so no test root is
    /// trusted implicitly.
    Replica { dir: String },
}

impl SourceKind {
    pub(crate) fn label(&self) -> String {
        match self {
            SourceKind::Reader(r) => format!("PC/SC reader \"{r}\""),
            SourceKind::Simulator { profile, .. } => {
                format!("embedded simulator, profile {profile}")
            }
            SourceKind::Replica { dir } => format!("embedded simulator, replica of {dir}"),
        }
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        match self {
            SourceKind::Reader(r) => serde_json::json!({ "kind": "pcsc", "reader": r }),
            SourceKind::Simulator { profile, .. } => {
                serde_json::json!({ "kind": "simulator", "profile": profile.name() })
            }
            SourceKind::Replica { dir } => {
                serde_json::json!({ "kind": "replica", "dump": dir })
            }
        }
    }

    /// True when the card is the embedded simulator (a profile or a replica): its keys are
    /// test keys.
    pub(crate) fn is_simulated(&self) -> bool {
        !matches!(self, SourceKind::Reader(_))
    }
}

/// True for the transport errors that mean "no card to talk to" (exit 4).
pub(crate) fn is_no_card(e: &TransportError) -> bool {
    match e {
        TransportError::NoReader | TransportError::NoCard | TransportError::CardRemoved => true,
        TransportError::Failure { kind, .. } => matches!(
            kind,
            TransportFailure::ServiceUnavailable | TransportFailure::ReaderUnavailable
        ),
        _ => false,
    }
}

/// Open the card the options name. With `fallback`, a missing PC/SC card (no service, no
/// reader, no Belgian card) gives the simulator instead, and stderr says so.
pub(crate) fn open(g: &Global, fallback: bool) -> Result<Source> {
    if g.sim.is_none() && g.sim_from.is_none() {
        match reader(g) {
            Ok(s) => return Ok(s),
            Err(e) if fallback && g.reader.is_none() && is_no_card(&e) => {
                eprintln!(
                    "beid: no Belgian card through PC/SC ({e}); using the embedded simulator"
                );
            }
            Err(e) => {
                let exit = if is_no_card(&e) {
                    Exit::NoCard
                } else {
                    Exit::Card
                };
                return Err(Failure::new(
                    exit,
                    format!("{e} (use --sim for the embedded simulator)"),
                ));
            }
        }
    }
    simulator(g)
}

#[cfg(feature = "pcsc")]
fn reader(g: &Global) -> std::result::Result<Source, TransportError> {
    use beid::transport::pcsc::PcscTransport;
    let t = match &g.reader {
        Some(name) => PcscTransport::connect(name)?,
        None => PcscTransport::connect_first()?,
    };
    let name = t.reader().to_owned();
    Ok(Source {
        transport: Box::new(t),
        kind: SourceKind::Reader(name),
    })
}

#[cfg(not(feature = "pcsc"))]
fn reader(_: &Global) -> std::result::Result<Source, TransportError> {
    Err(TransportError::NoReader)
}

fn simulator(g: &Global) -> Result<Source> {
    if let Some(dir) = &g.sim_from {
        let raw = beid_simulator::replica::load_dump(dir)
            .map_err(|e| Failure::new(Exit::Input, e.to_string()))?;
        let pin = g.sim_pin.as_deref().unwrap_or("1234");
        let mut image = beid_simulator::CardImage::from_raw(&raw, pin)
            .map_err(|e| Failure::new(Exit::Input, e.to_string()))?;
        if let Some(tries) = g.sim_tries {
            image.pin_tries_left = tries.min(3);
        }
        return Ok(Source {
            transport: Box::new(beid_simulator::VirtualCard::from_image(image)),
            kind: SourceKind::Replica {
                dir: dir.display().to_string(),
            },
        });
    }
    let name = g.sim.as_deref().unwrap_or("applet-1.8");
    let profile = Profile::from_name(name)?;
    let mut builder = profile.builder();
    if let Some(pin) = &g.sim_pin {
        builder = builder.pin(pin.clone());
    }
    if let Some(tries) = g.sim_tries {
        builder = builder.pin_tries_left(tries);
    }
    for fault in &g.sim_fault {
        builder = fault.apply(builder);
    }
    let mut card = builder.build()?;
    if !g.sim_keypad.is_empty() {
        let mut pad = beid_simulator::VirtualPinPad::new();
        for entry in &g.sim_keypad {
            pad.push(match entry.as_str() {
                "cancel" => beid_simulator::KeypadEntry::Cancel,
                "timeout" => beid_simulator::KeypadEntry::Timeout,
                digits => beid_simulator::KeypadEntry::digits(digits),
            });
        }
        card = card.with_pin_pad(pad);
    }
    let family = if card.image().generation.is_ec() {
        KeyFamily::Ec
    } else {
        KeyFamily::Rsa
    };
    let root_der = TestPki::standard(family)?.root_certificate_der().to_vec();
    Ok(Source {
        transport: Box::new(card),
        kind: SourceKind::Simulator { profile, root_der },
    })
}
