//! The console's compiled assets under `/pkg` (the wasm, its JavaScript glue and the stylesheet).
//!
//! Served straight from the site directory, ahead of every middleware (they are public and the same for
//! everyone), with the `.br` and `.gz` files `cargo leptos build --release --precompress` writes beside
//! them chosen by the client's `Accept-Encoding`. When the build gave the files content-hashed names
//! (`hash-files`, which writes `hash.txt` beside the binary), they are cached for a year as immutable;
//! otherwise (a development build) browsers revalidate them on every load.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// `Cache-Control` of content-hashed assets: a new build has new names.
const CACHE_HASHED: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of assets whose names do not change between builds.
const CACHE_REVALIDATE: &str = "no-cache";

/// The file cargo-leptos writes beside the binary when it hashes the assets' names (leptos reads the
/// hashes from there to name the files in each page).
pub fn hash_file() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let file = exe.parent()?.join("hash.txt");
    file.is_file().then_some(file)
}

/// The `/pkg` router over `<site_root>/<pkg_dir>`.
pub fn pkg_router(site_root: &Path, pkg_dir: &str, hashed_names: bool) -> Router {
    let files = ServeDir::new(site_root.join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    let cache = if hashed_names {
        CACHE_HASHED
    } else {
        CACHE_REVALIDATE
    };
    Router::new()
        .nest_service(&format!("/{pkg_dir}"), files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
}
