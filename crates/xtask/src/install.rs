//! Installing what the tests need, skipping what is already present. A fresh machine has the
//! Rust toolchain, node and npm; everything else comes from Debian's packages, crates.io or npm.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::run;

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs the Debian packages among `packages` that are missing.
pub fn apt(packages: &[&str]) -> Result<(), String> {
    if !run::exists("dpkg-query") {
        println!(
            "(no dpkg here: make sure these are installed: {})",
            packages.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !is_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo", "-n"] };
    let apt = |args: &[&str]| {
        let all: Vec<&str> = sudo
            .iter()
            .copied()
            .chain(["apt-get"])
            .chain(args.iter().copied())
            .collect();
        run::command(all[0], &all[1..], &[("DEBIAN_FRONTEND", "noninteractive")])
    };
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        apt(&["update", "-qq"])?;
    }
    let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
    args.extend(&missing);
    apt(&args).map_err(|e| {
        format!(
            "{e}\n(installing {} needs root or passwordless sudo)",
            missing.join(" ")
        )
    })
}

/// What the native build needs: libclang for the bindgen run of nokhwa's V4L2 bindings.
pub fn native() -> Result<(), String> {
    if cfg!(target_os = "linux") {
        apt(&["libclang1-14"])?;
    }
    Ok(())
}

/// The version of a package in Cargo.lock (the first one listed).
pub fn locked_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string("Cargo.lock").map_err(|e| format!("Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').ok_or("Cargo.lock is malformed")?;
    Ok(lock[start..start + end].to_owned())
}

/// What `program --version` prints, if it runs.
pub fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What building the npm package needs: the wasm target and wasm-bindgen-cli at Cargo.lock's
/// version of wasm-bindgen (binaryen comes from npm, in `pkg::build`).
pub fn package_tools() -> Result<(), String> {
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if !targets
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        run::command("rustup", &["target", "add", "wasm32-unknown-unknown"], &[])?;
    }
    let wanted = locked_version("wasm-bindgen")?;
    let have = version_of("wasm-bindgen-test-runner").unwrap_or_default();
    if !have.split_whitespace().any(|w| w == wanted) {
        // Not `--locked`: the CLI's own lock pins a webpki-roots version the registry lacks.
        run::command(
            "cargo",
            &[
                "install",
                "wasm-bindgen-cli",
                "--version",
                &wanted,
                "--force",
            ],
            &[],
        )?;
    }
    Ok(())
}

/// What the browser tests need besides the package tools: Chromium and its driver, Firefox ESR
/// and geckodriver.
pub fn browsers() -> Result<(), String> {
    apt(&["chromium", "chromium-driver", "firefox-esr"])?;
    if version_of("geckodriver").is_none() {
        run::command("cargo", &["install", "--locked", "geckodriver"], &[])?;
    }
    Ok(())
}
