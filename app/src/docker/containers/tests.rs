//! Tests of the container helpers: list ports, timeouts and signals.

use super::lifecycle::{clamp_timeout, validate_signal};
use super::*;
use bollard::models::{PortSummary, PortSummaryTypeEnum};

#[test]
fn list_ports_take_the_inspect_shape() {
    let ports = [
        PortSummary {
            ip: Some("0.0.0.0".into()),
            private_port: 80,
            public_port: Some(8080),
            typ: Some(PortSummaryTypeEnum::TCP),
        },
        PortSummary {
            ip: Some("::".into()),
            private_port: 80,
            public_port: Some(8080),
            typ: Some(PortSummaryTypeEnum::TCP),
        },
        PortSummary {
            ip: None,
            private_port: 53,
            public_port: None,
            typ: Some(PortSummaryTypeEnum::UDP),
        },
    ];
    let map = ports_from_list(ports.iter().map(|p| {
        (
            p.ip.as_deref(),
            p.private_port,
            p.public_port,
            p.typ.as_ref().map(AsRef::as_ref).unwrap_or_default(),
        )
    }));
    assert_eq!(map["80/tcp"].as_ref().map(Vec::len), Some(2));
    assert_eq!(map["80/tcp"].as_ref().unwrap()[0].host_port, "8080");
    assert_eq!(map["53/udp"], None);
}

#[test]
fn timeouts_and_signals_are_validated() {
    assert!(clamp_timeout(10).is_ok());
    assert!(clamp_timeout(-1).is_err());
    assert!(validate_signal("SIGTERM").is_ok());
    assert!(validate_signal("hup").is_ok());
    assert!(validate_signal("9").is_ok());
    assert!(validate_signal("SIGNOPE").is_err());
    assert!(validate_signal("; rm -rf /").is_err());
}
