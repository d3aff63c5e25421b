//! Installing what the tests need, skipping what is already present. A fresh machine has the
//! Rust toolchain, node and npm; everything else comes from Debian's packages, crates.io or npm.

use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::run;

/// `cargo install` settings for the tools the tests drive (wasm-bindgen's CLI and test runner,
/// geckodriver): optimisation level 1 instead of release's 3 builds them in about half the time
/// on 2 cores, and their work here (rewriting a few megabytes of wasm, relaying WebDriver
/// commands) is a second or two either way.
pub const TOOL_BUILD: [(&str, &str); 1] = [("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")];

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// What this run installed, in order (the benchmark report shows it beside the install time).
static INSTALLED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Notes that this run installed `what`.
pub fn record(what: String) {
    if let Ok(mut installed) = INSTALLED.lock() {
        installed.push(what);
    }
}

/// What this run installed so far.
pub fn installed() -> Vec<String> {
    INSTALLED.lock().map(|i| i.clone()).unwrap_or_default()
}

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
    apt_with(packages, false)
}

/// [`apt`], printing apt's output only when it fails when `quiet` (it runs beside cargo).
fn apt_with(packages: &[&str], quiet: bool) -> Result<(), String> {
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
        let env = [("DEBIAN_FRONTEND", "noninteractive")];
        if quiet {
            run::command_quiet(all[0], &all[1..], &env)
        } else {
            run::command(all[0], &all[1..], &env)
        }
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
    })?;
    record(format!("Debian: {}", missing.join(" ")));
    Ok(())
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
        record("rustup: wasm32-unknown-unknown".into());
    }
    let wanted = locked_version("wasm-bindgen")?;
    let have = version_of("wasm-bindgen-test-runner").unwrap_or_default();
    if !have.split_whitespace().any(|w| w == wanted) {
        // Not `--locked`: the CLI's own lock pins a webpki-roots version the registry lacks.
        // No default features: they are only TLS (rustls and ring, a C build) for a WebDriver
        // over https, and the runner talks to local drivers over http.
        run::command(
            "cargo",
            &[
                "install",
                "wasm-bindgen-cli",
                "--version",
                &wanted,
                "--no-default-features",
                "--force",
            ],
            &TOOL_BUILD,
        )?;
        record(format!("crates.io: wasm-bindgen-cli {wanted}"));
    }
    Ok(())
}

/// What the browser tests and benchmarks need: the package tools ([`package_tools`]),
/// Chromium and its driver, Firefox ESR and geckodriver, WebKitGTK's WebKitWebDriver with Xvfb
/// and a D-Bus daemon ([`crate::webkit::PACKAGES`]).
///
/// On a fresh machine this is most of the install time, so the three installs run side by side:
/// Debian's packages (≈ 40 s here, waiting on the network and the disk) and the two `cargo
/// install`s (wasm-bindgen's CLI and geckodriver, waiting on the CPU; together they keep both
/// cores busy through each other's single-threaded stretches: build scripts, proc macros, the
/// final link).
pub fn browsers() -> Result<(), String> {
    let mut packages = vec!["chromium", "chromium-driver", "firefox-esr"];
    packages.extend(crate::webkit::PACKAGES);
    let debian = std::thread::spawn(move || apt_with(&packages, true));
    let gecko = std::thread::spawn(geckodriver);
    let tools = package_tools();
    let joined = |handle: std::thread::JoinHandle<Result<(), String>>, what: &str| {
        handle
            .join()
            .unwrap_or_else(|_| Err(format!("installing {what} panicked")))
    };
    let gecko = joined(gecko, "geckodriver");
    let debian = joined(debian, "Debian's packages");
    tools.and(gecko).and(debian)
}

/// geckodriver, Firefox's WebDriver (not in Debian).
fn geckodriver() -> Result<(), String> {
    if version_of("geckodriver").is_none() {
        run::command(
            "cargo",
            &["install", "--locked", "geckodriver"],
            &TOOL_BUILD,
        )?;
        record("crates.io: geckodriver".into());
    }
    Ok(())
}
