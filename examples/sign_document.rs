//! Signs a document with the non-repudiation key of a simulated card (applet 1.7 or 1.8) and
//! checks the signature against the certificate read from the card.
//!
//! ```sh
//! cargo run --example sign_document -- [FILE] [--sim applet-1.7|applet-1.8] [--out SIG]
//! ```
//!
//! The PIN of the ready profiles is `1234`; it is validated before any APDU and never printed.
//! The signature is written in its standard encoding (PKCS#1 for RSA, DER for ECDSA), so
//! `openssl dgst -sha256|-sha384 -verify <(openssl x509 -pubkey -noout -in cert.pem)
//! -signature SIG FILE` accepts it.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self as sig, UnparsedPublicKey, VerificationAlgorithm};
use beid::card::SignInput;
use beid::vocab::HashAlgorithm;
use beid::{BeidCard, Certificate, FileId, Pin};
use beid_simulator::Profile;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sign_document: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut file = None;
    let mut profile = Profile::Applet18Citizen;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sim" => profile = Profile::from_name(&args.next().ok_or("--sim needs a profile")?)?,
            "--out" => out = Some(args.next().ok_or("--out needs a file")?),
            other => file = Some(other.to_owned()),
        }
    }
    let document = match &file {
        Some(f) => std::fs::read(f)?,
        None => b"an example document".to_vec(),
    };

    let mut card = BeidCard::open(profile.card()?)?;
    let certificate = Certificate::parse(&card.read_file(FileId::NonRepudiationCertificate)?)?;
    let (hash, algorithm, verifier): (_, _, &'static dyn VerificationAlgorithm) =
        if card.generation().is_ec() {
            (
                HashAlgorithm::Sha384,
                &digest::SHA384,
                &sig::ECDSA_P384_SHA384_ASN1,
            )
        } else {
            (
                HashAlgorithm::Sha256,
                &digest::SHA256,
                &sig::RSA_PKCS1_2048_8192_SHA256,
            )
        };
    let digest = digest::digest(algorithm, &document);
    let pin = Pin::new("1234")?;

    let mut session = card.session()?;
    let signature = session.non_repudiation(&pin).sign(
        SignInput::Digest {
            hash,
            digest: digest.as_ref(),
        },
        None,
    )?;
    drop(session);

    let standard = signature.to_standard();
    UnparsedPublicKey::new(verifier, certificate.subject_public_key_info_der())
        .verify(&document, &standard)
        .map_err(|_| "the signature does not verify")?;
    println!(
        "signed {} bytes with {} ({:?}), {} APDUs; signature verified against {:?}",
        document.len(),
        card.generation(),
        signature.algorithm(),
        card.apdu_count(),
        certificate.subject_common_name().unwrap_or_default(),
    );
    if let Some(out) = out {
        std::fs::write(&out, &standard)?;
        std::fs::write(format!("{out}.cert.der"), certificate.der())?;
        println!("wrote {out} and {out}.cert.der");
    }
    Ok(())
}
