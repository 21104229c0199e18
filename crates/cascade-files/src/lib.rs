//! Cascade's file layer: reading CSV and Excel (.xlsx) import files into
//! typed, syntactically valid rows with an exact error for every bad cell,
//! and writing rows back out. Synchronous, no database: whether a code
//! exists or a parent unit is known is for the importer above this crate.
//!
//! # Reading
//!
//! [`RowReader::open`] checks the header row, then yields one
//! `(row number, Result<ImportRow, Vec<FieldError>>)` per data row. CSV is
//! streamed with a reused record buffer (flat memory, no per-row allocation
//! beyond the row's own strings); a workbook's first sheet is loaded whole,
//! which is bounded by Excel's 1,048,576 rows. [`count_rows`] gives the same
//! number of rows cheaply, for progress.
//!
//! Decisions a user of the files will notice:
//!
//! - **Header.** Columns may come in any order. A header cell matches a
//!   column by its canonical name or an alias below, trimmed, ASCII case
//!   folded, with spaces and hyphens read as underscores (`Doc ID` =
//!   `doc_id`). Missing required, unknown and duplicate columns are all
//!   reported at once, one [`FieldError`](cascade_api_types::FieldError)
//!   each on the header row. A column with a blank header is ignored while
//!   its cells are blank (exports often trail such columns); a value under
//!   it is a row error.
//! - **Blank rows** (every cell empty or spaces) are skipped silently, since
//!   spreadsheets often end in them. CSV blank lines are not counted in row
//!   numbers; Excel rows keep the sheet's own numbers.
//! - **Cells** are trimmed. An empty required cell is "is required"; an
//!   empty optional cell is absent. Every bad cell of a row is reported.
//! - **Dates** are `YYYY-MM-DD` or `YYYY/MM/DD` (one-digit month and day
//!   allowed: Chinese Excel writes `2024/1/5`), or real Excel dates. A plain
//!   number in a date column is read as an Excel serial date.
//! - **Amounts** are decimals with at most two places, no thousands
//!   separators; sales amounts may be negative (credit notes), opportunity
//!   amounts may not. Excel numbers are read at the 15 significant digits
//!   Excel shows, so `110.00000000000001` from a formula is `110.00`.
//! - **Codes** that Excel stored as numbers come back without a fraction
//!   (`90000001`, not `90000001.0`); leading zeros Excel already dropped
//!   cannot be recovered.
//! - **Optional columns**: `org_units.parent_code`,
//!   `customers.owner_employee_no`, `opportunities.lost_reason`,
//!   `visits.notes`, `reps.status` (default `active`) and
//!   `reps.status_since` (default `hire_date` when active, else required).
//! - **Encoding**: CSV must be UTF-8 (a BOM is fine). A non-UTF-8 header is
//!   a [`FileError::NotUtf8`]; a non-UTF-8 data cell is an error of that
//!   cell, naming its row.
//! - **Wrong field count** in a CSV row is one error with field `row`; the
//!   reader goes on with the next row.
//!
//! # Header aliases
//!
//! | kind | column | also accepted |
//! |---|---|---|
//! | org_units | code | 编码, 组织编码 |
//! | | name | 名称, 组织名称 |
//! | | kind | 类型, 组织类型 |
//! | | parent_code | 上级编码, 上级组织编码 |
//! | reps | employee_no | 工号, 员工编号 |
//! | | name | 姓名 |
//! | | unit_code | 组织编码, 所属组织编码 |
//! | | rating | 能力评级, 评级 |
//! | | hire_date | 入职日期 |
//! | | status | 状态, 在职状态 |
//! | | status_since | 状态日期, 状态生效日期 |
//! | customers | code | 客户编码 |
//! | | name | 客户名称, 名称 |
//! | | grade | 医院等级, 等级 |
//! | | province | 省份, 省 |
//! | | city | 城市, 市 |
//! | | unit_code | 组织编码, 负责组织编码 |
//! | | owner_employee_no | 负责人工号, 负责代表工号 |
//! | | stage | 采购阶段, 阶段 |
//! | sales_records | doc_id | 单据号, 单据编号 |
//! | | customer_code | 客户编码 |
//! | | product_line_code | 产品线编码 |
//! | | booked_on | 记账日期 |
//! | | amount | 金额 |
//! | opportunities | external_id | 商机编号 |
//! | | name | 商机名称, 名称 |
//! | | customer_code | 客户编码 |
//! | | owner_employee_no | 负责人工号 |
//! | | product_line_code | 产品线编码 |
//! | | amount | 金额, 预计金额 |
//! | | expected_close | 预计成交日期 |
//! | | stage | 商机阶段, 阶段 |
//! | | lost_reason | 丢单原因 |
//! | visits | external_id | 拜访编号 |
//! | | employee_no | 工号 |
//! | | customer_code | 客户编码 |
//! | | visit_date | 拜访日期 |
//! | | kind | 拜访类型, 类型 |
//! | | notes | 备注, 拜访记录 |
//!
//! Cell values of closed vocabularies (`kind`, `rating`, `status`, `grade`,
//! `stage`) are the English words of the API (`on_leave`, `in_hospital`);
//! hospital grades are the Chinese ones (三甲 …).
//!
//! # Writing
//!
//! [`CsvRowWriter`] and [`write_xlsx`] write exactly the canonical columns,
//! and what they write reads back to equal rows.

mod cell;
mod columns;
mod error;
mod read;
mod rows;
mod write;

pub use columns::columns;
pub use error::FileError;
pub use read::{count_rows, RowReader, RowResult};
pub use rows::ImportRow;
pub use write::{write_xlsx, CsvRowWriter};
