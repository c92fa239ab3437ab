//! Berth's shared crate: the error type and views shared by server and browser, the Docker service layer
//! (with the `ssr` feature), the server functions and the Leptos console.
// The container page's view is deep enough that its hydrate-side types need more than the default 128.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod docker;
pub mod error;
pub mod model;
pub mod ui;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment, WildcardSegment};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="dark light"/>
                <meta name=ui::live::SERVER_CLOCK_META content=ui::live::server_clock_millis().to_string()/>
                <script inner_html=ui::theme::THEME_SCRIPT></script>
                <link rel="icon" href="/favicon.ico"/>
                <AutoReload options=options.clone()/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The console: top bar and pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    ui::session::provide_caller();
    ui::daemon::provide_daemon_health();
    ui::mark_hydrated();
    ui::focus_search_on_slash();
    view! {
        <Router>
            <ui::PageTitle/>
            <header class="topbar">
                <a class="brand" href="/">"Berth"</a>
                <span class="tagline">"Docker, at your berth"</span>
                <ui::Nav/>
                <ui::session::UserMenu/>
                <ui::theme::ThemeToggle/>
            </header>
            <main>
                <ui::daemon::DaemonBanner/>
                <Routes fallback=|| view! { <ui::NotFound/> }>
                    <Route path=StaticSegment("") view=ui::dashboard::DashboardPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("containers") view=ui::containers::ContainersPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("containers"), StaticSegment("new"))
                        view=ui::container_create::CreateContainerPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("containers"), ParamSegment("name"))
                        view=ui::container_details::ContainerPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("events") view=ui::events::EventsPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("images") view=ui::images::ImagesPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("images"), WildcardSegment("reference"))
                        view=ui::image_details::ImageDetailsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("volumes") view=ui::volumes::VolumesPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("networks") view=ui::networks::NetworksPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("system") view=ui::system::SystemPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("login") view=ui::session::LoginPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("users") view=ui::access::UsersPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("tokens") view=ui::access::TokensPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("audit") view=ui::access::AuditPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
