//! Times in answers and query parameters: Unix seconds to and from RFC 3339, through `jiff`.

use jiff::Timestamp;

use crate::error::AppError;

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC). Seconds beyond jiff's range (years -9999 to
/// 9999) are clamped to it.
pub fn unix_to_rfc3339(seconds: i64) -> String {
    let clamped = seconds.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second());
    Timestamp::from_second(clamped)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The current time as RFC 3339 UTC, to the second.
pub fn now_rfc3339() -> String {
    unix_to_rfc3339(Timestamp::now().as_second())
}

/// Parses a time given in a query parameter: Unix seconds (`1764300000`, `1764300000.5`) or RFC 3339
/// with an offset (`2025-11-28T10:00:00Z`, `2025-11-28T11:00:00.5+01:00`). Answers Unix seconds
/// (fractions dropped), or a 400 naming the parameter.
pub fn parse_time_parameter(name: &str, text: &str) -> Result<i64, AppError> {
    let text = text.trim();
    parse_unix_seconds(text)
        .or_else(|| text.parse::<Timestamp>().ok().map(|t| t.as_second()))
        .ok_or_else(|| {
            AppError::bad_request(format!(
                "Invalid query parameter '{name}': '{text}' is neither Unix seconds nor an RFC 3339 time"
            ))
        })
}

/// `1764300000` or `1764300000.5` (no sign: a time before 1970 is never what a caller means).
fn parse_unix_seconds(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return None;
    }
    whole.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{parse_time_parameter, unix_to_rfc3339};

    #[test]
    fn time_parameters_accept_unix_seconds_and_rfc3339() {
        assert_eq!(
            parse_time_parameter("since", "1704110400").unwrap(),
            1_704_110_400
        );
        assert_eq!(
            parse_time_parameter("since", "1704110400.75").unwrap(),
            1_704_110_400
        );
        assert_eq!(
            parse_time_parameter("since", "2024-01-01T12:00:00Z").unwrap(),
            1_704_110_400
        );
        assert_eq!(
            parse_time_parameter("since", "2024-01-01T13:30:00.123456789+01:30").unwrap(),
            1_704_110_400
        );
        assert_eq!(
            parse_time_parameter("until", "2000-02-29T00:00:00Z").unwrap(),
            951_782_400
        );
        for bad in [
            "",
            "yesterday",
            "10m",
            "-5",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-01-01T12:00:00",
            "2024-01-01T25:00:00Z",
        ] {
            let err = parse_time_parameter("since", bad).unwrap_err();
            assert!(err.to_string().contains("'since'"), "{bad}: {err}");
        }
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(unix_to_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(unix_to_rfc3339(1_704_110_400), "2024-01-01T12:00:00Z");
        assert_eq!(unix_to_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert!(
            unix_to_rfc3339(i64::MAX).starts_with("9999-12-"),
            "clamped, no panic"
        );
    }
}
