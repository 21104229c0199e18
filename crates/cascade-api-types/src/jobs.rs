//! Runs of scheduled jobs and of jobs started by hand.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobTrigger {
    /// Its schedule, for one slot.
    Schedule,
    /// Someone, by hand (`cascade jobs run …`).
    Manual,
}

impl JobTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            JobTrigger::Schedule => "schedule",
            JobTrigger::Manual => "manual",
        }
    }

    pub fn parse(text: &str) -> Option<JobTrigger> {
        [JobTrigger::Schedule, JobTrigger::Manual].into_iter().find(|t| t.as_str() == text)
    }
}

/// How a finished run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobOutcome {
    Succeeded,
    Failed,
}

impl JobOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            JobOutcome::Succeeded => "succeeded",
            JobOutcome::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<JobOutcome> {
        [JobOutcome::Succeeded, JobOutcome::Failed].into_iter().find(|o| o.as_str() == text)
    }
}

/// One run of a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobRun {
    pub id: i64,
    pub job: String,
    /// The scheduled slot in the company's local time; absent for a run by hand.
    pub slot: Option<NaiveDateTime>,
    pub trigger: JobTrigger,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub started_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::strict::opt_timestamp")]
    pub finished_at: Option<DateTime<Utc>>,
    /// Absent while the run is going.
    pub outcome: Option<JobOutcome>,
    /// What the run counted (`customers`, `alerts_opened`, …).
    pub counts: BTreeMap<String, u64>,
    /// Why a failed run failed.
    pub error: Option<String>,
}
