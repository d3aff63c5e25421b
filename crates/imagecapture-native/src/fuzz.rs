//! A seeded fuzzer over everything natively that parses bytes or values it did not make: MJPEG
//! inspection, Huffman-table insertion and decoding; YUYV, NV12, grey and RGB conversion with
//! arbitrary lengths and sizes; photo settings and track constraints from arbitrary JSON.
//!
//! Coverage-guided fuzzing (cargo-fuzz, libFuzzer) needs a nightly toolchain, which these
//! machines do not have and cannot fetch: this is a property-based generator instead, seeded
//! and so reproducible. Its properties: no panic, and no output buffer above [`OUTPUT_CAP`].
//!
//! `cargo test` runs it for a second (`a_short_fuzz_finds_nothing`); `cargo xtask fuzz --secs N`
//! for N seconds, printing the number of executions.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use imagecapture_core::constraints::MediaTrackConstraints;
use imagecapture_core::photo_settings::plan_photo;
use imagecapture_core::select::validate_constraints;
use imagecapture_core::{MediaSettingsRange, PhotoCapabilities, PhotoSettings, RedEyeReduction};
use nokhwa::utils::FrameFormat;
use serde_json::Value;

use crate::convert::to_rgba;
use crate::mjpeg::{inspect, with_huffman_tables};

/// The largest output buffer a frame may get: the library's limit,
/// [`MAX_FRAME_SIZE`](imagecapture_core::limits::MAX_FRAME_SIZE), as RGBA. A frame claiming
/// more is refused before anything is allocated for it.
const OUTPUT_CAP: usize = imagecapture_core::limits::MAX_FRAME_SIZE.0 as usize
    * imagecapture_core::limits::MAX_FRAME_SIZE.1 as usize
    * 4;

/// xorshift64*: small, fast, and the same sequence for the same seed everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Executions per target.
#[derive(Debug, Default)]
struct Counts {
    mjpeg: u64,
    raw: u64,
    settings: u64,
    constraints: u64,
}

impl Counts {
    fn total(&self) -> u64 {
        self.mjpeg + self.raw + self.settings + self.constraints
    }
}

/// A small valid JPEG to mutate, with and without its Huffman tables.
fn seed_jpeg() -> Vec<u8> {
    let (w, h) = (32u16, 16u16);
    let rgb: Vec<u8> = (0..usize::from(w) * usize::from(h) * 3)
        .map(|i| (i * 13) as u8)
        .collect();
    let mut jpeg = Vec::new();
    // Encoding a fixed, valid image cannot fail; an empty seed would only fuzz less.
    let _ =
        jpeg_encoder::Encoder::new(&mut jpeg, 80).encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb);
    jpeg
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    match rng.below(5) {
        // Flip bytes anywhere (headers, tables, scan).
        0 => {
            for _ in 0..=rng.below(8) {
                let at = rng.below(data.len() as u64) as usize;
                if let Some(b) = data.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
        }
        // Cut short.
        1 => data.truncate(rng.below(data.len() as u64) as usize),
        // Drop the Huffman tables (a UVC frame), then flip.
        2 => {
            if let Some(at) = data.windows(2).position(|m| m == [0xFF, 0xC4]) {
                let len = data
                    .get(at + 2..at + 4)
                    .map_or(0, |l| usize::from(u16::from_be_bytes([l[0], l[1]])));
                let end = (at + 2 + len).min(data.len());
                data.drain(at..end);
            }
            if let Some(b) = data.get_mut(rng.below(64) as usize) {
                *b = rng.next() as u8;
            }
        }
        // A frame header claiming another size, up to 65535 × 65535.
        3 => {
            if let Some(at) = data.windows(2).position(|m| m == [0xFF, 0xC0])
                && let Some(dims) = data.get_mut(at + 5..at + 9)
            {
                dims.copy_from_slice(&(rng.next() as u32).to_be_bytes());
            }
        }
        // Noise behind a JPEG start.
        _ => {
            data = [0xFF, 0xD8].to_vec();
            let len = rng.below(512) as usize;
            data.extend(rng.bytes(len));
        }
    }
    data
}

fn fuzz_mjpeg(rng: &mut Rng, seed: &[u8], out: &mut Vec<u8>) {
    let data = mutate(rng, seed);
    let _ = inspect(&data);
    let _ = with_huffman_tables(&data);
    let size = if rng.below(2) == 0 { (32, 16) } else { (0, 0) };
    let _ = to_rgba(FrameFormat::MJPEG, size, &data, out);
}

fn fuzz_raw(rng: &mut Rng, out: &mut Vec<u8>) {
    const FORMATS: [FrameFormat; 5] = [
        FrameFormat::YUYV,
        FrameFormat::NV12,
        FrameFormat::GRAY,
        FrameFormat::RAWRGB,
        FrameFormat::RAWBGR,
    ];
    let format = FORMATS[rng.below(FORMATS.len() as u64) as usize];
    // Mostly small sizes (fast), sometimes absurd ones (which must be refused, not allocated).
    let size = if rng.below(16) == 0 {
        (rng.next() as u32, rng.next() as u32)
    } else {
        (rng.below(80) as u32, rng.below(60) as u32)
    };
    let pixels = (size.0 as usize).saturating_mul(size.1 as usize);
    let len = match rng.below(3) {
        0 => rng.below(4096) as usize,
        _ => pixels.saturating_mul(2).min(1 << 16) + rng.below(8) as usize,
    };
    let data = rng.bytes(len);
    let _ = to_rgba(format, size, &data, out);
}

/// An arbitrary JSON value, `depth` levels deep at most, with the keys of `keys` likely.
fn json(rng: &mut Rng, depth: u32, keys: &[&str]) -> Value {
    let numbers = [
        0.0, -1.0, 1.0, 1e308, -1e308, 0.5, 640.0, 1e-9, 4096.0, 99999.0,
    ];
    match rng.below(if depth == 0 { 4 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => serde_json::Number::from_f64(numbers[rng.below(numbers.len() as u64) as usize])
            .map_or(Value::Null, Value::Number),
        3 => Value::String(
            [
                "image/png",
                "image/jpeg",
                "flash",
                "off",
                "never",
                "",
                "user",
                "manual",
            ][rng.below(8) as usize]
                .into(),
        ),
        4 => Value::Array(
            (0..rng.below(4))
                .map(|_| json(rng, depth - 1, keys))
                .collect(),
        ),
        _ => {
            let mut object = serde_json::Map::new();
            for _ in 0..rng.below(6) {
                let key = keys[rng.below(keys.len() as u64) as usize];
                object.insert(key.into(), json(rng, depth - 1, keys));
            }
            Value::Object(object)
        }
    }
}

fn fuzz_settings(rng: &mut Rng) {
    const KEYS: [&str; 7] = [
        "imageWidth",
        "imageHeight",
        "fillLightMode",
        "redEyeReduction",
        "type",
        "quality",
        "other",
    ];
    let value = json(rng, 2, &KEYS);
    if let Ok(settings) = serde_json::from_value::<PhotoSettings>(value) {
        let range = |max: f64| Some(MediaSettingsRange::new(1.0, max, 1.0));
        let capabilities = PhotoCapabilities {
            red_eye_reduction: Some(RedEyeReduction::Never),
            image_height: range(2160.0),
            image_width: range(3840.0),
            fill_light_mode: Some(Vec::new()),
        };
        let current = (rng.below(4000) as u32, rng.below(3000) as u32);
        if let Ok(plan) = plan_photo(&settings, &capabilities, current) {
            assert!(
                plan.size.0 <= 3840 && plan.size.1 <= 2160,
                "a photo of {:?} was planned within 3840×2160 capabilities",
                plan.size
            );
        }
    }
}

fn fuzz_constraints(rng: &mut Rng) {
    const KEYS: [&str; 14] = [
        "width",
        "height",
        "frameRate",
        "aspectRatio",
        "deviceId",
        "advanced",
        "exact",
        "ideal",
        "min",
        "max",
        "zoom",
        "pan",
        "torch",
        "pointsOfInterest",
    ];
    let value = json(rng, 3, &KEYS);
    if let Ok(constraints) = serde_json::from_value::<MediaTrackConstraints>(value) {
        let _ = validate_constraints(&constraints);
    }
}

/// Runs every target, in turn, for `budget`; panics on the first input that breaks a property
/// (with the seed and the execution count to reproduce it).
fn fuzz(seed: u64, budget: Duration) -> Counts {
    let mut rng = Rng(seed | 1);
    let jpeg = seed_jpeg();
    let mut out = Vec::new();
    let mut counts = Counts::default();
    let started = Instant::now();
    while started.elapsed() < budget {
        for _ in 0..256 {
            let n = counts.total();
            let broke = catch_unwind(AssertUnwindSafe(|| match n % 4 {
                0 => fuzz_mjpeg(&mut rng, &jpeg, &mut out),
                1 => fuzz_raw(&mut rng, &mut out),
                2 => fuzz_settings(&mut rng),
                _ => fuzz_constraints(&mut rng),
            }));
            assert!(
                broke.is_ok(),
                "seed {seed}, execution {n}: a panic (see above)"
            );
            assert!(
                out.capacity() <= OUTPUT_CAP,
                "seed {seed}, execution {n}: an output buffer of {} bytes",
                out.capacity()
            );
            match n % 4 {
                0 => counts.mjpeg += 1,
                1 => counts.raw += 1,
                2 => counts.settings += 1,
                _ => counts.constraints += 1,
            }
        }
    }
    counts
}

#[test]
fn a_short_fuzz_finds_nothing() {
    let counts = fuzz(0x1234_5678, Duration::from_secs(1));
    assert!(counts.total() > 1000, "{counts:?}");
}

/// `cargo xtask fuzz --secs N` (or `IMAGECAPTURE_FUZZ_SECS=N cargo test -p imagecapture-native
/// --lib fuzz -- --ignored --nocapture`).
#[test]
#[ignore = "long: run by cargo xtask fuzz"]
fn fuzz_for_the_seconds_asked() {
    let secs = std::env::var("IMAGECAPTURE_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed = std::env::var("IMAGECAPTURE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED);
    let started = Instant::now();
    let counts = fuzz(seed, Duration::from_secs(secs));
    println!(
        "fuzz: {} executions in {:.0} s (seed {seed}): {} MJPEG, {} raw frames, {} photo \
         settings, {} constraints; 0 panics, no output above {OUTPUT_CAP} bytes",
        counts.total(),
        started.elapsed().as_secs_f64(),
        counts.mjpeg,
        counts.raw,
        counts.settings,
        counts.constraints
    );
}
