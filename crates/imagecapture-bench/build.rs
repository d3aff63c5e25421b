//! Warns when `nasm` is missing: nokhwa's MJPEG anchor (mozjpeg-sys, built from C) then compiles
//! without its SIMD, ≈2.4× slower, and would flatter our MJPEG figures. mozjpeg-sys says so
//! itself, but cargo hides the warnings of registry crates' build scripts. Checked on the first
//! build (and when this file changes), as mozjpeg-sys checks; not on every change of PATH, which
//! would rebuild the bench whenever a tool's folder is put in front of it.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let nasm = std::process::Command::new("nasm").arg("-v").output();
    if !nasm.is_ok_and(|out| out.status.success()) {
        println!(
            "cargo:warning=nasm is not installed: nokhwa's mozjpeg anchor is built without SIMD \
             and the MJPEG comparison is unfair to it (apt-get install nasm, then cargo clean -p \
             mozjpeg-sys)"
        );
    }
}
