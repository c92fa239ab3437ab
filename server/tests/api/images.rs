//! `/api/images` routes against the real daemon.

#[allow(unused_imports)]
use crate::helpers::*;
