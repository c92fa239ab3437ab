//! Who is calling: the roles of the access-control contract and the caller as `/api/auth/me` shows it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A role, from least to most powerful (the order is the privilege order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Every GET except raw inspect, image save, audit, users and tokens.
    Viewer,
    /// Viewer plus container start, stop, restart, kill, pause, unpause, exec and image pull.
    Operator,
    /// Everything.
    Admin,
}

impl Role {
    /// Every role, least powerful first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    /// The role's name as the API and the CLI spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == value)
            .ok_or_else(|| format!("Unknown role '{value}'; use viewer, operator or admin"))
    }
}

/// How the caller authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CallerKind {
    /// A user logged in with a password (session cookie).
    User,
    /// An API token (`Authorization: Bearer` or `X-API-Key`).
    Token,
    /// Nobody: authentication is off.
    Anonymous,
}

/// The authenticated caller, as `GET /api/auth/me` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Caller {
    /// The user's or the token's name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// How it authenticated.
    pub kind: CallerKind,
}

/// A user as listed (never with its hash).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserRecord {
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Creation time, RFC 3339 UTC.
    pub created: String,
}

/// What an action on a user, a token or a session did (`result` of `DELETE /api/users/{name}`,
/// `DELETE /api/tokens/{name}`, `POST /api/auth/logout`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccessChange {
    /// A sentence saying what happened.
    pub message: String,
    /// The user's or the token's name (the session's user for a logout, when known).
    pub name: Option<String>,
    /// `removed`, `revoked` or `logged_out`.
    pub status: String,
}

/// A token as listed by the API and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenView {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Creation time, RFC 3339.
    pub created: String,
    /// Expiry, RFC 3339 (null: never).
    pub expires_at: Option<String>,
    /// Whether it was revoked.
    pub revoked: bool,
    /// Whether it has expired.
    pub expired: bool,
    /// Label scope.
    pub labels: BTreeMap<String, String>,
    /// Allowed verbs (empty: all of the role's).
    pub allow: Vec<String>,
}

/// How a request ended, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// 2xx or 3xx.
    Allowed,
    /// 401, 403 or 429.
    Denied,
    /// Anything else.
    Failed,
}

impl Outcome {
    /// The outcome of a response status.
    pub fn of_status(status: u16) -> Self {
        match status {
            100..=399 => Outcome::Allowed,
            401 | 403 | 429 => Outcome::Denied,
            _ => Outcome::Failed,
        }
    }

    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// RFC 3339 UTC.
    pub time: String,
    /// The user's or the token's name (null: anonymous).
    pub user: Option<String>,
    /// `token:<name>`, `session` or `anonymous`.
    pub auth: String,
    /// The client's address.
    pub remote_addr: String,
    /// HTTP method (`EXEC` for an exec session).
    pub method: String,
    /// The path as requested.
    pub path: String,
    /// HTTP status answered.
    pub status: u16,
    /// `allowed`, `denied` or `failed`.
    pub outcome: Outcome,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_privilege_and_parse_from_their_names() {
        assert!(Role::Viewer < Role::Operator && Role::Operator < Role::Admin);
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
