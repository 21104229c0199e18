//! The closed vocabularies of the sales domain: rep status, capability rating,
//! a customer's procurement stage and an opportunity's funnel stage.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: {allowed}")]
pub struct StageError {
    pub allowed: &'static str,
}

macro_rules! vocabulary {
    // `$text` is a `tt`, not a `literal`: a `literal` fragment reaches derive
    // macros wrapped in an invisible group, and utoipa's derive then misses
    // the `rename` and publishes the Rust variant names.
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const ALLOWED: &'static str = concat!($($text, " "),+);

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Result<Self, StageError> {
                match text.trim() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(StageError { allowed: Self::ALLOWED.trim_end() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = StageError;
            fn from_str(s: &str) -> Result<Self, Self::Err> { $name::parse(s) }
        }
    };
}
pub(crate) use vocabulary;

vocabulary!(
    /// Employment status of a rep; `on_leave` and `departed` carry an effective date.
    RepStatus { Active => "active", OnLeave => "on_leave", Departed => "departed" }
);

vocabulary!(
    /// Capability rating (能力评级) given by the rep's manager.
    CapabilityRating { A => "A", B => "B", C => "C" }
);

vocabulary!(
    /// Where a customer (hospital) stands in buying, in order (§3.1 of the domain spec).
    ProcurementStage {
        NotEngaged => "not_engaged",
        InContact => "in_contact",
        InHospital => "in_hospital",
        PendingTender => "pending_tender",
        ContractApproval => "contract_approval",
        Won => "won",
        Lost => "lost",
    }
);

vocabulary!(
    /// An opportunity's funnel stage: lead → quote → contract → payment, or lost.
    FunnelStage { Lead => "lead", Quote => "quote", Contract => "contract", Payment => "payment", Lost => "lost" }
);

impl ProcurementStage {
    /// Position in the ordered list; `lost` sits outside the order.
    pub fn rank(self) -> Option<u8> {
        match self {
            ProcurementStage::Lost => None,
            other => Some(other as u8),
        }
    }
}

impl FunnelStage {
    /// Default probability that a deal at this stage closes (domain spec §2).
    pub fn default_probability(self) -> Decimal {
        match self {
            FunnelStage::Lead => Decimal::new(1, 1),
            FunnelStage::Quote => Decimal::new(3, 1),
            FunnelStage::Contract => Decimal::new(7, 1),
            FunnelStage::Payment => Decimal::ONE,
            FunnelStage::Lost => Decimal::ZERO,
        }
    }

    /// An opportunity is open until it is paid or lost.
    pub fn is_open(self) -> bool {
        !matches!(self, FunnelStage::Payment | FunnelStage::Lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_word() {
        for s in ProcurementStage::ALL {
            assert_eq!(ProcurementStage::parse(s.as_str()).unwrap(), *s);
        }
        for s in FunnelStage::ALL {
            assert_eq!(s.as_str().parse::<FunnelStage>().unwrap(), *s);
        }
    }

    #[test]
    fn serde_uses_the_same_words() {
        assert_eq!(serde_json::to_string(&CapabilityRating::A).unwrap(), "\"A\"");
        assert_eq!(serde_json::from_str::<RepStatus>("\"on_leave\"").unwrap(), RepStatus::OnLeave);
        assert_eq!(serde_json::to_string(&ProcurementStage::ContractApproval).unwrap(), "\"contract_approval\"");
    }

    #[test]
    fn error_lists_the_allowed_words() {
        let e = RepStatus::parse("gone").unwrap_err();
        assert_eq!(e.to_string(), "must be one of: active on_leave departed");
    }

    #[test]
    fn stage_order_follows_the_spec() {
        assert!(ProcurementStage::NotEngaged.rank() < ProcurementStage::Won.rank());
        assert_eq!(ProcurementStage::Lost.rank(), None);
        assert_eq!(FunnelStage::Contract.default_probability(), Decimal::new(7, 1));
        assert!(!FunnelStage::Payment.is_open());
    }
}
