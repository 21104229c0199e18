//! Runs of scheduled jobs: one row per run, unique by slot key.

use std::collections::BTreeMap;

use async_trait::async_trait;
use cascade_api_types::{JobOutcome, JobRun, JobTrigger};
use chrono::{DateTime, NaiveDateTime, Utc};

use super::{now, word, SqlStore};
use crate::{JobStore, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    job: String,
    slot: Option<NaiveDateTime>,
    trigger: String,
    started_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
    counts: String,
    error: Option<String>,
}

impl Row {
    fn into_api(self) -> StoreResult<JobRun> {
        let trigger = |t: &str| JobTrigger::parse(t).ok_or(());
        let outcome = |o: &str| JobOutcome::parse(o).ok_or(());
        Ok(JobRun {
            id: self.id,
            job: self.job,
            slot: self.slot,
            trigger: word(&self.trigger, trigger, "job trigger")?,
            started_at: self.started_at,
            finished_at: self.finished_at,
            outcome: self.outcome.as_deref().map(|o| word(o, outcome, "job outcome")).transpose()?,
            counts: serde_json::from_str(&self.counts)
                .map_err(|e| StoreError::Corrupt(format!("job counts {:?}: {e}", self.counts)))?,
            error: self.error,
        })
    }
}

const SELECT: &str = "SELECT id, job, slot, trigger, started_at, finished_at, outcome, counts, error FROM job_runs";

impl SqlStore {
    async fn get_job_run(&self, id: i64) -> StoreResult<JobRun> {
        let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(&self.pool).await?;
        row.ok_or(StoreError::NotFound { entity: "job run" })?.into_api()
    }
}

#[async_trait]
impl JobStore for SqlStore {
    async fn claim_job_run(
        &self,
        job: &str,
        slot_key: &str,
        slot: Option<NaiveDateTime>,
        trigger: JobTrigger,
    ) -> StoreResult<Option<JobRun>> {
        // `ON CONFLICT DO NOTHING` on the unique key: of two servers claiming
        // one slot at once, exactly one gets a row back.
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO job_runs (job, slot_key, slot, trigger, started_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (slot_key) DO NOTHING RETURNING id",
        )
        .bind(job)
        .bind(slot_key)
        .bind(slot)
        .bind(trigger.as_str())
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => self.get_job_run(id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn finish_job_run(
        &self,
        id: i64,
        outcome: JobOutcome,
        counts: &BTreeMap<String, u64>,
        error: Option<&str>,
    ) -> StoreResult<JobRun> {
        let counts = serde_json::to_string(counts).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let done = sqlx::query("UPDATE job_runs SET finished_at = $1, outcome = $2, counts = $3, error = $4 WHERE id = $5")
            .bind(now())
            .bind(outcome.as_str())
            .bind(counts)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { entity: "job run" });
        }
        self.get_job_run(id).await
    }

    async fn last_job_slot(&self, job: &str) -> StoreResult<Option<NaiveDateTime>> {
        Ok(sqlx::query_scalar("SELECT MAX(slot) FROM job_runs WHERE job = $1 AND trigger = 'schedule'")
            .bind(job)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn list_job_runs(&self, job: Option<&str>, limit: u32) -> StoreResult<Vec<JobRun>> {
        let limit = i64::from(limit);
        let rows: Vec<Row> = match job {
            Some(job) => {
                sqlx::query_as(&format!("{SELECT} WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT $2"))
                    .bind(job)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query_as(&format!("{SELECT} ORDER BY started_at DESC, id DESC LIMIT $1"))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.into_iter().map(Row::into_api).collect()
    }
}
