//! Numbers in error messages, without `core::fmt`'s float formatting.
//!
//! `format!("{}", f64)` links Rust's shortest-round-trip float printer (Grisu with a Dragon4
//! fallback, ≈ 15 KB of WebAssembly) into every program that formats a float, which the npm
//! package would ship for a handful of messages. [`number`] writes the numbers messages hold
//! (sizes, ranges, milliseconds, settings) the way JavaScript would for them: whole numbers
//! without a fraction, others with at most six decimals, `NaN`, `Infinity`, `-Infinity`.

/// `value` for a message: `640`, `-2.5`, `0.333333`, `1.5e+300`, `NaN`, `Infinity`.
///
/// Up to six decimals, trailing zeros dropped, so it is exact for whole numbers and for the
/// usual settings, and within 5 × 10⁻⁷ otherwise (whole numbers from 10¹²). Magnitudes of 10¹⁵ and more (and non-zero
/// ones below 10⁻⁶) are written as a mantissa and a power of ten, as JavaScript does past 10²¹.
pub fn number(value: f64) -> String {
    let mut out = String::new();
    if value.is_nan() {
        out.push_str("NaN");
        return out;
    }
    if value < 0.0 {
        out.push('-');
    }
    let magnitude = value.abs();
    if magnitude.is_infinite() {
        out.push_str("Infinity");
    } else if magnitude >= 1e15 || (magnitude > 0.0 && magnitude < 1e-6) {
        // m × 10^e with 1 ≤ m < 10 (to the precision of repeated scaling, ample for a message).
        let (mut mantissa, mut exponent) = (magnitude, 0_i32);
        while mantissa >= 10.0 {
            mantissa /= 10.0;
            exponent += 1;
        }
        while mantissa < 1.0 {
            mantissa *= 10.0;
            exponent -= 1;
        }
        fixed(&mut out, mantissa);
        out.push_str(if exponent < 0 { "e-" } else { "e+" });
        digits(&mut out, u64::from(exponent.unsigned_abs()));
    } else {
        fixed(&mut out, magnitude);
    }
    out
}

/// `magnitude` (0 ≤ magnitude < 10¹⁵) rounded to six decimals (to a whole number from 10¹²,
/// where six more digits would not fit in a `u64`), trailing zeros dropped.
fn fixed(out: &mut String, magnitude: f64) {
    const SCALE: u64 = 1_000_000;
    if magnitude >= 1e12 {
        digits(out, magnitude.round() as u64);
        return;
    }
    // Below 10¹² × 10⁶ < 2⁶⁴.
    let scaled = (magnitude * SCALE as f64).round() as u64;
    digits(out, scaled / SCALE);
    let mut fraction = scaled % SCALE;
    if fraction == 0 {
        return;
    }
    let mut places = 6;
    while fraction % 10 == 0 {
        fraction /= 10;
        places -= 1;
    }
    out.push('.');
    let start = out.len();
    digits(out, fraction);
    // Leading zeros of the fraction: 0.05 is "05" at two places.
    let written = out.len() - start;
    for _ in written..places {
        out.insert(start, '0');
    }
}

/// The decimal digits of `value`.
fn digits(out: &mut String, mut value: u64) {
    let mut buffer = [0_u8; 20];
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for &digit in &buffer[at..] {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn whole_numbers_have_no_fraction() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(640.0), "640");
        assert_eq!(number(-1920.0), "-1920");
        assert_eq!(number(4_294_967_295.0), "4294967295");
        assert_eq!(number(999_999_999_999_999.0), "999999999999999");
    }

    #[test]
    fn fractions_have_up_to_six_decimals() {
        assert_eq!(number(800.4), "800.4");
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(-2.5), "-2.5");
        assert_eq!(number(0.92), "0.92");
        assert_eq!(number(1.0 / 3.0), "0.333333");
        assert_eq!(number(2.0 / 3.0), "0.666667");
        assert_eq!(number(0.000_001), "0.000001");
        assert_eq!(number(123_456_789.125), "123456789.125");
        assert_eq!(number(2_000_000_000_000.4), "2000000000000");
        assert_eq!(number(33.000_000_4), "33");
    }

    #[test]
    fn special_values_are_spelled_as_in_javascript() {
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(f64::INFINITY), "Infinity");
        assert_eq!(number(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn huge_and_tiny_numbers_get_an_exponent() {
        assert_eq!(number(1e15), "1e+15");
        assert_eq!(number(1.5e300), "1.5e+300");
        assert_eq!(number(-2.5e-7), "-2.5e-7");
        assert_eq!(
            number(f64::MAX).split_once('e').map(|(_, e)| e),
            Some("+308")
        );
    }
}
