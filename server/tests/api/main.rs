//! API tests: the real router against the real Docker daemon.

mod helpers;

mod abuse;
mod access;
mod audit;
mod auth;
mod console_containers;
mod containers;
mod daemon_down;
mod errors;
mod events;
mod exec;
mod fuzz_findings;
mod images;
mod logs;
mod networks;
mod openapi;
mod operations;
mod policy;
mod scenarios;
mod server_fns;
mod stats;
mod streams;
mod system;
mod volumes;
