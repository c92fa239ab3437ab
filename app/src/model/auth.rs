//! Who is calling: the roles of the access-control contract and the caller as `/api/auth/me` shows it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A role, from least to most powerful (the order is the privilege order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
pub struct Caller {
    /// The user's or the token's name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// How it authenticated.
    pub kind: CallerKind,
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
