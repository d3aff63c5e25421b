//! WebKit, Safari's engine, as the third browser of `cargo xtask test`: WebKitGTK's MiniBrowser
//! on an X display of our own (Xvfb), with WebKit's mock camera, in three shapes, each a named
//! target:
//!
//! - `webkit-native`: WebKit's own `ImageCapture` on (a feature flag in WebKitGTK, on in
//!   Safari 26); the package's `install()` wraps its four methods (docs/webkit.md);
//! - `webkit-partial`: the same with `ImageCapture.prototype.grabFrame` removed before anything
//!   runs, the shape of Safari 18.x: `grabFrame` is ours, the other three WebKit's;
//! - `webkit-polyfill`: the feature flag off, no `ImageCapture`: everything is ours.
//!
//! Each target runs the conformance suite (`tests/conformance/tests/web.rs`, all its modules)
//! and the npm package's JS-surface tests (`pkg/test/webkit.test.js`); `webkit-native` also runs
//! the web crate's own browser tests. A target that cannot run fails the run, with the reason.
//!
//! How wasm-bindgen-test-runner drives WebKit: as Safari (`SAFARIDRIVER`), whose session it
//! opens with empty capabilities (it ignores `webdriver.json` for Safari), so WebKitWebDriver
//! alone would start a MiniBrowser without the mock camera and feature flags. Instead we start
//! the MiniBrowser ourselves, with those flags, in automation mode with its remote inspector on
//! a free port (`WEBKIT_INSPECTOR_SERVER`), and the runner's WebKitWebDriver attaches to it
//! (`SAFARIDRIVER_ARGS=--target=127.0.0.1:PORT`). The runner closes the browser's window when
//! done, which ends the MiniBrowser: one MiniBrowser per test binary. `webkit-partial` is a
//! build of the suite with `IMAGECAPTURE_CONFORMANCE_REMOVE=grabFrame` (the runner passes
//! nothing to the page; the switch costs a ~5 s rebuild of the test crate alone).
//!
//! WebKitGTK's web process looks for the D-Bus session bus at every media element (a `<video>`,
//! which our `grabFrame`/`takePhoto` use); with no bus it asks again each time, and GLib's
//! check before that (`g_check_setuid`) now and then aborts the process when a signal lands in
//! it ("getauxval () failed: Interrupted system call", then "WebProcess CRASHED"), more often on
//! a busy machine. So the targets run with a session bus of their own (`dbus-daemon`), which
//! the web process then finds once.
//!
//! Every process started here (Xvfb, dbus-daemon, MiniBrowser) is ended by its PID, never by
//! name.
//!
//! Measured on 2 cores with a warm build: each target's conformance run ≈ 25–35 s (the
//! `webkit-partial` one includes the ≈ 5 s rebuild), the web crate's tests ≈ 5 s, the pkg tests
//! of all three shapes ≈ 20–40 s: ≈ 1.5–2.5 min in all. Logs of each MiniBrowser are kept in
//! `target/xtask-webkit/`.

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::{install, pkg, run};

/// The Debian packages: WebKitWebDriver (with WebKitGTK and its MiniBrowser), Xvfb, and a
/// D-Bus daemon for a session bus.
pub const PACKAGES: [&str; 3] = ["webkit2gtk-driver", "xvfb", "dbus-daemon"];

/// How long the conformance suite may take in one target (the runner's whole-run bound).
const RUN_TIMEOUT_SECS: &str = "180";

/// How long a started process gets to be ready (Xvfb to report its display, the MiniBrowser to
/// listen).
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Installs what the WebKit targets need: `webkit2gtk-driver` (WebKitWebDriver, WebKitGTK and
/// its MiniBrowser), `xvfb` and `dbus-daemon`, skipping what is present.
pub fn install() -> Result<(), String> {
    install::apt(&PACKAGES)
}

/// A WebKit target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// WebKit's own `ImageCapture`.
    Native,
    /// WebKit's own `ImageCapture` without `grabFrame` (Safari 18.x).
    Partial,
    /// No `ImageCapture` (the feature flag off).
    Polyfill,
}

impl Shape {
    /// Every target, in the order they run (the two builds of the suite without the switch
    /// first: one rebuild for `webkit-partial`).
    pub const ALL: [Self; 3] = [Self::Native, Self::Polyfill, Self::Partial];

    /// The target's name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Native => "webkit-native",
            Self::Partial => "webkit-partial",
            Self::Polyfill => "webkit-polyfill",
        }
    }

    /// WebKit's feature flags for the MiniBrowser.
    const fn features(self) -> &'static str {
        match self {
            Self::Native | Self::Partial => "+MockCaptureDevices,+ImageCapture",
            Self::Polyfill => "+MockCaptureDevices,-ImageCapture",
        }
    }

    /// The methods the conformance suite removes from `ImageCapture.prototype` first.
    const fn removed(self) -> Option<&'static str> {
        match self {
            Self::Partial => Some("grabFrame"),
            Self::Native | Self::Polyfill => None,
        }
    }
}

/// An X server of our own: `Xvfb` on a display number it picks itself among the free ones
/// (`-displayfd`), ended by its PID when dropped.
pub struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts `Xvfb` and waits until it reports its display.
    ///
    /// # Errors
    /// When `Xvfb` cannot start or reports no display within 30 s.
    pub fn start() -> Result<Self, String> {
        let mut command = Command::new("Xvfb");
        command.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x1024x24",
            "-nolisten",
            "tcp",
        ]);
        // Xvfb writes the display number and a newline once it accepts connections.
        let (mut child, number) = start_and_read_line(command, "Xvfb (apt-get install xvfb)")?;
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            run::end(&mut child);
            return Err(format!("Xvfb reported no display (it said {number:?})"));
        }
        let display = format!(":{number}");
        println!("(Xvfb on display {display}, pid {})", child.id());
        Ok(Self { child, display })
    }

    /// The `DISPLAY` value, e.g. `:1`.
    pub fn display(&self) -> &str {
        &self.display
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        run::end(&mut self.child);
    }
}

/// A D-Bus session bus of our own (`dbus-daemon --session`), ended by its PID when dropped.
pub struct SessionBus {
    child: Child,
    address: String,
}

impl SessionBus {
    /// Starts `dbus-daemon --session` and waits until it reports its address.
    ///
    /// # Errors
    /// When it cannot start or reports no address within 30 s.
    pub fn start() -> Result<Self, String> {
        let mut command = Command::new("dbus-daemon");
        command.args(["--session", "--nofork", "--print-address=1"]);
        let (mut child, address) =
            start_and_read_line(command, "dbus-daemon (apt-get install dbus-daemon)")?;
        if address.is_empty() {
            run::end(&mut child);
            return Err("dbus-daemon reported no address".into());
        }
        println!("(D-Bus session bus at {address}, pid {})", child.id());
        Ok(Self { child, address })
    }

    /// The `DBUS_SESSION_BUS_ADDRESS` value.
    pub fn address(&self) -> &str {
        &self.address
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        run::end(&mut self.child);
    }
}

/// Starts `command` with its stdout piped and returns it with the first line it writes (trimmed),
/// waiting at most [`START_TIMEOUT`]; the rest of its output is drained for as long as it runs.
fn start_and_read_line(mut command: Command, what: &str) -> Result<(Child, String), String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    let Some(mut stdout) = child.stdout.take() else {
        run::end(&mut child);
        return Err(format!("{what}: no stdout"));
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while let Ok(1) = stdout.read(&mut byte) {
            if byte[0] == b'\n' {
                break;
            }
            seen.push(byte[0]);
        }
        let _ = sender.send(String::from_utf8_lossy(&seen).trim().to_owned());
        // Keep the pipe open (and drained) for as long as the process runs.
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
    });
    match receiver.recv_timeout(START_TIMEOUT) {
        Ok(line) => Ok((child, line)),
        Err(_) => {
            run::end(&mut child);
            Err(format!("{what} said nothing within 30 s"))
        }
    }
}

/// WebKitGTK's MiniBrowser in automation mode, with the mock camera and the feature flags of a
/// shape, its remote inspector listening on a free port for WebKitWebDriver's `--target`.
/// Ended by its PID when dropped (if the runner's closing its window did not end it already).
struct MiniBrowser {
    child: Child,
    port: u16,
}

impl MiniBrowser {
    fn start(
        binary: &Path,
        shape: Shape,
        display: &str,
        bus: &SessionBus,
        log: &Path,
    ) -> Result<Self, String> {
        let port = free_port()?;
        let log_file = std::fs::File::create(log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let log_err = log_file
            .try_clone()
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let features = format!("--features={}", shape.features());
        let mut child = Command::new(binary)
            .args([
                "--automation",
                "--enable-media-stream=true",
                "--enable-mock-capture-devices=true",
                "--enable-write-console-messages-to-stdout=true",
                &features,
            ])
            .env("DISPLAY", display)
            .env("DBUS_SESSION_BUS_ADDRESS", bus.address())
            .env("WEBKIT_INSPECTOR_SERVER", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "the MiniBrowser of {} exited at start ({status}); its output is in {}",
                    shape.name(),
                    log.display()
                ));
            }
            if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                return Ok(Self { child, port });
            }
            if started.elapsed() > START_TIMEOUT {
                run::end(&mut child);
                return Err(format!(
                    "the MiniBrowser of {} did not listen within 30 s; its output is in {}",
                    shape.name(),
                    log.display()
                ));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for MiniBrowser {
    fn drop(&mut self) {
        run::end(&mut self.child);
    }
}

/// A free TCP port on the loopback interface (a moment ago).
fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// The full path of `program` on PATH.
fn which(program: &str) -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{program} is not on PATH (apt-get install webkit2gtk-driver)"))
}

/// WebKitGTK's MiniBrowser: `$MINIBROWSER`, or where the webkit2gtk packages put it
/// (`/usr/lib/<multiarch>/webkit2gtk-4.1/MiniBrowser` on Debian 12).
fn mini_browser() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MINIBROWSER") {
        return Ok(PathBuf::from(path));
    }
    let mut candidates = Vec::new();
    for lib in ["/usr/lib", "/usr/libexec"] {
        let mut dirs = vec![PathBuf::from(lib)];
        if let Ok(entries) = std::fs::read_dir(lib) {
            dirs.extend(
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.to_string_lossy().contains("-linux-")),
            );
        }
        for dir in dirs {
            for api in ["webkit2gtk-4.1", "webkit2gtk-4.0", "webkitgtk-6.0"] {
                candidates.push(dir.join(api).join("MiniBrowser"));
            }
        }
    }
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        "WebKitGTK's MiniBrowser is not installed (apt-get install webkit2gtk-driver), \
         or set MINIBROWSER"
            .into()
    })
}

/// The variables that pick wasm-bindgen-test-runner's driver: all unset but Safari's.
const OTHER_DRIVERS: [&str; 9] = [
    "GECKODRIVER",
    "CHROMEDRIVER",
    "MSEDGEDRIVER",
    "GECKODRIVER_REMOTE",
    "SAFARIDRIVER_REMOTE",
    "CHROMEDRIVER_REMOTE",
    "MSEDGEDRIVER_REMOTE",
    "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
    "NO_HEADLESS",
];

/// The outcome of one part of one target, for the summary.
struct Outcome {
    what: String,
    seconds: f64,
    result: Result<(), String>,
}

/// Runs one wasm test binary (`packages`' `web` tests) in a MiniBrowser of `shape`.
fn wasm_tests(
    shape: Shape,
    packages: &[&str],
    xvfb: &Xvfb,
    bus: &SessionBus,
    logs: &Path,
) -> Result<(), String> {
    let name = format!("minibrowser-{}-{}", shape.name(), packages.join("+"));
    let mut run = 1;
    loop {
        let log = if run == 1 {
            logs.join(format!("{name}.log"))
        } else {
            logs.join(format!("{name}-again-{run}.log"))
        };
        let outcome = wasm_tests_once(shape, packages, xvfb, bus, &log);
        let Err(error) = outcome else {
            return Ok(());
        };
        if !error.contains(WEB_PROCESS_CRASHED) {
            return Err(error);
        }
        if run == CRASH_RUNS {
            return Err(format!(
                "{error} (the web process crashed in each of {CRASH_RUNS} runs)"
            ));
        }
        // WebKitGTK's web process dies now and then in GLib's getauxval check (docs/webkit.md,
        // "WebKitGTK on a test machine"), which is no failure of ours: the target runs again in
        // a new browser, up to CRASH_RUNS times in all.
        println!(
            "\nwebkit: the web process crashed (GLib's getauxval abort, see docs/webkit.md); \
             running {} again ({} of at most {CRASH_RUNS})",
            shape.name(),
            run + 1
        );
        run += 1;
    }
}

/// How many runs a target gets when WebKitGTK's web process crashes (GLib's getauxval abort):
/// measured on these machines, one crash in most full runs and two in a row in some, none of
/// them a failure of ours. A crash in every run fails.
const CRASH_RUNS: u32 = 3;

/// What MiniBrowser logs when its web process dies.
const WEB_PROCESS_CRASHED: &str = "WebProcess CRASHED";

/// One run of [`wasm_tests`], its browser's output in `log`. A failure whose browser log shows
/// a web process crash says [`WEB_PROCESS_CRASHED`].
fn wasm_tests_once(
    shape: Shape,
    packages: &[&str],
    xvfb: &Xvfb,
    bus: &SessionBus,
    log: &Path,
) -> Result<(), String> {
    let binary = mini_browser()?;
    let driver = which("WebKitWebDriver")?;
    let driver = driver.to_string_lossy().into_owned();
    let browser = MiniBrowser::start(&binary, shape, xvfb.display(), bus, log)?;
    let target = format!("--target=127.0.0.1:{}", browser.port);
    let mut env = vec![
        (
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        ),
        ("WASM_BINDGEN_TEST_TIMEOUT", RUN_TIMEOUT_SECS),
        ("SAFARIDRIVER", driver.as_str()),
        ("SAFARIDRIVER_ARGS", target.as_str()),
        ("DISPLAY", xvfb.display()),
    ];
    let mut unset: Vec<&str> = OTHER_DRIVERS.to_vec();
    match shape.removed() {
        Some(methods) => env.push(("IMAGECAPTURE_CONFORMANCE_REMOVE", methods)),
        None => unset.push("IMAGECAPTURE_CONFORMANCE_REMOVE"),
    }
    let mut args = vec!["test", "--target", "wasm32-unknown-unknown"];
    for package in packages {
        args.extend(["-p", package]);
    }
    args.extend(["--test", "web"]);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let result = run::command_without(&cargo, &args, &env, &unset);
    drop(browser);
    result.map_err(|e| {
        let crashed =
            std::fs::read_to_string(log).is_ok_and(|output| output.contains(WEB_PROCESS_CRASHED));
        let crash = if crashed {
            format!(" ({WEB_PROCESS_CRASHED})")
        } else {
            String::new()
        };
        format!("{e}; the browser's output{crash} is in {}", log.display())
    })
}

/// `cargo xtask test`'s WebKit stage: installs what it needs, then in each of the three shapes
/// runs the conformance suite, and the npm package's JS-surface tests (building the package
/// first when `pkg/dist/` is missing); `webkit-native` also runs the web crate's own tests.
/// Every target runs even when one fails; the error names each one that failed, and why.
///
/// Run from the workspace root (as `cargo xtask` does).
///
/// # Errors
/// A target that failed or could not run, with the reason.
pub fn test() -> Result<(), String> {
    if !Path::new("pkg/package.json").is_file() || !Path::new("Cargo.toml").is_file() {
        return Err("webkit: run from the workspace root".into());
    }
    let started = Instant::now();
    install::package_tools()?;
    install()?;
    if !Path::new("pkg/dist/index.js").is_file() {
        pkg::build(true)?;
    }
    let logs = PathBuf::from("target/xtask-webkit");
    std::fs::create_dir_all(&logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let xvfb = Xvfb::start()?;
    let bus = SessionBus::start()?;

    let mut outcomes = Vec::new();
    let mut part = |what: String, f: &mut dyn FnMut() -> Result<(), String>| {
        println!("\n=== {what}");
        let t = Instant::now();
        let result = f();
        outcomes.push(Outcome {
            what,
            seconds: t.elapsed().as_secs_f64(),
            result,
        });
    };
    for shape in Shape::ALL {
        part(format!("{}: conformance suite", shape.name()), &mut || {
            wasm_tests(shape, &["imagecapture-conformance"], &xvfb, &bus, &logs)
        });
        if shape == Shape::Native {
            part(format!("{}: web crate tests", shape.name()), &mut || {
                wasm_tests(shape, &["imagecapture-web"], &xvfb, &bus, &logs)
            });
        }
    }
    // The three shapes, one browser each (pkg/test/browsers.js), on our display. A failing case
    // prints its browser's output; a web process crash there (GLib's getauxval abort, as above)
    // runs the package tests again, up to CRASH_RUNS times in all.
    part(
        "webkit-native, webkit-partial, webkit-polyfill: npm package tests".into(),
        &mut || {
            let env = [
                ("DISPLAY", xvfb.display()),
                ("DBUS_SESSION_BUS_ADDRESS", bus.address()),
            ];
            let args = ["--prefix", "pkg", "run", "test:webkit"];
            let mut run = 1;
            loop {
                let (outcome, output) = run::command_teed("npm", &args, &env);
                match outcome {
                    Err(_) if output.contains(WEB_PROCESS_CRASHED) && run < CRASH_RUNS => {
                        run += 1;
                        println!(
                            "\nwebkit: the web process crashed (GLib's getauxval abort, see \
                             docs/webkit.md); running the package tests again ({run} of at \
                             most {CRASH_RUNS})"
                        );
                    }
                    result => break result,
                }
            }
        },
    );
    drop(bus);
    drop(xvfb);

    println!("\nxtask test (WebKit):");
    let mut failed = Vec::new();
    for outcome in &outcomes {
        let status = match &outcome.result {
            Ok(()) => "ok".to_string(),
            Err(e) => {
                failed.push(format!("{}: {e}", outcome.what));
                "FAILED".to_string()
            }
        };
        println!(
            "  {:<64} {status:>6} {:>7.1} s",
            outcome.what, outcome.seconds
        );
    }
    println!(
        "  {:<64} {:>6} {:>7.1} s",
        "total",
        "",
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("WebKit targets failed:\n  {}", failed.join("\n  ")))
    }
}
