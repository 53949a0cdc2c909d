//! C's `strtol(s, &end, 10)`, which libpq uses to read numbers from options
//! and server messages; one implementation so its quirks (leading white
//! space, a sign, saturation on overflow) are the same everywhere.

/// What `strtol` read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strtol {
    /// The value, saturated at the `long` range on overflow (ERANGE).
    pub value: i64,
    /// Where parsing stopped (`end - s`); 0 when there were no digits.
    pub end: usize,
    /// The digits overflowed `long` (strtol's ERANGE).
    pub overflow: bool,
}

/// C's `isspace` in the C locale.
pub fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `strtol(s, &end, 10)` on bytes.
pub fn strtol(s: &[u8]) -> Strtol {
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let start = i;
    let mut value: i64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).filter(|c| c.is_ascii_digit()) {
        let d = i64::from(d - b'0');
        let next = value.checked_mul(10).and_then(|v| {
            if neg {
                v.checked_sub(d)
            } else {
                v.checked_add(d)
            }
        });
        match next {
            Some(v) if !overflow => value = v,
            _ => {
                overflow = true;
                value = if neg { i64::MIN } else { i64::MAX };
            }
        }
        i += 1;
    }
    Strtol {
        value,
        end: if i == start { 0 } else { i },
        overflow,
    }
}

/// C's `atoi`: `(int) strtol(s, NULL, 10)`, truncating as C does.
pub fn atoi(s: &[u8]) -> i32 {
    strtol(s).value as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtol_like_c() {
        assert_eq!(strtol(b"  -42x").value, -42);
        assert_eq!(strtol(b"  -42x").end, 5);
        assert_eq!(strtol(b"x").end, 0);
        assert_eq!(strtol(b"-").end, 0);
        let big = strtol(b"99999999999999999999");
        assert!(big.overflow);
        assert_eq!(big.value, i64::MAX);
        assert_eq!(strtol(b"-99999999999999999999").value, i64::MIN);
        assert_eq!(atoi(b"4294967297"), 1);
        assert_eq!(atoi(b"+7"), 7);
    }
}
