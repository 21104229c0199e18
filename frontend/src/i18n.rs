//! The app's two languages: Chinese by default, English by a switch that is
//! remembered in `localStorage` (it outlives the session, unlike the tokens).
//!
//! Every word a view shows is a [`T`] from `catalogue`, read through the
//! [`Locale`] in the Leptos context, so switching redraws every label at
//! once without a reload.

use std::cell::Cell;

use leptos::prelude::*;

/// The `localStorage` key of the chosen language.
pub const STORAGE_KEY: &str = "cascade.lang";

/// The two languages, as the server's explanations know them.
pub use cascade_core::explain::Lang;

/// The language the app starts in when nothing was chosen.
pub const DEFAULT: Lang = Lang::Zh;

/// The other language: what the switch offers.
pub fn other(lang: Lang) -> Lang {
    match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    }
}

/// One text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct T {
    pub zh: &'static str,
    pub en: &'static str,
}

impl T {
    pub const fn new(zh: &'static str, en: &'static str) -> T {
        T { zh, en }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

thread_local! {
    /// The language in force, for code outside the reactive tree (API calls
    /// send it as `Accept-Language`). WASM runs one thread.
    static CURRENT: Cell<Lang> = const { Cell::new(DEFAULT) };
}

/// The language in force, read outside the reactive tree.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// The language in force, shared through the context. `Copy`, like `Auth`.
#[derive(Clone, Copy)]
pub struct Locale(RwSignal<Lang>);

impl Locale {
    /// The language chosen earlier in this browser, else Chinese.
    pub fn restore() -> Self {
        let lang = storage::load().as_deref().and_then(Lang::from_tag).unwrap_or(DEFAULT);
        page_lang(lang);
        CURRENT.with(|c| c.set(lang));
        Locale(RwSignal::new(lang))
    }

    pub fn provide(self) {
        provide_context(self);
    }

    pub fn expect() -> Self {
        expect_context::<Locale>()
    }

    /// Reactive: the language in force.
    pub fn lang(self) -> Lang {
        self.0.get()
    }

    pub fn set(self, lang: Lang) {
        storage::save(lang.tag());
        page_lang(lang);
        CURRENT.with(|c| c.set(lang));
        self.0.set(lang);
    }

    /// Reactive: `text` in the language in force.
    pub fn t(self, text: T) -> &'static str {
        text.get(self.lang())
    }
}

/// A view child that follows the language: `{tr(catalogue::SIGN_OUT)}`.
pub fn tr(text: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = Locale::expect();
    move || locale.t(text)
}

/// The page's `lang` attribute, so screen readers pronounce and browsers
/// pick fonts for the language shown.
fn page_lang(lang: Lang) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// `localStorage` access; without storage the choice lasts until reload.
mod storage {
    use super::STORAGE_KEY;

    fn local_storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn load() -> Option<String> {
        local_storage()?.get_item(STORAGE_KEY).ok().flatten()
    }

    pub fn save(tag: &str) {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(STORAGE_KEY, tag);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_the_default_and_the_switch_offers_the_other() {
        assert_eq!(DEFAULT, Lang::Zh);
        assert_eq!(other(Lang::Zh), Lang::En);
        assert_eq!(other(Lang::En), Lang::Zh);
        assert_eq!(Lang::from_tag(Lang::En.tag()), Some(Lang::En));
        let t = T::new("计划", "Plans");
        assert_eq!((t.get(Lang::Zh), t.get(Lang::En)), ("计划", "Plans"));
    }
}
