//! The dialogs that change a container in place: Rename (a labelled `Name` field, checked as typed with
//! the server's own rule) and Recreate with another image (saying what it does before it does it).

use leptos::prelude::*;

use crate::model::container_create::{validate_container_name, validate_image_reference};
use crate::ui::DialogFrame;

/// A dialog with one labelled text field, checked as it is typed: open while `target` holds the
/// container's name and the field's first value; Cancel or `Esc` closes it.
#[component]
fn FieldDialog(
    /// `(container, initial value)`; `None` keeps the dialog closed.
    target: RwSignal<Option<(String, String)>>,
    /// The dialog's element id stem.
    id: &'static str,
    /// The dialog's title.
    title: &'static str,
    /// What the action does, for the container named.
    describe: fn(&str) -> String,
    /// The field's label.
    label: &'static str,
    /// The check of the field (the server's).
    check: fn(&str) -> Result<(), crate::error::AppError>,
    /// The confirming button's text.
    confirm: &'static str,
    /// Runs with `(container, value)` once confirmed.
    on_confirm: Callback<(String, String)>,
) -> impl IntoView {
    move || {
        target.get().map(|(container, initial)| {
            let value = RwSignal::new(initial);
            let error = move || value.with(|v| check(v.trim()).err().map(|e| e.to_string()));
            let text = describe(&container);
            let (title_id, input_id, error_id) =
                (format!("{id}-title"), format!("{id}-field"), format!("{id}-error"));
            let described = error_id.clone();
            let submit = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if error().is_none() {
                    target.set(None);
                    on_confirm.run((container.clone(), value.get_untracked().trim().to_string()));
                }
            };
            view! {
                <DialogFrame title title_id on_close=Callback::new(move |_| target.set(None))>
                        <p>{text}</p>
                        <form class="dialog-form" novalidate=true on:submit=submit>
                            <label for=input_id.clone()>{label}</label>
                            <input
                                id=input_id
                                type="text"
                                autofocus=true
                                autocomplete="off"
                                spellcheck="false"
                                aria-invalid=move || error().is_some().then_some("true")
                                aria-describedby=move || error().is_some().then(|| described.clone())
                                prop:value=move || value.get()
                                on:input=move |ev| value.set(event_target_value(&ev))
                            />
                            {move || error().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
                            <div class="dialog-actions">
                                <button type="button" class="cancel" on:click=move |_| target.set(None)>"Cancel"</button>
                                <button type="submit" class="primary" disabled=move || error().is_some()>{confirm}</button>
                            </div>
                        </form>
                </DialogFrame>
            }
        })
    }
}

/// The rename dialog: open while `target` holds `(container, the name to start from)`.
#[component]
pub fn RenameDialog(
    /// The container to rename and the field's first value; `None` keeps the dialog closed.
    target: RwSignal<Option<(String, String)>>,
    /// Runs with `(container, new name)` once confirmed.
    on_rename: Callback<(String, String)>,
) -> impl IntoView {
    view! {
        <FieldDialog
            target
            id="rename"
            title="Rename container"
            describe=|name| format!("Give container '{name}' a new name. Its id, configuration and state stay as they are.")
            label="Name"
            check=validate_container_name
            confirm="Rename"
            on_confirm=on_rename
        />
    }
}

/// The sentence of the recreate dialog: what happens to the container and what is kept.
pub fn recreate_question(name: &str) -> String {
    format!(
        "Container '{name}' will be replaced by a new container with the same configuration (command, \
         environment, ports, volumes, networks, restart policy, labels) made from the image below. It keeps \
         its name and runs again if it runs now; data in its anonymous volumes is not carried over. If \
         anything fails, the old container stays as it was."
    )
}

/// The recreate dialog: open while `target` holds `(container, current image)`.
#[component]
pub fn RecreateDialog(
    /// The container and its image; `None` keeps the dialog closed.
    target: RwSignal<Option<(String, String)>>,
    /// Runs with `(container, image)` once confirmed.
    on_recreate: Callback<(String, String)>,
) -> impl IntoView {
    view! {
        <FieldDialog
            target
            id="recreate"
            title="Recreate container"
            describe=recreate_question
            label="Image"
            check=validate_image_reference
            confirm="Recreate"
            on_confirm=on_recreate
        />
    }
}
