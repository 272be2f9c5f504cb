//! SigV4's dates: ISO 8601 basic format (`20150830T123600Z`), in epoch seconds. The calendar
//! arithmetic is the `time` crate's; the checks (four-digit year, second 60 allowed, as AWS
//! allows it) are ours.

use time::{Date, Month, OffsetDateTime};

/// `YYYYMMDDTHHMMSSZ` → epoch seconds.
pub(crate) fn parse_basic(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = &s[range];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    let midnight = date.midnight().assume_utc().unix_timestamp();
    Some(midnight + hour * 3_600 + minute * 60 + second)
}

/// Epoch seconds → `YYYYMMDDTHHMMSSZ`. Outside the years 0000–9999 the date is clamped to the
/// nearest end of that range (no request date or clock lies there).
pub(crate) fn format_basic(epoch: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(epoch).unwrap_or(if epoch < 0 {
        OffsetDateTime::UNIX_EPOCH.replace_year(0).expect("year 0 is in range")
    } else {
        OffsetDateTime::UNIX_EPOCH
            .replace_year(9999)
            .expect("year 9999 is in range")
    });
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_edges() {
        assert_eq!(parse_basic("19700101T000000Z"), Some(0));
        assert_eq!(parse_basic("20000229T000000Z"), Some(951_782_400));
        assert_eq!(parse_basic("19000229T000000Z"), None);
        assert_eq!(parse_basic("20241301T000000Z"), None);
        assert_eq!(parse_basic("20240100T000000Z"), None);
        assert_eq!(parse_basic("20240101T240000Z"), None);
        // A leap second is accepted and is the next minute's first second.
        assert_eq!(parse_basic("20161231T235960Z"), parse_basic("20170101T000000Z"));
        assert_eq!(format_basic(-1), "19691231T235959Z");
        assert_eq!(format_basic(951_782_400), "20000229T000000Z");
    }
}
