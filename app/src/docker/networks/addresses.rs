//! IP addresses and CIDR blocks as network requests give them: parsed, and checked for containment.

use super::*;

/// An address block in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cidr {
    pub(super) addr: IpAddr,
    pub(super) prefix: u8,
}

fn bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

fn mask(prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        let all = if width == 128 {
            u128::MAX
        } else {
            (1u128 << width) - 1
        };
        all & !((1u128 << (width - prefix)) - 1)
    }
}

impl Cidr {
    pub(super) fn contains(&self, ip: IpAddr) -> bool {
        let (net, width) = bits(self.addr);
        let (other, other_width) = bits(ip);
        width == other_width
            && (net & mask(self.prefix, width)) == (other & mask(self.prefix, width))
    }

    pub(super) fn contains_block(&self, inner: &Cidr) -> bool {
        inner.prefix >= self.prefix && self.contains(inner.addr)
    }
}

pub(super) fn parse_ip(text: &str, field: &str) -> Result<IpAddr, AppError> {
    text.trim()
        .parse::<IpAddr>()
        .map_err(|_| AppError::bad_request(format!("Invalid IP address '{text}' in '{field}'")))
}

/// Parses `a.b.c.d/n` (or IPv6), refusing host bits so that typos do not silently change the block.
pub(super) fn parse_cidr(text: &str, field: &str) -> Result<Cidr, AppError> {
    let invalid = || {
        AppError::bad_request(format!(
            "Invalid CIDR '{text}' in '{field}': use a block like 172.20.0.0/16"
        ))
    };
    let (addr, prefix) = text.trim().split_once('/').ok_or_else(invalid)?;
    let addr: IpAddr = addr.parse().map_err(|_| invalid())?;
    let prefix: u8 = prefix.parse().map_err(|_| invalid())?;
    let (value, width) = bits(addr);
    if prefix > width {
        return Err(invalid());
    }
    let network = value & mask(prefix, width);
    if network != value {
        let canonical = match addr {
            IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::from(network as u32)),
            IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::from(network)),
        };
        return Err(AppError::bad_request(format!(
            "Invalid CIDR '{text}' in '{field}': host bits are set, did you mean '{canonical}/{prefix}'?"
        )));
    }
    Ok(Cidr { addr, prefix })
}
