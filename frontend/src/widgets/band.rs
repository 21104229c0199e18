//! A target inside its band: a slider and an input in yuan that cannot
//! leave it. The band is the plan's (suggestion ± band %); the values a
//! manager may save are its whole rounding units, so the range shown is
//! the band rounded inwards to them, exactly as the server checks it.

use cascade_core::Money;
use leptos::prelude::*;

use crate::i18n::{tr, Locale};
use crate::{catalogue, display};

/// The values a line may take: multiples of `unit` from `min` to `max`, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    pub min: i64,
    pub max: i64,
    pub unit: i64,
}

/// Why a typed amount cannot be saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    Empty,
    NotANumber,
    TooPrecise,
    NotWhole { unit: i64 },
    Outside { min: i64, max: i64 },
}

impl Band {
    /// The band `band_min`–`band_max` (fen) in whole `unit`s, rounded
    /// inwards so that every value it allows is inside the band.
    pub fn new(band_min: i64, band_max: i64, unit: i64) -> Band {
        let unit = unit.max(1);
        let min = band_min.div_euclid(unit) * unit + if band_min.rem_euclid(unit) == 0 { 0 } else { unit };
        let max = band_max.div_euclid(unit) * unit;
        Band { min, max, unit }
    }

    /// Reads what a person typed: yuan with at most two decimals; spaces,
    /// a currency sign and thousands separators (`,` or `，`) are ignored.
    pub fn parse(&self, text: &str) -> Result<i64, AmountError> {
        let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}' | '¥' | '￥')).collect();
        if cleaned.is_empty() {
            return Err(AmountError::Empty);
        }
        let fen = match Money::parse_str(&cleaned) {
            Ok(money) => money.fen(),
            Err(cascade_core::MoneyError::TooPrecise) => return Err(AmountError::TooPrecise),
            Err(_) => return Err(AmountError::NotANumber),
        };
        self.check(fen).map(|()| fen)
    }

    pub fn check(&self, fen: i64) -> Result<(), AmountError> {
        if fen % self.unit != 0 {
            return Err(AmountError::NotWhole { unit: self.unit });
        }
        if fen < self.min || fen > self.max {
            return Err(AmountError::Outside { min: self.min, max: self.max });
        }
        Ok(())
    }

    /// `fen` moved into the band (the slider's position for any input).
    pub fn clamp(&self, fen: i64) -> i64 {
        fen.clamp(self.min, self.max.max(self.min))
    }
}

/// Fen as the plain yuan an input holds: "4560000" or "4560000.50".
pub fn input_text(fen: i64) -> String {
    Money::from_fen(fen).to_string().trim_end_matches(".00").to_owned()
}

/// The slider and the input of one amount. `text` is what the person
/// typed (kept as typed, so nothing is lost on a refused value); the
/// slider writes whole units into it. `server` is the server's reason when
/// it refused the value anyway.
#[component]
pub fn BandInput(
    band: Band,
    band_percent: String,
    text: RwSignal<String>,
    #[prop(into)] server: Signal<Option<String>>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let locale = Locale::expect();
    let parsed = Memo::new(move |_| text.with(|t| band.parse(t)));
    let slider = move || {
        let fen = text.with(|t| Money::parse_str(&t.replace([',', '，', ' '], "")).map(|m| m.fen()).unwrap_or(band.min));
        input_text(band.clamp(fen - fen.rem_euclid(band.unit)))
    };
    let local = move || parsed.get().err().map(|e| catalogue::amount_error(e, locale.lang()));
    let message = move || local().or_else(|| server.get());
    let range = format!("{} – {} (±{band_percent})", display::yuan(band.min), display::yuan(band.max));
    view! {
        <div class="band-input">
            <p class="band-range" id="band-range" data-testid="band-range" data-min=band.min data-max=band.max data-unit=band.unit>
                {tr(catalogue::BAND)} " " {range.clone()} " · " {tr(catalogue::ROUNDING_UNIT)} " " {display::yuan(band.unit)}
            </p>
            <input
                type="range"
                class="band-slider"
                data-testid="band-slider"
                min=input_text(band.min)
                max=input_text(band.max)
                step=input_text(band.unit)
                prop:value=slider
                aria-label=move || locale.t(catalogue::BAND_SLIDER)
                aria-describedby="band-range"
                aria-valuetext=move || parsed.get().map(display::yuan).unwrap_or_default()
                disabled=move || disabled.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <label class="field">
                <span>{tr(catalogue::NEW_FINAL)}</span>
                <input
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    data-testid="band-amount"
                    prop:value=move || text.get()
                    aria-invalid=move || message().is_some().to_string()
                    aria-describedby="band-range band-error"
                    disabled=move || disabled.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                />
            </label>
            <p class="field-error" id="band-error" role="alert" data-testid="band-error">{message}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 广东: suggested ¥4,000,000.00 ± 15 %, in units of ¥100.
    fn guangdong() -> Band {
        Band::new(340_000_000, 460_000_000, 10_000)
    }

    #[test]
    fn the_band_is_rounded_inwards_to_whole_units() {
        assert_eq!(Band::new(340_000_050, 459_999_950, 10_000), Band { min: 340_010_000, max: 459_990_000, unit: 10_000 });
        assert_eq!(guangdong(), Band { min: 340_000_000, max: 460_000_000, unit: 10_000 });
    }

    #[test]
    fn typed_amounts_are_read_in_yuan_with_separators_ignored() {
        let band = guangdong();
        assert_eq!(band.parse("4,560,000"), Ok(456_000_000));
        assert_eq!(band.parse(" ¥4 560 000.00 "), Ok(456_000_000));
        assert_eq!(band.parse("４"), Err(AmountError::NotANumber));
        assert_eq!(band.parse(""), Err(AmountError::Empty));
        assert_eq!(band.parse("4560000.005"), Err(AmountError::TooPrecise));
        assert_eq!(band.parse("4560050"), Err(AmountError::NotWhole { unit: 10_000 }));
    }

    #[test]
    fn nothing_outside_the_band_is_accepted() {
        let band = guangdong();
        assert_eq!(band.parse("3400000"), Ok(340_000_000));
        assert_eq!(band.parse("4600000"), Ok(460_000_000));
        assert_eq!(band.parse("4600100"), Err(AmountError::Outside { min: 340_000_000, max: 460_000_000 }));
        assert_eq!(band.parse("3399900"), Err(AmountError::Outside { min: 340_000_000, max: 460_000_000 }));
        assert_eq!(band.parse("-100"), Err(AmountError::Outside { min: 340_000_000, max: 460_000_000 }));
        assert_eq!(band.clamp(999_999_999_999), 460_000_000);
    }

    #[test]
    fn inputs_hold_plain_yuan() {
        assert_eq!(input_text(456_000_000), "4560000");
        assert_eq!(input_text(456_000_050), "4560000.50");
        assert_eq!(input_text(0), "0");
    }
}
