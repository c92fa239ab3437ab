//! API tests: the real router against the real Docker daemon.

mod helpers;

mod containers;
mod daemon_down;
mod errors;
mod events;
mod exec;
mod images;
mod logs;
mod networks;
mod scenarios;
mod stats;
mod streams;
mod system;
mod volumes;
