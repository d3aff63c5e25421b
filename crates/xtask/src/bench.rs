//! `cargo xtask bench`: every benchmark of issue 5, measured side by side with its anchors in
//! one run, reported as a table of figures and ratios in `BENCHMARKS.md`.
//!
//! 1. installs what it needs, like `cargo xtask test` (libclang; `nasm`, without which nokhwa's
//!    mozjpeg anchor builds without SIMD; the wasm tools; Chromium, Firefox, geckodriver;
//!    WebKitGTK's WebKitWebDriver, Xvfb and a D-Bus daemon);
//! 2. the native criterion benchmarks (`crates/imagecapture-bench/benches/native.rs`) with short
//!    settings, read back from criterion's `estimates.json` files (the median estimate);
//! 3. the npm package, release build (`pkg/dist/`), and its size against the old polyfill's file;
//! 4. the benchmark page (`www/bench/`, driven by `www/bench/run.js`) in headless Chromium and
//!    Firefox with their fake cameras, and in WebKit (WebKitGTK's MiniBrowser with its mock
//!    camera and its own ImageCapture on: the `webkit-native` shape of `cargo xtask test`, on an
//!    X display and a D-Bus session bus of this run's own, see crates/xtask/src/webkit.rs): the
//!    browser's own ImageCapture, ours forced, and the old JS polyfill `image-capture@0.4.0`, on
//!    one track, alternating;
//! 5. prints the table and writes `BENCHMARKS.md` (the table, every target of issue 5 met or
//!    not with the gap and what limits it, the machine and its load, the date, how to reproduce).
//!
//! Options: `--quick` (fewer samples; the report goes to `target/bench/BENCHMARKS.md`),
//! `--native-only`, `--browsers-only` (likewise partial, so also written under `target/bench/`).
//!
//! The machine's load is part of the report: the command runs itself again as a child with
//! `IMAGECAPTURE_BENCH_RUN` in its environment, so that everything the run starts inherits it
//! (Chromium's helpers, which get an environment of their own, count through their parent), and
//! a thread samples every process's CPU time from /proc twice a second. CPU time used by
//! untagged processes during a stage (other people's builds and browsers on the same cores) is
//! reported per stage, and over 10 % of a core marks the run as busy in BENCHMARKS.md.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::{install, pkg, run};

/// The size target of issue 5 for what a page downloads (wasm + glue + index.js), gzipped.
const SIZE_TARGET_GZIP: u64 = 25_000;
/// "At the camera's frame rate": at least this share of the track's nominal frame rate.
const FRAME_RATE_SHARE: f64 = 0.95;
/// Other processes' CPU use above this share of one core during a stage marks the run busy.
const BUSY_SHARE: f64 = 0.10;
/// Linux reports CPU time in these ticks per second (`USER_HZ`).
const TICKS_PER_SECOND: f64 = 100.0;

struct Options {
    quick: bool,
    native: bool,
    browsers: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        quick: false,
        native: true,
        browsers: true,
    };
    for arg in args {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--native-only" => options.browsers = false,
            "--browsers-only" => options.native = false,
            other => return Err(format!("bench: unknown option {other:?}")),
        }
    }
    if !options.native && !options.browsers {
        return Err("bench: --native-only and --browsers-only exclude each other".into());
    }
    Ok(options)
}

/// `cargo xtask bench [--quick] [--native-only | --browsers-only]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let Some(tag) = std::env::var_os(TAG).map(|t| t.to_string_lossy().into_owned()) else {
        return in_tagged_child();
    };
    let sampler = Sampler::start(tag);
    let root = run::workspace_root()?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out_dir = target_dir.join("bench");
    fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;

    let started = Instant::now();
    let date = date_now();
    let mut stages = Vec::new();

    // 1. What the benchmarks need.
    let stage = Stage::start("install", &sampler);
    install::native()?;
    install::apt(&["nasm"])?;
    if options.browsers {
        install::browsers()?;
    }
    stages.push(stage.end());

    // 2. Native.
    let mut native = BTreeMap::new();
    if options.native {
        let stage = Stage::start("native benchmarks (criterion)", &sampler);
        let since = SystemTime::now();
        let (warm_up, measurement) = if options.quick {
            ("0.5", "1")
        } else {
            ("1", "2")
        };
        run::cargo(
            &[
                "bench",
                "--package",
                "imagecapture-bench",
                "--bench",
                "native",
                "--",
                "--warm-up-time",
                warm_up,
                "--measurement-time",
                measurement,
            ],
            &[],
        )?;
        native = criterion_estimates(&target_dir.join("criterion"), since)?;
        stages.push(stage.end());
    }

    // 3 and 4. The package and the browsers.
    let mut sizes = None;
    let mut web = Web::default();
    let dist = out_dir.join("dist");
    if options.browsers {
        let stage = Stage::start("npm package (release build)", &sampler);
        pkg::build(true)?;
        // A snapshot, served and measured: others may rebuild pkg/dist/ during the run.
        snapshot(&root.join("pkg/dist"), &dist)?;
        sizes = Some(package_sizes(&root, &dist)?);
        stages.push(stage.end());

        let stage = Stage::start("browser benchmarks (Chromium, Firefox, WebKit)", &sampler);
        browser_dependencies(&root)?;
        let tsv = out_dir.join("browsers.tsv");
        let tsv_str = tsv.to_string_lossy().into_owned();
        let script = root.join("www/bench/run.js").to_string_lossy().into_owned();
        let dist_str = dist.to_string_lossy().into_owned();
        let mut node_args = vec![
            script.as_str(),
            "--out",
            tsv_str.as_str(),
            "--dist",
            dist_str.as_str(),
        ];
        if options.quick {
            node_args.push("--quick");
        }
        let _ = fs::remove_file(&tsv);
        // WebKit's MiniBrowser (pkg/test/browsers.js starts it) on our own display and session
        // bus, ended by their PIDs when dropped.
        let xvfb = crate::webkit::Xvfb::start()?;
        let bus = crate::webkit::SessionBus::start()?;
        let outcome = run::command(
            "node",
            &node_args,
            &[
                ("DISPLAY", xvfb.display()),
                ("DBUS_SESSION_BUS_ADDRESS", bus.address()),
            ],
        );
        drop(bus);
        drop(xvfb);
        outcome?;
        web = Web::read(&tsv)?;
        stages.push(stage.end());
    }

    let report = Report {
        date,
        elapsed: started.elapsed().as_secs_f64(),
        installed: install::installed(),
        stages,
        native,
        web,
        sizes,
        quick: options.quick,
        partial: !(options.native && options.browsers),
    };
    let markdown = report.markdown();
    println!("\n{}", report.tables());
    let path = if report.quick || report.partial {
        out_dir.join("BENCHMARKS.md")
    } else {
        root.join("BENCHMARKS.md")
    };
    fs::write(&path, markdown).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!(
        "xtask bench: wrote {} ({:.1} min)",
        path.display(),
        report.elapsed / 60.0
    );
    Ok(())
}

/// What the page and its driver need besides the package: pkg's devDependencies (playwright-core
/// drives Chromium) and the old polyfill (www/bench's own devDependency, from its lock file).
fn browser_dependencies(root: &Path) -> Result<(), String> {
    let pkg = root.join("pkg");
    if !pkg.join("node_modules/playwright-core").exists() {
        let prefix = pkg.to_string_lossy().into_owned();
        run::command(
            "npm",
            &["install", "--prefix", &prefix, "--no-audit", "--no-fund"],
            &[],
        )?;
        install::record("npm: pkg/'s devDependencies".into());
    }
    let bench = root.join("www/bench");
    if !bench
        .join("node_modules/image-capture/src/imagecapture.js")
        .exists()
    {
        let prefix = bench.to_string_lossy().into_owned();
        run::command(
            "npm",
            &["ci", "--prefix", &prefix, "--no-audit", "--no-fund"],
            &[],
        )?;
        install::record("npm: www/bench/'s devDependencies (the old polyfill)".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The machine and its load

/// Set (to a value unique to the run) in the environment of everything this run starts, so that
/// the load sampler can tell the run's processes (cargo, rustc, node, the browsers and their
/// helpers) from other people's.
const TAG: &str = "IMAGECAPTURE_BENCH_RUN";

/// How often the load sampler looks at every process.
const SAMPLE_EVERY: Duration = Duration::from_millis(500);

/// Runs `run_tagged` in a child xtask whose environment carries [`TAG`]: the child and all it
/// starts inherit the tag (setting it on this process instead would need `unsafe`).
fn in_tagged_child() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tag = format!("{}-{nanos}", std::process::id());
    let status = Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(TAG, tag)
        .status()
        .map_err(|e| format!("cannot run the benchmarks: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the benchmarks failed ({status})"))
    }
}

/// CPU time used since the sampler started, in ticks: by this run's processes (tagged) and by
/// everything else (other people's builds and browsers, the kernel's threads).
#[derive(Default)]
struct Ticks {
    ours: AtomicU64,
    others: AtomicU64,
}

/// A thread that reads every process's CPU time from /proc twice a second and adds what each
/// used meanwhile to [`Ticks`]. A process that starts and ends between two looks is missed, so
/// the figures are lower bounds.
struct Sampler {
    ticks: Arc<Ticks>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    fn start(tag: String) -> Self {
        let ticks = Arc::new(Ticks::default());
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (ticks, stop) = (Arc::clone(&ticks), Arc::clone(&stop));
            std::thread::spawn(move || sample(&tag, &ticks, &stop))
        };
        Self {
            ticks,
            stop,
            thread: Some(thread),
        }
    }

    /// (ours, others) so far, in ticks.
    fn now(&self) -> (u64, u64) {
        (
            self.ticks.ours.load(Ordering::Relaxed),
            self.ticks.others.load(Ordering::Relaxed),
        )
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A process as /proc/PID/stat shows it.
struct Process {
    pid: u32,
    parent: u32,
    /// Start time, in ticks after boot.
    start: u64,
    /// CPU time used, in ticks.
    used: u64,
}

fn process(pid: u32) -> Option<Process> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // Fields 4 (ppid), 14, 15 (utime, stime) and 22 (starttime) of /proc/PID/stat, counted
    // from the state (field 3) after the ")".
    let parent = fields.get(1)?.parse().ok()?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    let start = fields.get(19)?.parse().ok()?;
    Some(Process {
        pid,
        parent,
        start,
        used: utime + stime,
    })
}

/// Whether the process's environment has `TAG=tag`.
fn is_tagged(pid: u32, needle: &[u8]) -> bool {
    fs::read(format!("/proc/{pid}/environ"))
        .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == needle))
}

/// Seconds since boot, in ticks.
fn uptime_ticks() -> Option<u64> {
    let uptime = fs::read_to_string("/proc/uptime").ok()?;
    let seconds: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    Some((seconds * TICKS_PER_SECOND) as u64)
}

/// Whether the process `pid` of this look belongs to the run: it has the tag, or its parent
/// does (Chromium starts its helpers with an environment of its own).
fn belongs(
    pid: u32,
    processes: &HashMap<u32, Process>,
    known: &mut HashMap<u32, bool>,
    needle: &[u8],
) -> bool {
    let mut chain = Vec::new();
    let mut current = pid;
    let verdict = loop {
        if let Some(&v) = known.get(&current) {
            break v;
        }
        chain.push(current);
        if is_tagged(current, needle) {
            break true;
        }
        match processes.get(&current) {
            Some(p) if p.parent > 1 && p.parent != current && chain.len() < 64 => {
                current = p.parent;
            }
            _ => break false,
        }
    };
    for pid in chain {
        known.insert(pid, verdict);
    }
    verdict
}

fn sample(tag: &str, ticks: &Ticks, stop: &AtomicBool) {
    let needle = format!("{TAG}={tag}").into_bytes();
    // (pid, start time) → (belongs to the run, ticks at the last look).
    let mut seen: HashMap<(u32, u64), (bool, u64)> = HashMap::new();
    let mut first = true;
    let mut last_look = uptime_ticks().unwrap_or(0);
    while !stop.load(Ordering::Relaxed) {
        let look = uptime_ticks().unwrap_or(last_look);
        let Ok(entries) = fs::read_dir("/proc") else {
            return;
        };
        let processes: HashMap<u32, Process> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter_map(process)
            .map(|p| (p.pid, p))
            .collect();
        // What this look already knows: the processes seen before.
        let mut known: HashMap<u32, bool> = processes
            .values()
            .filter_map(|p| Some((p.pid, seen.get(&(p.pid, p.start))?.0)))
            .collect();
        let mut now = HashMap::with_capacity(processes.len());
        for p in processes.values() {
            let key = (p.pid, p.start);
            let ours = belongs(p.pid, &processes, &mut known, &needle);
            let before = match seen.get(&key) {
                Some(&(_, before)) => before,
                // Started since the last look: all its time is new. Already running at the
                // first look: only what it uses from now on counts.
                None if !first && p.start >= last_look => 0,
                None => p.used,
            };
            let delta = p.used.saturating_sub(before);
            if ours {
                ticks.ours.fetch_add(delta, Ordering::Relaxed);
            } else {
                ticks.others.fetch_add(delta, Ordering::Relaxed);
            }
            now.insert(key, (ours, p.used));
        }
        seen = now;
        first = false;
        last_look = look;
        std::thread::sleep(SAMPLE_EVERY);
    }
}

/// The machine's busy CPU time so far (all cores), in ticks, from /proc/stat.
fn machine_busy() -> Option<u64> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    Some(
        fields
            .iter()
            .take(8)
            .enumerate()
            .filter(|(i, _)| *i != 3 && *i != 4)
            .map(|(_, v)| v)
            .sum(),
    )
}

/// A stage of the run being timed.
struct Stage<'a> {
    name: &'static str,
    started: Instant,
    sampler: &'a Sampler,
    ticks: (u64, u64),
    busy: Option<u64>,
    load: String,
}

/// A finished stage: its wall time, the machine's busy time, and other processes' share of it.
struct StageReport {
    name: &'static str,
    seconds: f64,
    machine_share: Option<f64>,
    ours_cpu_seconds: f64,
    others_cpu_seconds: f64,
    load: String,
}

impl<'a> Stage<'a> {
    fn start(name: &'static str, sampler: &'a Sampler) -> Self {
        // Let the sampler see the processes of the stage before this one end.
        std::thread::sleep(SAMPLE_EVERY);
        Self {
            name,
            started: Instant::now(),
            sampler,
            ticks: sampler.now(),
            busy: machine_busy(),
            load: load_average(),
        }
    }

    fn end(self) -> StageReport {
        std::thread::sleep(SAMPLE_EVERY * 2);
        let seconds = self.started.elapsed().as_secs_f64();
        let (ours, others) = self.sampler.now();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let machine_share = self.busy.zip(machine_busy()).map(|(a, b)| {
            b.saturating_sub(a) as f64 / TICKS_PER_SECOND / (seconds.max(0.001) * cores)
        });
        StageReport {
            name: self.name,
            seconds,
            machine_share,
            ours_cpu_seconds: ours.saturating_sub(self.ticks.0) as f64 / TICKS_PER_SECOND,
            others_cpu_seconds: others.saturating_sub(self.ticks.1) as f64 / TICKS_PER_SECOND,
            load: self.load,
        }
    }
}

impl StageReport {
    /// Other processes' CPU use as a share of one core.
    fn others_share(&self) -> f64 {
        self.others_cpu_seconds / self.seconds.max(0.001)
    }
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn date_now() -> String {
    output_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "?".into())
}

/// `nproc`, the CPU model and the memory, from /proc.
fn machine() -> Vec<(String, String)> {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or_else(
            || "?".into(),
            |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0),
        );
    let mut rows = vec![
        ("cores (nproc)".to_string(), cores.to_string()),
        ("CPU".to_string(), model),
        ("memory".to_string(), memory),
    ];
    if let Some(kernel) = output_of("uname", &["-sr"]) {
        rows.push(("kernel".into(), kernel));
    }
    if let Some(rustc) = output_of("rustc", &["--version"]) {
        rows.push(("rustc".into(), rustc));
    }
    if let Some(node) = output_of("node", &["--version"]) {
        rows.push(("node".into(), node));
    }
    let commit = output_of("git", &["rev-parse", "--short", "HEAD"]);
    let dirty = output_of("git", &["status", "--porcelain"]).is_some_and(|s| !s.is_empty());
    if let Some(commit) = commit {
        let suffix = if dirty {
            " (with uncommitted changes)"
        } else {
            ""
        };
        rows.push(("commit".into(), format!("{commit}{suffix}")));
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// Criterion

/// Every `<group>/<function>[/<size>]/new/estimates.json` under `dir` written since `since`,
/// as `"group/function[/size]"` → criterion's median estimate in nanoseconds.
fn criterion_estimates(dir: &Path, since: SystemTime) -> Result<BTreeMap<String, f64>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let is_new_estimate = path.file_name().is_some_and(|n| n == "estimates.json")
                && path
                    .parent()
                    .and_then(Path::file_name)
                    .is_some_and(|n| n == "new");
            if !is_new_estimate {
                continue;
            }
            let fresh = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|m| m >= since);
            if !fresh {
                continue;
            }
            let Some(id) = path
                .parent()
                .and_then(Path::parent)
                .and_then(|p| p.strip_prefix(dir).ok())
                .map(|p| p.to_string_lossy().replace('\\', "/"))
            else {
                continue;
            };
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let median = point_estimate(&text, "median")
                .ok_or_else(|| format!("no median point_estimate in {}", path.display()))?;
            out.insert(id, median);
        }
    }
    if out.is_empty() {
        return Err(format!(
            "criterion wrote no estimates under {} during this run",
            dir.display()
        ));
    }
    Ok(out)
}

/// `"<statistic>":{… "point_estimate":N …}` → N: the tiny parse criterion's files need.
fn point_estimate(json: &str, statistic: &str) -> Option<f64> {
    let start = json.find(&format!("\"{statistic}\":"))?;
    let rest = &json[start..];
    let at = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let number: String = rest[at..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        .collect();
    number.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// The browsers' figures

/// `browser → implementation → metric → value`, as www/bench/run.js wrote them.
#[derive(Default)]
struct Web(BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>);

impl Web {
    fn read(path: &Path) -> Result<Self, String> {
        let text =
            fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut web = Self::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let mut fields = line.splitn(4, '\t');
            let (Some(browser), Some(implementation), Some(metric), Some(value)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(format!("{}: malformed line {line:?}", path.display()));
            };
            web.0
                .entry(browser.into())
                .or_default()
                .entry(implementation.into())
                .or_default()
                .insert(metric.into(), value.into());
        }
        Ok(web)
    }

    fn text(&self, browser: &str, implementation: &str, metric: &str) -> Option<&str> {
        self.0
            .get(browser)?
            .get(implementation)?
            .get(metric)
            .map(String::as_str)
    }

    fn num(&self, browser: &str, implementation: &str, metric: &str) -> Option<f64> {
        self.text(browser, implementation, metric)?
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
    }

    fn browsers(&self) -> Vec<&str> {
        ["chromium", "firefox", "webkit"]
            .into_iter()
            .filter(|b| self.0.contains_key(*b))
            .collect()
    }

    fn has(&self, browser: &str, implementation: &str) -> bool {
        self.0
            .get(browser)
            .is_some_and(|b| b.contains_key(implementation))
    }

    /// The track's nominal frame rate, from `"640x480 @ 20 fps (…)"`.
    fn frame_rate(&self, browser: &str) -> Option<f64> {
        let track = self.text(browser, "browser", "track")?;
        track
            .split_once(" @ ")?
            .1
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }
}

// ---------------------------------------------------------------------------------------------
// Package size

struct FileSize {
    name: String,
    raw: u64,
    gzip: Option<u64>,
}

struct Sizes {
    /// The default entry (`imagecapture`), what the target is about.
    ours: Vec<FileSize>,
    /// The `imagecapture/zoom` entry, which a page with digital zoom loads instead.
    zoom: Vec<FileSize>,
    old: Vec<FileSize>,
}

impl Sizes {
    fn ours_total(&self) -> (u64, Option<u64>) {
        total(&self.ours)
    }

    /// The old polyfill's minified file, what a page loads without a bundler.
    fn old_min(&self) -> Option<&FileSize> {
        self.old.iter().find(|f| f.name.ends_with(".min.js"))
    }
}

/// Copies `from` into `to` (emptied first), folders and all.
fn snapshot(from: &Path, to: &Path) -> Result<(), String> {
    if to.exists() {
        fs::remove_dir_all(to).map_err(|e| format!("cannot clear {}: {e}", to.display()))?;
    }
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() {
            fs::copy(&path, to.join(entry.file_name()))
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        } else if path.is_dir() {
            // The `imagecapture/zoom` entry, `dist/zoom/`.
            snapshot(&path, &to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// What a page downloads of ours (in `dist`) and of the old polyfill, raw and gzipped.
fn package_sizes(root: &Path, dist: &Path) -> Result<Sizes, String> {
    let file = |dir: &Path, name: &str| -> Result<FileSize, String> {
        let path = dir.join(name);
        let raw = fs::metadata(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
            .len();
        Ok(FileSize {
            name: name.to_string(),
            raw,
            gzip: pkg::gzip_size(&path),
        })
    };
    let entry = |dir: &Path| {
        ["imagecapture_js_bg.wasm", "imagecapture_js.js", "index.js"]
            .into_iter()
            .map(|n| file(dir, n))
            .collect::<Result<Vec<_>, _>>()
    };
    let ours = entry(dist)?;
    let zoom = entry(&dist.join("zoom"))?;
    browser_dependencies(root)?;
    let old_dir = root.join("www/bench/node_modules/image-capture");
    let old = ["lib/imagecapture.min.js", "src/imagecapture.js"]
        .into_iter()
        .map(|n| file(&old_dir, n))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sizes { ours, zoom, old })
}

// ---------------------------------------------------------------------------------------------
// Formatting

/// A time given in milliseconds: ms with 1–2 decimals, or µs below 1 ms when `micro`.
fn ms(value: Option<f64>, micro: bool) -> String {
    match value {
        None => "–".into(),
        Some(v) if micro && v < 1.0 => {
            let us = v * 1000.0;
            if us >= 100.0 {
                format!("{us:.0} µs")
            } else {
                format!("{us:.1} µs")
            }
        }
        Some(v) if v >= 100.0 => format!("{v:.0} ms"),
        Some(v) if v >= 10.0 => format!("{v:.1} ms"),
        Some(v) => format!("{v:.2} ms"),
    }
}

fn num(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".into(), |v| format!("{v:.decimals$}"))
}

/// `a ÷ b` as `0.42×`.
fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}×", a / b),
        _ => "–".into(),
    }
}

fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let lead = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        n => n,
    };
    let (head, rest) = digits.split_at(lead);
    let mut out = head.to_string();
    for group in rest.as_bytes().chunks(3) {
        out.push(',');
        out.push_str(&String::from_utf8_lossy(group));
    }
    out
}

/// A Markdown table, padded so that it also reads well in a terminal.
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let columns = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::from("|");
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            let _ = write!(s, " {cell}{} |", " ".repeat(pad));
        }
        s.push('\n');
        s
    };
    let mut out = line(headers.to_vec());
    out.push('|');
    for w in &widths {
        let _ = write!(out, "{}|", "-".repeat(w + 2));
    }
    out.push('\n');
    for row in rows {
        let mut cells: Vec<&str> = row.iter().map(String::as_str).collect();
        cells.resize(columns, "");
        out.push_str(&line(cells));
    }
    out
}

/// The browser's version for a heading: from its user agent (Chromium, Firefox) or, for WebKit,
/// whose user agent names a frozen Safari, the WebKitGTK version its WebDriver reported.
fn browser_version(web: &Web, browser: &str) -> String {
    if browser == "webkit" {
        return web
            .text(browser, "browser", "version")
            .and_then(|v| v.rsplit(' ').next())
            .map_or_else(|| "?".into(), |v| format!("WebKitGTK {v} (MiniBrowser)"));
    }
    web.text(browser, "browser", "user_agent")
        .and_then(|ua| {
            ua.split_whitespace().rev().find(|w| {
                w.starts_with("HeadlessChrome/")
                    || w.starts_with("Firefox/")
                    || w.starts_with("Chrome/")
            })
        })
        .unwrap_or("?")
        .to_string()
}

fn browser_title(browser: &str) -> &str {
    match browser {
        "chromium" => "Chromium",
        "firefox" => "Firefox",
        "webkit" => "WebKit",
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// The report

struct Report {
    date: String,
    elapsed: f64,
    /// What the run installed ([`install::installed`]).
    installed: Vec<String>,
    stages: Vec<StageReport>,
    /// criterion id → median, ns.
    native: BTreeMap<String, f64>,
    web: Web,
    sizes: Option<Sizes>,
    quick: bool,
    partial: bool,
}

/// One target of issue 5: what was measured, whether it is met, and if not by how much and why.
struct Target {
    what: String,
    measured: String,
    met: Option<bool>,
    limit: String,
}

const FORMATS: [(&str, &str); 3] = [("yuyv", "YUYV"), ("nv12", "NV12"), ("mjpeg", "MJPEG")];
const SIZES: [&str; 3] = ["640x480", "1280x720", "1920x1080"];

impl Report {
    /// A native figure in milliseconds.
    fn native_ms(&self, id: &str) -> Option<f64> {
        self.native.get(id).map(|ns| ns / 1e6)
    }

    /// Whether other processes used a notable share of a core during a stage that measures.
    fn busy(&self) -> bool {
        self.stages
            .iter()
            .filter(|s| s.name != "install" && s.seconds >= 5.0)
            .any(|s| s.others_share() > BUSY_SHARE)
    }

    /// Every table of figures, as printed and as in BENCHMARKS.md.
    fn tables(&self) -> String {
        let mut out = String::new();
        if !self.native.is_empty() {
            out.push_str(&self.native_tables());
        }
        for browser in self.web.browsers() {
            out.push_str(&self.browser_table(browser));
        }
        if let Some(sizes) = &self.sizes {
            out.push_str(&size_table(sizes));
        }
        out.push_str("\n### Targets of issue 5\n\n");
        let rows: Vec<Vec<String>> = self
            .targets()
            .into_iter()
            .map(|t| {
                let met = match t.met {
                    Some(true) => "met",
                    Some(false) => "**not met**",
                    None => "not measured",
                };
                vec![t.what, t.measured, met.to_string(), t.limit]
            })
            .collect();
        out.push_str(&table(
            &["target", "measured", "", "gap, and what limits it"],
            &rows,
        ));
        out
    }

    fn native_tables(&self) -> String {
        let mut out = String::from(
            "\n### Native (criterion, median time per call)\n\n\
             Frame conversion to RGBA of one real frame of the fake camera. Ratios are ours ÷ \
             the anchor: below 1 ours is faster.\n\n",
        );
        let mut rows = Vec::new();
        for (key, name) in FORMATS {
            for size in SIZES {
                let get = |who: &str| self.native_ms(&format!("to_rgba_{key}/{who}/{size}"));
                let (ours, nokhwa, memcpy) = (get("ours"), get("nokhwa"), get("memcpy"));
                rows.push(vec![
                    format!("{name} → RGBA {}", size.replace('x', "×")),
                    ms(ours, true),
                    ms(nokhwa, true),
                    ratio(ours, nokhwa),
                    ms(memcpy, true),
                    ratio(ours, memcpy),
                ]);
            }
        }
        out.push_str(&table(
            &[
                "conversion",
                "ours",
                "nokhwa",
                "ours ÷ nokhwa",
                "memcpy (bound)",
                "ours ÷ memcpy",
            ],
            &rows,
        ));
        let (ours, image) = (
            self.native_ms("jpeg_encode_1080p/ours"),
            self.native_ms("jpeg_encode_1080p/image"),
        );
        out.push('\n');
        out.push_str(&table(
            &[
                "JPEG encode, 1920×1080, q 0.92",
                "ours",
                "image crate",
                "ours ÷ image",
            ],
            &[vec![
                "RGBA → JPEG".into(),
                ms(ours, true),
                ms(image, true),
                ratio(ours, image),
            ]],
        ));
        let rows: Vec<Vec<String>> = self
            .native
            .iter()
            .filter_map(|(id, ns)| {
                let name = id.strip_prefix("end_to_end/")?;
                Some(vec![name.to_string(), ms(Some(ns / 1e6), true)])
            })
            .collect();
        out.push_str(
            "\nEnd to end on the fake camera (latency from call to result; each call is made by a \
             new ImageCapture on the running track, so a frame is waiting and is taken at once, \
             into the track's reused pool buffers; no pauses):\n\n",
        );
        out.push_str(&table(&["call", "ours"], &rows));
        out
    }

    fn browser_table(&self, browser: &str) -> String {
        let web = &self.web;
        let has_native = web.has(browser, "native");
        let mut out = format!(
            "\n### {} — {}\n\nTrack: {}; `performance.now()` resolution {}. Ratios are ours ÷ \
             the anchor (times: below 1 ours is \
             faster; frame rates: above 1 ours delivers more). *Ours' steps in plain JS* is no \
             implementation but a reference measured in the same blocks: the browser calls ours \
             makes (grabFrame: createImageBitmap of a VideoFrame of a <video>; takePhoto: that \
             frame drawn on a new OffscreenCanvas and encoded), written directly in JS, without \
             our logic or WebAssembly; ours ÷ steps is what our own code costs.\n\n",
            browser_title(browser),
            browser_version(web, browser),
            web.text(browser, "browser", "track").unwrap_or("?"),
            ms(web.num(browser, "browser", "timer_resolution_ms"), true),
        );
        if browser == "webkit" {
            out.push_str(
                "WebKit's own ImageCapture is on (Safari 26's shape; WebKitGTK's feature flag) and \
                 measured as it is: in a page, `install()` wraps its four methods \
                 (docs/webkit.md), so a Safari 26 user gets WebKit's figure plus our checks \
                 around it. WebKit's takePhoto() gives a PNG.\n\n",
            );
        }
        let row = |figure: &str,
                   metric: &str,
                   ours_impl: &str,
                   format: &dyn Fn(Option<f64>) -> String| {
            let ours = web.num(browser, ours_impl, metric);
            let native = web.num(browser, "native", metric);
            let old = web.num(browser, "old", metric);
            let steps_impl = if ours_impl == "ours_png" {
                "steps_png"
            } else {
                "steps"
            };
            let steps = web.num(browser, steps_impl, metric);
            // Counts are shown as they are, without ratios.
            let counted = metric.ends_with("_n") || metric.ends_with("_duplicates");
            let versus = |theirs| {
                if counted {
                    String::new()
                } else {
                    ratio(ours, theirs)
                }
            };
            let mut cells = vec![figure.to_string(), format(ours)];
            if has_native {
                cells.push(format(native));
                // The browser's own has nothing to import: no ratio to a near-zero figure.
                cells.push(if metric == "cold_import_ms" {
                    String::new()
                } else {
                    versus(native)
                });
            }
            cells.push(format(old));
            cells.push(versus(old));
            cells.push(steps.map_or_else(String::new, |_| format(steps)));
            cells.push(steps.map_or_else(String::new, |_| versus(steps)));
            cells
        };
        let time = |v: Option<f64>| ms(v, false);
        let fps = |v: Option<f64>| v.map_or_else(|| "–".into(), |v| format!("{v:.1} fps"));
        let count = |v: Option<f64>| num(v, 0);
        let mut rows = vec![
            row(
                "cold start: import → first frame (median)",
                "cold_ms",
                "ours",
                &time,
            ),
            row("  of which module import", "cold_import_ms", "ours", &time),
            row(
                "grabFrame on demand, median",
                "grab_demand_median_ms",
                "ours",
                &time,
            ),
            row(
                "grabFrame on demand, p95",
                "grab_demand_p95_ms",
                "ours",
                &time,
            ),
            row(
                "grabFrame back to back, median",
                "grab_burst_median_ms",
                "ours",
                &time,
            ),
            row(
                "grabFrame back to back, p95",
                "grab_burst_p95_ms",
                "ours",
                &time,
            ),
            row(
                "grabFrame back to back: distinct frames/s",
                "grab_burst_fps",
                "ours",
                &fps,
            ),
            row(
                "grabFrame back to back: calls",
                "grab_burst_n",
                "ours",
                &count,
            ),
            row(
                "grabFrame back to back: duplicate frames",
                "grab_burst_duplicates",
                "ours",
                &count,
            ),
            row("takePhoto(), median", "photo_median_ms", "ours", &time),
            row("takePhoto(), p95", "photo_p95_ms", "ours", &time),
            row(
                "takePhoto({type: \"image/png\"}), median",
                "photo_median_ms",
                "ours_png",
                &time,
            ),
            row(
                "takePhoto({type: \"image/png\"}), p95",
                "photo_p95_ms",
                "ours_png",
                &time,
            ),
        ];
        // What each implementation's photo is, and how many calls each figure is over.
        let photo = |i: &str| {
            format!(
                "{} {}",
                web.text(browser, i, "photo_type").unwrap_or("?"),
                web.text(browser, i, "photo_size").unwrap_or("?")
            )
        };
        let mut kinds = vec![
            "photo: type and size (ours; ours PNG)".to_string(),
            format!("{}; {}", photo("ours"), photo("ours_png")),
        ];
        if has_native {
            kinds.push(photo("native"));
            kinds.push(String::new());
        }
        kinds.push(photo("old"));
        kinds.push(String::new());
        rows.push(kinds);
        let calls = |i: &str| {
            format!(
                "{} / {} / {}",
                web.text(browser, i, "cold_n").unwrap_or("–"),
                web.text(browser, i, "grab_demand_n").unwrap_or("–"),
                web.text(browser, i, "photo_n").unwrap_or("–"),
            )
        };
        let mut counts = vec![
            "samples: cold / on demand / photo".to_string(),
            calls("ours"),
        ];
        if has_native {
            counts.push(calls("native"));
            counts.push(String::new());
        }
        counts.push(calls("old"));
        counts.push(String::new());
        rows.push(counts);
        let failures: f64 = ["native", "ours", "ours_png", "old"]
            .iter()
            .flat_map(|i| {
                [
                    "grab_demand_failures",
                    "grab_burst_failures",
                    "photo_failures",
                ]
                .iter()
                .map(move |m| web.num(browser, i, m).unwrap_or(0.0))
            })
            .sum();
        let mut headers = vec!["figure", "ours"];
        if has_native {
            headers.extend(["browser's own", "ours ÷ own"]);
        }
        headers.extend([
            "old polyfill",
            "ours ÷ old",
            "ours' steps in plain JS",
            "ours ÷ steps",
        ]);
        out.push_str(&table(&headers, &rows));
        if failures > 0.0 {
            let _ = writeln!(out, "\nFailed calls (not in the figures): {failures:.0}.");
        }

        // The browser's own primitives: what bounds each method.
        let c = |m: &str| web.num(browser, "browser", &format!("camera_{m}"));
        let floors = vec![
            vec![
                "camera: frames presented to a <video> (requestVideoFrameCallback)".to_string(),
                fps(c("presentedFps")),
            ],
            vec![
                "camera: distinct VideoFrame timestamps of those frames".to_string(),
                c("videoFrameTimestampsPerS").map_or_else(|| "–".into(), |v| format!("{v:.1} /s")),
            ],
            vec![
                "createImageBitmap(video)".to_string(),
                time(c("bitmapOfVideo")),
            ],
            vec![
                "createImageBitmap(new VideoFrame(video)): ours' grabFrame copy".to_string(),
                time(c("bitmapOfVideoFrame")),
            ],
            vec![
                "drawImage(video) on a canvas + createImageBitmap(canvas): the old polyfill's"
                    .to_string(),
                time(c("bitmapViaCanvas")),
            ],
            vec![
                "convertToBlob of a 640×480 canvas, JPEG q 0.92".to_string(),
                time(c("encodeJpeg")),
            ],
            vec![
                "convertToBlob of a 640×480 canvas, PNG".to_string(),
                time(c("encodePng")),
            ],
            vec![
                "the old polyfill's takePhoto steps (canvas, drawImage, toBlob): PNG".to_string(),
                time(c("photoCanvasToBlobPng")),
            ],
        ];
        out.push_str(&format!(
            "\nThe browser's own primitives in the same page (median), which bound the methods:\n\n{}",
            table(&["primitive", "figure"], &floors)
        ));
        out
    }

    fn targets(&self) -> Vec<Target> {
        let mut targets = Vec::new();
        if !self.native.is_empty() || !self.partial {
            self.native_targets(&mut targets);
        }
        if !self.web.0.is_empty() || !self.partial {
            self.browser_targets(&mut targets);
            self.size_target(&mut targets);
        }
        targets
    }

    fn native_targets(&self, targets: &mut Vec<Target>) {
        let get = |id: &str| self.native_ms(id);
        let ours = get("to_rgba_yuyv/ours/1920x1080");
        let nokhwa = get("to_rgba_yuyv/nokhwa/1920x1080");
        let memcpy = get("to_rgba_yuyv/memcpy/1920x1080");
        let speedup = nokhwa.zip(ours).map(|(n, o)| n / o);
        let bound = nokhwa.zip(memcpy).map(|(n, m)| n / m);
        targets.push(Target {
            what: "YUYV → RGBA 1080p ≥ 10× nokhwa's".into(),
            measured: format!(
                "{} vs {}: {}× faster",
                ms(ours, true),
                ms(nokhwa, true),
                num(speedup, 1)
            ),
            met: speedup.map(|s| s >= 10.0),
            limit: match (speedup, bound) {
                (Some(s), Some(b)) if s < 10.0 => {
                    let needed = b / 10.0;
                    let bound = if needed < 1.0 {
                        "below the memcpy bound itself: unreachable".to_string()
                    } else {
                        format!(
                            "ours is now {:.2}× memcpy: the rest is the conversion's own \
                             arithmetic and memory traffic",
                            ours.zip(memcpy).map_or(0.0, |(o, m)| o / m)
                        )
                    };
                    format!(
                        "{:.2}× short; 10× needs ours ≤ {} = {needed:.2}× the memcpy of the \
                         output ({}), {bound}",
                        10.0 / s,
                        ms(nokhwa.map(|n| n / 10.0), true),
                        ms(memcpy, true),
                    )
                }
                _ => String::new(),
            },
        });
        let within = ours.zip(memcpy).map(|(o, m)| o / m);
        targets.push(Target {
            what: "YUYV → RGBA 1080p within 3× memcpy".into(),
            measured: format!(
                "{} vs {}: {}×",
                ms(ours, true),
                ms(memcpy, true),
                num(within, 2)
            ),
            met: within.map(|w| w <= 3.0),
            limit: within
                .filter(|w| *w > 3.0)
                .map(|w| format!("{:.2}× over the 3× bound", w / 3.0))
                .unwrap_or_default(),
        });
        let per_size: Vec<(String, Option<f64>)> = SIZES
            .iter()
            .map(|size| {
                (
                    size.to_string(),
                    get(&format!("to_rgba_mjpeg/ours/{size}"))
                        .zip(get(&format!("to_rgba_mjpeg/nokhwa/{size}")))
                        .map(|(o, n)| o / n),
                )
            })
            .collect();
        let all = per_size.iter().map(|(_, r)| *r).collect::<Option<Vec<_>>>();
        targets.push(Target {
            what: "MJPEG → RGBA ≥ nokhwa's (at every size)".into(),
            measured: format!(
                "ours ÷ nokhwa: {}",
                per_size
                    .iter()
                    .map(|(s, r)| format!("{s} {}", r.map_or("–".into(), |r| format!("{r:.2}×"))))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            met: all.as_ref().map(|rs| rs.iter().all(|r| *r <= 1.0)),
            limit: match &all {
                Some(rs) if rs.iter().any(|r| *r > 1.0) => format!(
                    "up to {:.0} % slower: the JPEG decoder itself (ours: zune-jpeg, pure \
                     Rust, AVX2, decoding straight to RGBA, its fastest output; nokhwa's: \
                     mozjpeg = libjpeg-turbo with nasm SIMD). Profile (callgrind, one 1080p \
                     frame): zune-jpeg 40.6 M instructions vs mozjpeg 34.5 M (+18 %): Huffman \
                     decoding 11 M vs 9.7 M, colour conversion 10.7 M vs 7.1 M; zune's higher \
                     IPC makes up most of it. libjpeg-turbo itself (the `turbojpeg` crate) \
                     would only tie, for a C library in every user's build",
                    (rs.iter().copied().fold(0.0, f64::max) - 1.0) * 100.0
                ),
                _ => String::new(),
            },
        });
        let ours = get("jpeg_encode_1080p/ours");
        let image = get("jpeg_encode_1080p/image");
        let speedup = image.zip(ours).map(|(i, o)| i / o);
        targets.push(Target {
            what: "JPEG encode 1080p ≥ 3× the image crate's".into(),
            measured: format!(
                "{} vs {}: {}× faster",
                ms(ours, true),
                ms(image, true),
                num(speedup, 1)
            ),
            met: speedup.map(|s| s >= 3.0),
            limit: speedup
                .filter(|s| *s < 3.0)
                .map(|s| format!("{:.2}× short", 3.0 / s))
                .unwrap_or_default(),
        });
    }

    fn browser_targets(&self, targets: &mut Vec<Target>) {
        let web = &self.web;
        let floor =
            |browser: &str, key: &str| web.num(browser, "browser", &format!("camera_{key}"));
        let beyond =
            |total: Option<f64>, part: Option<f64>| ms(total.zip(part).map(|(t, p)| t - p), false);
        // What our code adds beyond its browser steps; a negative difference is the noise of
        // two medians, not a saving.
        let added = |ours: Option<f64>, steps: Option<f64>| match ours.zip(steps) {
            Some((o, s)) if o < s => format!(
                "nothing measurable (ours {} faster, within the noise)",
                ms(Some(s - o), false)
            ),
            _ => beyond(ours, steps),
        };
        // What bounds grabFrame on demand: the browser's copy of a frame (ours' steps in plain
        // JS, measured in the same blocks), and what our code adds to it.
        let grab_limit = |browser: &'static str| {
            move |ours: Option<f64>, _theirs: Option<f64>| {
                let steps = web.num(browser, "steps", "grab_demand_median_ms");
                let mut text = format!(
                    "ours' browser steps in plain JS (createImageBitmap of a VideoFrame) take {}, \
                     our code (the track's checks, the fresh-frame bookkeeping, the calls into \
                     WebAssembly and its promise) adds {}; the browser's copies alone: of a \
                     VideoFrame {}, of the <video> {}, drawImage + createImageBitmap of a canvas \
                     (the old polyfill's) {}",
                    ms(steps, false),
                    added(ours, steps),
                    ms(floor(browser, "bitmapOfVideoFrame"), false),
                    ms(floor(browser, "bitmapOfVideo"), false),
                    ms(floor(browser, "bitmapViaCanvas"), false),
                );
                // Why ours does not copy the old polyfill's way where that is faster.
                let faster = |b: &str| {
                    let (canvas, frame) =
                        (floor(b, "bitmapViaCanvas"), floor(b, "bitmapOfVideoFrame"));
                    canvas.zip(frame).map(|(c, f)| (c < f, c, f))
                };
                if let (Some((true, _, _)), Some((false, canvas, frame))) =
                    (faster(browser), faster("firefox"))
                {
                    let _ = write!(
                        text,
                        "; the canvas way is the faster copy here, but costs {} against {} in \
                         Firefox",
                        ms(Some(canvas), false),
                        ms(Some(frame), false),
                    );
                }
                text
            }
        };
        // What bounds takePhoto: drawing and encoding (ours' steps in plain JS, measured in the
        // same blocks), and what our code adds to it.
        let photo_limit = |browser: &'static str, steps_impl: &'static str, against_old: bool| {
            move |ours: Option<f64>, _theirs: Option<f64>| {
                let steps = web.num(browser, steps_impl, "photo_median_ms");
                let mut text = format!(
                    "ours' browser steps in plain JS (new canvas, draw, encode) take {}, our code \
                     adds {}; the encoder alone: JPEG {}, PNG {}",
                    ms(steps, false),
                    added(ours, steps),
                    ms(floor(browser, "encodeJpeg"), false),
                    ms(floor(browser, "encodePng"), false),
                );
                if against_old {
                    let old_way = floor(browser, "photoCanvasToBlobPng");
                    let _ = write!(
                        text,
                        "; the old polyfill's steps (one canvas, toBlob PNG) {}",
                        ms(old_way, false),
                    );
                }
                text
            }
        };
        // ours ≤ anchor, on `metric` of implementation `ours_impl`.
        let compare = |browser: &str,
                       what: String,
                       ours_impl: &str,
                       anchor: &str,
                       metric: &str,
                       limit: &dyn Fn(Option<f64>, Option<f64>) -> String| {
            let ours = web.num(browser, ours_impl, metric);
            let theirs = web.num(browser, anchor, metric);
            let met = ours.zip(theirs).map(|(o, t)| o <= t);
            Target {
                what,
                measured: format!(
                    "{} vs {}: {}",
                    ms(ours, false),
                    ms(theirs, false),
                    ratio(ours, theirs)
                ),
                met,
                limit: if met == Some(false) {
                    format!(
                        "+{} ({:.0} % slower); {}",
                        beyond(ours, theirs),
                        (ours.zip(theirs).map_or(0.0, |(o, t)| o / t) - 1.0) * 100.0,
                        limit(ours, theirs)
                    )
                } else {
                    String::new()
                },
            }
        };
        let photo_type = |browser: &str, implementation: &str| {
            web.text(browser, implementation, "photo_type")
                .unwrap_or("?")
                .to_string()
        };
        let chromium = "chromium";
        if web.has(chromium, "native") || !self.partial {
            targets.push(compare(
                chromium,
                "Chromium: grabFrame on demand ≤ 1.0× the browser's own (median)".into(),
                "ours",
                "native",
                "grab_demand_median_ms",
                &grab_limit(chromium),
            ));
            let rate = web.frame_rate(chromium);
            targets.push(compare(
                chromium,
                "Chromium: grabFrame back to back ≤ 1.0× the browser's own (median)".into(),
                "ours",
                "native",
                "grab_burst_median_ms",
                &|_, _| {
                    format!(
                        "both wait for the camera's next frame, every {} at {} fps",
                        ms(rate.map(|r| 1000.0 / r), false),
                        num(rate, 0)
                    )
                },
            ));
            targets.push(compare(
                chromium,
                format!(
                    "Chromium: takePhoto() ≤ 1.0× the browser's own (median; ours {}, its {})",
                    photo_type(chromium, "ours"),
                    photo_type(chromium, "native")
                ),
                "ours",
                "native",
                "photo_median_ms",
                &photo_limit(chromium, "steps", false),
            ));
            targets.push(compare(
                chromium,
                "Chromium: takePhoto as PNG ≤ 1.0× the browser's own (median, both PNG)".into(),
                "ours_png",
                "native",
                "photo_median_ms",
                &photo_limit(chromium, "steps_png", false),
            ));
        }
        for browser in ["chromium", "firefox"] {
            if self.partial && !web.has(browser, "old") {
                continue;
            }
            let title = browser_title(browser);
            targets.push(compare(
                browser,
                format!("{title}: grabFrame on demand ≤ the old polyfill (median)"),
                "ours",
                "old",
                "grab_demand_median_ms",
                &grab_limit(browser),
            ));
            targets.push(compare(
                browser,
                format!(
                    "{title}: takePhoto() ≤ the old polyfill (median; ours {}, its {})",
                    photo_type(browser, "ours"),
                    photo_type(browser, "old")
                ),
                "ours",
                "old",
                "photo_median_ms",
                &photo_limit(browser, "steps", true),
            ));
            targets.push(compare(
                browser,
                format!("{title}: takePhoto as PNG ≤ the old polyfill (median, both PNG)"),
                "ours_png",
                "old",
                "photo_median_ms",
                &photo_limit(browser, "steps_png", true),
            ));
            let rate = web.frame_rate(browser);
            let fps = web.num(browser, "ours", "grab_burst_fps");
            let duplicates = web.num(browser, "ours", "grab_burst_duplicates");
            let calls = web.num(browser, "ours", "grab_burst_n");
            let met = match (rate, fps, duplicates) {
                (Some(r), Some(f), Some(d)) => Some(f >= FRAME_RATE_SHARE * r && d == 0.0),
                _ => None,
            };
            let timestamps = floor(browser, "videoFrameTimestampsPerS");
            targets.push(Target {
                what: format!("{title}: grabFrame at the camera's frame rate, no duplicates"),
                measured: format!(
                    "{} distinct frames/s of {} fps, {} duplicates in {} calls",
                    num(fps, 1),
                    num(rate, 0),
                    num(duplicates, 0),
                    num(calls, 0)
                ),
                met,
                limit: if met == Some(false) {
                    format!(
                        "{:.0} % of the frame rate; the camera presents {} frames/s to a \
                         <video>, whose VideoFrame timestamps take {} distinct values/s; ours' \
                         back-to-back call takes {} (median)",
                        fps.zip(rate).map_or(0.0, |(f, r)| f / r * 100.0),
                        num(floor(browser, "presentedFps"), 1),
                        num(timestamps, 1),
                        ms(web.num(browser, "ours", "grab_burst_median_ms"), false)
                    )
                } else {
                    String::new()
                },
            });
        }
    }

    fn size_target(&self, targets: &mut Vec<Target>) {
        let Some(sizes) = &self.sizes else {
            if !self.partial {
                targets.push(Target {
                    what: "package ≤ 25 KB gzip (the default entry: wasm + glue + index.js)".into(),
                    measured: "–".into(),
                    met: None,
                    limit: String::new(),
                });
            }
            return;
        };
        let (_, gzip) = sizes.ours_total();
        let wasm = sizes.ours.iter().find(|f| f.name.ends_with(".wasm"));
        targets.push(Target {
            what: format!(
                "package ≤ 25 KB gzip (the default entry: wasm + glue + index.js; {} bytes)",
                bytes(SIZE_TARGET_GZIP)
            ),
            measured: gzip.map_or_else(|| "–".into(), |g| format!("{} bytes gzip", bytes(g))),
            met: gzip.map(|g| g <= SIZE_TARGET_GZIP),
            limit: match (gzip, wasm) {
                (Some(g), Some(w)) if g > SIZE_TARGET_GZIP => format!(
                    "{:.1}× the target, {} bytes over; the .wasm is {} of it. Profile \
                     (twiggy on wasm-bindgen's output before wasm-opt, 130 K of code and data, \
                     raw bytes): the async state machines of the four methods and their \
                     promise closures ≈ 35 K, wasm-bindgen's runtime, import and export shims \
                     ≈ 22 K, the formatting, panic and `core` string code std keeps ≈ 15 K \
                     (only nightly's `panic_immediate_abort` drops it), the web backend's own \
                     logic ≈ 12 K, dictionaries ≈ 11 K, the allocator and growth paths ≈ 10 K, \
                     messages and known-fault tables ≈ 9 K, the core's photo planning ≈ 6 K. \
                     Cut so far: serde, float formatting, dlmalloc, the JS minified, digital \
                     zoom moved to its own entry (104 → 67 → {} KB gzip)",
                    g as f64 / SIZE_TARGET_GZIP as f64,
                    bytes(g - SIZE_TARGET_GZIP),
                    w.gzip
                        .map_or_else(|| "?".into(), |x| format!("{} bytes", bytes(x))),
                    g / 1000
                ),
                _ => String::new(),
            },
        });
    }

    fn markdown(&self) -> String {
        let mut out = String::from(
            "# Benchmarks\n\n\
             Written by `cargo xtask bench` (crates/xtask/src/bench.rs) as measured: do not edit \
             the figures by hand, run the command again. Every figure of ours is measured in the \
             same run as its anchors, on the same machine.\n",
        );
        if self.quick || self.partial {
            out.push_str(
                "\n**A partial or quick run** (`--quick`, `--native-only` or `--browsers-only`): \
                 fewer samples or sections left out.\n",
            );
        }
        let _ = write!(
            out,
            "\n## Run\n\n- date: {}\n- duration: {:.1} min\n",
            self.date,
            self.elapsed / 60.0
        );
        for (k, v) in machine() {
            let _ = writeln!(out, "- {k}: {v}");
        }
        // What the install stage's time covers: on a fresh machine, everything.
        let installed = if self.installed.is_empty() {
            "nothing (everything was present)".to_owned()
        } else {
            self.installed.join("; ")
        };
        let _ = writeln!(out, "- installed by this run: {installed}");
        out.push_str(
            "\nLoad during each stage: the machine's busy CPU time as a share of all its cores, \
             and CPU time by process: this run's (everything it started), and other processes' \
             (other people's builds and browsers; sampled twice a second, so a lower bound).\n\n",
        );
        let rows: Vec<Vec<String>> = self
            .stages
            .iter()
            .map(|s| {
                vec![
                    s.name.to_string(),
                    format!("{:.0} s", s.seconds),
                    s.machine_share
                        .map_or_else(|| "?".into(), |x| format!("{:.0} %", x * 100.0)),
                    format!("{:.1} s", s.ours_cpu_seconds),
                    format!("{:.1} s", s.others_cpu_seconds),
                    format!("{:.0} %", s.others_share() * 100.0),
                    s.load.clone(),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "stage",
                "wall time",
                "machine busy",
                "this run's CPU",
                "others' CPU",
                "others, share of one core",
                "load average at start",
            ],
            &rows,
        ));
        if self.busy() {
            let _ = write!(
                out,
                "\n**The machine was busy**: other processes used more than {:.0} % of a core \
                 during a measuring stage (other builds on the same cores). Timings are then \
                 slower and noisier than on a quiet machine; ratios measured side by side suffer \
                 less. Re-run `cargo xtask bench` when the machine is quiet.\n",
                BUSY_SHARE * 100.0
            );
        } else {
            out.push_str(
                "\nThe machine was quiet: no other process used a notable share of a core.\n",
            );
        }
        out.push_str("\n## Figures\n");
        out.push_str(&self.tables());
        out.push_str(METHOD);
        out
    }
}

/// The bytes of `files`, raw and gzipped.
fn total(files: &[FileSize]) -> (u64, Option<u64>) {
    let raw = files.iter().map(|f| f.raw).sum();
    let gzip = files.iter().map(|f| f.gzip).sum::<Option<u64>>();
    (raw, gzip)
}

fn size_table(sizes: &Sizes) -> String {
    let mut out = String::from(
        "\n### Package size (what a page downloads)\n\n\
         Ours: the release build in pkg/dist/ (`cargo xtask pkg`: wasm-opt -Oz, import and \
         export names shortened, the JS minified by esbuild): the default entry \
         (`imagecapture`), and the `imagecapture/zoom` entry (dist/zoom/: the same with digital \
         zoom built in), which a page that wants digital zoom loads instead. The old \
         polyfill: `image-capture@0.4.0`, its minified file (what a page loads without a \
         bundler) and its ES module (what a bundler takes).\n\n",
    );
    let mut rows: Vec<Vec<String>> = sizes
        .ours
        .iter()
        .map(|f| {
            vec![
                format!("ours: {}", f.name),
                bytes(f.raw),
                f.gzip.map_or_else(|| "?".into(), bytes),
            ]
        })
        .collect();
    let (raw, gzip) = sizes.ours_total();
    rows.push(vec![
        "**ours: total**".into(),
        bytes(raw),
        gzip.map_or_else(|| "?".into(), bytes),
    ]);
    for f in &sizes.zoom {
        rows.push(vec![
            format!("ours, zoom entry: {}", f.name),
            bytes(f.raw),
            f.gzip.map_or_else(|| "?".into(), bytes),
        ]);
    }
    let (zoom_raw, zoom_gzip) = total(&sizes.zoom);
    rows.push(vec![
        "**ours, zoom entry: total**".into(),
        bytes(zoom_raw),
        zoom_gzip.map_or_else(|| "?".into(), bytes),
    ]);
    for f in &sizes.old {
        rows.push(vec![
            format!("old polyfill: {}", f.name),
            bytes(f.raw),
            f.gzip.map_or_else(|| "?".into(), bytes),
        ]);
    }
    if let Some(old) = sizes.old_min() {
        rows.push(vec![
            "ours ÷ old polyfill (minified)".into(),
            ratio(Some(raw as f64), Some(old.raw as f64)),
            ratio(gzip.map(|g| g as f64), old.gzip.map(|g| g as f64)),
        ]);
    }
    out.push_str(&table(&["file", "bytes", "gzip -9"], &rows));
    out
}

const METHOD: &str = "
## How it was measured

- **Native**: `cargo bench -p imagecapture-bench --bench native -- --warm-up-time 1
  --measurement-time 2` (criterion, which sizes each group's samples to that time). Figures are
  criterion's median estimate per call. Every contender writes into a reused buffer: ours through
  `FramePool::decode` (the `grab_frame` path), nokhwa through
  `decode_image_to_buffer::<RgbAFormat>`, the memcpy bound through `copy_from_slice`.
- **Browsers**: `www/bench/` (page `index.html` + `bench.js`, driver `run.js`), headless, with the
  browsers' fake cameras (Chromium `--use-fake-device-for-media-stream`, Firefox
  `media.navigator.streams.fake`), and WebKit: WebKitGTK's MiniBrowser through WebKitWebDriver
  on an Xvfb display of the run's own, with its mock camera and its own ImageCapture on
  (`--features=+MockCaptureDevices,+ImageCapture`: Safari 26's shape; the `webkit-native` target
  of `cargo xtask test`). The page is served cross-origin isolated (COOP and COEP headers), for
  the finest timers each browser gives a page: Chromium 5 µs, Firefox and WebKit 20 µs, instead
  of 100 µs, 1 ms and 1 ms (Firefox also runs with `privacy.reduceTimerPrecision` off, which
  alone gives it 20 µs). The resolution measured is in each browser's section. In one page
  load, one 640×480 track serves three ImageCapture objects at once: the browser's own (Chromium
  and WebKit; Firefox has none), ours (the npm package in pkg/dist/, `install({ force: true })`,
  so none of the browser's methods is used), and the old JS polyfill `image-capture@0.4.0` (loaded
  with the global `ImageCapture` removed, since it installs only where there is none). Calls run
  in blocks that alternate between the implementations in rotating order; every block starts with
  unmeasured calls, and every implementation first had 10 unmeasured grabs and 2 photos.
  - *grabFrame on demand*: 5 blocks of 20 calls, each after a pause of 1–2 frame intervals (the
    same pseudo-random sequence for everyone): the latency an app grabbing now and then sees.
  - *grabFrame back to back*: 5 blocks of 1.2 s of calls in a loop. Every frame is hashed (all
    its pixels) outside the timed part: a duplicate is a frame equal to the one before it;
    distinct frames/s = (calls − duplicates) ÷ time.
  - *takePhoto*: 3 blocks of 6 calls, one frame interval apart: each implementation's default
    `takePhoto()`, and ours asked for PNG (what the other two give) for a like-for-like figure.
  - *ours' steps in plain JS*: a reference in the same rotation (grabFrame on demand and
    takePhoto): the browser calls ours makes, written directly in JS (`PlainSteps` in
    bench.js). Ours minus it is what our own code (checks, fresh-frame logic, WebAssembly and
    its glue) costs; it minus the old polyfill is what the choice of browser calls costs.
  - *the browser's own primitives*: each the median of 15 calls one frame interval apart, in
    the same page before the blocks (a reference, not in the rotation).
  - *cold start*: a fresh page load per sample (5 per implementation, alternating), the track
    already running: module import (none for the browser's own), construction and the first
    `grabFrame()`.
  - p95 is the nearest-rank 95th percentile of all calls of an implementation.
- **Package size**: `gzip -9 -n` of each file.

Reproduce: `cargo xtask bench`. It installs what it needs first, as `cargo xtask test` does (the
Run section above lists what this run installed): on a fresh machine of these (2 cores; Debian 12
with only the Rust toolchain, node and npm) about 12 minutes in all, installs and clean builds
included; about 7 minutes once the tools are installed and the builds cached, of which WebKit
about 75 s. `sudo scripts/fresh-machine.sh` runs it on a fresh machine: a new Debian 12 root
(debootstrap) with this machine's node, npm and Rust toolchain and a clean clone of HEAD.
`cargo xtask bench --quick` for a fast look (written to target/bench/BENCHMARKS.md). The browser
half alone, once `cargo xtask pkg` has built pkg/dist/ and `npm ci --prefix www/bench` has run:
`node www/bench/run.js [--quick] [--browsers chromium,firefox,webkit]` (WebKit needs an X display:
without `DISPLAY` it starts an Xvfb of its own).
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_median_of_criterion_estimates() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":271995.87,"standard_error":4168.3},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":259214.7,"upper_bound":260689.4},"point_estimate":2.6016240692007798e5,"standard_error":402.5}}"#;
        assert_eq!(point_estimate(json, "median"), Some(260_162.406_920_077_98));
        assert_eq!(point_estimate(json, "mean"), Some(271_995.87));
        assert_eq!(point_estimate(json, "slope"), None);
    }

    #[test]
    fn formats_figures() {
        assert_eq!(bytes(0), "0");
        assert_eq!(bytes(999), "999");
        assert_eq!(bytes(25_000), "25,000");
        assert_eq!(bytes(1_234_567), "1,234,567");
        assert_eq!(ms(Some(0.0542), true), "54.2 µs");
        assert_eq!(ms(Some(0.5), true), "500 µs");
        assert_eq!(ms(Some(0.5), false), "0.50 ms");
        assert_eq!(ms(Some(47.25), false), "47.2 ms");
        assert_eq!(ratio(Some(1.0), Some(4.0)), "0.25×");
        assert_eq!(ratio(Some(1.0), None), "–");
    }

    #[test]
    fn pads_markdown_tables() {
        let t = table(&["a", "bb"], &[vec!["ccc".into(), "d".into()]]);
        assert_eq!(t, "| a   | bb |\n|-----|----|\n| ccc | d  |\n");
    }
}
