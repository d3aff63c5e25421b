//! `cargo xtask`: the project's own build and test driver. Standard library only, so it builds
//! in seconds on a fresh machine.

mod bench;
mod consumers;
mod demo;
mod fuzz;
mod install;
mod pkg;
mod run;
mod soak;
mod test;
mod vm;
mod webkit;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command> [options]

Commands:
  test [--native-only | --v4l2-only | --e2e-only | --webkit-only]
                         install what the tests need (skipping what is present), then run
                         formatting, clippy and doc checks and every test (or only the native
                         ones, the V4L2 stage among them, or only the V4L2 stage: the
                         conformance suite against the kernel's vivid driver in a QEMU guest, or
                         only the demo page's end-to-end test, or only the WebKit targets)
  demo [--port N] [--no-build]
                         the main job: build the npm package and serve the demo page (www/,
                         pkg/dist as /pkg/) on http://localhost:8000 until Ctrl-C
  pkg [--debug] [--out-dir DIR]
                         build the npm package into pkg/dist, or DIR (release: size-optimised
                         and minified)
  bench [--quick] [--native-only | --browsers-only]
                         every benchmark side by side with its anchors; writes BENCHMARKS.md
  vm [--timeout SECS] [--vivid-opts \"OPT=V ...\"] [--env NAME=VALUE]... -- PROGRAM [ARGS...]
                         run a host program (a path absolute or relative to the workspace root)
                         as root in a QEMU guest with the vivid V4L2 driver loaded (the host's
                         root read-only at /, vivid's capture node at /dev/video0); prints its
                         output and exits with its exit code (timeout: 900 s)
  consumers [--no-build] the package and the crates as users get them: the npm tarball in
                         Vite, webpack and plain-page apps (Chromium, Firefox), publint, attw,
                         tsc --strict; wasm-pack test of examples/consumer; cargo package
                         (part of `test`)
  fuzz [--secs N] [--seed S]
                         the native fuzzer (MJPEG, raw frames, photo settings, constraints) for N
                         seconds (default 60); `cargo test` runs it for one second
  soak [--grabs N] [--photos N]
                         the native soak at full length (10,000 grabs and 1,000 photos a pixel
                         format, memory sampled); `cargo test` runs a short version
  help                   this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("help", &[][..]),
    };
    if command == "vm" {
        // The guest's program's exit code is ours.
        return match vm::command(rest) {
            Ok(code) => ExitCode::from(code),
            Err(message) => {
                eprintln!("xtask: {message}");
                ExitCode::FAILURE
            }
        };
    }
    let outcome = match command {
        "test" => test::run(rest),
        "demo" => demo::serve(rest),
        "bench" => bench::run(rest),
        "consumers" => consumers::command(rest),
        "pkg" => install::package_tools().and_then(|()| pkg::run(rest)),
        "fuzz" => fuzz::run(rest),
        "soak" => soak::run(rest),
        "help" | "-h" | "--help" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
