//! API tests: the real router against the real Docker daemon.

mod helpers;

mod containers;
mod daemon_down;
mod errors;
mod images;
mod networks;
mod policy;
mod scenarios;
mod system;
mod volumes;
