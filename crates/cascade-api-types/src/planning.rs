//! Target plans (domain spec §2–3): a unit's target for a period split over
//! its children by the three-factor model, adjusted within a band, approved,
//! and recalibrated in the period; and the metrics built on them.

use std::collections::BTreeMap;

use cascade_core::{Money, Period};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::common::page;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being prepared by the unit's manager.
    Draft,
    /// Waiting for the parent's approval; lines are frozen.
    Submitted,
    /// Locked; child plans can be made from its lines. Only calibration and
    /// relief change it now, each as a new revision.
    Approved,
    /// Sent back with a comment; editable again.
    Returned,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Submitted => "submitted",
            PlanStatus::Approved => "approved",
            PlanStatus::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [PlanStatus::Draft, PlanStatus::Submitted, PlanStatus::Approved, PlanStatus::Returned]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    /// Lines may be generated, adjusted and rebalanced.
    pub fn is_editable(self) -> bool {
        matches!(self, PlanStatus::Draft | PlanStatus::Returned)
    }
}

/// What a plan's lines are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChildKind {
    /// The unit's child units (HQ → regions → provinces).
    Unit,
    /// The unit's reps (a unit without child units).
    Rep,
}

impl ChildKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChildKind::Unit => "unit",
            ChildKind::Rep => "rep",
        }
    }
}

/// Factor weights in percent: each ≥ 0, summing to exactly 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanWeights {
    /// Market potential (default 50).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "50"))]
    pub market: Decimal,
    /// Staffing strength (default 30).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "30"))]
    pub staffing: Decimal,
    /// Strategic priority (default 20).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "20"))]
    pub priority: Decimal,
}

/// Factor weights a client sets, in percent: each a decimal string from
/// "0" to "100" with at most four decimals, summing to exactly 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPlanWeights {
    /// Market potential (default 50).
    #[serde(deserialize_with = "crate::strict::percent")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::percent, example = "50"))]
    pub market: Decimal,
    /// Staffing strength (default 30).
    #[serde(deserialize_with = "crate::strict::percent")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::percent, example = "30"))]
    pub staffing: Decimal,
    /// Strategic priority (default 20).
    #[serde(deserialize_with = "crate::strict::percent")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::percent, example = "20"))]
    pub priority: Decimal,
}

impl From<NewPlanWeights> for PlanWeights {
    fn from(w: NewPlanWeights) -> Self {
        PlanWeights { market: w.market, staffing: w.staffing, priority: w.priority }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub period: Period,
    /// A plan for one product line; absent for all lines together.
    pub product_line_id: Option<i64>,
    /// The parent plan and its line this plan splits; absent for a top plan.
    pub parent_plan_id: Option<i64>,
    pub parent_line_id: Option<i64>,
    pub child_kind: ChildKind,
    /// The target to split: a multiple of `rounding_unit`.
    pub total: Money,
    pub weights: PlanWeights,
    /// History's part of market potential, percent (the rest is pipeline).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "60"))]
    pub history_percent: Decimal,
    /// How far a manager may move a line from its suggestion, percent.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "15"))]
    pub band_percent: Decimal,
    pub rounding_unit: Money,
    /// Funnel-stage probabilities overriding the defaults (lead 0.1, quote
    /// 0.3, contract 0.7, payment 1.0).
    #[cfg_attr(feature = "openapi", schema(value_type = Object, additional_properties))]
    pub probabilities: BTreeMap<String, Decimal>,
    pub status: PlanStatus,
    /// The approver's comment when returned.
    pub comment: Option<String>,
    /// The weights the last generation actually used after handing on the
    /// weight of factors that were zero for every child.
    pub weights_used: Option<PlanWeights>,
    /// Factors that were zero for every child at the last generation.
    pub ignored_factors: Vec<String>,
    /// Every factor was zero: the total was split evenly.
    pub even_split: bool,
    pub lines: u64,
    /// Σ of the lines' final targets.
    pub lines_total: Money,
    /// `total − lines_total`: must be zero to submit.
    pub difference: Money,
    /// Changes with every write to the plan or a line; send it back as `If-Match`.
    pub version: i64,
    /// The number of the latest revision.
    pub revision: i64,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub updated_at: DateTime<Utc>,
}

page!(
    /// A page of plans.
    PlanPage,
    Plan
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"unit_id": 1, "period": "2027-Q1", "total": "120000000.00", "weights": {"market": "50", "staffing": "30", "priority": "20"}, "history_percent": "60", "band_percent": "15", "rounding_unit": "100.00"}))))]
pub struct NewPlan {
    pub unit_id: i64,
    pub period: Period,
    #[serde(default)]
    pub product_line_id: Option<i64>,
    /// Required for a top plan (a unit with no approved parent plan for the
    /// period); a child plan takes its parent line's final target. Not
    /// negative, and a multiple of `rounding_unit`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_non_negative_money))]
    pub total: Option<Money>,
    #[serde(default)]
    pub weights: Option<NewPlanWeights>,
    #[serde(default, deserialize_with = "crate::strict::opt_percent")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_percent))]
    pub history_percent: Option<Decimal>,
    #[serde(default, deserialize_with = "crate::strict::opt_band_percent")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_band_percent))]
    pub band_percent: Option<Decimal>,
    /// Default 100.00 (yuan); more than zero.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_positive_money))]
    pub rounding_unit: Option<Money>,
    #[serde(default, deserialize_with = "crate::strict::opt_probabilities")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_probabilities))]
    pub probabilities: Option<BTreeMap<String, Decimal>>,
}

/// Settings of a draft or returned plan; generate again to apply them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"weights": {"market": "60", "staffing": "25", "priority": "15"}, "band_percent": "10"}))))]
pub struct PlanPatch {
    /// Top plans only: a child plan's total is its parent line's.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_non_negative_money))]
    pub total: Option<Money>,
    #[serde(default)]
    pub weights: Option<NewPlanWeights>,
    #[serde(default, deserialize_with = "crate::strict::opt_percent")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_percent))]
    pub history_percent: Option<Decimal>,
    #[serde(default, deserialize_with = "crate::strict::opt_band_percent")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_band_percent))]
    pub band_percent: Option<Decimal>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_positive_money))]
    pub rounding_unit: Option<Money>,
    #[serde(default, deserialize_with = "crate::strict::opt_probabilities")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_probabilities))]
    pub probabilities: Option<BTreeMap<String, Decimal>>,
}

/// The model's inputs and arithmetic for one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineScores {
    /// Booked revenue of the same period one, two and three years earlier.
    pub history: [Money; 3],
    /// Recency-weighted (3:2:1) history.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub history_score: Decimal,
    /// Σ amount × stage probability of open deals closing in the period.
    pub pipeline: Money,
    /// Σ capability weight of the child's reps (a rep: its own).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub staffing: Decimal,
    /// HQ's promotion-plan points.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub priority: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub history_share: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pipeline_share: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub market_share: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub staffing_share: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub priority_share: Decimal,
    /// Σ weight × share: this line's part of the total.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub composite: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanLine {
    pub id: i64,
    pub plan_id: i64,
    pub child_unit_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub name: String,
    pub suggested: Money,
    /// The target in force: the suggestion, a manager's value, or a
    /// calibrated one.
    #[serde(rename = "final")]
    pub final_target: Money,
    /// The band a manager may move the line within.
    pub band_min: Money,
    pub band_max: Money,
    /// A manager set the final value; rebalance leaves it alone.
    pub pinned: bool,
    /// Why the line differs from its suggestion.
    pub reason: Option<String>,
    /// Free notes (人工备注).
    pub notes: String,
    /// Booked in the period so far (with calibration credits).
    pub achieved: Money,
    /// `achieved ÷ final`, absent when the final is zero.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub attainment: Option<Decimal>,
    /// Absent before the first generation.
    pub scores: Option<LineScores>,
    /// Why the suggestion is what it is, in the response's
    /// `Content-Language`; absent before the first generation.
    pub explanation: Option<cascade_core::explain::Explanation>,
    pub evidence: u64,
    /// Send back as `If-Match` to change the line.
    pub version: i64,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub updated_at: DateTime<Utc>,
}

/// A manager's change to one line. A new final value needs a reason of at
/// least 10 characters and must lie inside the band.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"final": "4560000.00", "reason": "省卫健委集采政策提前落地，广州三甲医院集中换装", "notes": "见12月区域会议纪要"}))))]
pub struct LinePatch {
    #[serde(default, rename = "final")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_non_negative_money))]
    pub final_target: Option<Money>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_reason))]
    pub reason: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_note))]
    pub notes: Option<String>,
    /// HQ's promotion-plan points (≥ 0); applied at the next generation.
    #[serde(default, deserialize_with = "crate::strict::opt_points")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_points))]
    pub priority: Option<Decimal>,
    /// `false` returns the line to its suggestion and lets rebalance move it.
    #[serde(default)]
    pub pinned: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    pub id: i64,
    pub line_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
    /// SHA-256 of the content, hex: equal files are stored once.
    pub sha256: String,
    pub uploaded_by: Option<i64>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"comment": "湖南省区目标偏低，请结合院长审批进度重新评估"}))))]
pub struct ReturnPlan {
    /// Why the plan goes back (at least 10 characters).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::reason))]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanRevision {
    pub number: i64,
    /// `generate`, `adjust`, `rebalance`, `submit`, `approve`, `return`,
    /// `calibration`, `relief`, `parent_relief`.
    pub kind: String,
    pub reason: String,
    /// The calibration event or relief as submitted.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub event: Option<serde_json::Value>,
    pub total: Money,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub at: DateTime<Utc>,
    /// Lines whose suggestion or final value this revision changed.
    pub changed_lines: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineDiff {
    pub line_id: i64,
    pub name: String,
    /// Absent when the line did not exist yet at `from`.
    pub from_final: Option<Money>,
    pub to_final: Option<Money>,
    pub delta: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDiff {
    pub from: i64,
    pub to: i64,
    pub total_from: Money,
    pub total_to: Money,
    /// Only the lines whose final target differs.
    pub lines: Vec<LineDiff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reassignment {
    pub customer_id: i64,
    pub to_rep_id: i64,
}

/// Something that happened in the period (domain spec §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CalibrationEvent {
    /// A rep leaves: every customer they own goes to a named sibling rep
    /// with its open deals; their remaining target follows the customers.
    Departure { rep_id: i64, effective: NaiveDate, reassign: Vec<Reassignment> },
    /// A deal's approval slips out of the period: its expected value leaves
    /// the owner's target and is re-split over the other reps.
    Slip { opportunity_id: i64, new_expected_close: NaiveDate },
    /// Customers move to another rep, with the part of the target they carry.
    Transfer { customer_ids: Vec<i64>, to_rep_id: i64, effective: NaiveDate },
    /// A rep joins the unit; the remaining target is re-split to include them.
    Hire { rep_id: i64 },
}

/// The schema by hand as well, to match the reader: each kind is an object
/// with exactly its fields, told apart by `kind`.
#[cfg(feature = "openapi")]
mod calibration_event_schema {
    use utoipa::openapi::schema::{
        AdditionalProperties, ArrayBuilder, Discriminator, KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
    };
    use utoipa::openapi::{Ref, RefOr};
    use utoipa::{PartialSchema, ToSchema};

    use super::{CalibrationEvent, Reassignment};

    fn kind(name: &str, description: &str, fields: Vec<(&str, RefOr<Schema>)>) -> ObjectBuilder {
        let mut o = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(description))
            .property("kind", ObjectBuilder::new().schema_type(Type::String).enum_values(Some([name])))
            .required("kind")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        for (field, schema) in fields {
            o = o.property(field, schema).required(field);
        }
        o
    }

    fn id() -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::Integer).format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))).into()
    }

    fn date() -> RefOr<Schema> {
        ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))).into()
    }

    impl PartialSchema for CalibrationEvent {
        fn schema() -> RefOr<Schema> {
            let ids = ArrayBuilder::new().items(id()).min_items(Some(1)).unique_items(true).into();
            let reassign = ArrayBuilder::new().items(Ref::from_schema_name("Reassignment")).into();
            OneOfBuilder::new()
                .item(kind(
                    "departure",
                    "A rep leaves (`effective`, a date in the plan's period): every customer they own goes to a named active \
                     rep of the plan with its open deals, and their open deals on colleagues' customers go to those colleagues; \
                     their remaining target follows the customers.",
                    vec![("rep_id", id()), ("effective", date()), ("reassign", reassign)],
                ))
                .item(kind(
                    "slip",
                    "A deal's approval slips out of the period: its expected value leaves the owner's target and is re-split \
                     over the other reps.",
                    vec![("opportunity_id", id()), ("new_expected_close", date())],
                ))
                .item(kind(
                    "transfer",
                    "Customers of one rep move to another active rep of the plan (`effective`, a date in the plan's period), \
                     with the part of the target they carry.",
                    vec![("customer_ids", ids), ("to_rep_id", id()), ("effective", date())],
                ))
                .item(kind(
                    "hire",
                    "A rep joins the unit; the remaining target is re-split to include them.",
                    vec![("rep_id", id())],
                ))
                .discriminator(Some(Discriminator::new("kind")))
                .description(Some("Something that happened in the period (domain spec §3.4)."))
                .into()
        }
    }

    impl ToSchema for CalibrationEvent {
        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            schemas.push((Reassignment::name().into(), Reassignment::schema()));
        }
    }
}

/// Written by hand because serde reads an internally tagged enum through a
/// buffer of its own, where an array would pass for an object again: the
/// event must be an object, and so must every reassignment in it.
impl<'de> Deserialize<'de> for CalibrationEvent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        use serde_json::Value;

        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct DepartureBody {
            rep_id: i64,
            #[serde(deserialize_with = "crate::strict::date")]
            effective: NaiveDate,
            reassign: Vec<Reassignment>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct SlipBody {
            opportunity_id: i64,
            #[serde(deserialize_with = "crate::strict::date")]
            new_expected_close: NaiveDate,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct TransferBody {
            customer_ids: Vec<i64>,
            to_rep_id: i64,
            #[serde(deserialize_with = "crate::strict::date")]
            effective: NaiveDate,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct HireBody {
            rep_id: i64,
        }
        fn body<T: serde::de::DeserializeOwned, E: Error>(rest: serde_json::Map<String, Value>) -> Result<T, E> {
            T::deserialize(crate::strict::ObjectsOnly(Value::Object(rest))).map_err(E::custom)
        }

        let mut map = serde_json::Map::<String, Value>::deserialize(d)?;
        let kind = match map.remove("kind") {
            Some(Value::String(k)) => k,
            Some(_) => return Err(D::Error::custom("`kind` must be one of departure, slip, transfer, hire")),
            None => return Err(D::Error::missing_field("kind")),
        };
        Ok(match kind.as_str() {
            "departure" => {
                let b: DepartureBody = body(map)?;
                CalibrationEvent::Departure { rep_id: b.rep_id, effective: b.effective, reassign: b.reassign }
            }
            "slip" => {
                let b: SlipBody = body(map)?;
                CalibrationEvent::Slip { opportunity_id: b.opportunity_id, new_expected_close: b.new_expected_close }
            }
            "transfer" => {
                let b: TransferBody = body(map)?;
                CalibrationEvent::Transfer { customer_ids: b.customer_ids, to_rep_id: b.to_rep_id, effective: b.effective }
            }
            "hire" => CalibrationEvent::Hire { rep_id: body::<HireBody, _>(map)?.rep_id },
            other => return Err(D::Error::unknown_variant(other, &["departure", "slip", "transfer", "hire"])),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"event": {"kind": "departure", "rep_id": 101, "effective": "2026-12-01", "reassign": [{"customer_id": 2001, "to_rep_id": 102}]}, "reason": "代表离职，客户与剩余目标移交同事"}))))]
pub struct NewCalibration {
    pub event: CalibrationEvent,
    /// At least 10 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::reason))]
    pub reason: String,
}

/// HQ lowers (or raises) one line's target and with it the plan's total and
/// every ancestor plan's total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"line_id": 3021, "delta": "-200000.00", "reason": "医院预算冻结至下季度，总部减免"}))))]
pub struct NewRelief {
    pub line_id: i64,
    /// Change of the line's final target (negative lowers it).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::nonzero_money))]
    pub delta: Money,
    /// At least 10 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::reason))]
    pub reason: String,
}

/// The plan after a calibration or relief, and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalibrationResult {
    pub plan: Plan,
    pub revision: i64,
    pub changes: Vec<LineDiff>,
}

/// Settings to try without saving; absent ones keep the plan's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"weights": {"market": "60", "staffing": "20", "priority": "20"}, "band_percent": "10"}))))]
pub struct WhatIf {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_non_negative_money))]
    pub total: Option<Money>,
    #[serde(default)]
    pub weights: Option<NewPlanWeights>,
    #[serde(default, deserialize_with = "crate::strict::opt_percent")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_percent))]
    pub history_percent: Option<Decimal>,
    #[serde(default, deserialize_with = "crate::strict::opt_band_percent")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_band_percent))]
    pub band_percent: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhatIfLine {
    /// Absent for a child that has no line yet (generate has not run, or
    /// the child is new).
    pub line_id: Option<i64>,
    pub child_unit_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub name: String,
    /// The suggestion stored now.
    pub current_suggested: Money,
    pub suggested: Money,
    /// `suggested − current_suggested`.
    pub delta: Money,
    pub band_min: Money,
    pub band_max: Money,
    /// The current final target, and whether it would still be in the new band.
    #[serde(rename = "final")]
    pub final_target: Money,
    pub final_in_band: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhatIfResult {
    pub total: Money,
    pub weights_used: PlanWeights,
    pub ignored_factors: Vec<String>,
    pub lines: Vec<WhatIfLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttainmentRow {
    /// `unit` or `rep`.
    pub kind: String,
    pub id: i64,
    pub name: String,
    /// The final target: the unit's line in its parent's plan, or for a unit
    /// without one (a group node) the sum of its children's targets.
    pub target: Money,
    pub achieved: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub attainment: Option<Decimal>,
}

/// How unevenly attainment is spread over a unit's children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spread {
    /// Gini coefficient of the children's attainment, 0 (even) to 1.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub gini: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub max: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub min: Option<Decimal>,
    /// `max ÷ min`, absent when the minimum is zero.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub max_over_min: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttainmentReport {
    pub period: Period,
    pub product_line_id: Option<i64>,
    /// The unit asked about, rolled up over its whole subtree.
    pub unit: AttainmentRow,
    /// Its children: sub-units, or reps for a unit without sub-units.
    pub children: Vec<AttainmentRow>,
    pub spread: Spread,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentEntry {
    pub plan_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub revision: i64,
    pub kind: String,
    pub reason: String,
    pub actor: String,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentFrequency {
    pub unit_id: i64,
    /// The quarter the changes were made in.
    pub quarter: Period,
    /// Target changes after approval (calibrations and reliefs) and manager
    /// adjustments, in that quarter, in plans of the unit's subtree.
    pub changes: u64,
    /// Plans of the subtree those changes were spread over.
    pub plans: u64,
    /// `changes ÷ plans`: the seed's pilot moved from 0.7 to 2.3.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub per_plan: Option<Decimal>,
    pub by_kind: BTreeMap<String, u64>,
    pub entries: Vec<AdjustmentEntry>,
}

/// A rep's own target with the explanation in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyTarget {
    pub rep_id: i64,
    pub period: Period,
    pub plan_id: i64,
    pub line_id: i64,
    pub suggested: Money,
    #[serde(rename = "final")]
    pub final_target: Money,
    pub achieved: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub attainment: Option<Decimal>,
    pub plan_status: PlanStatus,
    /// Why the suggestion is what it is (为什么我的目标是这个数), in the
    /// response's `Content-Language`.
    pub explanation: Option<cascade_core::explain::Explanation>,
    /// Why the final target differs from the suggestion, in plain words and
    /// the response's `Content-Language`; absent when it does not.
    pub adjustment: Option<String>,
    /// Every revision of the plan that moved this target, oldest first, with
    /// who made it and why.
    pub history: Vec<TargetChange>,
    /// The rep's own answer to the quarter's fairness survey, once given.
    /// Only the rep sees it: a manager reads answers as unit averages
    /// (`/metrics/fairness`), never one person's.
    pub survey: Option<FairnessScore>,
}

/// One change to a rep's target: a plan revision that moved their line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetChange {
    /// The plan revision's number.
    pub revision: i64,
    /// The revision's kind, as in `PlanRevision.kind`.
    pub kind: String,
    /// The revision's reason as its author wrote it.
    pub reason: String,
    pub actor: String,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub at: DateTime<Utc>,
    /// The final target before; absent for the line's first value.
    pub from_final: Option<Money>,
    pub to_final: Money,
    /// The model's suggestion after the revision.
    pub suggested: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"quarter": "2026-Q4", "score": 8, "comment": "目标有依据，能看懂"}))))]
pub struct NewFairnessScore {
    /// Only when answering for a rep (e.g. from a paper survey); a rep
    /// answers for themselves and leaves it out.
    #[serde(default)]
    pub rep_id: Option<i64>,
    /// A quarter, e.g. `2026-Q3`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::quarter))]
    pub quarter: Period,
    /// 0 (unfair) to 10 (fair).
    #[cfg_attr(feature = "openapi", schema(maximum = 10))]
    pub score: u8,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_note))]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FairnessScore {
    pub id: i64,
    pub rep_id: i64,
    pub quarter: Period,
    pub score: u8,
    pub comment: String,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FairnessGroup {
    pub unit_id: i64,
    pub name: String,
    pub responses: u64,
    /// Reps of the unit who could answer (active in the quarter).
    pub reps: u64,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mean: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FairnessRollup {
    pub quarter: Period,
    pub unit: FairnessGroup,
    /// How many answered 0, 1, … 10.
    pub distribution: Vec<u64>,
    pub children: Vec<FairnessGroup>,
}
