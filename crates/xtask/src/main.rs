//! `cargo xtask`: the project's own build and test driver. Standard library only, so it builds
//! in seconds on a fresh machine.

mod install;
mod pkg;
mod run;
mod test;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <command> [options]

Commands:
  test [--native-only]   install what the tests need (skipping what is present), then run
                         formatting, clippy and doc checks and every test
  demo [ARGS…]           the main job: take a photo with the first camera (the fake camera
                         where there is none); ARGS go to the snapshot example
  pkg [--debug]          build the npm package into pkg/dist (release: size-optimised)
  help                   this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((c, rest)) => (c.as_str(), rest),
        None => ("help", &[][..]),
    };
    let outcome = match command {
        "test" => test::run(rest),
        "demo" => run::cargo(&["run", "--quiet", "--example", "snapshot", "--"], rest),
        "pkg" => {
            install::package_tools().and_then(|()| pkg::build(!rest.iter().any(|a| a == "--debug")))
        }
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
