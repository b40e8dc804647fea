//! `beid sim`: serve a virtual card to PC/SC applications through vsmartcard's vpcd, made from a
//! profile or, with `--from DIR`, from a `beid dump` directory (a real card's files as a virtual
//! card for CI).

use std::fs::File;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use beid_simulator::keys::KeyFamily;
use beid_simulator::{Profile, TestPki, VirtualCard, VpcdBridge, replica};

use crate::{Exit, Failure, Result, SimArgs};

fn build(args: &SimArgs) -> Result<(VirtualCard, String)> {
    if let Some(dir) = &args.from {
        let raw = replica::load_dump(dir).map_err(|e| Failure::new(Exit::Input, e.to_string()))?;
        let redacted = std::fs::read_to_string(dir.join(replica::DUMP_MANIFEST))
            .map(|m| m.contains("\"national_number_redacted\": true"))
            .unwrap_or(false);
        let pin = args.pin.as_deref().unwrap_or("1234");
        let image = beid_simulator::CardImage::from_raw(&raw, pin)
            .map_err(|e| Failure::new(Exit::Input, e.to_string()))?;
        eprintln!(
            "beid sim: serving the {} files of {} exactly as dumped ({}); signatures and the \
             chip challenge use the simulator's TEST keys and verify under the dumped \
             certificates only if the dump came from the simulator{}",
            image.files.len(),
            dir.display(),
            image.generation,
            if redacted {
                "; the dump is redacted, so the identity signature and the holder certificates \
                 do not verify either"
            } else {
                ""
            }
        );
        return Ok((
            VirtualCard::from_image(image),
            format!("replica of {}", dir.display()),
        ));
    }
    let profile = Profile::from_name(&args.profile)?;
    let mut builder = profile.builder();
    if let Some(pin) = &args.pin {
        builder = builder.pin(pin.clone());
    }
    for fault in &args.fault {
        builder = fault.apply(builder);
    }
    Ok((builder.build()?, format!("profile {}", profile.name())))
}

pub(crate) fn sim(args: &SimArgs) -> Result<Exit> {
    if let Some(pin) = &args.pin {
        // Validated before anything starts; the message never shows the digits.
        beid::Pin::new(pin)
            .map_err(|e| Failure::new(Exit::Usage, format!("invalid --pin: {e}")))?;
    }
    let (mut card, what) = build(args)?;
    if args.real_card_latency {
        card.faults_mut()
            .latency(beid_simulator::Latency::real_card());
    }
    if let Some(path) = &args.export_root {
        let family = KeyFamily::for_generation(card.generation()).unwrap_or(KeyFamily::Ec);
        let pem = TestPki::standard(family)?.root_certificate_pem()?;
        std::fs::write(path, pem).map_err(|e| Failure::input(path, e))?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| Failure::new(Exit::Card, format!("signal handler: {e}")))?;
    }
    let mut bridge = VpcdBridge::new(card, args.vpcd.clone())
        .once(args.once)
        .with_stop_flag(stop);
    match args.apdu_log.as_deref() {
        None => {}
        Some("-") => bridge = bridge.apdu_log(Box::new(io::stdout())),
        Some(path) => {
            let file = File::create(path).map_err(|e| Failure::input(path.as_ref(), e))?;
            bridge = bridge.apdu_log(Box::new(file));
        }
    }
    let _ = writeln!(
        io::stderr(),
        "beid sim: serving {what} to vpcd at {}{}",
        args.vpcd,
        if args.once { " (once)" } else { "" }
    );
    bridge
        .run()
        .map_err(|e| Failure::new(Exit::Card, format!("vpcd bridge: {e}")))?;
    Ok(Exit::Ok)
}
