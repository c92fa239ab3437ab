//! Dark and light themes: the system's choice (`prefers-color-scheme`) unless the user picked one with the
//! header's `Theme` control; the choice is kept in `localStorage` and applied by a tiny script in `<head>`
//! before the first paint (no flash of the other theme).

use leptos::prelude::*;

/// The `localStorage` key holding the user's choice (`light` or `dark`; absent: follow the system).
pub const THEME_KEY: &str = "berth-theme";

/// Runs in `<head>` before the stylesheet applies: sets `<html data-theme>` from the stored choice.
pub const THEME_SCRIPT: &str = "try{var t=localStorage.getItem('berth-theme');\
if(t==='light'||t==='dark')document.documentElement.setAttribute('data-theme',t);}catch(e){}";

/// The theme control in the header: System, Light or Dark, labelled `Theme`.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let choice = RwSignal::new(String::from("system"));
    // In the browser, show the stored choice once hydrated.
    Effect::new(move |_| {
        if let Some(stored) = stored_choice() {
            choice.set(stored);
        }
    });
    let pick = move |ev| {
        let picked = event_target_value(&ev);
        apply(&picked);
        choice.set(picked);
    };
    view! {
        <div class="theme-toggle">
            <label for="theme-choice">"Theme"</label>
            <select id="theme-choice" prop:value=move || choice.get() on:change=pick>
                <option value="system">"System"</option>
                <option value="light">"Light"</option>
                <option value="dark">"Dark"</option>
            </select>
        </div>
    }
}

/// The stored choice (`light` or `dark`), if any (always `None` on the server).
fn stored_choice() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|storage| storage.get_item(THEME_KEY).ok().flatten())
            .filter(|value| value == "light" || value == "dark")
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Applies and remembers `choice` (`system`, `light` or `dark`).
fn apply(choice: &str) {
    #[cfg(feature = "hydrate")]
    {
        let storage = window().local_storage().ok().flatten();
        let root = document().document_element();
        match choice {
            "light" | "dark" => {
                if let Some(storage) = storage {
                    let _ = storage.set_item(THEME_KEY, choice);
                }
                if let Some(root) = root {
                    let _ = root.set_attribute("data-theme", choice);
                }
            }
            _ => {
                if let Some(storage) = storage {
                    let _ = storage.remove_item(THEME_KEY);
                }
                if let Some(root) = root {
                    let _ = root.remove_attribute("data-theme");
                }
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = choice;
}
