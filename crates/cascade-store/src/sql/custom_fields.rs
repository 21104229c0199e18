//! Custom field definitions. Deleting one also clears its values from every
//! row of its kind, in the same transaction.

use async_trait::async_trait;
use cascade_api_types::{CustomEntity, CustomField, CustomFieldPatch, CustomFieldType, NewCustomField};
use chrono::{DateTime, Utc};

use super::{now, word, SqlStore};
use crate::error::on_write;
use crate::{CustomFieldStore, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    entity: String,
    key: String,
    label_zh: String,
    label_en: String,
    field_type: String,
    required: bool,
    choices: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn into_api(self) -> StoreResult<CustomField> {
        Ok(CustomField {
            id: self.id,
            entity: word(&self.entity, |e| CustomEntity::parse(e).ok_or(()), "custom field entity")?,
            key: self.key,
            label_zh: self.label_zh,
            label_en: self.label_en,
            field_type: word(&self.field_type, |t| CustomFieldType::parse(t).ok_or(()), "custom field type")?,
            required: self.required,
            choices: serde_json::from_str(&self.choices).map_err(|e| StoreError::Corrupt(format!("choices: {e}")))?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const SELECT: &str =
    "SELECT id, entity, key, label_zh, label_en, field_type, required, choices, created_at, updated_at FROM custom_fields";

fn table_of(entity: CustomEntity) -> &'static str {
    match entity {
        CustomEntity::Customer => "customers",
        CustomEntity::Rep => "reps",
        CustomEntity::Opportunity => "opportunities",
    }
}

#[async_trait]
impl CustomFieldStore for SqlStore {
    async fn list_custom_fields(&self, entity: Option<CustomEntity>) -> StoreResult<Vec<CustomField>> {
        let rows: Vec<Row> = match entity {
            Some(e) => {
                sqlx::query_as(&format!("{SELECT} WHERE entity = $1 ORDER BY entity, key"))
                    .bind(e.as_str())
                    .fetch_all(&self.pool)
                    .await?
            }
            None => sqlx::query_as(&format!("{SELECT} ORDER BY entity, key")).fetch_all(&self.pool).await?,
        };
        rows.into_iter().map(Row::into_api).collect()
    }

    async fn get_custom_field(&self, id: i64) -> StoreResult<CustomField> {
        let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(&self.pool).await?;
        row.ok_or(StoreError::not_found("custom field"))?.into_api()
    }

    async fn create_custom_field(&self, new: &NewCustomField) -> StoreResult<CustomField> {
        if !crate::is_custom_key(&new.key) {
            return Err(StoreError::invalid("key", "must be 1–40 of a-z, 0-9 and _, starting with a letter"));
        }
        let ts = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO custom_fields (entity, key, label_zh, label_en, field_type, required, choices, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(new.entity.as_str())
        .bind(&new.key)
        .bind(&new.label_zh)
        .bind(&new.label_en)
        .bind(new.field_type.as_str())
        .bind(new.required)
        .bind(serde_json::to_string(&new.choices).unwrap_or_else(|_| "[]".to_owned()))
        .bind(ts)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| on_write(e, "key", "entity"))?;
        self.get_custom_field(id).await
    }

    async fn update_custom_field(&self, id: i64, patch: &CustomFieldPatch) -> StoreResult<CustomField> {
        let cur = self.get_custom_field(id).await?;
        sqlx::query(
            "UPDATE custom_fields SET label_zh = $1, label_en = $2, required = $3, choices = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(patch.label_zh.as_ref().unwrap_or(&cur.label_zh))
        .bind(patch.label_en.as_ref().unwrap_or(&cur.label_en))
        .bind(patch.required.unwrap_or(cur.required))
        .bind(serde_json::to_string(patch.choices.as_ref().unwrap_or(&cur.choices)).unwrap_or_else(|_| "[]".to_owned()))
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.get_custom_field(id).await
    }

    async fn delete_custom_field(&self, id: i64) -> StoreResult<CustomField> {
        let cur = self.get_custom_field(id).await?;
        let table = table_of(cur.entity);
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        // The key was checked when the field was made; it is part of a JSON path, not a value.
        sqlx::query(&format!("UPDATE {table} SET custom = {}", super::super::json_without("custom", &cur.key)))
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM custom_fields WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(cur)
    }

    async fn count_custom_values(&self, entity: CustomEntity, key: &str, value: Option<&str>) -> StoreResult<i64> {
        if !crate::is_custom_key(key) {
            return Err(StoreError::invalid("key", "is not a custom field key"));
        }
        let text = super::super::json_text("custom", key);
        let table = table_of(entity);
        let n: i64 = match value {
            Some(v) => {
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {text} = $1"))
                    .bind(v)
                    .fetch_one(&self.pool)
                    .await?
            }
            None => {
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {text} IS NOT NULL"))
                    .fetch_one(&self.pool)
                    .await?
            }
        };
        Ok(n)
    }
}
