//! `cargo xtask fuzz [--secs N] [--seed S]`: the native fuzzer (crates/imagecapture-native's
//! `fuzz` module: MJPEG, raw frames, photo settings and constraints from arbitrary input) for
//! N seconds (default 60). `cargo test` runs it for one second.

use crate::run;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut secs = "60".to_owned();
    let mut seed = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| {
            rest.next()
                .filter(|v| v.parse::<u64>().is_ok())
                .cloned()
                .ok_or_else(|| format!("fuzz: {name} takes a whole number"))
        };
        match arg.as_str() {
            "--secs" => secs = value("--secs")?,
            "--seed" => seed = Some(value("--seed")?),
            other => return Err(format!("fuzz: unknown option {other:?}")),
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut env = vec![("IMAGECAPTURE_FUZZ_SECS", secs.as_str())];
    if let Some(seed) = &seed {
        env.push(("IMAGECAPTURE_FUZZ_SEED", seed.as_str()));
    }
    run::command(
        &cargo,
        &[
            "test",
            "-p",
            "imagecapture-native",
            "--lib",
            "fuzz::fuzz_for_the_seconds_asked",
            "--",
            "--ignored",
            "--exact",
            "--nocapture",
        ],
        &env,
    )
}
