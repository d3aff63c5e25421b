//! A real V4L2 driver for the native backend's tests: host-built programs run inside a QEMU
//! guest whose kernel has `vivid`, the kernel's virtual video test driver, loaded.
//!
//! Why a virtual machine: the host has no camera, and its kernel cannot load modules, so
//! neither v4l2loopback nor vivid can load here. A guest kernel can: Debian's
//! `linux-image-amd64` ships `vivid.ko` (real V4L2 ioctls, mmap streaming, controls, a webcam
//! input with discrete sizes and frame intervals).
//!
//! How (docs in /work/shared/TOOLCHAIN.md, "No camera here"):
//!
//! - the guest boots the installed `/boot/vmlinuz-<ver>` (the newest one whose modules include
//!   vivid; the host's own kernel may differ) with a small initramfs of our own, built once per
//!   kernel under `target/vm/`: a static busybox, the modules that mount a 9p share over virtio,
//!   and an `/init` script ([`INIT`]);
//! - the host's root is the guest's `/host`, read-only over 9p, so host-built binaries, their
//!   shared libraries and `modprobe` with the kernel's modules run unchanged in `chroot /host`;
//! - a second 9p share, a fresh `target/vm/run-*/` folder, is the guest's `/out`: the job
//!   script the host writes there ([`job_script`]), and what comes back (`log`, `rc`);
//! - the guest's serial console is QEMU's stdout: the command's output is streamed there, with
//!   marker lines (`xtask-vm: …`) that time the boot.
//!
//! Every wait is bounded: QEMU is ended by its PID when the timeout passes, on every error
//! path and when xtask's side panics ([`Qemu`]'s `Drop`); the guest also powers itself off a
//! little after the timeout, should xtask die without ending it.
//!
//! KVM does not work on the machines this runs on (nested virtualisation), so QEMU emulates
//! the CPU (TCG, one host thread per guest CPU).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::{install, run};

/// The Debian packages: QEMU, a kernel with vivid (its image and modules), a static busybox
/// for the initramfs, and `v4l2-ctl` (run from the host's root inside the guest, to look at
/// the device by hand).
pub const PACKAGES: [&str; 4] = [
    "qemu-system-x86",
    "linux-image-amd64",
    "busybox-static",
    "v4l-utils",
];

/// Whether this host can run the guest: an x86-64 Linux (the guest runs the host's own
/// binaries from its root filesystem, and the kernel and QEMU come from Debian's packages).
pub const SUPPORTED: bool = cfg!(all(target_os = "linux", target_arch = "x86_64"));

/// How long a guest may run, boot to power-off, unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// vivid's options before the caller's: one instance, so its video capture node is the first
/// video node (`/dev/video0`, named `vivid-000-vid-cap`).
const VIVID_BASE_OPTIONS: &str = "n_devs=1";

/// The modules the initramfs loads to mount the host's root over 9p: these and what they
/// depend on ([`modules_in_order`]), minus those built into the kernel. On Debian 12's 6.1:
/// `virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache
/// 9pnet 9pnet_virtio 9p`.
const MODULE_ROOTS: [&str; 3] = ["virtio_pci", "9pnet_virtio", "9p"];

/// PATH in the guest: the initramfs's busybox applets (`/bin`) and the host's usual folders
/// (for commands run in `chroot /host`).
const GUEST_PATH: &str = "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The writable folder of the chrooted programs (a tmpfs; HOME and TMPDIR): the host's root,
/// `/tmp` included, is read-only there.
const GUEST_SCRATCH: &str = "/dev/shm";

/// How the guest's marker lines on the console begin.
const MARK: &str = "xtask-vm: ";

/// 9p's message size for the host's root, the largest virtio's transport takes: 6.1's default
/// (8 KiB) is one QEMU warns about ("degraded performance"). The binaries the guest runs are
/// read through it; for a 70 MB debug test binary's `--list` no difference was measured.
const MSIZE: &str = "524288";

/// The guest's `/init`. `@MODULES@` becomes the modules to load, in order; `@PATH@` the
/// guest's PATH. The job itself (vivid's options, the command) comes from `/out/job`.
///
/// The host's root is mounted with `cache=loose`: the guest keeps what it read in its page
/// cache and reads ahead, which reads a 65 MB file in 2 s instead of 17 s (measured with
/// sha256sum; binaries run from the share are read the same way). The price: a host file
/// changed while the guest runs may look unchanged to it (cargo writes new files, not into old
/// ones, so a rebuild during a run does not tear a binary).
///
/// Each step that fails says which on the console and powers off, so the host reports it
/// instead of waiting for its timeout.
const INIT: &str = r#"#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH='@PATH@'
mark() { echo "xtask-vm: $*"; }
fail() { mark "error: $*"; poweroff -f; sleep 60; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
# No network (QEMU's -nic none), but the loopback interface for programs that talk to themselves.
ip link set lo up
mark up
for m in @MODULES@; do
    insmod "/lib/modules/$m.ko" || fail "insmod $m"
done
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=@MSIZE@,cache=loose host /host \
    || fail "cannot mount the host's root (9p tag host)"
mount -t 9p -o trans=virtio,version=9p2000.L out /out \
    || fail "cannot mount the output folder (9p tag out)"
[ -f /out/job ] || fail "no /out/job"
. /out/job
# The chrooted commands see the guest's devices (vivid's /dev/video*) and kernel, and a writable
# /dev/shm (HOME and TMPDIR). The host's /tmp stays as it is (read-only): the workspace, and the
# programs to run, may be under it (a CI clone is).
for d in dev proc sys; do
    mount --bind "/$d" "/host/$d" || fail "cannot bind /$d into /host"
done
mkdir -p /host/dev/shm && mount -t tmpfs tmpfs /host/dev/shm || fail "cannot mount /dev/shm in /host"

# Bounded on this side too: should the host lose track of QEMU, the guest still ends.
( sleep "$WATCHDOG"; mark "error: watchdog: still running after $WATCHDOG s"; poweroff -f ) &
vivid || fail "chroot /host modprobe vivid $VIVID_OPTIONS"
mark vivid
for n in /sys/class/video4linux/*; do
    [ -e "$n/name" ] && echo "  /dev/${n##*/}: $(cat "$n/name")"
done
mark run
{ job; echo $? > /out/rc; } 2>&1 | tee /out/log
sync
mark "done $(cat /out/rc 2>/dev/null)"
poweroff -f
sleep 60
"#;

/// What to run in the guest.
#[derive(Debug, Clone)]
pub struct Job {
    /// The program: an absolute path on the host, or a name looked up on the guest's PATH.
    pub program: String,
    pub args: Vec<String>,
    /// Variables set for the program (besides PATH, and HOME and TMPDIR at [`GUEST_SCRATCH`];
    /// nothing else is inherited).
    pub env: Vec<(String, String)>,
    /// The program's working folder (a host path).
    pub cwd: PathBuf,
    /// vivid's module options after [`VIVID_BASE_OPTIONS`], space-separated (`a=1 b=2`).
    pub vivid_options: String,
    /// The bound on the whole run, boot to power-off.
    pub timeout: Duration,
}

/// Installs what the guest needs (skipping what is present).
pub fn install() -> Result<(), String> {
    install::apt(&PACKAGES)
}

/// `cargo xtask vm [--timeout SECS] [--vivid-opts "…"] [--env NAME=VALUE]… -- PROGRAM [ARGS…]`:
/// runs PROGRAM (a path absolute or relative to the workspace root, or a name on the guest's
/// PATH) in the guest. Returns its exit code.
pub fn command(args: &[String]) -> Result<u8, String> {
    let root = run::workspace_root()?;
    let mut job = Job {
        program: String::new(),
        args: Vec::new(),
        env: Vec::new(),
        cwd: root.clone(),
        vivid_options: String::new(),
        timeout: DEFAULT_TIMEOUT,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("vm: {name} needs a value"))
        };
        match arg.as_str() {
            "--timeout" => {
                let secs = value("--timeout")?;
                let secs: u64 = secs
                    .parse()
                    .map_err(|_| format!("vm: --timeout takes seconds, not {secs:?}"))?;
                job.timeout = Duration::from_secs(secs);
            }
            "--vivid-opts" => job.vivid_options = value("--vivid-opts")?,
            "--env" => {
                let pair = value("--env")?;
                let (name, val) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("vm: --env takes NAME=VALUE, not {pair:?}"))?;
                job.env.push((name.to_owned(), val.to_owned()));
            }
            "--" => break,
            other if other.starts_with('-') => {
                return Err(format!("vm: unknown option {other:?}"));
            }
            // The program, without `--` before it.
            _ => {
                job.program = arg.clone();
                break;
            }
        }
    }
    if job.program.is_empty() {
        job.program = rest
            .next()
            .cloned()
            .ok_or("vm: no program given (cargo xtask vm [options] -- PROGRAM [ARGS…])")?;
    }
    job.args = rest.cloned().collect();
    job.program = host_program(&root, &job.program)?;
    install()?;
    let (code, _) = run(&job)?;
    // Exit codes are 0–255; the guest's shell reports a signal's death as 128+N.
    Ok(u8::try_from(code).unwrap_or(u8::MAX))
}

/// `program` as the guest finds it: a path is made absolute (relative ones are relative to the
/// workspace root) and must exist; a bare name is left to the guest's PATH.
fn host_program(root: &Path, program: &str) -> Result<String, String> {
    if !program.contains('/') {
        return Ok(program.to_owned());
    }
    let path = root.join(program);
    if !path.is_file() {
        return Err(format!("vm: {} is not a file", path.display()));
    }
    Ok(run::path_str(&path)?.to_owned())
}

/// `cargo xtask test`'s V4L2 stage: builds the conformance suite's V4L2 runner
/// (`tests/conformance/tests/v4l2.rs`) on the host and runs it in the guest against vivid's
/// capture node, one test at a time.
///
/// The test binary gets `IMAGECAPTURE_V4L2_DEVICE=/dev/video0` and `--test-threads=1` (and
/// `RUST_BACKTRACE`, `RUST_LOG` when they are set here), runs as root in the host's root
/// filesystem (read-only; `/dev/shm` is writable) with the workspace root as its working folder.
pub fn test_stage() -> Result<(), String> {
    let started = Instant::now();
    // The build needs what the native build needs (libclang for nokhwa's V4L2 bindings).
    install::native()?;
    install()?;
    let suite = build_test_binary("imagecapture-conformance", "v4l2")?;
    // The README's native example, as a user's first try on a webcam: it must find the camera
    // (not a metadata node) and take a photo larger than the track.
    let example = build_executable(
        &["build", "-p", "imagecapture", "--example", "snapshot"],
        "imagecapture",
        "snapshot",
    )?;
    let job = Job {
        program: "/bin/sh".into(),
        // `--show-output`: the runner prints its skips (`SKIPPED v4l2::…`) on stdout.
        args: vec![
            "-c".into(),
            r#""$1" --test-threads=1 --show-output && echo "$ snapshot $TMPDIR/photo.jpg --width 1920" && "$2" "$TMPDIR/photo.jpg" --width 1920"#.into(),
            "v4l2-stage".into(),
            suite,
            example,
        ],
        env: vec![("IMAGECAPTURE_V4L2_DEVICE".into(), "/dev/video0".into())],
        cwd: run::workspace_root()?,
        vivid_options: String::new(),
        timeout: DEFAULT_TIMEOUT,
    };
    let (code, log) = run(&job)?;
    let counts = Counts::of(&log);
    println!(
        "\n(V4L2 stage: {:.1} s, build and installs included)\nv4l2: {} passed, {} failed, {} skipped",
        started.elapsed().as_secs_f64(),
        counts.passed,
        counts.failed,
        counts.skipped
    );
    if code != 0 {
        return Err(format!(
            "the V4L2 tests failed in the VM (exit code {code}); their output is above"
        ));
    }
    if counts.passed + counts.skipped == 0 {
        return Err("the V4L2 stage ran no test".into());
    }
    Ok(())
}

/// A libtest run's cases: passed (less the skipped ones, which pass to libtest), failed, and
/// skipped (the lines the v4l2 runner prints for each, the reason checked against its ledger).
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Counts {
    fn of(log: &str) -> Self {
        let mut counts = Self::default();
        for line in log.lines() {
            let line = line.trim();
            if line.starts_with("SKIPPED ") {
                counts.skipped += 1;
            } else if line.starts_with("test ") && line.ends_with("... ok") {
                counts.passed += 1;
            } else if line.starts_with("test ") && line.ends_with("... FAILED") {
                counts.failed += 1;
            }
        }
        counts.passed = counts.passed.saturating_sub(counts.skipped);
        counts
    }
}

/// Builds test target `target` of `package` without running it and returns its executable,
/// from cargo's JSON messages (compiler diagnostics among them are printed as cargo would).
fn build_test_binary(package: &str, target: &str) -> Result<String, String> {
    build_executable(
        &["test", "-p", package, "--test", target, "--no-run"],
        package,
        target,
    )
}

/// Builds with cargo's `args` (plus JSON messages) and returns the executable of `target`.
fn build_executable(args: &[&str], package: &str, target: &str) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut args = args.to_vec();
    args.push("--message-format=json-diagnostic-rendered-ansi");
    let (result, json) = run::command_stdout(&cargo, &args, &[]);
    for line in json.lines() {
        if !line.contains(r#""reason":"compiler-message""#) {
            continue;
        }
        if let Some(rendered) = json_string_field(line, "rendered") {
            eprint!("{rendered}");
        }
    }
    result?;
    test_executable(&json, target)
        .ok_or_else(|| format!("cargo built no executable for target {target:?} of {package}"))
}

/// The `executable` of the `compiler-artifact` message whose target is named `target`, from
/// cargo's JSON messages (one per line).
fn test_executable(json: &str, target: &str) -> Option<String> {
    json.lines()
        .filter(|line| line.contains(r#""reason":"compiler-artifact""#))
        .filter(|line| {
            // The target's name is the first "name" after "target" (package_id, before it,
            // is a string holding no such key).
            line.find(r#""target":{"#)
                .and_then(|at| json_string_field(&line[at..], "name"))
                .is_some_and(|name| name == target)
        })
        // A library of the same name has no executable ("executable":null).
        .find_map(|line| json_string_field(line, "executable"))
}

/// The first string value of key `key` in the JSON text `json`, unescaped. Enough for cargo's
/// messages, whose keys of interest are unique where they are looked for.
fn json_string_field(json: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\":\"");
    let start = json.find(&needle)? + needle.len();
    let mut out = String::new();
    let mut chars = json[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    // Surrogate pairs (characters beyond the BMP) come out as U+FFFD.
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The kernel the guest boots.
struct Kernel {
    version: String,
    image: PathBuf,
    /// The image's size and modification time, hashed: Debian updates a kernel package in
    /// place when its ABI does not change (same version), and what is cached from the old
    /// image or its modules must then be built again.
    stamp: u64,
}

/// The newest installed kernel image whose modules include vivid.
fn kernel() -> Result<Kernel, String> {
    let boot = std::fs::read_dir("/boot").map_err(|e| format!("vm: cannot list /boot: {e}"))?;
    let mut versions: Vec<String> = boot
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_prefix("vmlinuz-"))
                .map(str::to_owned)
        })
        .filter(|v| Path::new("/lib/modules").join(v).is_dir())
        .collect();
    versions.sort_by_key(|v| version_key(v));
    let version = versions
        .into_iter()
        .rev()
        .find(|v| matches!(module_file(v, "vivid"), Ok(Some(_))))
        .ok_or(
            "vm: no kernel in /boot has the vivid module in /lib/modules \
             (apt-get install linux-image-amd64)",
        )?;
    let image = Path::new("/boot").join(format!("vmlinuz-{version}"));
    // Some distributions keep the image readable by root alone.
    let metadata = std::fs::File::open(&image)
        .and_then(|f| f.metadata())
        .map_err(|e| format!("vm: cannot read {}: {e}", image.display()))?;
    let mut hasher = DefaultHasher::new();
    (&version, metadata.len(), metadata.modified().ok()).hash(&mut hasher);
    Ok(Kernel {
        version,
        image,
        stamp: hasher.finish(),
    })
}

/// A kernel version's numbers, for sorting (`6.1.0-57-amd64` → [6, 1, 0, 57, 64]).
fn version_key(version: &str) -> Vec<u64> {
    version
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// Where module `name` of kernel `version` is: `Some(file)`, or `None` when it is built in.
fn module_file(version: &str, name: &str) -> Result<Option<PathBuf>, String> {
    let file = modinfo(version, &["-n", name])?;
    Ok((file != "(builtin)").then(|| PathBuf::from(file)))
}

/// What `modinfo -k VERSION ARGS…` prints, trimmed.
fn modinfo(version: &str, args: &[&str]) -> Result<String, String> {
    let shown = format!("modinfo -k {version} {}", args.join(" "));
    // Debian keeps modinfo in /sbin, which is not on every user's PATH.
    let program = ["/sbin/modinfo", "/usr/sbin/modinfo"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .unwrap_or("modinfo");
    let output = Command::new(program)
        .arg("-k")
        .arg(version)
        .args(args)
        .output()
        .map_err(|e| format!("vm: cannot run `{shown}` (apt-get install kmod): {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "vm: `{shown}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The modules to load for [`MODULE_ROOTS`], each after those it depends on, with their
/// files; modules built into the kernel are left out.
fn modules_in_order(version: &str) -> Result<Vec<(String, PathBuf)>, String> {
    let mut ordered = Vec::new();
    let mut seen = Vec::new();
    for root in MODULE_ROOTS {
        visit_module(version, root, &mut seen, &mut ordered)?;
    }
    Ok(ordered)
}

/// Depth first: `name`'s dependencies, then `name`.
fn visit_module(
    version: &str,
    name: &str,
    seen: &mut Vec<String>,
    ordered: &mut Vec<(String, PathBuf)>,
) -> Result<(), String> {
    // modinfo names modules with '_' or '-' interchangeably; compare one spelling.
    let key = name.replace('-', "_");
    if seen.contains(&key) {
        return Ok(());
    }
    seen.push(key);
    let Some(file) = module_file(version, name)? else {
        return Ok(());
    };
    let depends = modinfo(version, &["-F", "depends", name])?;
    for dependency in depends.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        visit_module(version, dependency, seen, ordered)?;
    }
    ordered.push((name.to_owned(), file));
    Ok(())
}

/// A module's contents, decompressed: busybox's `insmod` does not read every compression the
/// kernel packages use (newer Debian kernels ship `.ko.xz`).
fn module_bytes(file: &Path) -> Result<Vec<u8>, String> {
    let name = file.to_string_lossy();
    let decompressor = [(".xz", "xz"), (".zst", "zstd"), (".gz", "gzip")]
        .into_iter()
        .find(|(ext, _)| name.ends_with(ext));
    let Some((_, tool)) = decompressor else {
        return std::fs::read(file).map_err(|e| format!("vm: cannot read {name}: {e}"));
    };
    let output = Command::new(tool)
        .arg("-dc")
        .arg(file)
        .output()
        .map_err(|e| format!("vm: cannot run {tool} to decompress {name}: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "vm: `{tool} -dc {name}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The guest's `/init` for these modules.
fn init_script(modules: &[(String, PathBuf)]) -> String {
    let names: Vec<&str> = modules.iter().map(|(n, _)| n.as_str()).collect();
    INIT.replace("@MODULES@", &names.join(" "))
        .replace("@PATH@", GUEST_PATH)
        .replace("@MSIZE@", MSIZE)
}

/// The initramfs for `kernel` in `dir`, built when missing. Its name holds the kernel version
/// and a hash of what else decides its contents (the kernel's [`Kernel::stamp`], [`INIT`] and
/// the busybox it copies), so a new kernel or a changed script builds a new one.
fn initramfs(kernel: &Kernel, dir: &Path) -> Result<PathBuf, String> {
    let busybox = Path::new("/bin/busybox");
    let busybox_bytes = std::fs::read(busybox).map_err(|e| {
        format!("vm: cannot read /bin/busybox (apt-get install busybox-static): {e}")
    })?;
    if is_dynamic_elf(&busybox_bytes) {
        return Err(
            "vm: /bin/busybox is linked dynamically; the initramfs needs \
                    busybox-static (apt-get install busybox-static)"
                .into(),
        );
    }
    let mut hasher = DefaultHasher::new();
    (kernel.stamp, INIT, GUEST_PATH, MSIZE, &busybox_bytes).hash(&mut hasher);
    let path = dir.join(format!(
        "initramfs-{}-{:016x}.cpio",
        kernel.version,
        hasher.finish()
    ));
    if path.is_file() {
        return Ok(path);
    }
    println!(
        "(vm: building {} for kernel {})",
        path.display(),
        kernel.version
    );
    let modules = modules_in_order(&kernel.version)?;
    let mut cpio = Cpio::default();
    for folder in [
        "bin",
        "dev",
        "proc",
        "sys",
        "tmp",
        "host",
        "out",
        "lib",
        "lib/modules",
    ] {
        cpio.directory(folder);
    }
    // The kernel opens /dev/console for /init's stdio before devtmpfs is mounted.
    cpio.char_device("dev/console", 5, 1);
    cpio.file("bin/busybox", 0o755, &busybox_bytes);
    cpio.file("init", 0o755, init_script(&modules).as_bytes());
    for (name, file) in &modules {
        cpio.file(
            &format!("lib/modules/{name}.ko"),
            0o644,
            &module_bytes(file)?,
        );
    }
    // Written whole, then renamed: a run that stops halfway leaves no broken archive behind.
    let partial = suffixed(&path, ".partial");
    std::fs::write(&partial, cpio.finish())
        .and_then(|()| std::fs::rename(&partial, &path))
        .map_err(|e| format!("vm: cannot write {}: {e}", path.display()))?;
    remove_others(dir, "initramfs-", &path);
    Ok(path)
}

/// Whether `elf` is an x86-64 ELF executable with a program interpreter (dynamically linked):
/// a `PT_INTERP` entry among its program headers.
fn is_dynamic_elf(elf: &[u8]) -> bool {
    let u16_at = |at: usize| {
        elf.get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |at: usize| {
        elf.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let u64_at = |at: usize| {
        elf.get(at..at + 8).map(|b| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(b);
            u64::from_le_bytes(bytes)
        })
    };
    // 64-bit little-endian only (what the guest runs); anything else is not "dynamic" here.
    if !elf.starts_with(b"\x7fELF\x02\x01") {
        return false;
    }
    let (Some(phoff), Some(phentsize), Some(phnum)) = (u64_at(0x20), u16_at(0x36), u16_at(0x38))
    else {
        return false;
    };
    const PT_INTERP: u32 = 3;
    (0..usize::from(phnum)).any(|i| {
        usize::try_from(phoff)
            .ok()
            .map(|off| off + i * usize::from(phentsize))
            .and_then(u32_at)
            == Some(PT_INTERP)
    })
}

/// A cpio archive in the "newc" format, the one the kernel unpacks as an initramfs: per entry a
/// 110-byte ASCII header (magic `070701`, then 13 fields of 8 hex digits), the name with its
/// NUL, padding to 4 bytes, the data, padding to 4 bytes; a `TRAILER!!!` entry ends it.
#[derive(Default)]
struct Cpio {
    bytes: Vec<u8>,
    inode: u32,
}

impl Cpio {
    const DIRECTORY: u32 = 0o040_000;
    const FILE: u32 = 0o100_000;
    const CHAR_DEVICE: u32 = 0o020_000;

    fn directory(&mut self, name: &str) {
        self.entry(name, Self::DIRECTORY | 0o755, (0, 0), &[]);
    }

    fn file(&mut self, name: &str, permissions: u32, data: &[u8]) {
        self.entry(name, Self::FILE | permissions, (0, 0), data);
    }

    fn char_device(&mut self, name: &str, major: u32, minor: u32) {
        self.entry(name, Self::CHAR_DEVICE | 0o600, (major, minor), &[]);
    }

    /// The archive, with its trailer.
    fn finish(mut self) -> Vec<u8> {
        self.entry("TRAILER!!!", 0, (0, 0), &[]);
        self.bytes
    }

    fn entry(&mut self, name: &str, mode: u32, (rdev_major, rdev_minor): (u32, u32), data: &[u8]) {
        self.inode += 1;
        let nlink = if mode & Self::DIRECTORY == Self::DIRECTORY {
            2
        } else {
            1
        };
        // Sizes above 4 GiB do not fit the format; nothing here comes near.
        let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let name_size = u32::try_from(name.len() + 1).unwrap_or(u32::MAX);
        let fields = [
            self.inode, mode, 0, 0, nlink, 0, size, 0, 0, rdev_major, rdev_minor, name_size, 0,
        ];
        self.bytes.extend_from_slice(b"070701");
        for field in fields {
            self.bytes
                .extend_from_slice(format!("{field:08x}").as_bytes());
        }
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.push(0);
        self.pad();
        self.bytes.extend_from_slice(data);
        self.pad();
    }

    fn pad(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }
}

/// `text` as one shell word (single-quoted).
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The job script the guest's `/init` sources from `/out/job`: the watchdog's bound, a function
/// `vivid` that loads vivid with its options (and `VIVID_OPTIONS`, to show them), and a function
/// `job` that runs the command in `chroot /host` with only the given environment, in its working
/// folder, with no stdin.
///
/// Both run the host's own `/bin/sh` in the chroot, which finds `modprobe` and the command on
/// the host's PATH: Debian's static busybox prefers its own applets, so a bare
/// `chroot /host modprobe` would run busybox's modprobe rather than the host's kmod.
fn job_script(job: &Job, watchdog: Duration) -> Result<String, String> {
    let vivid: Vec<&str> = VIVID_BASE_OPTIONS
        .split_whitespace()
        .chain(job.vivid_options.split_whitespace())
        .collect();
    let vivid_words: Vec<String> = vivid.iter().map(|o| sh_quote(o)).collect();
    let mut env = vec![
        format!("PATH={GUEST_PATH}"),
        format!("HOME={GUEST_SCRATCH}"),
        format!("TMPDIR={GUEST_SCRATCH}"),
    ];
    for (name, value) in &job.env {
        if name.is_empty() || name.contains('=') {
            return Err(format!("vm: {name:?} is no variable name"));
        }
        env.push(format!("{name}={value}"));
    }
    let env: Vec<String> = env.iter().map(|e| sh_quote(e)).collect();
    let command: Vec<String> = std::iter::once(&job.program)
        .chain(&job.args)
        .map(|a| sh_quote(a))
        .collect();
    let cwd = sh_quote(run::path_str(&job.cwd)?);
    Ok(format!(
        "# Written by cargo xtask vm; sourced by the guest's /init.\n\
         WATCHDOG={watchdog}\n\
         VIVID_OPTIONS={vivid_shown}\n\
         vivid() {{\n    \
             chroot /host /bin/sh -c 'exec modprobe vivid \"$@\"' modprobe {vivid_words}\n\
         }}\n\
         job() {{\n    \
             env -i {env} chroot /host /bin/sh -c 'cd \"$1\" || exit 125; shift; exec \"$@\"' \
             xtask-vm {cwd} {command} < /dev/null\n\
         }}\n",
        vivid_shown = sh_quote(&vivid.join(" ")),
        vivid_words = vivid_words.join(" "),
        watchdog = watchdog.as_secs(),
        env = env.join(" "),
        command = command.join(" "),
    ))
}

/// A running QEMU, ended by its PID when dropped (on every path out of [`run()`]).
struct Qemu {
    child: Child,
}

impl Drop for Qemu {
    fn drop(&mut self) {
        run::end(&mut self.child);
    }
}

/// The image QEMU boots for `kernel`: the kernel proper (an ELF `vmlinux`) taken out of the
/// compressed `vmlinuz` once and kept in `dir`, or `vmlinuz` itself when that cannot be done.
///
/// Why: under TCG the `vmlinuz`'s own decompressor, emulated instruction by instruction, takes
/// ≈ 4.5 s of every boot (of ≈ 9 s); QEMU loads an ELF kernel directly, through its PVH entry
/// point (`CONFIG_PVH`, on in Debian's kernels).
fn boot_image(kernel: &Kernel, dir: &Path) -> PathBuf {
    let vmlinux = dir.join(format!("vmlinux-{}-{:016x}", kernel.version, kernel.stamp));
    if vmlinux.is_file() {
        return vmlinux;
    }
    match extract_vmlinux(kernel, &vmlinux) {
        Ok(()) => {
            remove_others(dir, "vmlinux-", &vmlinux);
            vmlinux
        }
        Err(why) => {
            println!(
                "(vm: booting {} as it is, ≈ 4.5 s slower: {why})",
                kernel.image.display()
            );
            kernel.image.clone()
        }
    }
}

/// Writes the ELF kernel inside `kernel`'s `vmlinuz` to `to`: the payload that the x86 boot
/// header (`HdrS`, boot protocol 2.08 or later) locates, xz-compressed in Debian's kernels.
fn extract_vmlinux(kernel: &Kernel, to: &Path) -> Result<(), String> {
    let config = std::fs::read_to_string(format!("/boot/config-{}", kernel.version))
        .map_err(|e| format!("cannot read the kernel's config: {e}"))?;
    if !config.lines().any(|l| l == "CONFIG_PVH=y") {
        return Err("the kernel has no PVH entry point (CONFIG_PVH)".into());
    }
    let image = std::fs::read(&kernel.image).map_err(|e| format!("cannot read it: {e}"))?;
    let payload = bzimage_payload(&image).ok_or("no boot protocol 2.08+ header")?;
    const XZ_MAGIC: &[u8] = b"\xfd7zXZ\0";
    if !payload.starts_with(XZ_MAGIC) {
        return Err("its payload is not xz-compressed".into());
    }
    let compressed = suffixed(to, ".xz");
    std::fs::write(&compressed, payload)
        .map_err(|e| format!("cannot write {}: {e}", compressed.display()))?;
    // --single-stream: the payload ends with the kernel's size after the xz stream.
    let output = Command::new("xz")
        .args(["-dc", "--single-stream"])
        .arg(&compressed)
        .output();
    let _ = std::fs::remove_file(&compressed);
    let output = output.map_err(|e| format!("cannot run xz: {e}"))?;
    if !output.status.success() || !output.stdout.starts_with(b"\x7fELF") {
        return Err(format!(
            "xz found no ELF kernel in its payload: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let partial = suffixed(to, ".partial");
    std::fs::write(&partial, &output.stdout)
        .and_then(|()| std::fs::rename(&partial, to))
        .map_err(|e| format!("cannot write {}: {e}", to.display()))
}

/// Removes the files of `dir` whose names begin with `prefix`, but `keep`: what an older
/// kernel or script left in the cache. (A guest already running has read its files.)
fn remove_others(dir: &Path, prefix: &str, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with(prefix);
        if ours && path != keep && path.is_file() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// `path` with `suffix` added to its name (`with_extension` would cut a kernel version's dots).
fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The compressed kernel inside a bzImage: `payload_length` bytes at `payload_offset` from the
/// start of the protected-mode code, which follows the `setup_sects` 512-byte sectors of the
/// real-mode setup and the boot sector (Documentation/arch/x86/boot.rst).
fn bzimage_payload(image: &[u8]) -> Option<&[u8]> {
    let u16_at = |at: usize| {
        image
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |at: usize| {
        image
            .get(at..at + 4)
            .and_then(|b| usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok())
    };
    if image.get(0x202..0x206)? != b"HdrS" || u16_at(0x206)? < 0x0208 {
        return None;
    }
    // 0 sectors means 4, for the oldest kernels.
    let setup_sects = match *image.get(0x1f1)? {
        0 => 4,
        n => usize::from(n),
    };
    let start = (setup_sects + 1) * 512 + u32_at(0x248)?;
    image.get(start..start + u32_at(0x24c)?)
}

/// `path` for a `-virtfs` option, whose values double their commas.
fn qemu_value(path: &Path) -> Result<String, String> {
    Ok(run::path_str(path)?.replace(',', ",,"))
}

/// QEMU's arguments: the kernel with our initramfs, the two 9p shares, the serial console on
/// stdout, no network, no reboot (a panic or the guest's power-off ends QEMU).
fn qemu_args(kernel: &Path, initramfs: &Path, out: &Path) -> Result<Vec<String>, String> {
    let args = [
        // KVM hangs where nested virtualisation is off; TCG with a host thread per CPU.
        "-accel",
        "tcg,thread=multi",
        "-cpu",
        "max",
        "-smp",
        "2",
        "-m",
        "2048",
        "-nographic",
        "-no-reboot",
        "-nic",
        "none",
        "-kernel",
        run::path_str(kernel)?,
        "-initrd",
        run::path_str(initramfs)?,
        "-append",
        "console=ttyS0 quiet panic=-1",
        "-virtfs",
        // multidevs=remap: the host's root spans several filesystems (/proc, /sys, …), whose
        // inode numbers would collide in the guest.
        "local,path=/,mount_tag=host,security_model=passthrough,readonly=on,multidevs=remap",
        "-virtfs",
        // security_model=none: the guest's root writes files as whoever runs QEMU.
        &format!(
            "local,path={},mount_tag=out,security_model=none",
            qemu_value(out)?
        ),
    ];
    Ok(args.iter().map(|a| (*a).to_owned()).collect())
}

/// When each phase of a guest's run ended, from the marker lines on its console.
#[derive(Default)]
struct Timeline {
    up: Option<Duration>,
    vivid: Option<Duration>,
    running: Option<Duration>,
    done: Option<Duration>,
}

impl Timeline {
    /// The phases' lengths, those the console marked.
    fn summary(&self, total: Duration) -> String {
        let phase = |what: &str, from: Option<Duration>, to: Option<Duration>| {
            let from = from.unwrap_or_default();
            to.map(|to| format!("{what} {:.1} s, ", to.saturating_sub(from).as_secs_f64()))
                .unwrap_or_default()
        };
        format!(
            "{}{}{}total {:.1} s",
            phase("kernel boot", None, self.up),
            phase("9p mounts and vivid", self.up, self.vivid),
            phase("command", self.running, self.done),
            total.as_secs_f64()
        )
    }
}

/// What the guest's console said, line by line.
enum Console {
    Line(String),
    Closed,
}

/// Reads QEMU's stdout (the guest's serial console) into lines, `\r\n` as `\n`, sent to
/// `sender` until it closes.
fn read_console(mut stdout: impl Read, sender: mpsc::Sender<Console>) {
    let mut line = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(n) = stdout.read(&mut buffer) {
        if n == 0 {
            break;
        }
        for &byte in &buffer[..n] {
            match byte {
                b'\n' => {
                    let text = without_escapes(&String::from_utf8_lossy(&line));
                    line.clear();
                    if sender.send(Console::Line(text)).is_err() {
                        return;
                    }
                }
                b'\r' => {}
                byte => line.push(byte),
            }
        }
    }
    if !line.is_empty() {
        let _ = sender.send(Console::Line(without_escapes(&String::from_utf8_lossy(
            &line,
        ))));
    }
    let _ = sender.send(Console::Closed);
}

/// `text` without terminal escape sequences (the firmware clears the screen with them):
/// `ESC [ … final byte` and two-byte `ESC x`.
fn without_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.next() == Some('[') {
            // Parameters and intermediates, up to the final byte ('@' to '~').
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
    }
    out
}

/// The last lines the console showed, for an error message.
struct Tail(Vec<String>);

impl Tail {
    const LINES: usize = 40;

    fn push(&mut self, line: String) {
        if self.0.len() == Self::LINES {
            self.0.remove(0);
        }
        self.0.push(line);
    }

    fn shown(&self) -> String {
        if self.0.is_empty() {
            "(the console showed nothing)".into()
        } else {
            format!("the console's last lines:\n  | {}", self.0.join("\n  | "))
        }
    }
}

/// Runs `job` in a fresh guest with vivid loaded; returns the command's exit code and its
/// output.
///
/// The command's output is printed as it comes; it is also kept in `target/vm/run-*/log`,
/// whose folder is removed when the command succeeds.
///
/// # Errors
/// When the guest cannot be built or started, a step before the command fails, or the
/// timeout passes; each with the console's last lines.
pub fn run(job: &Job) -> Result<(i32, String), String> {
    if !SUPPORTED {
        return Err("vm: the guest runs on x86-64 Linux hosts only".into());
    }
    let dir = vm_dir()?;
    let kernel = kernel()?;
    let initramfs = initramfs(&kernel, &dir)?;
    let image = boot_image(&kernel, &dir);
    let out = fresh_run_dir(&dir)?;
    // The guest's own bound is a little later than ours: ours is the one that reports.
    let watchdog = job.timeout + Duration::from_secs(30);
    let job_file = out.join("job");
    std::fs::write(&job_file, job_script(job, watchdog)?)
        .map_err(|e| format!("vm: cannot write {}: {e}", job_file.display()))?;
    let args = qemu_args(&image, &initramfs, &out)?;
    let shown: Vec<String> = args
        .iter()
        .map(|a| {
            if a.contains(' ') {
                sh_quote(a)
            } else {
                a.clone()
            }
        })
        .collect();
    let vivid = format!("{VIVID_BASE_OPTIONS} {}", job.vivid_options);
    println!(
        "\n$ qemu-system-x86_64 {}\n  (in the guest, vivid {}: {} {})",
        shown.join(" "),
        vivid.trim(),
        job.program,
        job.args.join(" ")
    );
    let started = Instant::now();
    let (result, timeline) = boot(&args, job.timeout);
    let total = started.elapsed();
    println!("  (vm: {})", timeline.summary(total));
    result?;
    let code = exit_code(&out)?;
    let log = std::fs::read(out.join("log"))
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    if code == 0 {
        // Nothing to look into; a failure's folder stays, its log with it.
        let _ = std::fs::remove_dir_all(&out);
    } else {
        println!(
            "  (vm: exit code {code}; the output is in {})",
            out.join("log").display()
        );
    }
    Ok((code, log))
}

/// Starts QEMU with `args` and follows the guest's console until QEMU ends or `timeout`
/// passes (then QEMU is ended). Returns how it ended and when each phase ended.
fn boot(args: &[String], timeout: Duration) -> (Result<(), String>, Timeline) {
    let mut timeline = Timeline::default();
    let started = Instant::now();
    let spawned = Command::new("qemu-system-x86_64")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut qemu = match spawned {
        Ok(child) => Qemu { child },
        Err(e) => {
            let error = format!(
                "vm: cannot start qemu-system-x86_64 (apt-get install qemu-system-x86): {e}"
            );
            return (Err(error), timeline);
        }
    };
    println!("(vm: QEMU is pid {})", qemu.child.id());
    let Some(stdout) = qemu.child.stdout.take() else {
        return (Err("vm: QEMU's stdout is not piped".into()), timeline);
    };
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || read_console(stdout, sender));
    let mut tail = Tail(Vec::new());
    let mut guest_error = None;
    loop {
        let left = timeout.saturating_sub(started.elapsed());
        match receiver.recv_timeout(left.min(Duration::from_millis(200))) {
            Ok(Console::Line(mut line)) => {
                // The first marker may share its line with the firmware's screen escapes.
                if let Some(start) = line.find(MARK) {
                    line.drain(..start);
                    let mark = &line[MARK.len()..];
                    let at = Some(started.elapsed());
                    match mark.split_whitespace().next() {
                        Some("up") => timeline.up = at,
                        Some("vivid") => timeline.vivid = at,
                        Some("run") => timeline.running = at,
                        Some("done") => timeline.done = at,
                        Some("error:") => {
                            guest_error = Some(mark["error:".len()..].trim().to_owned())
                        }
                        _ => {}
                    }
                }
                // Before /init runs, the console holds the firmware's and the kernel's
                // messages: kept for an error message, not shown.
                if timeline.up.is_some() {
                    println!("{line}");
                }
                tail.push(line);
            }
            // The console closed: QEMU has ended (or is ending).
            Ok(Console::Closed) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if started.elapsed() >= timeout {
            drop(qemu);
            let error = format!(
                "vm: the guest was still running after {} s; QEMU was ended. {}",
                timeout.as_secs(),
                tail.shown()
            );
            return (Err(error), timeline);
        }
    }
    let status = qemu.child.wait();
    drop(qemu);
    let result = match (guest_error, status) {
        (Some(error), _) => Err(format!("vm: the guest failed: {error}. {}", tail.shown())),
        (None, Ok(status)) if status.success() && timeline.done.is_some() => Ok(()),
        // A kernel panic, or an /init that stopped, ends QEMU cleanly too (-no-reboot).
        (None, Ok(status)) if status.success() => Err(format!(
            "vm: the guest stopped before the command finished. {}",
            tail.shown()
        )),
        (None, Ok(status)) => Err(format!("vm: QEMU failed ({status}). {}", tail.shown())),
        (None, Err(e)) => Err(format!("vm: cannot wait for QEMU: {e}")),
    };
    (result, timeline)
}

/// The command's exit code, which the guest wrote to `out/rc`.
fn exit_code(out: &Path) -> Result<i32, String> {
    let rc = out.join("rc");
    let text = std::fs::read_to_string(&rc).map_err(|e| {
        format!(
            "vm: the guest ended without the command's exit code ({}: {e})",
            rc.display()
        )
    })?;
    text.trim()
        .parse()
        .map_err(|_| format!("vm: {} holds no exit code: {text:?}", rc.display()))
}

/// `target/vm/` (or under `$CARGO_TARGET_DIR`), created when missing.
fn vm_dir() -> Result<PathBuf, String> {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => run::workspace_root()?.join("target"),
    };
    let dir = target.join("vm");
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("vm: cannot create {}: {e}", dir.display()))?;
    // Absolute: QEMU and the guest see it by its host path.
    dir.canonicalize()
        .map_err(|e| format!("vm: cannot find {}: {e}", dir.display()))
}

/// How long a failed run's folder (its job, log and exit code) is kept for a look.
const KEEP_FAILED_RUNS: Duration = Duration::from_secs(24 * 60 * 60);

/// A new, empty folder `run-PID-N` in `dir` for one guest's `/out`; failed runs' folders older
/// than [`KEEP_FAILED_RUNS`] are removed first (no guest runs that long).
fn fresh_run_dir(dir: &Path) -> Result<PathBuf, String> {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > KEEP_FAILED_RUNS);
            if old && entry.file_name().to_string_lossy().starts_with("run-") {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let pid = std::process::id();
    for n in 0..1000 {
        let path = dir.join(format!("run-{pid}-{n}"));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("vm: cannot create {}: {e}", path.display())),
        }
    }
    Err(format!("vm: no free run folder in {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpio_entries_are_newc_and_aligned() {
        let mut cpio = Cpio::default();
        cpio.file("init", 0o755, b"abc");
        let bytes = cpio.finish();
        assert!(bytes.starts_with(b"070701"));
        // ino 1, mode 0100755, size 3, name size 5 ("init" and its NUL).
        let header = String::from_utf8_lossy(&bytes[..110]).into_owned();
        assert_eq!(&header[6..14], "00000001");
        assert_eq!(&header[14..22], "000081ed");
        assert_eq!(&header[54..62], "00000003");
        assert_eq!(&header[94..102], "00000005");
        // 110 + 5 = 115, padded to 116; the data at 116..119, padded to 120.
        assert_eq!(&bytes[110..115], b"init\0");
        assert_eq!(&bytes[116..119], b"abc");
        assert_eq!(&bytes[120..126], b"070701");
        assert_eq!(bytes.len() % 4, 0);
        assert!(bytes.windows(10).any(|w| w == b"TRAILER!!!"));
    }

    #[test]
    fn escape_sequences_are_left_out() {
        assert_eq!(
            without_escapes("\u{1b}c\u{1b}[?7l\u{1b}[2J\u{1b}[0mSeaBIOS"),
            "SeaBIOS"
        );
        assert_eq!(without_escapes("plain [text]"), "plain [text]");
    }

    #[test]
    fn shell_quoting_survives_quotes() {
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn kernel_versions_sort_by_their_numbers() {
        let mut versions = vec!["6.10.0-1-amd64", "6.1.0-57-amd64", "6.1.0-9-amd64"];
        versions.sort_by_key(|v| version_key(v));
        assert_eq!(
            versions,
            ["6.1.0-9-amd64", "6.1.0-57-amd64", "6.10.0-1-amd64"]
        );
    }

    #[test]
    fn the_executable_of_the_named_test_target() {
        let json = concat!(
            r#"{"reason":"compiler-artifact","package_id":"registry+https://x#v4l2@0.1.0","#,
            r#""target":{"kind":["lib"],"name":"v4l2"},"executable":null}"#,
            "\n",
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w#x@0.1.0","#,
            r#""target":{"kind":["lib"],"name":"x"},"executable":null}"#,
            "\n",
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w#x@0.1.0","#,
            r#""target":{"kind":["test"],"crate_types":["bin"],"name":"v4l2"},"#,
            r#""executable":"/w/target/debug/deps/v4l2-0123","fresh":true}"#,
            "\n",
            r#"{"reason":"build-finished","success":true}"#,
        );
        assert_eq!(
            test_executable(json, "v4l2").as_deref(),
            Some("/w/target/debug/deps/v4l2-0123")
        );
        assert_eq!(test_executable(json, "native"), None);
    }

    #[test]
    fn counts_take_the_skips_out_of_the_passes() {
        let log = "test suite::a ... ok\ntest suite::b ... ok\ntest suite::c ... FAILED\n\
                   successes:\n---- suite::b stdout ----\nSKIPPED v4l2::b: no torch (why)\n";
        assert_eq!(
            Counts::of(log),
            Counts {
                passed: 1,
                failed: 1,
                skipped: 1
            }
        );
    }

    #[test]
    fn json_strings_are_unescaped() {
        let json = r#"{"rendered":"a\n\"b\"\\ \u001b[0m"}"#;
        assert_eq!(
            json_string_field(json, "rendered").as_deref(),
            Some("a\n\"b\"\\ \u{1b}[0m")
        );
    }

    #[test]
    fn job_scripts_quote_every_word() {
        let job = Job {
            program: "/p/t".into(),
            args: vec!["--x=it's".into()],
            env: vec![("A".into(), "b c".into())],
            cwd: PathBuf::from("/w"),
            vivid_options: "a=1 b=2".into(),
            timeout: DEFAULT_TIMEOUT,
        };
        let script = job_script(&job, Duration::from_secs(90)).unwrap_or_default();
        assert!(script.contains("VIVID_OPTIONS='n_devs=1 a=1 b=2'"));
        assert!(script.contains(r#"exec modprobe vivid "$@"' modprobe 'n_devs=1' 'a=1' 'b=2'"#));
        assert!(script.contains("WATCHDOG=90"));
        assert!(script.contains(r"'A=b c' chroot /host"));
        assert!(script.contains(r"xtask-vm '/w' '/p/t' '--x=it'\''s' < /dev/null"));
    }

    #[test]
    fn a_bzimage_payload_is_found_from_its_header() {
        // One setup sector: the protected-mode code at 1024; the payload 16 bytes into it.
        let mut image = vec![0u8; 2048];
        image[0x1f1] = 1;
        image[0x202..0x206].copy_from_slice(b"HdrS");
        image[0x206..0x208].copy_from_slice(&0x020fu16.to_le_bytes());
        image[0x248..0x24c].copy_from_slice(&16u32.to_le_bytes());
        image[0x24c..0x250].copy_from_slice(&6u32.to_le_bytes());
        image[1040..1046].copy_from_slice(b"\xfd7zXZ\0");
        assert_eq!(bzimage_payload(&image), Some(&b"\xfd7zXZ\0"[..]));
        // Too old a boot protocol, or a payload past the end: none.
        image[0x206..0x208].copy_from_slice(&0x0207u16.to_le_bytes());
        assert_eq!(bzimage_payload(&image), None);
        image[0x206..0x208].copy_from_slice(&0x020fu16.to_le_bytes());
        image[0x24c..0x250].copy_from_slice(&4096u32.to_le_bytes());
        assert_eq!(bzimage_payload(&image), None);
    }

    #[test]
    fn an_interpreter_makes_an_elf_dynamic() {
        // A 64-bit little-endian ELF header with one program header at 0x40 of type `ty`.
        let elf = |ty: u32| {
            let mut bytes = vec![0u8; 0x40 + 0x38];
            bytes[..6].copy_from_slice(b"\x7fELF\x02\x01");
            bytes[0x20] = 0x40;
            bytes[0x36] = 0x38;
            bytes[0x38] = 1;
            bytes[0x40..0x44].copy_from_slice(&ty.to_le_bytes());
            bytes
        };
        assert!(is_dynamic_elf(&elf(3)));
        assert!(!is_dynamic_elf(&elf(1)));
        assert!(!is_dynamic_elf(b"#!/bin/sh"));
    }
}
