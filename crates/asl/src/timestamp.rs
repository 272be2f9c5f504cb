//! Timestamps as Step Functions reads and writes them.
//!
//! Step Functions accepts the RFC 3339 profile of ISO 8601 with the restrictions of the
//! States language: an uppercase `T` between date and time, seconds present, an optional
//! fraction of 1 to 9 digits, and a zone that is either an uppercase `Z` or a numeric
//! `+hh:mm` / `-hh:mm` offset (`2016-03-14T01:59:00Z`, `2016-03-14T01:59:00.123+01:00`).
//! The date must exist (month 1–12, the day fits the month, leap years counted), hours are
//! 0–23, minutes and seconds 0–59 (no leap second), and offsets at most 18 hours.
//!
//! [`Timestamp`] is an instant (seconds and nanoseconds since the Unix epoch, UTC); two
//! timestamps written with different offsets compare by the instant they name.
//! Parsing and comparing never allocate.

use std::fmt;

use time::{Date, Month};

/// The Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// An instant in time with nanosecond precision, ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    secs: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    nanos: u32,
}

/// Parses an RFC 3339 timestamp as Step Functions does; `None` when `s` is not one.
pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    Timestamp::parse(s)
}

/// True when `s` is a timestamp Step Functions accepts (what `IsTimestamp` tests).
pub fn is_rfc3339(s: &str) -> bool {
    Timestamp::parse(s).is_some()
}

impl Timestamp {
    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp { secs: 0, nanos: 0 };

    /// Parses an RFC 3339 timestamp (see the module documentation for the exact rules).
    pub fn parse(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        // Shortest form: YYYY-MM-DDTHH:MM:SSZ (20 bytes).
        if b.len() < 20 {
            return None;
        }
        let year = digits(b, 0, 4)? as i32;
        expect(b, 4, b'-')?;
        let month = digits(b, 5, 2)? as u8;
        expect(b, 7, b'-')?;
        let day = digits(b, 8, 2)? as u8;
        expect(b, 10, b'T')?;
        let hour = digits(b, 11, 2)?;
        expect(b, 13, b':')?;
        let minute = digits(b, 14, 2)?;
        expect(b, 16, b':')?;
        let second = digits(b, 17, 2)?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        // The date must exist: month 1–12, the day within it, leap years counted.
        let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;

        let mut i = 19;
        let mut nanos: u32 = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start == 9 {
                    return None; // more than 9 fraction digits
                }
                nanos = nanos * 10 + u32::from(b[i] - b'0');
                i += 1;
            }
            let n = i - start;
            if n == 0 {
                return None;
            }
            nanos *= 10u32.pow(9 - n as u32);
        }

        let offset_secs: i64 = match b.get(i)? {
            b'Z' => {
                i += 1;
                0
            }
            sign @ (b'+' | b'-') => {
                let oh = digits(b, i + 1, 2)?;
                expect(b, i + 3, b':')?;
                let om = digits(b, i + 4, 2)?;
                if om > 59 || oh > 18 || (oh == 18 && om > 0) {
                    return None;
                }
                i += 6;
                let off = i64::from(oh * 3600 + om * 60);
                if *sign == b'-' { -off } else { off }
            }
            _ => return None,
        };
        if i != b.len() {
            return None;
        }

        let days = i64::from(date.to_julian_day() - UNIX_EPOCH_JULIAN_DAY);
        let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_secs;
        Some(Timestamp { secs, nanos })
    }

    /// The instant `secs` seconds and `nanos` nanoseconds after the epoch (`nanos` may exceed
    /// one second; it is carried into the seconds).
    pub fn from_unix(secs: i64, nanos: u32) -> Timestamp {
        Timestamp {
            secs: secs + i64::from(nanos / 1_000_000_000),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// The instant `millis` milliseconds after the epoch.
    pub fn from_unix_millis(millis: i64) -> Timestamp {
        Timestamp {
            secs: millis.div_euclid(1000),
            nanos: (millis.rem_euclid(1000) * 1_000_000) as u32,
        }
    }

    /// Whole seconds since the epoch (rounded towards the past).
    pub fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds within the second.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Milliseconds since the epoch (rounded towards the past).
    pub fn unix_millis(&self) -> i64 {
        self.secs * 1000 + i64::from(self.nanos / 1_000_000)
    }

    /// Nanoseconds since the epoch.
    pub fn unix_nanos(&self) -> i128 {
        i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos)
    }

    /// This instant plus `secs` seconds (negative goes back).
    pub fn add_seconds(&self, secs: i64) -> Timestamp {
        Timestamp {
            secs: self.secs + secs,
            nanos: self.nanos,
        }
    }

    /// ISO 8601 in UTC with exactly three fraction digits, as AWS writes times in the
    /// context object and in histories: `2024-01-01T00:00:00.000Z`.
    pub fn to_iso8601_millis(&self) -> String {
        let mut s = String::with_capacity(24);
        self.write_date_time(&mut s);
        let _ = fmt::Write::write_fmt(&mut s, format_args!(".{:03}Z", self.nanos / 1_000_000));
        s
    }

    /// ISO 8601 in UTC without a fraction: `2016-03-14T01:59:00Z` (sub-second digits are
    /// dropped).
    pub fn to_iso8601_seconds(&self) -> String {
        let mut s = String::with_capacity(20);
        self.write_date_time(&mut s);
        s.push('Z');
        s
    }

    fn write_date_time(&self, out: &mut String) {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        // Outside the `time` crate's ±999,999 years (no parsed timestamp and no clock
        // reading gets there) the date saturates.
        let julian = (days + i64::from(UNIX_EPOCH_JULIAN_DAY)).clamp(
            i64::from(Date::MIN.to_julian_day()),
            i64::from(Date::MAX.to_julian_day()),
        );
        let date = Date::from_julian_day(julian as i32).unwrap_or(Date::MAX);
        let (y, m, d) = (date.year(), u8::from(date.month()), date.day());
        let _ = fmt::Write::write_fmt(
            out,
            format_args!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                y,
                m,
                d,
                rem / 3600,
                rem % 3600 / 60,
                rem % 60
            ),
        );
    }
}

impl fmt::Display for Timestamp {
    /// UTC, with the fraction only when it is not zero, in groups of three digits (as Java's
    /// `Instant.toString`): `2016-03-14T01:59:00Z`, `2016-03-14T01:59:00.250Z`,
    /// `2016-03-05T21:29:29.243167252Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(30);
        self.write_date_time(&mut s);
        f.write_str(&s)?;
        let n = self.nanos;
        let (below_milli, below_micro) = (n % 1_000_000, n % 1000);
        if n == 0 {
        } else if below_milli == 0 {
            write!(f, ".{:03}", n / 1_000_000)?;
        } else if below_micro == 0 {
            write!(f, ".{:06}", n / 1000)?;
        } else {
            write!(f, ".{n:09}")?;
        }
        f.write_str("Z")
    }
}

fn expect(b: &[u8], i: usize, c: u8) -> Option<()> {
    (b.get(i) == Some(&c)).then_some(())
}

fn digits(b: &[u8], start: usize, n: usize) -> Option<u32> {
    let s = b.get(start..start + n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        parse_rfc3339(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn parses_valid_forms() {
        assert_eq!(ts("1970-01-01T00:00:00Z"), Timestamp::UNIX_EPOCH);
        assert_eq!(ts("2016-03-14T01:59:00Z").unix_seconds(), 1_457_920_740);
        let n = ts("2016-03-05T21:29:29.243167252Z");
        assert_eq!(n.subsec_nanos(), 243_167_252);
        assert_eq!(ts("2016-03-05T21:29:29.5Z").subsec_nanos(), 500_000_000);
        assert_eq!(
            ts("2012-10-09T19:00:55+01:00"),
            ts("2012-10-09T18:00:55Z"),
            "offsets name the same instant"
        );
        assert_eq!(ts("2012-10-09T19:00:55-02:30"), ts("2012-10-09T21:30:55Z"));
        assert_eq!(ts("2024-02-29T00:00:00Z"), ts("2024-02-28T23:00:00Z").add_seconds(3600));
        assert!(ts("2000-02-29T00:00:00Z") > ts("1999-12-31T23:59:59.999999999Z"));
        assert_eq!(ts("1969-12-31T23:59:59Z").unix_seconds(), -1);
        assert!(parse_rfc3339("0001-01-01T00:00:00Z").is_some());
        assert!(parse_rfc3339("9999-12-31T23:59:59.999999999Z").is_some());
    }

    #[test]
    fn rejects_invalid_forms() {
        for s in [
            "2016-13-05T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "2016-12-05 21:29:29Z",
            "2016-12-05T21:29:29",
            "05-12-2016T21:29:29Z",
            "2016-12-05t21:29:29Z",
            "2016-12-05T21:29:29z",
            "2016-12-05T21:29Z",
            "2016-12-05",
            "2016-12-05T21:29:60Z",
            "2016-12-05T21:60:29Z",
            "2016-12-00T21:29:29Z",
            "2016-00-05T21:29:29Z",
            "2015-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2016-04-31T00:00:00Z",
            "2016-12-05T21:29:29.Z",
            "2016-12-05T21:29:29.1234567891Z",
            "2016-12-05T21:29:29+0100",
            "2016-12-05T21:29:29+01",
            "2016-12-05T21:29:29+19:00",
            "2016-12-05T21:29:29+01:60",
            "2016-12-05T21:29:29Z ",
            " 2016-12-05T21:29:29Z",
            "2016-12-05T21:29:29ZZ",
            "+2016-12-05T21:29:29Z",
            "2016-1-05T21:29:29Z",
            "2023-02-24 12:15:56.832957",
            "",
            "２０１６-12-05T21:29:29Z",
        ] {
            assert!(parse_rfc3339(s).is_none(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn formats_like_aws() {
        let t = ts("2016-03-14T01:59:00Z");
        assert_eq!(t.to_iso8601_seconds(), "2016-03-14T01:59:00Z");
        assert_eq!(t.to_iso8601_millis(), "2016-03-14T01:59:00.000Z");
        assert_eq!(t.to_string(), "2016-03-14T01:59:00Z");
        let t = ts("2016-03-05T21:29:29.243167252+02:00");
        assert_eq!(t.to_iso8601_millis(), "2016-03-05T19:29:29.243Z");
        assert_eq!(t.to_string(), "2016-03-05T19:29:29.243167252Z");
        assert_eq!(ts("2016-03-05T21:29:29.25Z").to_string(), "2016-03-05T21:29:29.250Z");
        assert_eq!(
            Timestamp::from_unix_millis(1_704_067_200_000).to_iso8601_millis(),
            "2024-01-01T00:00:00.000Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(-1).to_iso8601_millis(),
            "1969-12-31T23:59:59.999Z"
        );
        assert_eq!(ts("1969-12-31T23:59:59.999Z").unix_millis(), -1);
    }

    #[test]
    fn civil_round_trip() {
        // Every 97th day from 0000-01-01 to 9999-12-31 prints and parses back to itself.
        for days in (-719_528..2_932_896).step_by(97) {
            let t = Timestamp::from_unix(days * 86_400, 0);
            assert_eq!(ts(&t.to_iso8601_seconds()), t, "{t}");
        }
        assert_eq!(ts("0000-01-01T00:00:00Z").unix_seconds(), -719_528 * 86_400);
        assert_eq!(ts("9999-12-31T00:00:00Z").unix_seconds(), 2_932_896 * 86_400);
        // Beyond what a timestamp can name, the date saturates (the time of day does not).
        assert!(
            Timestamp::from_unix(i64::MAX / 2, 0)
                .to_string()
                .starts_with("999999-12-31T")
        );
    }
}
