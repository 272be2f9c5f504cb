//! Rendering timestamps the way AWS does (`2024-01-01T00:00:00.000Z`), without a clock.

use time::OffsetDateTime;

/// Formats milliseconds since the Unix epoch as ISO-8601 UTC with milliseconds.
///
/// The calendar is the `time` crate's (proleptic Gregorian, years −9999 to 9999); an instant
/// outside that range is shown as the nearest one inside it.
pub fn format_millis(ms: i64) -> String {
    let nanos = i128::from(ms) * 1_000_000;
    let at = OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(if ms < 0 {
        time::PrimitiveDateTime::MIN.assume_utc()
    } else {
        time::PrimitiveDateTime::MAX.assume_utc()
    });
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(1_457_920_740_123), "2016-03-14T01:59:00.123Z");
        assert_eq!(format_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(format_millis(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_millis(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
    }
}
