//! `cargo xtask pkg`: builds the npm package into `pkg/dist/`.
//!
//! 1. `cargo build -p imagecapture-js` for wasm32 (the size-optimised `wasm-release` profile, or
//!    the dev profile for a quick debug build);
//! 2. `wasm-bindgen --target web` into `pkg/dist/`;
//! 3. `wasm-opt -Oz` from npm's `binaryen` (a devDependency of `pkg/`, installed with
//!    `npm install` when missing; Debian's binaryen is too old and breaks the module);
//! 4. the hand-written entry points and types from `pkg/src/` next to them;
//!
//! and prints the size of what a page downloads, raw and gzipped.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run;

/// The crate that becomes the package, and the file stem wasm-bindgen gives its output.
const CRATE: &str = "imagecapture-js";
const STEM: &str = "imagecapture_js";
/// The binaryen release whose `wasm-opt` is known to produce working output here.
const BINARYEN_MAJOR: &str = "132";
/// The hand-written files of `pkg/src/`, copied into `pkg/dist/` as they are.
const HAND_WRITTEN: [&str; 4] = ["index.js", "polyfill.js", "index.d.ts", "polyfill.d.ts"];

/// Builds `pkg/dist/`: size-optimised when `release`, else a quick debug build (no wasm-opt).
pub fn build(release: bool) -> Result<(), String> {
    let root = workspace_root()?;
    let pkg = root.join("pkg");
    let dist = pkg.join("dist");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let (profile, profile_dir) = if release {
        ("wasm-release", "wasm-release")
    } else {
        ("dev", "debug")
    };

    run::cargo(
        &[
            "build",
            "--package",
            CRATE,
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            profile,
        ],
        &[],
    )?;
    let wasm = target_dir
        .join("wasm32-unknown-unknown")
        .join(profile_dir)
        .join(format!("{STEM}.wasm"));
    if !wasm.is_file() {
        return Err(format!("the build left no {}", wasm.display()));
    }

    if dist.exists() {
        fs::remove_dir_all(&dist).map_err(|e| format!("cannot clear {}: {e}", dist.display()))?;
    }
    fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;

    if !run::exists("wasm-bindgen") {
        return Err(
            "wasm-bindgen (wasm-bindgen-cli at Cargo.lock's version of wasm-bindgen) \
                    is not installed: `cargo install wasm-bindgen-cli --version <that version>`"
                .into(),
        );
    }
    let mut bindgen_args = vec![
        "--target",
        "web",
        "--no-typescript",
        // Exports `__wbg_reset_state()`: after a panic, index.js swaps in a fresh instance at
        // once, before any callback of the dead one can run (see imagecapture-js's panic.rs).
        "--experimental-reset-state-function",
        "--out-name",
        STEM,
        "--out-dir",
        path_str(&dist)?,
    ];
    if !release {
        bindgen_args.push("--debug");
    }
    bindgen_args.push(path_str(&wasm)?);
    run::command("wasm-bindgen", &bindgen_args, &[])?;

    let bg = dist.join(format!("{STEM}_bg.wasm"));
    if release {
        let wasm_opt = wasm_opt(&pkg)?;
        let optimised = dist.join(format!("{STEM}_bg.opt.wasm"));
        run::command(
            path_str(&wasm_opt)?,
            &[
                "-Oz",
                "--enable-bulk-memory",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-nontrapping-float-to-int",
                "--enable-multivalue",
                "--enable-reference-types",
                path_str(&bg)?,
                "-o",
                path_str(&optimised)?,
            ],
            &[],
        )?;
        fs::rename(&optimised, &bg).map_err(|e| format!("cannot replace {}: {e}", bg.display()))?;
    }

    for file in HAND_WRITTEN {
        let from = pkg.join("src").join(file);
        fs::copy(&from, dist.join(file))
            .map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
    }

    print_sizes(&dist)?;
    println!("\nxtask pkg: built {}", dist.display());
    Ok(())
}

/// The repository root: two levels above this crate.
fn workspace_root() -> Result<PathBuf, String> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .map_err(|e| format!("cannot find the workspace root: {e}"))
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("path is not UTF-8: {}", path.display()))
}

/// `pkg/node_modules/.bin/wasm-opt` of binaryen 132, installing pkg's devDependencies if needed.
fn wasm_opt(pkg: &Path) -> Result<PathBuf, String> {
    let wasm_opt = pkg.join("node_modules").join(".bin").join("wasm-opt");
    if !wasm_opt.exists() {
        run::command(
            "npm",
            &[
                "install",
                "--prefix",
                path_str(pkg)?,
                "--no-audit",
                "--no-fund",
            ],
            &[],
        )?;
    }
    let version = Command::new(&wasm_opt)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", wasm_opt.display()))?;
    let version = String::from_utf8_lossy(&version.stdout);
    if !version.contains(&format!("version {BINARYEN_MAJOR}")) {
        return Err(format!(
            "{} is {}, expected binaryen {BINARYEN_MAJOR} (pkg/package.json's devDependency)",
            wasm_opt.display(),
            version.trim()
        ));
    }
    Ok(wasm_opt)
}

/// Prints what a page downloads (the module, its glue and our entry), raw and gzipped.
fn print_sizes(dist: &Path) -> Result<(), String> {
    let files = [
        format!("{STEM}_bg.wasm"),
        format!("{STEM}.js"),
        "index.js".to_string(),
    ];
    println!("\n{:<24} {:>10} {:>10}", "file", "bytes", "gzip -9");
    let (mut raw_total, mut gzip_total) = (0, 0);
    for name in &files {
        let path = dist.join(name);
        let raw = fs::metadata(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .len();
        let gzipped = gzip_size(&path);
        raw_total += raw;
        gzip_total += gzipped.unwrap_or(0);
        let shown = gzipped.map_or_else(|| "?".to_string(), |g| g.to_string());
        println!("{name:<24} {raw:>10} {shown:>10}");
    }
    println!("{:<24} {raw_total:>10} {gzip_total:>10}", "total");
    Ok(())
}

/// The size of `path` after `gzip -9`, when gzip is there.
fn gzip_size(path: &Path) -> Option<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c", "-n"])
        .arg(path)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}
