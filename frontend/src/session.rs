//! Who is signed in: the token pair and the `Me` the server gave with it,
//! kept in `sessionStorage` so that a reload keeps the session while another
//! tab (or a closed one) does not share it.
//!
//! [`Auth`] is the one handle the components and the API calls share (through
//! the Leptos context). Everything outside this module changes the session
//! only through it, so the page and the storage never disagree.

use cascade_api_types::{Me, TokenResponse};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The `sessionStorage` key. Bump the suffix if [`Session`]'s shape changes:
/// an entry that no longer parses is dropped, which signs the person out.
pub const STORAGE_KEY: &str = "cascade.session.v1";

/// A signed-in session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub me: Me,
}

// Tokens never reach a log or a panic message.
impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("me", &self.me).finish_non_exhaustive()
    }
}

impl From<TokenResponse> for Session {
    fn from(tokens: TokenResponse) -> Self {
        Session { access_token: tokens.access_token, refresh_token: tokens.refresh_token, me: tokens.me }
    }
}

impl Session {
    pub fn to_json(&self) -> String {
        // A struct of strings and numbers always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored session, or `None` for anything unreadable (another
    /// version's shape, a hand-edited value).
    pub fn from_json(json: &str) -> Option<Session> {
        crate::json::from_json::<Session>(json).ok().filter(|s| !s.access_token.is_empty() && !s.refresh_token.is_empty())
    }
}

/// Why the person is looking at the sign-in page again, shown above the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedOutBecause {
    /// They pressed sign out: nothing to explain.
    SignedOut,
    /// The refresh token was refused (expired, reused or revoked).
    Expired,
}

/// The shared session handle. `Copy`, so closures take it freely.
#[derive(Clone, Copy)]
pub struct Auth {
    session: RwSignal<Option<Session>>,
    reason: RwSignal<Option<SignedOutBecause>>,
}

impl Auth {
    /// Starts from the session stored by an earlier page load of this tab.
    pub fn restore() -> Self {
        Auth { session: RwSignal::new(storage::load()), reason: RwSignal::new(None) }
    }

    pub fn provide(self) {
        provide_context(self);
    }

    /// The handle provided by the app root.
    pub fn expect() -> Self {
        expect_context::<Auth>()
    }

    /// Reactive: whether someone is signed in. Token refreshes do not change
    /// it, so pages keyed on it are not rebuilt by a refresh.
    pub fn is_signed_in(&self) -> bool {
        self.session.with(Option::is_some)
    }

    /// Reactive: who is signed in.
    pub fn me(&self) -> Option<Me> {
        self.session.with(|s| s.as_ref().map(|s| s.me.clone()))
    }

    /// The current session, without subscribing: API calls read it inside
    /// resources, which must not refetch whenever a token rotates.
    pub fn current(&self) -> Option<Session> {
        self.session.get_untracked()
    }

    /// Reactive: why the sign-in page is showing, if there is something to say.
    pub fn signed_out_because(&self) -> Option<SignedOutBecause> {
        self.reason.get()
    }

    /// A new session (sign-in) or a rotated one (refresh).
    pub fn set(&self, session: Session) {
        storage::save(&session);
        self.reason.set(None);
        self.session.set(Some(session));
    }

    /// Updates who the caller is (after `/auth/me`): their role or name may
    /// have changed since the stored session began. Ignored if someone else
    /// has signed in meanwhile.
    pub fn update_me(&self, me: Me) {
        let Some(mut session) = self.current() else { return };
        if session.me.user_id != me.user_id || session.me == me {
            return;
        }
        session.me = me;
        self.set(session);
    }

    /// Forgets the session here (the server side is the caller's business).
    pub fn clear(&self, because: SignedOutBecause) {
        storage::clear();
        self.reason.set(Some(because));
        self.session.set(None);
    }
}

/// `sessionStorage` access. A browser that refuses storage (private mode
/// quirks, disabled cookies) still works: the session then lasts until reload.
mod storage {
    use super::{Session, STORAGE_KEY};

    fn session_storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok().flatten()
    }

    pub fn load() -> Option<Session> {
        let storage = session_storage()?;
        let json = storage.get_item(STORAGE_KEY).ok().flatten()?;
        let session = Session::from_json(&json);
        if session.is_none() {
            let _ = storage.remove_item(STORAGE_KEY);
        }
        session
    }

    pub fn save(session: &Session) {
        if let Some(storage) = session_storage() {
            let _ = storage.set_item(STORAGE_KEY, &session.to_json());
        }
    }

    pub fn clear() {
        if let Some(storage) = session_storage() {
            let _ = storage.remove_item(STORAGE_KEY);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> Me {
        serde_json::from_value(serde_json::json!({
            "user_id": 1,
            "username": "hq.ceo",
            "display_name": "王敏",
            "role": "hq",
            "unit_id": 1,
            "unit_code": "HQ",
            "rep_id": null,
            "permissions": ["customers.read"],
        }))
        .unwrap()
    }

    #[test]
    fn a_session_survives_storage() {
        let session = Session { access_token: "a".into(), refresh_token: "r".into(), me: me() };
        assert_eq!(Session::from_json(&session.to_json()), Some(session));
    }

    #[test]
    fn unreadable_or_empty_entries_are_no_session() {
        assert_eq!(Session::from_json(""), None);
        assert_eq!(Session::from_json("{}"), None);
        assert_eq!(Session::from_json(r#"{"access_token":"a","refresh_token":"r"}"#), None);
        let empty = Session { access_token: String::new(), refresh_token: "r".into(), me: me() };
        assert_eq!(Session::from_json(&empty.to_json()), None);
    }

    #[test]
    fn debug_output_hides_the_tokens() {
        let session = Session { access_token: "secret-a".into(), refresh_token: "secret-r".into(), me: me() };
        let shown = format!("{session:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("hq.ceo"));
    }

    #[test]
    fn a_token_response_becomes_a_session() {
        let tokens = TokenResponse {
            access_token: "a".into(),
            token_type: "Bearer".into(),
            expires_in: 900,
            refresh_token: "r".into(),
            refresh_expires_in: 86_400,
            me: me(),
        };
        let session = Session::from(tokens);
        assert_eq!((session.access_token.as_str(), session.refresh_token.as_str()), ("a", "r"));
        assert_eq!(session.me.username, "hq.ceo");
    }
}
