//! Figures for people: SI prefixes (k = 1000, as link speeds and `bmon` count), rates in bits
//! or bytes per second.

/// Bits or bytes: what an operator wants to read rates in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RateUnit {
    #[default]
    Bits,
    Bytes,
}

impl RateUnit {
    pub fn toggled(self) -> RateUnit {
        match self {
            RateUnit::Bits => RateUnit::Bytes,
            RateUnit::Bytes => RateUnit::Bits,
        }
    }

    /// `b/s` or `B/s`.
    pub fn suffix(self) -> &'static str {
        match self {
            RateUnit::Bits => "b/s",
            RateUnit::Bytes => "B/s",
        }
    }
}

/// `12.3M`, `999`, `1.0k`: one decimal above 1000, SI prefixes up to tera.
pub fn si(v: f64) -> String {
    let units = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")];
    for (scale, unit) in units {
        if v >= scale {
            return format!("{:.1}{unit}", v / scale);
        }
    }
    if v > 0.0 && v < 10.0 && v.fract() != 0.0 {
        return format!("{v:.1}");
    }
    format!("{v:.0}")
}

/// A rate given in bits per second, in `unit`, without the unit: `12.3M`.
pub fn rate(bits_per_second: f64, unit: RateUnit) -> String {
    match unit {
        RateUnit::Bits => si(bits_per_second),
        RateUnit::Bytes => si(bits_per_second / 8.0),
    }
}

/// A link speed in bits per second: `1G`, `100M`, `10G`, `2.5G`.
pub fn speed(bits_per_second: u64) -> String {
    let text = si(bits_per_second as f64);
    text.replace(".0", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_with_si_prefixes() {
        assert_eq!(si(1_234_567.0), "1.2M");
        assert_eq!(si(999.0), "999");
        assert_eq!(si(0.5), "0.5");
        assert_eq!(si(0.0), "0");
        assert_eq!(rate(8_000_000.0, RateUnit::Bits), "8.0M");
        assert_eq!(rate(8_000_000.0, RateUnit::Bytes), "1.0M");
        assert_eq!(speed(1_000_000_000), "1G");
        assert_eq!(speed(2_500_000_000), "2.5G");
        assert_eq!(speed(100_000_000), "100M");
        assert_eq!(RateUnit::Bits.toggled().suffix(), "B/s");
    }
}
