//! Secrets and their hashes: argon2 password hashes, API token secrets (`berth_<base64url>`, stored as
//! SHA-256), session ids and CSRF tokens, and constant-time comparison.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use app::error::AppError;

/// The prefix of every API token secret.
pub const TOKEN_PREFIX: &str = "berth_";

/// `len` random bytes from the thread's CSPRNG (ChaCha, seeded from the OS).
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A new API token secret: 32 random bytes, `berth_<base64url>`.
pub fn new_token_secret() -> String {
    format!(
        "{TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    )
}

/// A new opaque random value (session ids, CSRF tokens): 32 random bytes, base64url.
pub fn new_random_id() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// Hex SHA-256, how token secrets and session ids are stored.
pub fn sha256_hex(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Hashes a password with argon2id (the crate's default parameters) and a random salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).map_err(|err| {
        tracing::error!(error = %err, "salt encoding failed");
        AppError::Internal("Could not hash the password".into())
    })?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| {
            tracing::error!(error = %err, "password hashing failed");
            AppError::Internal("Could not hash the password".into())
        })
}

/// Checks `password` against an argon2 PHC string; a malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash of a random password, verified against when the user does not exist, so that an unknown
/// user costs the same argon2 work as a wrong password (no timing oracle for user names).
pub fn decoy_password_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&new_random_id()).unwrap_or_default())
}

/// Checks a new password: 8 to 1024 characters.
pub fn check_new_password(password: &str) -> Result<(), AppError> {
    let length = password.chars().count();
    if length < 8 {
        return Err(AppError::bad_request(
            "Password must be at least 8 characters long",
        ));
    }
    if length > 1024 {
        return Err(AppError::bad_request(
            "Password must be at most 1024 characters long",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
        assert!(!verify_password("anything", decoy_password_hash()));
    }

    #[test]
    fn token_secrets_are_prefixed_unique_and_hashed_to_hex() {
        let a = new_token_secret();
        let b = new_token_secret();
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 43);
        assert_ne!(a, b);
        assert_eq!(sha256_hex(&a).len(), 64);
        assert_eq!(sha256_hex(&a), sha256_hex(&a));
        assert!(constant_time_eq(&a, &a) && !constant_time_eq(&a, &b));
    }
}
