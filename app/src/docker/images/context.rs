//! Build contexts from a directory on the server's host: the build-root policy, `.dockerignore`, and
//! the tar archive sent to the daemon (made in-process with the `tar` crate, never by a shell).

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::error::AppError;

/// Resolves the requested context directory, enforcing the build root (after resolving symlinks).
///
/// A missing directory is a 400 naming it; a directory outside the configured root is a 403.
pub(crate) fn resolve_context(path: &str, build_root: Option<&Path>) -> Result<PathBuf, AppError> {
    let requested = Path::new(path);
    if path.trim().is_empty() {
        return Err(AppError::bad_request("Field 'path' must not be empty"));
    }
    let outside = || {
        AppError::Forbidden(format!(
            "Policy forbids build contexts outside the server's build root (requested: {path})"
        ))
    };
    let canonical = match fs::canonicalize(requested) {
        Ok(canonical) => canonical,
        Err(_) => {
            if let Some(root) = build_root
                && requested.is_absolute()
                && !requested.starts_with(root)
            {
                return Err(outside());
            }
            return Err(AppError::bad_request(format!(
                "Build context directory '{path}' does not exist"
            )));
        }
    };
    if let Some(root) = build_root {
        let root = fs::canonicalize(root).map_err(|err| {
            tracing::error!(error = %err, root = %root.display(), "build root is not accessible");
            AppError::Forbidden("The server's build root is not accessible".into())
        })?;
        if !canonical.starts_with(&root) {
            return Err(outside());
        }
    }
    if !canonical.is_dir() {
        return Err(AppError::bad_request(format!(
            "Build context '{path}' is not a directory"
        )));
    }
    Ok(canonical)
}

fn dockerfile_outside(name: &str) -> AppError {
    AppError::Forbidden(format!(
        "Policy forbids a Dockerfile outside the build context (requested: {name})"
    ))
}

/// Checks a Dockerfile name: relative to the context, without `..`, so that it stays inside it (403 otherwise).
pub(crate) fn validate_dockerfile_name(name: &str) -> Result<(), AppError> {
    if name.trim().is_empty() || name.contains('\0') {
        return Err(AppError::bad_request(
            "Field 'dockerfile' must name a file inside the build context",
        ));
    }
    let inside = Path::new(name)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !inside {
        return Err(dockerfile_outside(name));
    }
    Ok(())
}

/// Finds the Dockerfile in a (canonical) context directory: after resolving symlinks it must be a file inside
/// the context, so that neither its content nor a parse error quoting it can come from outside (403).
pub(crate) fn resolve_dockerfile(context: &Path, name: &str) -> Result<PathBuf, AppError> {
    validate_dockerfile_name(name)?;
    let missing = || {
        AppError::bad_request(format!(
            "Dockerfile '{name}' not found in build context '{}'",
            context.display()
        ))
    };
    let canonical = fs::canonicalize(context.join(name)).map_err(|_| missing())?;
    if !canonical.starts_with(context) {
        return Err(dockerfile_outside(name));
    }
    if !canonical.is_file() {
        return Err(missing());
    }
    Ok(canonical)
}

/// One `.dockerignore` line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IgnorePattern {
    segments: Vec<String>,
    exception: bool,
}

/// The `.dockerignore` rules of a context: the last matching line wins, `!` re-includes, and a pattern
/// matching a directory excludes everything below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DockerIgnore {
    patterns: Vec<IgnorePattern>,
}

impl DockerIgnore {
    /// Parses the text of a `.dockerignore` file.
    pub(crate) fn parse(text: &str) -> Self {
        let patterns = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| {
                let (exception, pattern) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, line),
                };
                let segments: Vec<String> = pattern
                    .split('/')
                    .filter(|s| !s.is_empty() && *s != ".")
                    .map(str::to_string)
                    .collect();
                (!segments.is_empty()).then_some(IgnorePattern {
                    segments,
                    exception,
                })
            })
            .collect();
        Self { patterns }
    }

    fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exception)
    }

    /// Whether a context-relative path (with `/` separators) is excluded.
    pub(crate) fn is_excluded(&self, relative: &str) -> bool {
        let path: Vec<&str> = relative.split('/').filter(|s| !s.is_empty()).collect();
        let mut excluded = false;
        for pattern in &self.patterns {
            let matched = (1..=path.len()).any(|n| match_segments(&pattern.segments, &path[..n]));
            if matched {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

fn match_segments(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| match_segments(rest, &path[skip..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((segment, path_rest)) => {
                glob_segment(first.as_bytes(), segment.as_bytes())
                    && match_segments(rest, path_rest)
            }
            None => false,
        },
    }
}

/// `*` and `?` within one path segment; everything else literal.
fn glob_segment(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| glob_segment(rest, &text[skip..])),
        Some((b'?', rest)) => !text.is_empty() && glob_segment(rest, &text[1..]),
        Some((c, rest)) => text.first() == Some(c) && glob_segment(rest, &text[1..]),
    }
}

/// Tars the context directory (honouring `.dockerignore`; symlinks are stored as links, not followed).
///
/// The Dockerfile and `.dockerignore` are always sent, as the docker CLI does. A missing Dockerfile is a 400.
pub(crate) fn tar_context(context: &Path, dockerfile: &str) -> Result<Vec<u8>, AppError> {
    let dockerfile_path = resolve_dockerfile(context, dockerfile)?;
    let ignore = match fs::read_to_string(context.join(".dockerignore")) {
        Ok(text) => DockerIgnore::parse(&text),
        Err(err) if err.kind() == io::ErrorKind::NotFound => DockerIgnore::default(),
        Err(err) => return Err(read_error(".dockerignore", &err)),
    };
    let mut builder = tar::Builder::new(Vec::new());
    builder.follow_symlinks(false);
    let always = [normalize(dockerfile), ".dockerignore".to_string()];
    let mut sent_dockerfile = false;
    walk(
        context,
        "",
        &ignore,
        &always,
        &mut builder,
        &mut sent_dockerfile,
    )?;
    let dockerfile_rel = normalize(dockerfile);
    if !sent_dockerfile {
        builder
            .append_path_with_name(&dockerfile_path, &dockerfile_rel)
            .map_err(|err| read_error(&dockerfile_rel, &err))?;
    }
    builder
        .into_inner()
        .map_err(|err| read_error("the build context", &err))
}

fn normalize(relative: &str) -> String {
    relative
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

fn read_error(what: &str, err: &io::Error) -> AppError {
    AppError::bad_request(format!(
        "Could not read '{what}' in the build context: {err}"
    ))
}

fn walk(
    dir: &Path,
    prefix: &str,
    ignore: &DockerIgnore,
    always: &[String],
    builder: &mut tar::Builder<Vec<u8>>,
    sent_dockerfile: &mut bool,
) -> Result<(), AppError> {
    let shown = if prefix.is_empty() { "." } else { prefix };
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(|err| read_error(shown, &err))?
        .collect::<Result<_, _>>()
        .map_err(|err| read_error(shown, &err))?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let file_type = entry
            .file_type()
            .map_err(|err| read_error(&relative, &err))?;
        let excluded = ignore.is_excluded(&relative) && !always.contains(&relative);
        if file_type.is_dir() {
            if excluded && !ignore.has_exceptions() {
                continue;
            }
            if !excluded {
                builder
                    .append_dir(&relative, entry.path())
                    .map_err(|err| read_error(&relative, &err))?;
            }
            walk(
                &entry.path(),
                &relative,
                ignore,
                always,
                builder,
                sent_dockerfile,
            )?;
        } else if (file_type.is_file() || file_type.is_symlink()) && !excluded {
            builder
                .append_path_with_name(entry.path(), &relative)
                .map_err(|err| read_error(&relative, &err))?;
            *sent_dockerfile |= always.first() == Some(&relative);
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dockerignore_matches_like_docker() {
        let ignore = DockerIgnore::parse("# comment\n*.log\nbuild\n!build/keep.txt\n**/secret*\n");
        assert!(ignore.is_excluded("a.log"));
        assert!(!ignore.is_excluded("dir/a.log"));
        assert!(ignore.is_excluded("build/out.bin"));
        assert!(!ignore.is_excluded("build/keep.txt"));
        assert!(ignore.is_excluded("deep/down/secret.key"));
        assert!(ignore.is_excluded("secret"));
        assert!(!ignore.is_excluded("src/main.rs"));
    }

    #[test]
    fn dockerfile_names_must_stay_inside_the_context() {
        assert!(validate_dockerfile_name("Dockerfile").is_ok());
        assert!(validate_dockerfile_name("docker/Dockerfile.dev").is_ok());
        assert!(validate_dockerfile_name("./Dockerfile").is_ok());
        for escape in ["../Dockerfile", "/etc/passwd", "docker/../../Dockerfile"] {
            let err = validate_dockerfile_name(escape).unwrap_err();
            assert_eq!(err.status_code(), 403, "{escape}");
            assert!(
                err.to_string()
                    .starts_with("Policy forbids a Dockerfile outside")
            );
        }
        assert_eq!(validate_dockerfile_name("").unwrap_err().status_code(), 400);
    }

    #[test]
    fn dockerfiles_reached_through_symlinks_must_stay_inside_the_context() {
        let base = std::env::temp_dir().join(format!("berth-dockerfile-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let context = base.join("ctx");
        let outside = base.join("outside");
        fs::create_dir_all(context.join("real")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("secret"), "TOP SECRET\n").unwrap();
        fs::write(context.join("real/Dockerfile"), "FROM scratch\n").unwrap();
        std::os::unix::fs::symlink(&outside, context.join("escape")).unwrap();
        std::os::unix::fs::symlink("/etc", context.join("etc")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), context.join("Dockerfile")).unwrap();
        std::os::unix::fs::symlink("real", context.join("inside")).unwrap();
        let context = fs::canonicalize(&context).unwrap();
        for name in ["escape/secret", "etc/passwd", "Dockerfile"] {
            let err = tar_context(&context, name).unwrap_err();
            assert_eq!(err.status_code(), 403, "{name}");
            assert!(!err.to_string().contains("SECRET"), "{err}");
        }
        assert!(resolve_dockerfile(&context, "inside/Dockerfile").is_ok());
        assert!(tar_context(&context, "real/Dockerfile").is_ok());
        assert_eq!(
            resolve_dockerfile(&context, "real/missing")
                .unwrap_err()
                .status_code(),
            400
        );
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn contexts_outside_the_build_root_are_forbidden() {
        let base = std::env::temp_dir().join(format!("berth-ctx-{}", std::process::id()));
        let root = base.join("root");
        let inside = root.join("app");
        let outside = base.join("elsewhere");
        fs::create_dir_all(&inside).unwrap();
        fs::create_dir_all(&outside).unwrap();
        let link = root.join("escape");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let ok = resolve_context(inside.to_str().unwrap(), Some(&root));
        assert!(ok.is_ok(), "{ok:?}");
        let err = resolve_context(outside.to_str().unwrap(), Some(&root)).unwrap_err();
        assert_eq!(err.status_code(), 403);
        let err = resolve_context(link.to_str().unwrap(), Some(&root)).unwrap_err();
        assert_eq!(err.status_code(), 403, "symlinks are resolved first");
        let err = resolve_context(root.join("nope").to_str().unwrap(), Some(&root)).unwrap_err();
        assert_eq!(err.status_code(), 400);
        assert!(resolve_context(outside.to_str().unwrap(), None).is_ok());
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn tar_context_honours_dockerignore_but_keeps_the_dockerfile() {
        let dir = std::env::temp_dir().join(format!("berth-tar-{}", std::process::id()));
        fs::create_dir_all(dir.join("logs")).unwrap();
        fs::write(dir.join("Dockerfile"), "FROM scratch\n").unwrap();
        fs::write(dir.join("app.txt"), "hi").unwrap();
        fs::write(dir.join("logs/a.log"), "x").unwrap();
        fs::write(dir.join(".dockerignore"), "logs\nDockerfile\n").unwrap();
        let bytes = tar_context(&dir, "Dockerfile").unwrap();
        let mut archive = tar::Archive::new(bytes.as_slice());
        let mut names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec![".dockerignore", "Dockerfile", "app.txt"]);
        let err = tar_context(&dir, "Missing.dockerfile").unwrap_err();
        assert_eq!(err.status_code(), 400);
        fs::remove_dir_all(&dir).unwrap();
    }
}
