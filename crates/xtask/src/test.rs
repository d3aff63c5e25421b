//! `cargo xtask test`: every check and every test, after installing what they need.

use crate::{install, run};

pub fn run(args: &[String]) -> Result<(), String> {
    for arg in args {
        match arg.as_str() {
            "--native-only" => {}
            other => return Err(format!("test: unknown option {other:?}")),
        }
    }
    install::native()?;
    run::cargo(&["fmt", "--all", "--check"], &[])?;
    run::cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    run::command(
        &std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
        &["doc", "--workspace", "--no-deps", "--quiet"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    run::cargo(&["test", "--workspace"], &[])?;
    println!("\nxtask test: all checks and tests passed");
    Ok(())
}
