//! Abuse limits kept in memory: failed-login throttling per address, and `--rate-limit` (a token bucket
//! per credential or address).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins allowed per address within [`LOGIN_WINDOW`]; the next attempt is refused.
pub const MAX_FAILED_LOGINS: usize = 5;
/// The window failed logins are counted in.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(60);

/// Buckets kept before idle ones are forgotten.
const MAX_TRACKED: usize = 10_000;

/// Counts failed logins per address.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginThrottle {
    /// `Some(seconds to wait)` while `address` has used up its failed logins of the last minute.
    pub fn retry_after(&self, address: &str) -> Option<u64> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let recent = failures.get_mut(address)?;
        while recent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= LOGIN_WINDOW)
        {
            recent.pop_front();
        }
        if recent.len() < MAX_FAILED_LOGINS {
            return None;
        }
        let oldest = recent.front().copied().unwrap_or(now);
        let wait = LOGIN_WINDOW.saturating_sub(now.duration_since(oldest));
        Some(wait.as_secs_f64().ceil().max(1.0) as u64)
    }

    /// Records a failed login from `address`.
    pub fn record_failure(&self, address: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, recent| {
                recent
                    .back()
                    .is_some_and(|at| now.duration_since(*at) < LOGIN_WINDOW)
            });
        }
        failures
            .entry(address.to_string())
            .or_default()
            .push_back(now);
    }
}

/// `--rate-limit N`: N requests per second per key, bursts of 2N.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// A limiter of `per_second` requests per second (at least 1).
    pub fn new(per_second: u32) -> Self {
        let per_second = f64::from(per_second.max(1));
        Self {
            per_second,
            burst: per_second * 2.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket; `Err(seconds to wait)` when it is empty.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(key) {
            let (per_second, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_second < burst
            });
        }
        let (tokens, last) = buckets.entry(key.to_string()).or_insert((self.burst, now));
        *tokens =
            (*tokens + now.duration_since(*last).as_secs_f64() * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_login_within_a_minute_after_five_failures_waits() {
        let throttle = LoginThrottle::default();
        for _ in 0..MAX_FAILED_LOGINS {
            assert_eq!(throttle.retry_after("10.0.0.1"), None);
            throttle.record_failure("10.0.0.1");
        }
        let wait = throttle.retry_after("10.0.0.1").expect("throttled");
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(throttle.retry_after("10.0.0.2"), None);
    }

    #[test]
    fn a_bucket_allows_a_burst_of_twice_the_rate_then_refuses() {
        let limiter = RateLimiter::new(2);
        for _ in 0..4 {
            assert_eq!(limiter.check("k"), Ok(()));
        }
        assert_eq!(limiter.check("k"), Err(1));
        assert_eq!(limiter.check("other"), Ok(()));
    }
}
