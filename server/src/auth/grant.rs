//! Parsing what a new token may do, shared by `berth token create` and `POST /api/tokens`:
//! `--expires-in 30d`, `--label KEY=VALUE`, `--allow VERB`.

use std::collections::BTreeMap;

use app::error::AppError;

use super::access;

/// Parses `30d`, `12h`, `15m` or `45s` into seconds (1 s to 10 years).
pub fn parse_expires_in(text: &str) -> Result<i64, AppError> {
    let text = text.trim();
    let bad = || {
        AppError::bad_request(format!(
            "Invalid expiry '{text}': use a number and a unit, e.g. 30d, 12h, 15m or 45s"
        ))
    };
    // The unit is the last character, which may be more than one byte long.
    let split = text
        .char_indices()
        .last()
        .map(|(at, _)| at)
        .ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| bad())?;
    let unit_secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    let seconds = number.checked_mul(unit_secs).ok_or_else(bad)?;
    if !(1..=10 * 365 * 86_400).contains(&seconds) {
        return Err(AppError::bad_request(format!(
            "Invalid expiry '{text}': it must be between 1s and 3650d"
        )));
    }
    Ok(seconds)
}

/// Parses `KEY=VALUE` label scopes.
pub fn parse_labels<'a>(
    items: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeMap<String, String>, AppError> {
    let mut labels = BTreeMap::new();
    for item in items {
        let (key, value) = item.split_once('=').ok_or_else(|| {
            AppError::bad_request(format!("Invalid label '{item}': use KEY=VALUE"))
        })?;
        check_label(key, value)?;
        labels.insert(key.to_string(), value.to_string());
    }
    Ok(labels)
}

/// Checks one label of a scope: a non-empty key without control characters.
pub fn check_label(key: &str, value: &str) -> Result<(), AppError> {
    if key.trim().is_empty() || key.chars().chain(value.chars()).any(char::is_control) {
        return Err(AppError::bad_request(format!(
            "Invalid label '{key}={value}': the key must be non-empty, without control characters"
        )));
    }
    Ok(())
}

/// Checks `--allow` verbs against the verbs of the route table; returns them sorted, without repeats.
pub fn parse_allow<'a>(verbs: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, AppError> {
    let known = access::known_verbs();
    let mut allow = Vec::new();
    for verb in verbs {
        let verb = verb.trim().to_ascii_lowercase();
        if !known.contains(verb.as_str()) {
            let list: Vec<&str> = known.iter().copied().collect();
            return Err(AppError::bad_request(format!(
                "Unknown verb '{verb}'; known verbs: {}",
                list.join(", ")
            )));
        }
        if !allow.contains(&verb) {
            allow.push(verb);
        }
    }
    allow.sort();
    Ok(allow)
}

/// Checks a user or token name: 1 to 64 of letters, digits, `.`, `_`, `-`, `@`.
pub fn check_name(kind: &str, name: &str) -> Result<(), AppError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if valid {
        Ok(())
    } else {
        Err(AppError::bad_request(format!(
            "Invalid {kind} name '{name}': use 1 to 64 letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_take_seconds_minutes_hours_and_days() {
        assert_eq!(parse_expires_in("45s"), Ok(45));
        assert_eq!(parse_expires_in("15m"), Ok(900));
        assert_eq!(parse_expires_in("12h"), Ok(43_200));
        assert_eq!(parse_expires_in("30d"), Ok(2_592_000));
        for bad in ["", "d", "30", "30w", "-1d", "0s", "99999d", "1.5h"] {
            assert!(parse_expires_in(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_expiry_ending_in_a_multibyte_character_is_refused_not_a_panic() {
        for bad in ["\u{80}", "5\u{e9}", "\u{f3}\u{81}", "1\u{1f600}"] {
            assert!(parse_expires_in(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn labels_need_a_key_and_an_equals_sign() {
        let labels = parse_labels(["team=web", "env=prod=eu"]).expect("labels");
        assert_eq!(labels["env"], "prod=eu");
        assert!(parse_labels(["team"]).is_err());
        assert!(parse_labels(["=web"]).is_err());
    }

    #[test]
    fn allowed_verbs_must_be_known() {
        assert_eq!(
            parse_allow(["restart", "logs", "logs"]).expect("verbs"),
            ["logs", "restart"]
        );
        assert!(parse_allow(["fly"]).is_err());
    }

    #[test]
    fn names_are_plain_words() {
        assert!(check_name("user", "ana.ops-1").is_ok());
        for bad in ["", "a b", "a/b", "é", &"x".repeat(65)] {
            assert!(check_name("user", bad).is_err(), "{bad}");
        }
    }
}
