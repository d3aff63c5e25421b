//! `cargo xtask pkg`: builds the npm package into `pkg/dist/` (or `--out-dir DIR`).
//!
//! 1. `cargo build -p imagecapture-js` for wasm32 (the size-optimised `wasm-release` profile, or
//!    the dev profile for a quick debug build), in `CARGO_TARGET_DIR` when set;
//! 2. `wasm-bindgen --target web` into a staging folder next to the build;
//! 3. release: `wasm-opt -Oz --converge` from npm's `binaryen`, stripping the custom sections a
//!    browser does not read; the JavaScript (wasm-bindgen's glue and the hand-written entry
//!    points of `pkg/src/`) minified by npm's `esbuild`, each with a source map holding its
//!    readable source. Both tools are pinned devDependencies of `pkg/`, installed with
//!    `npm install` when missing (Debian's binaryen is too old and breaks the module). Debug:
//!    everything copied as it is;
//! 4. the TypeScript types of `pkg/src/` next to them;
//!
//! twice: the default entry (`dist/`: `index.js`, `polyfill.js`) without digital zoom, and the
//! `imagecapture/zoom` entry (`dist/zoom/index.js`, the same `index.js` beside a build with
//! imagecapture-js's `digital-zoom` feature: about 16 KB more gzip that a page without digital
//! zoom should not download). Prints the size of what a page downloads, raw and gzipped.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run;

/// The crate that becomes the package, and the file stem wasm-bindgen gives its output.
const CRATE: &str = "imagecapture-js";
const STEM: &str = "imagecapture_js";
/// The binaryen release whose `wasm-opt` is known to produce working output here.
const BINARYEN_MAJOR: &str = "132";
/// The esbuild release that minifies the JavaScript (pkg/package.json pins it).
const ESBUILD_VERSION: &str = "0.28.2";
/// The two builds of the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// `imagecapture` (and `imagecapture/polyfill`): no digital zoom.
    Default,
    /// `imagecapture/zoom`: with digital zoom.
    Zoom,
}

impl Entry {
    /// Where the entry goes, inside the package's folder.
    const fn folder(self) -> &'static str {
        match self {
            Self::Default => "",
            Self::Zoom => "zoom",
        }
    }

    /// The cargo features of its build.
    const fn cargo_features(self) -> &'static [&'static str] {
        match self {
            Self::Default => &[],
            Self::Zoom => &["--features", "digital-zoom"],
        }
    }

    /// The hand-written modules of `pkg/src/` it has: minified (copied for debug).
    const fn modules(self) -> &'static [&'static str] {
        match self {
            Self::Default => &["index.js", "polyfill.js"],
            Self::Zoom => &["index.js"],
        }
    }

    /// `entry.js`, written next to `index.js`: which build of the module this entry has, so
    /// that `index.js` knows it at import without the module (which it loads lazily).
    const fn entry_module(self) -> &'static str {
        match self {
            Self::Default => {
                "// Written by `cargo xtask pkg`: the module beside this file has no digital zoom.\n\
                 export const DIGITAL_ZOOM = false;\n"
            }
            Self::Zoom => {
                "// Written by `cargo xtask pkg`: the module beside this file has digital zoom.\n\
                 export const DIGITAL_ZOOM = true;\n"
            }
        }
    }

    /// The hand-written types of `pkg/src/` it has, copied as they are.
    const fn types(self) -> &'static [&'static str] {
        match self {
            Self::Default => &["index.d.ts", "polyfill.d.ts"],
            Self::Zoom => &["index.d.ts"],
        }
    }
}
/// The engines the package supports: Chromium, Firefox ESR, Safari 16.4+ / WebKitGTK 2.50.
/// All run ES2022 (class private members, top-level await: the sources use both).
const JS_TARGET: &str = "--target=es2022";

/// `cargo xtask pkg [--debug] [--out-dir DIR]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut release = true;
    let mut out_dir = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--debug" => release = false,
            "--out-dir" => {
                let dir = args.next().ok_or("pkg: --out-dir needs a folder")?;
                out_dir = Some(PathBuf::from(dir));
            }
            other => return Err(format!("pkg: unknown option {other:?}")),
        }
    }
    build_into(release, out_dir.as_deref())
}

/// Builds `pkg/dist/`: size-optimised when `release`, else a quick debug build (no wasm-opt,
/// no minifying).
pub fn build(release: bool) -> Result<(), String> {
    build_into(release, None)
}

/// Builds the package into `out_dir` (default `pkg/dist/`): a folder that is then replaced
/// whole, for trying a build without touching the `pkg/dist/` others may be testing.
pub fn build_into(release: bool, out_dir: Option<&Path>) -> Result<(), String> {
    let root = run::workspace_root()?;
    let pkg = root.join("pkg");
    let dist = out_dir.map_or_else(|| pkg.join("dist"), Path::to_path_buf);
    if dist.exists() {
        fs::remove_dir_all(&dist).map_err(|e| format!("cannot clear {}: {e}", dist.display()))?;
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    for entry in [Entry::Default, Entry::Zoom] {
        build_entry(release, &pkg, &target_dir, &dist, entry)?;
    }
    println!("\nxtask pkg: built {}", dist.display());
    Ok(())
}

/// Builds one entry of the package into its folder of `dist`, with cargo's `target_dir`.
fn build_entry(
    release: bool,
    pkg: &Path,
    target_dir: &Path,
    dist: &Path,
    entry: Entry,
) -> Result<(), String> {
    let out = dist.join(entry.folder());
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
        &entry
            .cargo_features()
            .iter()
            .map(|f| (*f).to_string())
            .collect::<Vec<_>>(),
    )?;
    let wasm = target_dir
        .join("wasm32-unknown-unknown")
        .join(profile_dir)
        .join(format!("{STEM}.wasm"));
    if !wasm.is_file() {
        return Err(format!("the build left no {}", wasm.display()));
    }

    // wasm-bindgen's output is staged next to the build, and only what ships goes to `out`.
    let staging = wasm.with_file_name(format!("pkg-staging-{entry:?}").to_lowercase());
    for dir in [&staging, &out] {
        if dir.exists() {
            fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
        }
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
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
        run::path_str(&staging)?,
    ];
    if !release {
        bindgen_args.push("--debug");
    }
    bindgen_args.push(run::path_str(&wasm)?);
    run::command("wasm-bindgen", &bindgen_args, &[])?;

    let bg = format!("{STEM}_bg.wasm");
    let glue = format!("{STEM}.js");
    if release {
        let tools = dev_tools(pkg)?;
        let mapping = run_captured(
            &tools.wasm_opt,
            &[
                "-Oz",
                // Repeats the passes while they still shrink the module (≈ 0.2 KB more).
                "--converge",
                // Custom sections no browser reads (wasm-bindgen already drops the names).
                "--strip-debug",
                "--strip-producers",
                "--strip-target-features",
                // The features rustc's wasm32 target emits; every engine the package supports
                // (Chromium, Firefox ESR, Safari 16.4+ / WebKitGTK) has had them for years.
                "--enable-bulk-memory",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-nontrapping-float-to-int",
                "--enable-multivalue",
                "--enable-reference-types",
                // Last: wasm-bindgen's import names (`__wbg_getSettings_5ac9f0eee2fa0b1b`, 120
                // of them, ≈ 7 KB that gzip cannot shrink much, in the module and again in the
                // glue) and export names become `a`, `b`, …; the mapping is printed, and the
                // glue is renamed to match below.
                "--minify-imports-and-exports-and-modules",
                run::path_str(&staging.join(&bg))?,
                "-o",
                run::path_str(&out.join(&bg))?,
            ],
        )?;
        let staged_glue = staging.join(&glue);
        let text = fs::read_to_string(&staged_glue)
            .map_err(|e| format!("cannot read {}: {e}", staged_glue.display()))?;
        let renamed = rename_in_glue(&text, &mapping)?;
        fs::write(&staged_glue, renamed)
            .map_err(|e| format!("cannot write {}: {e}", staged_glue.display()))?;
        // Its source map names the glue as wasm-bindgen's output, not by a path of this machine.
        minify(
            &tools.esbuild,
            &staging.join(&glue),
            &out.join(&glue),
            Some("wasm-bindgen/imagecapture_js.js"),
        )?;
        for file in entry.modules() {
            // The map's source is `../src/<file>` (`../../src/<file>` from `zoom/`): the file
            // in the repository.
            minify(
                &tools.esbuild,
                &pkg.join("src").join(file),
                &out.join(file),
                None,
            )?;
        }
    } else {
        for file in [&bg, &glue] {
            copy(&staging.join(file), &out.join(file))?;
        }
        for file in entry.modules() {
            copy(&pkg.join("src").join(file), &out.join(file))?;
        }
    }
    for file in entry.types() {
        copy(&pkg.join("src").join(file), &out.join(file))?;
    }
    let entry_js = out.join("entry.js");
    fs::write(&entry_js, entry.entry_module())
        .map_err(|e| format!("cannot write {}: {e}", entry_js.display()))?;

    println!("\n{entry:?} entry ({}):", out.display());
    print_sizes(&out)
}

/// Runs `program args…` and returns what it printed on stdout (stderr passes through).
fn run_captured(program: &Path, args: &[&str]) -> Result<String, String> {
    let shown = format!("{} {}", program.display(), args.join(" "));
    println!("\n$ {shown}");
    let output = Command::new(program)
        .args(args)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    if !output.status.success() {
        return Err(format!("`{shown}` failed ({})", output.status));
    }
    String::from_utf8(output.stdout).map_err(|e| format!("`{shown}` printed no text: {e}"))
}

/// The import module's name in the glue, and what `--minify-imports-and-exports-and-modules`
/// renames it to (binaryen gives every module the one name `a`).
const IMPORT_MODULE: (&str, &str) = ("\"./imagecapture_js_bg.js\"", "\"a\"");

/// wasm-bindgen's glue with the names wasm-opt minified (`mapping`, the JSON it printed):
/// each import is a key of the imports object, renamed wherever it stands (they are unique,
/// hashed names); each export is renamed where the glue reads it, `wasm.<name>` (the glue has
/// same-named JavaScript functions, which stay). Fails unless every import is found exactly
/// once, so a wasm-bindgen that lays out its glue otherwise stops the build rather than
/// shipping a module that cannot link.
fn rename_in_glue(glue: &str, mapping: &str) -> Result<String, String> {
    let (imports, exports) = mapping
        .split_once("\"exports\"")
        .ok_or("wasm-opt printed no export mapping")?;
    // Lines `["module", "name", "new"],` and `["name", "new"],`: the quoted strings.
    let quoted = |line: &str| -> Vec<String> {
        line.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut import_names = std::collections::HashMap::new();
    for line in imports.lines() {
        if let [_, old, new] = quoted(line).as_slice() {
            import_names.insert(old.clone(), (new.clone(), 0_usize));
        }
    }
    let export_names: std::collections::HashMap<String, String> = exports
        .lines()
        .filter_map(|line| match quoted(line).as_slice() {
            [old, new] => Some((old.clone(), new.clone())),
            _ => None,
        })
        .collect();
    if import_names.is_empty() || export_names.is_empty() {
        return Err("wasm-opt's mapping lists no imports or no exports".into());
    }

    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(glue.len());
    let mut rest = glue;
    while let Some(start) = rest.find(is_name_char) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let token = &rest[..end];
        rest = &rest[end..];
        let read_from_wasm =
            out.ends_with("wasm.") && !out[..out.len() - 5].ends_with(is_name_char);
        if let Some((new, seen)) = import_names.get_mut(token) {
            *seen += 1;
            out.push_str(new);
        } else if let Some(new) = export_names.get(token).filter(|_| read_from_wasm) {
            out.push_str(new);
        } else {
            out.push_str(token);
        }
    }
    out.push_str(rest);

    if let Some((name, (_, seen))) = import_names.iter().find(|(_, (_, seen))| *seen != 1) {
        return Err(format!(
            "the glue names the import {name} {seen} times, not once: cannot rename it"
        ));
    }
    let (module, renamed_module) = IMPORT_MODULE;
    if out.matches(module).count() != 1 {
        return Err(format!(
            "the glue does not name the import module {module} once"
        ));
    }
    Ok(out.replacen(module, renamed_module, 1))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {}: {e}", from.display()))
}

/// The release build's tools from npm, in `pkg/node_modules/.bin/`.
struct DevTools {
    /// binaryen's `wasm-opt`.
    wasm_opt: PathBuf,
    /// `esbuild`, the minifier.
    esbuild: PathBuf,
}

/// `wasm-opt` of binaryen 132 and `esbuild` 0.28.2, installing pkg's devDependencies when
/// either is missing (or of another version).
fn dev_tools(pkg: &Path) -> Result<DevTools, String> {
    let bin = pkg.join("node_modules").join(".bin");
    let tools = DevTools {
        wasm_opt: bin.join("wasm-opt"),
        esbuild: bin.join("esbuild"),
    };
    let wanted = [
        (
            &tools.wasm_opt,
            format!("version {BINARYEN_MAJOR}"),
            "binaryen",
        ),
        (&tools.esbuild, ESBUILD_VERSION.to_string(), "esbuild"),
    ];
    if wanted
        .iter()
        .any(|(tool, version, _)| !tool_is(tool, version))
    {
        run::command(
            "npm",
            &[
                "install",
                "--prefix",
                run::path_str(pkg)?,
                "--no-audit",
                "--no-fund",
            ],
            &[],
        )?;
        crate::install::record("npm: pkg/'s devDependencies".into());
    }
    for (tool, version, package) in &wanted {
        if !tool_is(tool, version) {
            return Err(format!(
                "{} is not {package} {version} (pkg/package.json's devDependency)",
                tool.display()
            ));
        }
    }
    Ok(tools)
}

/// Whether `tool --version` runs and says `version`.
fn tool_is(tool: &Path, version: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(version))
}

/// `source` minified into `out`, with `out.map` beside it holding the readable source; the
/// map names the source `source_name` when given, else by its path relative to `out`.
///
/// Top-level names are kept (esbuild renames them only when told the format): the classes keep
/// their `.name` (`ImageCapture`), as a browser's own have.
fn minify(
    esbuild: &Path,
    source: &Path,
    out: &Path,
    source_name: Option<&str>,
) -> Result<(), String> {
    let outfile = format!("--outfile={}", run::path_str(out)?);
    run::command(
        run::path_str(esbuild)?,
        &[
            run::path_str(source)?,
            "--minify",
            JS_TARGET,
            "--legal-comments=none",
            "--sourcemap",
            "--log-level=warning",
            &outfile,
        ],
        &[],
    )?;
    let Some(name) = source_name else {
        return Ok(());
    };
    let map_path = out.with_file_name(format!(
        "{}.map",
        out.file_name().and_then(|n| n.to_str()).unwrap_or_default()
    ));
    let map = fs::read_to_string(&map_path)
        .map_err(|e| format!("cannot read {}: {e}", map_path.display()))?;
    // esbuild writes `"sources": ["<path>"],` for its one input.
    let renamed = map.split_once("\"sources\": [").and_then(|(head, rest)| {
        let (_, tail) = rest.split_once(']')?;
        Some(format!("{head}\"sources\": [\"{name}\"]{tail}"))
    });
    let renamed = renamed.ok_or_else(|| format!("no sources in {}", map_path.display()))?;
    fs::write(&map_path, renamed).map_err(|e| format!("cannot write {}: {e}", map_path.display()))
}

/// Prints what a page downloads (the module, its glue and our entry), raw and gzipped.
fn print_sizes(dist: &Path) -> Result<(), String> {
    let files = [
        format!("{STEM}_bg.wasm"),
        format!("{STEM}.js"),
        "index.js".to_string(),
        "entry.js".to_string(),
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
pub fn gzip_size(path: &Path) -> Option<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c", "-n"])
        .arg(path)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::rename_in_glue;

    const MAPPING: &str = r#"{
 "imports": [
  ["./imagecapture_js_bg.js", "__wbg_play_26a96ac37b543ddc", "$"],
  ["./imagecapture_js_bg.js", "__wbindgen_init_externref_table", "b"]
 ],
"exports": [
  ["memory", "c"],
  ["installPlan", "d"]
 ]
}
"#;

    #[test]
    fn imports_exports_and_the_module_are_renamed_where_the_glue_uses_them() {
        let glue = r#"export function installPlan() { return wasm.installPlan(); }
const view = new Uint8Array(wasm.memory.buffer); const memory = 1; x.wasm.memory;
const import0 = { __wbg_play_26a96ac37b543ddc: function(a) { a.play(); },
    __wbindgen_init_externref_table: function() {} };
return { "./imagecapture_js_bg.js": import0 };"#;
        let renamed = rename_in_glue(glue, MAPPING).unwrap();
        assert_eq!(
            renamed,
            r#"export function installPlan() { return wasm.d(); }
const view = new Uint8Array(wasm.c.buffer); const memory = 1; x.wasm.c;
const import0 = { $: function(a) { a.play(); },
    b: function() {} };
return { "a": import0 };"#
        );
    }

    #[test]
    fn an_import_the_glue_does_not_name_once_stops_the_build() {
        let glue = r#"const import0 = { __wbindgen_init_externref_table: function() {} };
return { "./imagecapture_js_bg.js": import0 };"#;
        let error = rename_in_glue(glue, MAPPING).unwrap_err();
        assert!(error.contains("__wbg_play_26a96ac37b543ddc"), "{error}");
    }
}
