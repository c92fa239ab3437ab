# Berth: Docker management console + REST API, as a container image.
#
#   docker build -t berth .
#   docker run -d --name berth -p 127.0.0.1:5000:5000 \
#     -v /var/run/docker.sock:/var/run/docker.sock \
#     --group-add "$(stat -c %g /var/run/docker.sock)" \
#     -v berth-data:/data \
#     -e BERTH_ADMIN_PASSWORD='choose-a-long-password' \
#     berth
#
# Berth runs as the unprivileged user `berth` (uid/gid 10001); --group-add gives it the group that owns
# the mounted Docker socket (its gid differs between hosts; Berth logs the gid to add when the socket
# refuses it). Inside the container Berth listens on 0.0.0.0, so it refuses to start without
# credentials: BERTH_ADMIN_PASSWORD (or BERTH_ADMIN_PASSWORD_FILE, e.g. a Docker secret) creates the
# user `admin` on the first start. Users, tokens and the audit log live in /data (a volume). Anyone who
# can reach Berth's API with credentials controls the Docker engine: publish the port only where that
# is intended.
#
# Build stages: `builder` (Rust toolchain + cargo-leptos + wasm-bindgen-cli + wasm-opt, runs
# `cargo leptos build --release --precompress`), then `runtime` (debian:bookworm-slim with the binary,
# hash.txt beside it, and the site). Without registry access, scripts/image.sh builds the same runtime
# image from a locally built binary (Dockerfile.local).

# ---------------------------------------------------------------------------------------------------
FROM rust:1-bookworm AS builder

# Tool versions (see ../shared/TOOLCHAIN.md). wasm-bindgen-cli must equal the wasm-bindgen crate pinned in
# Cargo.lock; binaryen comes from npm because Debian's wasm-opt (108) writes wasm that breaks hydration.
ARG CARGO_LEPTOS_VERSION=0.3.11
ARG WASM_BINDGEN_VERSION=0.2.130
ARG BINARYEN_VERSION=123

# node/npm: only to fetch and run binaryen's wasm-opt (a node build of it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*

# The wasm target for the front end. cargo-leptos is built with a nightly toolchain (a dependency of 0.3.11
# needs rustc 1.96, newer than stable 1.95); the nightly is removed again afterwards. wasm-bindgen-cli is
# installed without --locked: its lock file pins a crate version crates.io no longer serves.
RUN rustup target add wasm32-unknown-unknown \
 && rustup toolchain install nightly --profile minimal \
 && cargo +nightly install --locked cargo-leptos --version "${CARGO_LEPTOS_VERSION}" \
 && rustup toolchain uninstall nightly \
 && cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" \
 && npm install --prefix /opt/binaryen --no-audit --no-fund "binaryen@${BINARYEN_VERSION}" \
 && rm -rf "${CARGO_HOME}/registry" "${CARGO_HOME}/git"

# wasm-opt from npm first on PATH: cargo-leptos runs whatever `wasm-opt` it finds for --release builds.
ENV PATH="/opt/binaryen/node_modules/.bin:${PATH}"

WORKDIR /src
COPY . .
# Plain RUN (no BuildKit cache mounts), so the file builds with the classic builder too.
RUN bash scripts/vendor-assets.sh \
 && cargo leptos build --release --precompress \
 && mkdir -p /out \
 && cp target/release/berth target/release/hash.txt /out/ \
 && cp -r target/site /out/site

# ---------------------------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

# ca-certificates: for a remote Docker engine over TLS whose certificate a public CA signed. Nothing else
# is installed: the health check is `berth health`, not curl.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 berth \
 && useradd --system --uid 10001 --gid berth --home-dir /data --no-create-home --shell /usr/sbin/nologin berth \
 && mkdir -p /data \
 && chown berth:berth /data

# hash.txt (the assets' content hashes) must sit beside the binary: leptos reads it from the executable's
# directory to name the files in each page.
COPY --from=builder /out/berth /out/hash.txt /usr/local/bin/
COPY --from=builder /out/site /app/site

# Every variable here is read by Berth (see `berth --help`): API_HOST/API_PORT where it listens (all
# interfaces inside the container), LEPTOS_SITE_ROOT the compiled console (wasm, JS, CSS), BERTH_DATA_DIR
# the database (users, tokens, audit). Log level: BERTH_LOG; JSON logs: BERTH_LOG_FORMAT=json.
ENV API_HOST=0.0.0.0 \
    API_PORT=5000 \
    LEPTOS_SITE_ROOT=/app/site \
    BERTH_DATA_DIR=/data

VOLUME /data
WORKDIR /app
USER berth:berth
EXPOSE 5000

# `berth health` GETs /health (API_HOST/API_PORT; 0.0.0.0 is checked on 127.0.0.1): 200 when Berth is up
# and reaches the Docker engine, else exit 1 (503 while the engine is away).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/berth", "health"]

CMD ["/usr/local/bin/berth"]
