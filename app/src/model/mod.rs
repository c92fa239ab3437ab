//! Serde types shared by the Docker layer, the REST API and the console (WASM-safe).

pub mod auth;
pub mod container_create;
pub mod containers;
pub mod events;
pub mod images;
pub mod live;
pub mod networks;
pub mod system;
pub mod volumes;

use serde::{Deserialize, Serialize};

/// The outcome of an action on a Docker object (start, stop, remove, create...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActionResult {
    /// A sentence saying what happened.
    pub message: String,
    /// The full id of the object acted on.
    pub container_id: String,
    /// The object's name.
    pub name: String,
    /// The state word: `created`, `started`, `stopped`, `restarted`, `removed`...
    pub status: String,
}

/// Formats a byte count the way `docker system df` does (`1.5MB`, decimal units).
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{}{}", value as i64, UNITS[0])
    } else {
        let text = format!("{value:.3}");
        let trimmed = text.trim_end_matches('0').trim_end_matches('.');
        // docker prints at most four significant digits
        let digits: String = trimmed.chars().take(5).collect();
        format!("{}{}", digits.trim_end_matches('.'), UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn human_size_uses_decimal_units_like_docker() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(999), "999B");
        assert_eq!(human_size(1000), "1kB");
        assert_eq!(human_size(1_500_000), "1.5MB");
        assert_eq!(human_size(4_864_000), "4.864MB");
        assert_eq!(human_size(-5), "0B");
    }
}
