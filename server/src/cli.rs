//! The command line: `berth` / `berth serve` run the server; `berth user ...` and `berth token ...`
//! manage the credentials in the database under `--data-dir`; `berth health` checks a running server.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::auth::{credentials, grant};
use crate::config::Config;
pub use crate::health_probe::HealthArgs;
use crate::store::Store;
use app::model::auth::Role;

/// `berth [serve] [FLAGS]`, `berth user ...`, `berth token ...`.
#[derive(Debug, Parser)]
#[command(
    name = "berth",
    version,
    about = "Berth: a Docker management console and REST API",
    args_conflicts_with_subcommands = true,
    after_help = "Without a subcommand, berth serves (the flags above are those of `berth serve`)."
)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The server's flags, for `berth` without a subcommand.
    #[command(flatten)]
    pub serve: Config,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve(Box<Config>),
    /// Manage console users.
    User {
        /// What to do with users.
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage API tokens.
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Check a running Berth: GET /health, exit 0 when it answers 2xx, 1 otherwise (for HEALTHCHECK).
    Health(HealthArgs),
}

/// Where the database lives.
#[derive(Debug, Clone, Args)]
pub struct DataDirArg {
    /// Directory holding berth.db [default: $XDG_DATA_HOME/berth, i.e. ~/.local/share/berth].
    #[arg(long, env = "BERTH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DataDirArg {
    fn open(&self) -> Result<Store, String> {
        let dir = self
            .data_dir
            .clone()
            .unwrap_or_else(crate::store::default_data_dir);
        Store::open(&dir).map_err(|err| err.to_string())
    }
}

/// `berth user ...`.
#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a user (the password is prompted for, or read from stdin with --password-stdin).
    Add {
        /// Login name.
        name: String,
        /// viewer, operator or admin.
        #[arg(long)]
        role: Role,
        /// Read the password from the first line of stdin instead of prompting.
        #[arg(long)]
        password_stdin: bool,
        /// Where the database lives.
        #[command(flatten)]
        data: DataDirArg,
    },
    /// List users.
    List {
        /// Where the database lives.
        #[command(flatten)]
        data: DataDirArg,
    },
    /// Remove a user (ends their sessions).
    Remove {
        /// Login name.
        name: String,
        /// Where the database lives.
        #[command(flatten)]
        data: DataDirArg,
    },
}

/// `berth token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token; its secret is printed once, alone on the last line.
    Create {
        /// Unique token name.
        name: String,
        /// viewer, operator or admin.
        #[arg(long)]
        role: Role,
        /// Lifetime: a number and s, m, h or d (e.g. 30d). Default: no expiry.
        #[arg(long)]
        expires_in: Option<String>,
        /// Limit the token to containers carrying this label (repeatable; all must match).
        #[arg(long = "label", value_name = "KEY=VALUE")]
        labels: Vec<String>,
        /// Allow only this verb, plus listing and details (repeatable: logs, restart, exec, ...).
        #[arg(long = "allow", value_name = "VERB")]
        allow: Vec<String>,
        /// Where the database lives.
        #[command(flatten)]
        data: DataDirArg,
    },
    /// List tokens (never their secrets).
    List {
        /// Where the database lives.
        #[command(flatten)]
        data: DataDirArg,
    },
    /// Revoke a token, at once.
    Revoke {
        /// Token name.
        name: String,
        /// Where the database lives.
        #[command(flatten)]
        data: DataDirArg,
    },
}

/// Reads the new password: the first line of stdin, or a prompt without echo (asked twice).
fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|err| format!("Cannot read the password from stdin: {err}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password: ")
        .map_err(|err| format!("Cannot read the password: {err} (use --password-stdin)"))?;
    let second = rpassword::prompt_password("Repeat the password: ")
        .map_err(|err| format!("Cannot read the password: {err}"))?;
    if first != second {
        return Err("The passwords differ".into());
    }
    Ok(first)
}

/// The space between two columns of a table, as `docker ps` leaves it.
const COLUMN_GAP: usize = 3;

/// Writes a table like `docker ps`: the headings, then one line per row, each column padded to its
/// widest value (the last one is not padded).
fn write_table(
    out: &mut impl Write,
    headings: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = rows.collect();
    let widths: Vec<usize> = headings
        .iter()
        .enumerate()
        .map(|(column, heading)| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|value| value.chars().count())
                .chain([heading.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let headings: Vec<String> = headings.iter().map(|heading| heading.to_string()).collect();
    for row in std::iter::once(&headings).chain(&rows) {
        let mut line = String::new();
        for (column, value) in row.iter().enumerate() {
            line.push_str(value);
            if column + 1 < row.len() {
                let width = widths.get(column).copied().unwrap_or(0);
                let padding = width.saturating_sub(value.chars().count()) + COLUMN_GAP;
                line.extend(std::iter::repeat_n(' ', padding));
            }
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Runs `berth user ...`, printing to `out`.
pub fn run_user(action: UserAction, out: &mut impl Write) -> Result<(), String> {
    let text = |err: app::error::AppError| err.to_string();
    match action {
        UserAction::Add {
            name,
            role,
            password_stdin,
            data,
        } => {
            grant::check_name("user", &name).map_err(text)?;
            let store = data.open()?;
            let password = read_password(password_stdin)?;
            credentials::check_new_password(&password).map_err(text)?;
            if password.chars().count() < credentials::RECOMMENDED_PASSWORD_LENGTH {
                eprintln!(
                    "warning: a password of fewer than {} characters is easy to guess",
                    credentials::RECOMMENDED_PASSWORD_LENGTH
                );
            }
            let hash = credentials::hash_password(&password).map_err(text)?;
            let user = store.add_user(&name, role, &hash).map_err(text)?;
            writeln!(out, "User '{}' added with role {}.", user.name, user.role)
        }
        UserAction::List { data } => {
            let users = data.open()?.list_users().map_err(text)?;
            let rows = users.iter().map(|user| {
                vec![
                    user.name.clone(),
                    user.role.to_string(),
                    user.created.to_string(),
                ]
            });
            write_table(out, &["NAME", "ROLE", "CREATED"], rows)
        }
        UserAction::Remove { name, data } => {
            data.open()?.remove_user(&name).map_err(text)?;
            writeln!(out, "User '{name}' removed.")
        }
    }
    .map_err(|err| format!("Cannot write the output: {err}"))
}

/// Runs `berth token ...`, printing to `out`.
pub fn run_token(action: TokenAction, out: &mut impl Write) -> Result<(), String> {
    let text = |err: app::error::AppError| err.to_string();
    match action {
        TokenAction::Create {
            name,
            role,
            expires_in,
            labels,
            allow,
            data,
        } => {
            let labels = grant::parse_labels(labels.iter().map(String::as_str)).map_err(text)?;
            let store = data.open()?;
            let (record, secret) = crate::rest::tokens::issue_token(
                &store,
                &name,
                role,
                expires_in.as_deref(),
                labels,
                &allow,
            )
            .map_err(text)?;
            let view = record.view();
            let expiry = view.expires_at.as_deref().unwrap_or("never");
            writeln!(
                out,
                "Token '{}' created: role {}, expires {expiry}.",
                view.name, view.role
            )
            .and_then(|()| writeln!(out, "Copy the secret now; it is not shown again:"))
            .and_then(|()| writeln!(out, "{secret}"))
        }
        TokenAction::List { data } => {
            let tokens = data.open()?.list_tokens().map_err(text)?;
            let rows = tokens.iter().map(|token| {
                let view = token.view();
                let status = if view.revoked {
                    "revoked"
                } else if view.expired {
                    "expired"
                } else {
                    "active"
                };
                let labels: Vec<String> = view
                    .labels
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                let or_dash = |items: Vec<String>| {
                    if items.is_empty() {
                        "-".to_string()
                    } else {
                        items.join(",")
                    }
                };
                vec![
                    view.name.clone(),
                    view.role.to_string(),
                    status.to_string(),
                    view.expires_at.clone().unwrap_or_else(|| "never".into()),
                    or_dash(labels),
                    or_dash(view.allow.clone()),
                ]
            });
            let headings = ["NAME", "ROLE", "STATUS", "EXPIRES", "LABELS", "ALLOW"];
            write_table(out, &headings, rows)
        }
        TokenAction::Revoke { name, data } => {
            data.open()?.revoke_token(&name).map_err(text)?;
            writeln!(out, "Token '{name}' revoked.")
        }
    }
    .map_err(|err| format!("Cannot write the output: {err}"))
}
