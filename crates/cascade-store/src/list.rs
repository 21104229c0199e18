//! Cursor pagination, filters and sorting for list queries, shared by both
//! dialects. Lists are keyset-paginated on `(sort column, id)`, so a page is
//! one indexed range scan however deep the caller pages, and rows inserted
//! meanwhile never shift or repeat a page.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cascade_api_types::SortOrder;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::StoreError;

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 500;

/// How the caller wants a list cut and ordered.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// Rows per page, 1..=[`MAX_PAGE_SIZE`]; 0 means the default.
    pub limit: u32,
    /// Opaque cursor from the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// One of the resource's sort keys; `id` when absent.
    pub sort: Option<String>,
    pub order: SortOrder,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Arg {
    I64(i64),
    Bool(bool),
    Date(NaiveDate),
    Time(chrono::DateTime<chrono::Utc>),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortType {
    Int,
    Text,
    Date,
}

/// A column a list may be sorted by: its public name, its SQL expression and
/// how its cursor value is typed.
#[derive(Debug, Clone, Copy)]
pub struct SortColumn {
    pub name: &'static str,
    pub(crate) expr: &'static str,
    pub(crate) ty: SortType,
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    /// Sort name and order the cursor was made for.
    s: String,
    o: String,
    v: serde_json::Value,
    i: i64,
}

/// A SQL statement under construction with its arguments.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pub sql: String,
    pub args: Vec<Arg>,
}

impl Query {
    pub fn new(sql: &str) -> Self {
        Query { sql: sql.to_owned(), args: Vec::new() }
    }

    /// Adds an argument and returns its placeholder.
    pub fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    /// Appends ` AND <cond>` where `{}` in `cond` is replaced by the new
    /// argument's placeholder.
    pub fn and(&mut self, cond: &str, a: Arg) {
        let p = self.arg(a);
        self.sql.push_str(" AND ");
        self.sql.push_str(&cond.replace("{}", &p));
    }

    /// Limits the rows to the caller's scope: the unit path (`u` is the
    /// joined unit that places the row) and, for a rep, `own` with the rep's
    /// id (e.g. `c.owner_rep_id = {}`). `own: None` means the row kind has
    /// no owner (org units), so the subtree alone decides.
    pub fn scoped(&mut self, scope: &crate::Scope, own: Option<&str>) {
        self.and("u.path LIKE {}", Arg::Text(scope.like_pattern()));
        if let (Some(rep), Some(own)) = (scope.rep_id(), own) {
            self.and(own, Arg::I64(rep));
        }
    }

    pub fn and_opt<T>(&mut self, cond: &str, v: Option<T>, f: impl FnOnce(T) -> Arg) {
        if let Some(v) = v {
            self.and(cond, f(v));
        }
    }

    /// Case-insensitive substring search over the given expressions.
    pub fn search(&mut self, exprs: &[&str], q: Option<&str>) {
        let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else { return };
        let escaped: String = q
            .to_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let p = self.arg(Arg::Text(format!("%{escaped}%")));
        let ors: Vec<String> = exprs.iter().map(|e| format!("LOWER({e}) LIKE {p} ESCAPE '\\'")).collect();
        self.sql.push_str(&format!(" AND ({})", ors.join(" OR ")));
    }
}

/// The resolved sort and keyset condition of one list call.
pub(crate) struct Keyset {
    pub column: SortColumn,
    pub order: SortOrder,
    pub limit: u32,
}

impl Keyset {
    /// Checks the parameters against the resource's sort columns (the first is
    /// the default) and adds the keyset condition, ORDER BY and LIMIT to `q`.
    pub fn apply(
        q: &mut Query,
        params: &ListParams,
        columns: &[SortColumn],
        id_expr: &'static str,
    ) -> Result<Keyset, StoreError> {
        let limit = match params.limit {
            0 => DEFAULT_PAGE_SIZE,
            n if n > MAX_PAGE_SIZE => return Err(StoreError::invalid("limit", format!("must be between 1 and {MAX_PAGE_SIZE}"))),
            n => n,
        };
        let column = match params.sort.as_deref() {
            None => columns[0],
            Some(name) => *columns.iter().find(|c| c.name == name).ok_or_else(|| {
                let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
                StoreError::invalid("sort", format!("must be one of: {}", names.join(", ")))
            })?,
        };
        let order = params.order;
        let (cmp, dir) = match order {
            SortOrder::Asc => (">", "ASC"),
            SortOrder::Desc => ("<", "DESC"),
        };
        if let Some(raw) = &params.cursor {
            let (value, id) = decode_cursor(raw, column, order)?;
            let v = q.arg(value);
            let i = q.arg(Arg::I64(id));
            let e = column.expr;
            if e == id_expr {
                q.sql.push_str(&format!(" AND {id_expr} {cmp} {i}"));
            } else {
                q.sql.push_str(&format!(" AND ({e} {cmp} {v} OR ({e} = {v} AND {id_expr} {cmp} {i}))"));
            }
        }
        if column.expr == id_expr {
            q.sql.push_str(&format!(" ORDER BY {id_expr} {dir}"));
        } else {
            q.sql.push_str(&format!(" ORDER BY {} {dir}, {id_expr} {dir}", column.expr));
        }
        q.sql.push_str(&format!(" LIMIT {}", limit + 1));
        Ok(Keyset { column, order, limit })
    }

    /// Cuts the extra row off and makes the next cursor from the last item.
    pub fn page<T>(&self, mut rows: Vec<T>, key: impl Fn(&T, &str) -> (Arg, i64)) -> Page<T> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = if more {
            rows.last().map(|last| {
                let (v, id) = key(last, self.column.name);
                encode_cursor(self.column, self.order, &v, id)
            })
        } else {
            None
        };
        Page { items: rows, next_cursor }
    }
}

fn order_str(o: SortOrder) -> &'static str {
    match o {
        SortOrder::Asc => "asc",
        SortOrder::Desc => "desc",
    }
}

fn encode_cursor(col: SortColumn, order: SortOrder, v: &Arg, id: i64) -> String {
    let c =
        Cursor { s: col.name.to_owned(), o: order_str(order).to_owned(), v: serde_json::to_value(v).unwrap_or_default(), i: id };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap_or_default())
}

fn decode_cursor(raw: &str, col: SortColumn, order: SortOrder) -> Result<(Arg, i64), StoreError> {
    let bad = || StoreError::invalid("cursor", "is not a cursor this list gave out");
    let bytes = URL_SAFE_NO_PAD.decode(raw.as_bytes()).map_err(|_| bad())?;
    let c: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if c.s != col.name || c.o != order_str(order) {
        return Err(StoreError::invalid("cursor", "was made for another sort or order; start again without it"));
    }
    let v = match (col.ty, c.v) {
        (SortType::Int, serde_json::Value::Number(n)) => Arg::I64(n.as_i64().ok_or_else(bad)?),
        (SortType::Text, serde_json::Value::String(s)) => Arg::Text(s),
        (SortType::Date, serde_json::Value::String(s)) => Arg::Date(s.parse().map_err(|_| bad())?),
        _ => return Err(bad()),
    };
    Ok((v, c.i))
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[SortColumn] = &[
        SortColumn { name: "id", expr: "t.id", ty: SortType::Int },
        SortColumn { name: "name", expr: "t.name", ty: SortType::Text },
    ];

    #[test]
    fn cursor_round_trip_and_keyset_sql() {
        let raw = encode_cursor(COLS[1], SortOrder::Desc, &Arg::Text("华南".into()), 42);
        let mut q = Query::new("SELECT * FROM t WHERE 1=1");
        let params = ListParams { limit: 10, cursor: Some(raw), sort: Some("name".into()), order: SortOrder::Desc };
        let ks = Keyset::apply(&mut q, &params, COLS, "t.id").unwrap();
        assert_eq!(ks.limit, 10);
        assert!(
            q.sql.ends_with("AND (t.name < $1 OR (t.name = $1 AND t.id < $2)) ORDER BY t.name DESC, t.id DESC LIMIT 11"),
            "{}",
            q.sql
        );
        assert_eq!(q.args, vec![Arg::Text("华南".into()), Arg::I64(42)]);
    }

    #[test]
    fn refuses_foreign_cursor_bad_sort_and_limit() {
        let raw = encode_cursor(COLS[0], SortOrder::Asc, &Arg::I64(1), 1);
        let mut q = Query::new("");
        let p = ListParams { cursor: Some(raw), sort: Some("name".into()), ..Default::default() };
        assert!(matches!(Keyset::apply(&mut q, &p, COLS, "t.id"), Err(StoreError::Invalid { field, .. }) if field == "cursor"));
        let p = ListParams { sort: Some("salary".into()), ..Default::default() };
        assert!(matches!(Keyset::apply(&mut q, &p, COLS, "t.id"), Err(StoreError::Invalid { field, .. }) if field == "sort"));
        let p = ListParams { limit: 501, ..Default::default() };
        assert!(matches!(Keyset::apply(&mut q, &p, COLS, "t.id"), Err(StoreError::Invalid { field, .. }) if field == "limit"));
        let p = ListParams { cursor: Some("!!".into()), ..Default::default() };
        assert!(Keyset::apply(&mut q, &p, COLS, "t.id").is_err());
    }

    #[test]
    fn page_cuts_the_probe_row() {
        let mut q = Query::new("");
        let ks = Keyset::apply(&mut q, &ListParams { limit: 2, ..Default::default() }, COLS, "t.id").unwrap();
        let page = ks.page(vec![1i64, 2, 3], |r, _| (Arg::I64(*r), *r));
        assert_eq!(page.items, vec![1, 2]);
        assert!(page.next_cursor.is_some());
        let page = ks.page(vec![1i64], |r, _| (Arg::I64(*r), *r));
        assert!(page.next_cursor.is_none());
    }

    #[test]
    fn search_escapes_wildcards() {
        let mut q = Query::new("x WHERE 1=1");
        q.search(&["a.name"], Some(" 50%_ "));
        assert_eq!(q.args, vec![Arg::Text("%50\\%\\_%".into())]);
    }
}
