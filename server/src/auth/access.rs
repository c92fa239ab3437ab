//! What each route requires: the permission table of the REST routes (a field of every
//! [`ApiRoute`](crate::rest::ApiRoute)) and of the console's server functions (`/rpc/<endpoint>`), looked up
//! by the one authorisation middleware. Anything not in a table is admin-only (default deny).

use std::collections::{BTreeSet, HashMap};

use axum::http::Method;

use crate::rest::ApiRoute;
use app::model::auth::Role;

/// What a route requires of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// The least role allowed (`None`: public, no credentials needed).
    pub role: Option<Role>,
    /// The verb a token's `--allow` list names (`logs`, `restart`, `list`, `details`...).
    pub verb: &'static str,
    /// What the route does, for the refusal: "Role 'viewer' may not <action>".
    pub action: &'static str,
}

/// Verbs every token may use whatever its `--allow` list says: listing, details, and asking who it is.
pub const ALWAYS_ALLOWED_VERBS: [&str; 3] = ["list", "details", "me"];

impl Access {
    /// No credentials needed.
    pub const fn public(action: &'static str) -> Self {
        Self {
            role: None,
            verb: "public",
            action,
        }
    }

    /// Viewer, operator and admin.
    pub const fn viewer(verb: &'static str, action: &'static str) -> Self {
        Self {
            role: Some(Role::Viewer),
            verb,
            action,
        }
    }

    /// Operator and admin.
    pub const fn operator(verb: &'static str, action: &'static str) -> Self {
        Self {
            role: Some(Role::Operator),
            verb,
            action,
        }
    }

    /// Admin only.
    pub const fn admin(verb: &'static str, action: &'static str) -> Self {
        Self {
            role: Some(Role::Admin),
            verb,
            action,
        }
    }

    /// What a route or server function missing from the tables requires: admin.
    pub const DEFAULT_DENY: Access = Access::admin("admin", "use this route");

    /// Whether the caller's role suffices.
    pub fn permits_role(&self, role: Role) -> bool {
        self.role.is_none_or(|needed| role >= needed)
    }

    /// Whether a token's `--allow` list (empty: no narrowing) permits this route.
    pub fn permits_verbs(&self, allow: &[String]) -> bool {
        allow.is_empty()
            || ALWAYS_ALLOWED_VERBS.contains(&self.verb)
            || allow.iter().any(|verb| verb == self.verb)
    }
}

/// The console's server functions (`/rpc/<endpoint>`, see app/src/api/*.rs). Reads that are POSTs are
/// reads. An endpoint missing here is admin-only.
pub const RPC_ACCESS: &[(&str, Access)] = &[
    (
        "auth/me",
        Access::viewer("details", "read who is signed in"),
    ),
    ("containers/list", Access::viewer("list", "list containers")),
    (
        "containers/start",
        Access::operator("start", "start containers"),
    ),
    (
        "containers/stop",
        Access::operator("stop", "stop containers"),
    ),
    (
        "containers/restart",
        Access::operator("restart", "restart containers"),
    ),
    (
        "containers/remove",
        Access::admin("remove", "remove containers"),
    ),
    (
        "containers/create",
        Access::admin("create", "create containers"),
    ),
    (
        "containers/rename",
        Access::admin("rename", "rename containers"),
    ),
    (
        "containers/recreate",
        Access::admin("recreate", "recreate containers"),
    ),
    (
        "containers/bulk",
        Access::operator("bulk", "act on several containers at once"),
    ),
    (
        "containers/bulk-remove",
        Access::admin("remove", "remove containers"),
    ),
    (
        "containers/details",
        Access::viewer("details", "read container details"),
    ),
    (
        "containers/top",
        Access::viewer("top", "list container processes"),
    ),
    (
        "containers/inspect",
        Access::admin("inspect", "read raw container inspect documents"),
    ),
    (
        "events/recent",
        Access::viewer("events", "watch Docker events"),
    ),
    ("images/list", Access::viewer("list", "list images")),
    (
        "images/details",
        Access::viewer("details", "read image details"),
    ),
    ("images/remove", Access::admin("remove", "remove images")),
    (
        "images/prune-preview",
        Access::viewer("list", "list images a prune would remove"),
    ),
    ("images/prune", Access::admin("prune", "prune images")),
    ("images/tag", Access::admin("tag", "tag images")),
    ("networks/list", Access::viewer("list", "list networks")),
    (
        "networks/details",
        Access::viewer("details", "read network details"),
    ),
    (
        "networks/create",
        Access::admin("create", "create networks"),
    ),
    (
        "networks/remove",
        Access::admin("remove", "remove networks"),
    ),
    (
        "networks/connect",
        Access::admin("connect", "connect containers to networks"),
    ),
    (
        "networks/disconnect",
        Access::admin("disconnect", "disconnect containers from networks"),
    ),
    (
        "networks/prune-preview",
        Access::viewer("list", "list unused networks"),
    ),
    ("networks/prune", Access::admin("prune", "prune networks")),
    (
        "system/version",
        Access::viewer("details", "read the system version"),
    ),
    (
        "system/statistics",
        Access::viewer("details", "read system statistics"),
    ),
    (
        "system/dashboard",
        Access::viewer("details", "read the dashboard"),
    ),
    (
        "system/ping",
        Access::viewer("details", "read whether the Docker engine answers"),
    ),
    ("volumes/list", Access::viewer("list", "list volumes")),
    ("volumes/create", Access::admin("create", "create volumes")),
    (
        "volumes/details",
        Access::viewer("details", "read volume details"),
    ),
    ("volumes/remove", Access::admin("remove", "remove volumes")),
    (
        "volumes/prune-preview",
        Access::viewer("list", "list unused volumes"),
    ),
    ("volumes/prune", Access::admin("prune", "prune volumes")),
];

/// What the console's pages require: any role (the data they show comes through the tables above).
pub const CONSOLE_PAGE: Access = Access::viewer("console", "use the console");

/// The result of looking a REST request up in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteAccess {
    /// The route's requirement.
    Known(Access),
    /// The path exists for other methods only: the router answers 405 and runs no handler.
    OtherMethodOnly,
}

/// Which documented route a request is.
enum Documented {
    /// This one (its documented path), with its requirement.
    Route(&'static str, Access),
    /// The path exists for other methods only.
    OtherMethodOnly,
    /// None of the table's.
    Unknown,
}

/// The REST permission table, built once from the route table.
#[derive(Debug, Default)]
pub struct AccessTable {
    /// axum path → (method, documented path, requirement) of every route on it.
    by_path: HashMap<&'static str, Vec<(Method, &'static str, Access)>>,
}

impl AccessTable {
    /// From the route table.
    pub fn new(routes: &[ApiRoute]) -> Self {
        let mut by_path: HashMap<&'static str, Vec<(Method, &'static str, Access)>> =
            HashMap::new();
        for route in routes {
            by_path.entry(route.path).or_default().push((
                route.method.clone(),
                route.shown_path(),
                route.access,
            ));
        }
        Self { by_path }
    }

    /// The requirement of `method` on the axum route `matched` (e.g. `/api/containers/{id}/stop`),
    /// requested as `path`. Several documented routes served by one wildcard route are told apart by
    /// the request's last segment (`/api/images/{image_id}/save` vs `/api/images/{image_id}`).
    pub fn rest(&self, method: &Method, matched: &str, path: &str) -> RouteAccess {
        match self.documented(method, matched, path) {
            Documented::Route(_, access) => RouteAccess::Known(access),
            Documented::OtherMethodOnly => RouteAccess::OtherMethodOnly,
            Documented::Unknown => RouteAccess::Known(Access::DEFAULT_DENY),
        }
    }

    /// The documented path (`/api/images/{image_id}/history`) of the request `method path` that the axum
    /// route `matched` serves, if it is one of the table's.
    pub fn documented_path(
        &self,
        method: &Method,
        matched: &str,
        path: &str,
    ) -> Option<&'static str> {
        match self.documented(method, matched, path) {
            Documented::Route(shown, _) => Some(shown),
            _ => None,
        }
    }

    fn documented(&self, method: &Method, matched: &str, path: &str) -> Documented {
        let Some(routes) = self.by_path.get(matched) else {
            return Documented::Unknown;
        };
        // axum serves HEAD with the GET handler.
        let method = if method == Method::HEAD {
            Method::GET
        } else {
            method.clone()
        };
        let candidates: Vec<(&'static str, Access)> = routes
            .iter()
            .filter(|(route_method, _, _)| *route_method == method)
            .map(|(_, shown, access)| (*shown, *access))
            .collect();
        match candidates.as_slice() {
            [] => return Documented::OtherMethodOnly,
            [(shown, access)] => return Documented::Route(shown, *access),
            _ => {}
        }
        let last = path.rsplit('/').next().unwrap_or_default();
        let literal = candidates.iter().find(|(shown, _)| {
            shown
                .rsplit('/')
                .next()
                .is_some_and(|segment| !segment.starts_with('{') && segment == last)
        });
        let parameter = candidates.iter().find(|(shown, _)| shown.ends_with('}'));
        match literal.or(parameter) {
            Some((shown, access)) => Documented::Route(shown, *access),
            None => Documented::Unknown,
        }
    }

    /// The requirement of the server function `/rpc/<endpoint>`.
    pub fn rpc(endpoint: &str) -> Access {
        RPC_ACCESS
            .iter()
            .find(|(known, _)| *known == endpoint)
            .map(|(_, access)| *access)
            .unwrap_or(Access::DEFAULT_DENY)
    }
}

/// Verbs of the contract that a token may name before every route using them is in the table (the
/// exec session is served by the live-streams module).
const CONTRACT_VERBS: [&str; 9] = [
    "exec", "logs", "restart", "stop", "start", "stats", "top", "kill", "pause",
];

/// Every verb a token's `--allow` may name: those of the route table, of the server functions and
/// of the contract.
pub fn known_verbs() -> BTreeSet<&'static str> {
    crate::rest::api_routes()
        .iter()
        .map(|route| route.access.verb)
        .chain(RPC_ACCESS.iter().map(|(_, access)| access.verb))
        .chain(CONTRACT_VERBS)
        .filter(|verb| *verb != "public" && *verb != "admin")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rest::api_routes;

    fn table() -> AccessTable {
        AccessTable::new(&api_routes())
    }

    fn role_of(method: Method, matched: &str, path: &str) -> Option<Role> {
        match table().rest(&method, matched, path) {
            RouteAccess::Known(access) => access.role,
            RouteAccess::OtherMethodOnly => panic!("{method} {path} is not a route"),
        }
    }

    #[test]
    fn viewers_may_read_every_get_route_but_the_contract_s_exceptions() {
        let exceptions = [
            "/api/containers/{id}/inspect",
            "/api/images/{image_id}/save",
            "/api/audit",
            "/api/users",
            "/api/tokens",
        ];
        for route in api_routes() {
            if route.method != Method::GET {
                continue;
            }
            let shown = route.shown_path();
            let expected = if shown == "/health" {
                None
            } else if shown == "/api/containers/{id}/exec/ws" {
                // the WebSocket handshake of an exec session: exec is the operator's
                Some(Role::Operator)
            } else if exceptions.contains(&shown) {
                Some(Role::Admin)
            } else {
                Some(Role::Viewer)
            };
            assert_eq!(route.access.role, expected, "GET {shown}");
        }
    }

    #[test]
    fn operators_get_exactly_the_contract_s_actions_beyond_reading() {
        let operator_routes: Vec<String> = api_routes()
            .iter()
            .filter(|route| route.access.role == Some(Role::Operator))
            .map(|route| format!("{} {}", route.method, route.shown_path()))
            .collect();
        for action in ["start", "stop", "restart", "kill", "pause", "unpause"] {
            let route = format!("POST /api/containers/{{id}}/{action}");
            assert!(operator_routes.contains(&route), "{route}");
        }
        assert!(operator_routes.contains(&"POST /api/images/pull".to_string()));
        for route in &operator_routes {
            let allowed = route.starts_with("POST /api/containers/{id}/")
                || route == "GET /api/containers/{id}/exec/ws"
                || route == "POST /api/images/pull";
            assert!(allowed, "{route} should be admin-only");
        }
    }

    #[test]
    fn every_non_get_route_outside_the_operator_set_is_admin_only() {
        for route in api_routes() {
            if route.method == Method::GET || route.access.role != Some(Role::Viewer) {
                continue;
            }
            let public_or_session = route.path.starts_with("/api/auth/");
            assert!(
                public_or_session,
                "{} {} lets viewers change state",
                route.method, route.path
            );
        }
    }

    #[test]
    fn wildcard_image_routes_are_told_apart_by_their_last_segment() {
        let image = "/api/images/{*reference}";
        assert_eq!(
            role_of(Method::GET, image, "/api/images/127.0.0.1:5055/app:1/save"),
            Some(Role::Admin)
        );
        assert_eq!(
            role_of(Method::GET, image, "/api/images/127.0.0.1:5055/app:1"),
            Some(Role::Viewer)
        );
        assert_eq!(
            role_of(Method::HEAD, image, "/api/images/app/history"),
            Some(Role::Viewer)
        );
    }

    #[test]
    fn unknown_routes_and_server_functions_are_admin_only() {
        assert_eq!(
            table().rest(&Method::POST, "/api/brand-new", "/api/brand-new"),
            RouteAccess::Known(Access::DEFAULT_DENY)
        );
        assert_eq!(
            table().rest(&Method::PUT, "/api/containers", "/api/containers"),
            RouteAccess::OtherMethodOnly
        );
        assert_eq!(AccessTable::rpc("containers/nuke"), Access::DEFAULT_DENY);
        assert_eq!(AccessTable::rpc("containers/list").role, Some(Role::Viewer));
    }

    #[test]
    fn allow_lists_narrow_to_their_verbs_plus_listing_and_details() {
        let stop = Access::operator("stop", "stop containers");
        let list = Access::viewer("list", "list containers");
        let allow = vec!["logs".to_string()];
        assert!(!stop.permits_verbs(&allow));
        assert!(list.permits_verbs(&allow));
        assert!(stop.permits_verbs(&[]));
    }
}
