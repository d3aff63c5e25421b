//! `cargo xtask soak [--grabs N] [--photos N]`: the native soak (crates/imagecapture-native's
//! `tests/soak.rs`) at full length: per pixel format, 10,000 grabs and 1,000 photos on the fake
//! camera with the memory's high-water mark compared between the run's halves, then 1,000
//! ImageCaptures made and dropped. `cargo test` runs a short version.

use crate::run;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut grabs = "10000".to_owned();
    let mut photos = "1000".to_owned();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| {
            rest.next()
                .filter(|v| v.parse::<u64>().is_ok_and(|n| n > 0))
                .cloned()
                .ok_or_else(|| format!("soak: {name} takes a positive whole number"))
        };
        match arg.as_str() {
            "--grabs" => grabs = value("--grabs")?,
            "--photos" => photos = value("--photos")?,
            other => return Err(format!("soak: unknown option {other:?}")),
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run::command(
        &cargo,
        &[
            "test",
            "-p",
            "imagecapture-native",
            "--test",
            "soak",
            "the_full_soak_holds_memory_flat",
            "--",
            "--ignored",
            "--exact",
            "--nocapture",
        ],
        &[
            ("IMAGECAPTURE_SOAK_GRABS", grabs.as_str()),
            ("IMAGECAPTURE_SOAK_PHOTOS", photos.as_str()),
        ],
    )
}
