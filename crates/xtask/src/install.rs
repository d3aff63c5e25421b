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
