//! GET CARD DATA answer parser (spec §9.2): never panics; accessors and `Debug` are total;
//! every answer of at least 28 bytes is accepted (unknown values are data) and kept as is.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match beid::CardData::parse(data) {
        Ok(c) => {
            assert!(data.len() >= beid::CardData::LEN);
            assert_eq!(c.raw(), data);
            let _ = format!("{c:?}");
            assert_eq!(
                c.generation(),
                beid::Generation::from_applet_version(c.applet_version())
            );
            let _ = (c.serial(), c.serial_reserved(), c.chip_manufacturer());
            let _ = (
                c.unique_chip_id(),
                c.component_code(),
                c.os_number(),
                c.os_version(),
            );
            let _ = (c.softmask_number(), c.softmask_version(), c.versions());
            let _ = (
                c.global_os_version(),
                c.life_cycle(),
                c.pin_tries_left(),
                c.extra(),
            );
        }
        Err(e) => {
            assert!(data.len() < beid::CardData::LEN);
            assert_eq!(e.offset(), data.len());
        }
    }
});
