//! `cargo xtask consumers` (the last stage of `cargo xtask test`): the project used the way its
//! users use it, from what would be published rather than from the work tree.
//!
//! 1. the npm package: `npm pack` of `pkg/` (built by `cargo xtask pkg`), then
//!    - its file list, exactly [`PACKED_FILES`] (the modules with their source maps, no tests);
//!    - `publint --strict` and `@arethetypeswrong/cli` (`attw`, the `esm-only` profile: the
//!      package is ESM only) on the tarball;
//!    - `tests/consumers/consumers.test.js`: the tarball installed into a Vite, a webpack 5 and a
//!      bundler-free app and a strict TypeScript check in a scratch folder outside the work tree,
//!      the pages run in headless Chromium and Firefox (fake cameras);
//!
//!    the tools pinned in `tests/consumers/package.json`, installed there when missing;
//! 2. `wasm-pack test --headless --chrome` and `--firefox` of `examples/consumer/`, a crate
//!    depending on the facade as a user's would, and of the conformance suite's browser runner
//!    (`tests/conformance --test web`): wasm-pack from crates.io (`cargo install --locked
//!    wasm-pack`, built alongside step 1), told to download nothing (`--mode no-install`: the
//!    `wasm-bindgen` on PATH, which `install::package_tools` puts there at Cargo.lock's version)
//!    and given the installed drivers (`--chromedriver`, `--geckodriver`);
//! 3. `cargo package` of every publishable crate, in dependency order, in one cargo call (cargo
//!    packages crates that depend on each other without their being on crates.io: it resolves
//!    them from the ones it has just packaged), each verified by building it from its `.crate`;
//! 4. what native users combine it with: the facade's `image` feature (off in every other build:
//!    clippy native and wasm32, its docs, `tests/image.rs`) and `examples/consumer`'s tokio
//!    example, run on the fake camera.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::{install, pkg, run};

/// What `npm pack` of `pkg/` must hold, exactly: the two builds' modules, glue, WebAssembly and
/// types, the manifest and the README. The source maps are meant to ship: each minified module
/// names its map (`//# sourceMappingURL`), and each map holds the readable source it maps to
/// (`sourcesContent`, see crates/xtask/src/pkg.rs), so a page's debugger shows our code as
/// written. No tests, no sources beyond those.
const PACKED_FILES: &[&str] = &[
    "README.md",
    // Which build this is (`DIGITAL_ZOOM`), read by index.js at import (crates/xtask/src/pkg.rs).
    "dist/entry.js",
    "dist/imagecapture_js.js",
    "dist/imagecapture_js.js.map",
    "dist/imagecapture_js_bg.wasm",
    "dist/index.d.ts",
    "dist/index.js",
    "dist/index.js.map",
    "dist/polyfill.d.ts",
    "dist/polyfill.js",
    "dist/polyfill.js.map",
    "dist/zoom/entry.js",
    "dist/zoom/imagecapture_js.js",
    "dist/zoom/imagecapture_js.js.map",
    "dist/zoom/imagecapture_js_bg.wasm",
    "dist/zoom/index.d.ts",
    "dist/zoom/index.js",
    "dist/zoom/index.js.map",
    "package.json",
];

/// The crates that go to crates.io, in dependency order.
const PUBLISHED_CRATES: &[&str] = &[
    "imagecapture-core",
    "imagecapture-native",
    "imagecapture-web",
    "imagecapture",
    "imagecapture-cli",
];

/// The crate a Rust user would write, tested with wasm-pack.
const WASM_PACK_CRATE: &str = "examples/consumer";

const USAGE: &str = "usage: cargo xtask consumers [--no-build]
  --no-build   use the pkg/dist/ already built instead of building it first";

/// `cargo xtask consumers [--no-build]`: the stage alone, after building the package.
pub fn command(args: &[String]) -> Result<(), String> {
    let mut build = true;
    for arg in args {
        match arg.as_str() {
            "--no-build" => build = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("consumers: unknown option {other:?}\n{USAGE}")),
        }
    }
    install::browsers()?;
    if build {
        pkg::build(true)?;
    }
    test()?;
    println!("\nxtask consumers: every consumer and check passed");
    Ok(())
}

/// The stage, on the package already built in `pkg/dist/` and the browsers installed.
pub fn test() -> Result<(), String> {
    let started = Instant::now();
    let root = run::workspace_root()?;
    // wasm-pack's build (≈ 3 min when missing) runs on the CPU while the npm part waits on
    // the browsers.
    let wasm_pack = std::thread::spawn(wasm_pack_installed);

    let npm = npm_package(&root);
    let wasm_pack = wasm_pack
        .join()
        .unwrap_or_else(|_| Err("installing wasm-pack panicked".into()));
    npm?;
    wasm_pack?;
    wasm_pack_test(&root)?;
    cargo_package()?;
    interop()?;
    println!(
        "\nxtask: the consumers stage took {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Step 1: the tarball, its file list, the linters, the consumer apps.
fn npm_package(root: &Path) -> Result<(), String> {
    let consumers = root.join("tests/consumers");
    npm_tools(&consumers)?;
    let tarball = pack(root)?;
    check_file_list(&tarball)?;
    let tarball_str = run::path_str(&tarball)?;
    let bin = consumers.join("node_modules/.bin");
    run::command(
        run::path_str(&bin.join("publint"))?,
        &["run", "--strict", tarball_str],
        &[],
    )?;
    // ESM only: no CommonJS `require` to resolve; `--no-definitely-typed`: the types are the
    // package's own, nothing to fetch from the registry.
    run::command(
        run::path_str(&bin.join("attw"))?,
        &[
            "--profile",
            "esm-only",
            "--no-definitely-typed",
            "--format",
            "table-flipped",
            "--no-color",
            tarball_str,
        ],
        &[],
    )?;
    let test = consumers.join("consumers.test.js");
    run::command(
        "node",
        &[
            "--test",
            "--test-concurrency=1",
            "--test-reporter=spec",
            run::path_str(&test)?,
        ],
        &[("IMAGECAPTURE_TARBALL", tarball_str)],
    )
}

/// `tests/consumers/node_modules` with the versions `tests/consumers/package.json` pins
/// (`npm ci`, from its lock, when one is missing or another version).
fn npm_tools(consumers: &Path) -> Result<(), String> {
    let manifest = consumers.join("package.json");
    let text = fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let pins = dev_dependencies(&text);
    if pins.is_empty() {
        return Err(format!("{} pins no devDependencies", manifest.display()));
    }
    let present = |(name, version): &(String, String)| {
        let installed = consumers
            .join("node_modules")
            .join(name)
            .join("package.json");
        fs::read_to_string(installed)
            .is_ok_and(|t| t.contains(&format!("\"version\": \"{version}\"")))
    };
    if pins.iter().all(present) {
        return Ok(());
    }
    run::command(
        "npm",
        &[
            "ci",
            "--prefix",
            run::path_str(consumers)?,
            "--no-audit",
            "--no-fund",
        ],
        &[],
    )?;
    install::record("npm: tests/consumers/'s devDependencies".into());
    match pins.iter().find(|pin| !present(pin)) {
        Some((name, version)) => Err(format!(
            "npm ci left {name} {version} uninstalled in {}",
            consumers.display()
        )),
        None => Ok(()),
    }
}

/// The `"name": "version"` pairs of a package.json's `devDependencies` (one per line, as npm
/// writes them).
fn dev_dependencies(manifest: &str) -> Vec<(String, String)> {
    let Some((_, rest)) = manifest.split_once("\"devDependencies\": {") else {
        return Vec::new();
    };
    let block = rest.split_once('}').map_or(rest, |(block, _)| block);
    block
        .lines()
        .filter_map(|line| {
            let parts: Vec<&str> = line.split('"').collect();
            match parts.as_slice() {
                [_, name, _, version, ..] => Some(((*name).to_owned(), (*version).to_owned())),
                _ => None,
            }
        })
        .collect()
}

/// `npm pack` of `pkg/` into `target/consumers/`: the tarball's path.
fn pack(root: &Path) -> Result<PathBuf, String> {
    let out = root.join("target/consumers");
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let (result, stdout) = run::command_stdout(
        "npm",
        &[
            "pack",
            run::path_str(&root.join("pkg"))?,
            "--pack-destination",
            run::path_str(&out)?,
        ],
        &[],
    );
    result?;
    // npm prints the tarball's file name last.
    let name = stdout
        .lines()
        .map(str::trim)
        .rfind(|l| l.ends_with(".tgz"))
        .ok_or_else(|| format!("npm pack named no tarball:\n{stdout}"))?;
    let tarball = out.join(name);
    if !tarball.is_file() {
        return Err(format!("npm pack left no {}", tarball.display()));
    }
    println!("  packed {}", tarball.display());
    Ok(tarball)
}

/// The tarball holds exactly [`PACKED_FILES`].
fn check_file_list(tarball: &Path) -> Result<(), String> {
    let (result, listing) = run::command_stdout("tar", &["-tzf", run::path_str(tarball)?], &[]);
    result?;
    let packed = packed_files(&listing);
    let (missing, extra) = compare(&packed, PACKED_FILES);
    if missing.is_empty() && extra.is_empty() {
        println!("  the tarball holds the {} files it should", packed.len());
        return Ok(());
    }
    Err(format!(
        "{} does not hold what the package should (pkg/package.json's `files`, or \
         crates/xtask/src/consumers.rs's PACKED_FILES):\n  missing: {}\n  not expected: {}",
        tarball.display(),
        list(&missing),
        list(&extra),
    ))
}

/// The files of `tar -t`'s listing, without npm's `package/` folder, sorted.
fn packed_files(listing: &str) -> Vec<String> {
    let mut files: Vec<String> = listing
        .lines()
        .map(|l| l.trim().trim_start_matches("package/").to_owned())
        .filter(|l| !l.is_empty() && !l.ends_with('/'))
        .collect();
    files.sort();
    files
}

/// What `expected` has and `got` lacks, and what `got` has beyond `expected`.
fn compare(got: &[String], expected: &[&str]) -> (Vec<String>, Vec<String>) {
    let missing = expected
        .iter()
        .filter(|e| !got.iter().any(|g| g == *e))
        .map(|e| (*e).to_owned())
        .collect();
    let extra = got
        .iter()
        .filter(|g| !expected.contains(&g.as_str()))
        .cloned()
        .collect();
    (missing, extra)
}

fn list(files: &[String]) -> String {
    if files.is_empty() {
        "none".into()
    } else {
        files.join(", ")
    }
}

/// wasm-pack from crates.io, when it is not there yet (its output shown only if it fails: it
/// runs beside step 1).
fn wasm_pack_installed() -> Result<(), String> {
    if install::version_of("wasm-pack").is_some() {
        return Ok(());
    }
    run::command_quiet(
        "cargo",
        &["install", "--locked", "wasm-pack"],
        &install::TOOL_BUILD,
    )?;
    install::record("crates.io: wasm-pack".into());
    Ok(())
}

/// Step 2: `wasm-pack test --headless` of the consumer crate in Chromium, then Firefox (after
/// clippy of its wasm build: the workspace's clippy run covers only its native one).
fn wasm_pack_test(root: &Path) -> Result<(), String> {
    run::cargo(
        &[
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "--quiet",
            "-p",
            "imagecapture-consumer-example",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    let krate = root.join(WASM_PACK_CRATE);
    let krate = run::path_str(&krate)?;
    let geckodriver = crate::test::which("geckodriver")?;
    // The test runner takes the first driver it finds in *_REMOTE, GECKODRIVER, SAFARIDRIVER,
    // CHROMEDRIVER: none of them may come from the caller's environment.
    let drivers = [
        "GECKODRIVER",
        "SAFARIDRIVER",
        "CHROMEDRIVER",
        "GECKODRIVER_REMOTE",
        "SAFARIDRIVER_REMOTE",
        "CHROMEDRIVER_REMOTE",
    ];
    let conformance = root.join("tests/conformance");
    // The consumer crate whole; the conformance suite's browser runner (its other test targets
    // are native), which runs as it does under `cargo test` (tests/conformance/webdriver.json,
    // the same bound per case).
    let conformance = run::path_str(&conformance)?;
    for path in [krate, conformance] {
        for (browser, driver_flag, driver) in [
            ("--chrome", "--chromedriver", "/usr/bin/chromedriver"),
            ("--firefox", "--geckodriver", geckodriver.as_str()),
        ] {
            let mut args = vec![
                "test",
                "--headless",
                browser,
                driver_flag,
                driver,
                // Never download: the wasm-bindgen (and its test runner) on PATH, at
                // Cargo.lock's version, or fail.
                "--mode",
                "no-install",
                path,
            ];
            // Its log shows which wasm-bindgen and driver it took (and that it fetched none).
            let mut env = vec![("RUST_LOG", "wasm_pack=info")];
            if path == conformance {
                args.extend(["--test", "web"]);
                env.push(("WASM_BINDGEN_TEST_TIMEOUT", "120"));
            }
            run::command_without("wasm-pack", &args, &env, &drivers)?;
        }
    }
    Ok(())
}

/// Step 3: `cargo package` of the published crates, together: cargo packages them in
/// dependency order and verifies each by building it from its `.crate`, resolving the others
/// from the ones it has just packaged (a local registry in `target/package/`), so none needs to
/// be on crates.io yet. The verification builds use the packaged manifests, without this
/// workspace's profiles: the first run builds the dependencies once more (≈ 3 min on 2 cores),
/// later runs take seconds. `--allow-dirty`: what is checked is the crates, not the work tree.
fn cargo_package() -> Result<(), String> {
    let mut args = vec!["package", "--quiet", "--allow-dirty"];
    for krate in PUBLISHED_CRATES {
        args.extend(["--package", krate]);
    }
    run::cargo(&args, &[])
}

/// Step 4: the `image` feature and the tokio example.
fn interop() -> Result<(), String> {
    let image = ["-p", "imagecapture", "--features", "image"];
    let lint = ["--quiet", "--", "-D", "warnings"];
    for target in [&[][..], &["--target", "wasm32-unknown-unknown"][..]] {
        let mut clippy = vec!["clippy"];
        clippy.extend(target);
        clippy.extend(image);
        // The facade's examples and tests are native programs.
        clippy.push(if target.is_empty() {
            "--all-targets"
        } else {
            "--lib"
        });
        clippy.extend(lint);
        run::cargo(&clippy, &[])?;
        let mut doc = vec!["doc", "--no-deps", "--quiet"];
        doc.extend(target);
        doc.extend(image);
        run::command(&cargo_bin(), &doc, &[("RUSTDOCFLAGS", "-D warnings")])?;
    }
    let mut test = vec!["test", "--quiet"];
    test.extend(image);
    test.extend(["--test", "image"]);
    run::cargo(&test, &[])?;
    run::command(
        &cargo_bin(),
        &[
            "run",
            "--quiet",
            "-p",
            "imagecapture-consumer-example",
            "--example",
            "tokio",
        ],
        &[(FAKE_CAMERA_ENV, "1")],
    )
}

fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The variable that adds the fake camera (`imagecapture::FAKE_CAMERA_ENV`).
const FAKE_CAMERA_ENV: &str = "IMAGECAPTURE_FAKE_CAMERA";

#[cfg(test)]
mod tests {
    use super::{compare, dev_dependencies, packed_files};

    #[test]
    fn the_pins_are_read_from_the_manifest() {
        let manifest = r#"{
  "name": "x",
  "devDependencies": {
    "@arethetypeswrong/cli": "0.18.5",
    "vite": "8.4.1"
  },
  "other": { "a": "b" }
}"#;
        assert_eq!(
            dev_dependencies(manifest),
            [
                ("@arethetypeswrong/cli".to_owned(), "0.18.5".to_owned()),
                ("vite".to_owned(), "8.4.1".to_owned())
            ]
        );
    }

    #[test]
    fn a_missing_wasm_and_a_map_are_both_reported() {
        let listing = "package/package.json\npackage/dist/index.js\npackage/dist/index.js.map\n";
        let packed = packed_files(listing);
        let (missing, extra) = compare(
            &packed,
            &[
                "dist/imagecapture_js_bg.wasm",
                "dist/index.js",
                "package.json",
            ],
        );
        assert_eq!(missing, ["dist/imagecapture_js_bg.wasm"]);
        assert_eq!(extra, ["dist/index.js.map"]);
    }
}
