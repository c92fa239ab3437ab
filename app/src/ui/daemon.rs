//! Whether the Docker engine answers: the "Docker engine unreachable" banner at the top of every page.
//!
//! The first paint knows from one ping on the server. In the browser, one task follows the daemon's own
//! events (`/api/events?type=daemon`, nearly silent): when that stream fails, `/health` says whether the
//! engine is gone; while it is, `/health` is asked every 2 s (only then), and once it answers again the banner
//! clears, the pages' event streams reopen and their lists reload (see [`DaemonHealth::recoveries`]).

use leptos::prelude::*;

use super::resource::page_resource;

use crate::api::system::daemon_answers;

/// The engine's state as the browser last saw it, provided as context by the app.
#[derive(Clone, Copy)]
pub struct DaemonHealth {
    /// `Some(true)` while the engine does not answer, `Some(false)` once it did; `None` until the browser
    /// has checked (the first paint's ping decides until then).
    pub down: RwSignal<Option<bool>>,
    /// How many times the engine came back: pages' event streams reopen and their lists reload on a change.
    pub recoveries: RwSignal<u32>,
}

/// Provides [`DaemonHealth`] to every page (called once by the app).
pub fn provide_daemon_health() {
    provide_context(DaemonHealth {
        down: RwSignal::new(None),
        recoveries: RwSignal::new(0),
    });
}

/// The banner shown while the Docker engine does not answer (`role="alert"`), nothing otherwise.
#[component]
pub fn DaemonBanner() -> impl IntoView {
    let Some(health) = use_context::<DaemonHealth>() else {
        return ().into_any();
    };
    let pinged = page_resource(|| (), |_| daemon_answers());
    watch_daemon(health);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Pages without a caller (the sign-in page) cannot ask: no banner there.
                let answered = pinged.await.ok();
                let down = move || health.down.get().unwrap_or(answered == Some(false));
                view! {
                    <Show when=down>
                        <div class="banner banner-down daemon-banner" role="alert">
                            <strong>"Docker engine unreachable"</strong>
                            " Berth cannot reach the Docker daemon. Pages show what they last knew and \
                             come back by themselves when it answers again."
                        </div>
                    </Show>
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// Starts the browser's watch over the engine (nothing on the server); it stops with the app.
fn watch_daemon(health: DaemonHealth) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use futures_util::future::{AbortHandle, Abortable};
        let (abort, registration) = AbortHandle::new_pair();
        leptos::task::spawn_local(async move {
            let _ = Abortable::new(browser::watch(health), registration).await;
        });
        on_cleanup(move || abort.abort());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = health;
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::sync::{Arc, Mutex};
    use std::task::{Poll, Waker};
    use std::time::Duration;

    use futures_util::StreamExt;
    use leptos::prelude::*;

    use super::DaemonHealth;

    /// How often `/health` is asked while the engine is away.
    const DOWN_RETRY: Duration = Duration::from_secs(2);

    /// The longest wait before reopening a stream that keeps failing while the engine answers (a signed-out
    /// session, a restarting Berth).
    const LONGEST_BACKOFF: Duration = Duration::from_secs(30);

    /// Follows the engine until the app goes away (see the module's doc).
    pub async fn watch(health: DaemonHealth) {
        if window().location().pathname().ok().as_deref() == Some("/login") {
            return;
        }
        let mut backoff = Duration::from_secs(1);
        loop {
            if !engine_answers().await {
                if health.down.get_untracked() != Some(true) {
                    health.down.set(Some(true));
                }
                sleep(DOWN_RETRY).await;
                continue;
            }
            if health.down.get_untracked() == Some(true) {
                health.recoveries.update(|count| *count += 1);
            }
            if health.down.get_untracked() != Some(false) {
                health.down.set(Some(false));
            }
            let opened = now_ms();
            follow_until_failure("/api/events?type=daemon").await;
            backoff = if now_ms() - opened > 10_000.0 {
                Duration::from_millis(200)
            } else {
                (backoff * 2).min(LONGEST_BACKOFF)
            };
            sleep(backoff).await;
        }
    }

    /// Whether Berth's `/health` says the engine answers (200).
    async fn engine_answers() -> bool {
        match gloo_net::http::Request::get("/health").send().await {
            Ok(response) => response.status() == 200,
            // Berth itself is unreachable: the banner would be wrong, and the page cannot work anyway.
            Err(_) => true,
        }
    }

    /// Opens the event stream at `url` and returns when it fails or ends.
    async fn follow_until_failure(url: &str) {
        let Ok(mut source) = gloo_net::eventsource::futures::EventSource::new(url) else {
            return;
        };
        let Ok(mut messages) = source.subscribe("message") else {
            return;
        };
        while let Some(Ok(_)) = messages.next().await {}
        source.close();
    }

    fn now_ms() -> f64 {
        window()
            .performance()
            .map(|clock| clock.now())
            .unwrap_or(0.0)
    }

    /// Waits `duration` (a browser timer).
    async fn sleep(duration: Duration) {
        let state = Arc::new(Mutex::new((false, None::<Waker>)));
        let fired = state.clone();
        set_timeout(
            move || {
                if let Ok(mut state) = fired.lock() {
                    state.0 = true;
                    if let Some(waker) = state.1.take() {
                        waker.wake();
                    }
                }
            },
            duration,
        );
        futures_util::future::poll_fn(|cx| match state.lock() {
            Ok(state) if state.0 => Poll::Ready(()),
            Ok(mut state) => {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
            Err(_) => Poll::Ready(()),
        })
        .await
    }
}
