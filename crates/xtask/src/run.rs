//! Running commands, loudly: every command is printed before it runs, and a failure names it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace's root folder (two levels above this crate).
pub fn workspace_root() -> Result<PathBuf, String> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .map_err(|e| format!("cannot find the workspace root: {e}"))
}

/// `path` as text, for a command's arguments.
pub fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("path is not UTF-8: {}", path.display()))
}

/// `program args…` as one line, as the log shows it.
fn shown(program: &str, args: &[&str]) -> String {
    std::iter::once(program)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `program args…` with the given extra environment, inheriting stdio.
pub fn command(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    command_without(program, args, env, &[])
}

/// Runs `program args…` with extra environment `env` and without the variables `unset`.
pub fn command_without(
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
    unset: &[&str],
) -> Result<(), String> {
    let shown = shown(program, args);
    println!("\n$ {shown}");
    let started = Instant::now();
    let mut command = Command::new(program);
    command.args(args).envs(env.iter().copied());
    for name in unset {
        command.env_remove(name);
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    println!("  ({:.1} s)", started.elapsed().as_secs_f64());
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Like [`command`], for a command that runs beside another: its output is kept and printed
/// only when it fails, so that it does not interleave with the other's.
pub fn command_quiet(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let shown = shown(program, args);
    let started = Instant::now();
    let output = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    println!(
        "\n$ {shown}\n  (alongside; {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    if output.status.success() {
        Ok(())
    } else {
        print!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        Err(format!("`{shown}` failed ({})", output.status))
    }
}

/// Like [`command`], with what the command prints on stdout also returned (it is printed as it
/// comes, line by line), for a caller that looks into it.
pub fn command_teed(
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Result<(), String>, String) {
    command_teed_without(program, args, env, &[])
}

/// [`command_teed`] with the environment variables `unset` removed (as [`command_without`]).
pub fn command_teed_without(
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
    unset: &[&str],
) -> (Result<(), String>, String) {
    use std::io::{BufRead, BufReader};
    let shown = shown(program, args);
    println!("\n$ {shown}");
    let started = Instant::now();
    let mut command = Command::new(program);
    command
        .args(args)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped());
    for name in unset {
        command.env_remove(name);
    }
    let child = command.spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return (Err(format!("cannot run `{shown}`: {e}")), String::new()),
    };
    let mut output = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            output.push_str(&line);
            output.push('\n');
        }
    }
    let status = child.wait();
    println!("  ({:.1} s)", started.elapsed().as_secs_f64());
    let result = match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{shown}` failed ({status})")),
        Err(e) => Err(format!("`{shown}` did not finish: {e}")),
    };
    (result, output)
}

/// Like [`command`], with what the command prints on stdout captured and returned instead of
/// shown (its stderr still shows), for output meant for a program (cargo's JSON messages), also
/// when it fails.
pub fn command_stdout(
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Result<(), String>, String) {
    let shown = shown(program, args);
    println!("\n$ {shown}");
    let started = Instant::now();
    let output = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stderr(Stdio::inherit())
        .output();
    println!("  ({:.1} s)", started.elapsed().as_secs_f64());
    match output {
        Ok(output) => {
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            let result = if output.status.success() {
                Ok(())
            } else {
                Err(format!("`{shown}` failed ({})", output.status))
            };
            (result, stdout)
        }
        Err(e) => (Err(format!("cannot run `{shown}`: {e}")), String::new()),
    }
}

/// Ends `child` by its PID: SIGTERM, then SIGKILL when it is still there after 5 s; reaps it.
/// Never by name: other copies of the same program may be someone else's.
pub fn end(child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let pid = child.id().to_string();
    let _ = Command::new("kill")
        .args(["-TERM", &pid])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs cargo (the one running xtask) with `args` and then `extra`.
pub fn cargo(args: &[&str], extra: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let all: Vec<&str> = args
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .collect();
    command(&cargo, &all, &[])
}

/// Whether `program` runs at all (`program --version` succeeds).
pub fn exists(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}
