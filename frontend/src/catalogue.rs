//! Every word the app shows, Chinese first and English second. Views take
//! their text from here only (see `i18n`); sentences with values in them are
//! functions of the language.

use cascade_api_types::{CustomEntity, CustomFieldType, HospitalGrade, PlanStatus};
use cascade_core::access::{Permission, Role};
use cascade_core::ProcurementStage;

use crate::api::{ApiError, LoginError};
use crate::i18n::{Lang, T};
use crate::widgets::band::AmountError;

// The shell. The product's name is the same in both languages.
pub const BRAND: &str = "Cascade";
pub const TAGLINE: T = T::new("目标分解与动态校准", "Target planning and calibration");
pub const MAIN_NAV: T = T::new("主导航", "Main navigation");
pub const NAV_HOME: T = T::new("首页", "Home");
pub const NAV_PLANS: T = T::new("目标计划", "Plans");
pub const NAV_INBOX: T = T::new("待我审批", "Awaiting my approval");
/// The switch names the language it switches to, in that language.
pub const SWITCH_TO: T = T::new("English", "中文");
pub const SWITCH_LANGUAGE: T = T::new("切换到英文", "Switch to Chinese");
pub const SIGN_OUT: T = T::new("退出登录", "Sign out");
pub const SCOPE: T = T::new("范围", "Scope");
pub const NOT_FOUND: T = T::new("页面不存在", "Page not found");
pub const NOT_FOUND_HINT: T =
    T::new("链接可能已失效，或您无权查看该页面。", "The link may be out of date, or the page is not yours to see.");
pub const BACK_HOME: T = T::new("返回首页", "Back to the home page");

/// The unit of a headline amount: 万 (ten thousand yuan) or millions.
pub const HEADLINE_UNIT: T = T::new("万", "M");

// States every screen shares.
pub const LOADING: T = T::new("加载中…", "Loading…");
pub const LOAD_FAILED: T = T::new("加载失败", "Could not load");
pub const RETRY: T = T::new("重试", "Retry");
pub const NETWORK: T = T::new("无法连接服务器", "Cannot reach the server");
pub const UNEXPECTED: T = T::new("响应格式不正确", "Unexpected response");
pub const SESSION_ENDED: T = T::new("登录已过期，请重新登录", "Your session has ended, please sign in again");

// Signing in.
pub const SIGN_IN: T = T::new("登录", "Sign in");
pub const SIGNING_IN: T = T::new("登录中…", "Signing in…");
pub const USERNAME: T = T::new("用户名", "Username");
pub const PASSWORD: T = T::new("密码", "Password");
pub const EMPTY_FIELDS: T = T::new("请输入用户名和密码", "Enter your username and password");
pub const WRONG_CREDENTIALS: T = T::new("用户名或密码错误", "Wrong username or password");

// The home page.
pub const COMPANY: T = T::new("公司", "Company");
pub const CURRENCY: T = T::new("币种", "Currency");
pub const TIME_ZONE: T = T::new("时区", "Time zone");
pub const SERVER: T = T::new("服务状态", "Server");
pub const VERSION: T = T::new("版本", "Version");
pub const DATABASE: T = T::new("数据库", "Database");
pub const THIS_QUARTER_TARGET: T = T::new("本季目标", "This quarter's target");
pub const NO_TARGET: T = T::new("本季尚未下达目标。", "No target for this quarter yet.");
pub const ACHIEVED: T = T::new("已完成", "Achieved");
pub const ATTAINMENT: T = T::new("完成率", "Attainment");
pub const PLAN: T = T::new("计划", "Plan");
pub const SPREAD: T = T::new("差异", "Spread");
pub const TARGET: T = T::new("目标", "Target");

// Plans.
pub const PLANS_TITLE: T = T::new("目标计划", "Target plans");
pub const PERIOD: T = T::new("期间", "Period");
pub const UNIT: T = T::new("单位", "Unit");
pub const STATUS: T = T::new("状态", "Status");
pub const ALL: T = T::new("全部", "All");
pub const TOTAL: T = T::new("总目标", "Total");
pub const LINES: T = T::new("明细数", "Lines");
pub const DIFFERENCE: T = T::new("未分配", "Unallocated");
pub const NO_PLANS: T = T::new("没有符合条件的计划。", "No plan matches.");
pub const FILTERS: T = T::new("筛选", "Filters");
pub const SUGGESTED: T = T::new("建议目标", "Suggested");
pub const FINAL: T = T::new("最终目标", "Final");
pub const CHANGE: T = T::new("调整幅度", "Change");
pub const BAND: T = T::new("允许范围", "Allowed range");
pub const WHY: T = T::new("为什么是这个数", "Why this number");
pub const WHY_MINE: T = T::new("为什么我的目标是这个数", "Why my target is this number");
pub const PINNED: T = T::new("已锁定", "Pinned");
pub const OUTSIDE_BAND: T = T::new("超出允许范围", "outside the allowed range");
pub const EXPAND: T = T::new("展开下级", "Show the level below");
pub const COLLAPSE: T = T::new("收起下级", "Hide the level below");
pub const OPEN_LEVEL: T = T::new("进入下级", "Open the level below");
pub const UP_ONE_LEVEL: T = T::new("返回上级计划", "Up to the parent plan");
pub const NO_LINES: T = T::new("该计划尚未生成明细。", "This plan has no lines yet.");
pub const WEIGHTS: T = T::new("权重", "Weights");
pub const MARKET: T = T::new("市场潜力", "Market potential");
pub const STAFFING: T = T::new("人员配置", "Staffing");
pub const PRIORITY: T = T::new("战略优先级", "Strategic priority");
pub const REVISION: T = T::new("版本", "Revision");
pub const RECONCILES: T = T::new("明细合计与总目标一致", "The lines add up to the total");
pub const DOES_NOT_RECONCILE: T = T::new("明细合计与总目标不一致", "The lines do not add up to the total");

// Approving.
pub const INBOX_TITLE: T = T::new("待我审批", "Awaiting my approval");
pub const INBOX_HINT: T =
    T::new("下级单位已提交、等待您批准或退回的计划。", "Plans the units below you have submitted, for you to approve or return.");
pub const INBOX_EMPTY: T = T::new("没有等待您审批的计划。", "Nothing is waiting for your approval.");
pub const SUBMIT: T = T::new("提交审批", "Submit for approval");
pub const SUBMIT_NEEDS_SUM: T = T::new(
    "明细合计须与总目标一致才能提交：请先调整或重新平衡。",
    "The lines must add up to the total before submitting: adjust or rebalance first.",
);
pub const SUBMITTED: T = T::new("已提交审批", "Submitted for approval");
pub const APPROVE: T = T::new("批准", "Approve");
pub const APPROVED: T = T::new("已批准", "Approved");
pub const RETURN: T = T::new("退回", "Return");
pub const RETURNED: T = T::new("已退回", "Returned");
pub const RETURN_COMMENT: T = T::new("退回意见", "Why it goes back");
pub const WAITING_FOR_APPROVAL: T = T::new("已提交，等待上级审批。", "Submitted: waiting for the unit above to approve it.");

// Calibrating an approved plan.
pub const CALIBRATE: T = T::new("季度内校准", "In-quarter calibration");
pub const CALIBRATE_HINT: T = T::new(
    "人员或客户变动时，目标随客户转移；已完成的业绩仍归原负责人。每次校准都会记录原因并生成新版本。",
    "When people or customers change, targets follow the customers; what was achieved stays with whoever achieved it. Each calibration records its reason as a new revision.",
);
pub const DEPARTURE: T = T::new("人员离职", "A rep leaves");
pub const TRANSFER: T = T::new("客户转移", "Customers move");
pub const HIRE: T = T::new("新人入职", "A rep joins");
pub const SLIP: T = T::new("审批延期", "A deal slips");
pub const RELIEF: T = T::new("总部减免", "HQ relief");
pub const CHOOSE: T = T::new("请选择", "Choose");
pub const CHOOSE_RECEIVER: T = T::new("选择接收人", "Choose who takes it");
pub const EFFECTIVE: T = T::new("生效日期", "Effective from");
pub const LEAVING_REP: T = T::new("离职人员", "Who leaves");
pub const RECEIVERS: T = T::new("每个客户的接收人", "Who takes each customer");
pub const ALL_TO: T = T::new("全部交给", "All to");
pub const NO_CUSTOMERS: T = T::new("该人员名下没有客户。", "This rep owns no customer.");
pub const FROM_REP: T = T::new("原负责人", "From");
pub const CUSTOMERS_TO_MOVE: T = T::new("转移的客户", "Customers to move");
pub const TO_REP: T = T::new("新负责人", "To");
pub const NEW_REP: T = T::new("入职人员", "Who joins");
pub const SLIPPING_DEAL: T = T::new("延期的商机", "The deal that slips");
pub const NEW_CLOSE: T = T::new("新的预计成交日期", "New expected close");
pub const RELIEF_LINE: T = T::new("减免对象", "Line to relieve");
pub const RELIEF_DELTA: T = T::new("目标变动（元，负数为减免）", "Change of target (yuan, negative lowers it)");
pub const RECORD: T = T::new("记录并重新分配", "Record and move the targets");
pub const LAST_CHANGES: T = T::new("本次变动", "What moved");

/// The toast after a calibration: how many lines moved.
pub fn calibrated(lines: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已校准，{lines} 行目标变动"),
        Lang::En if lines == 1 => "Calibrated: 1 line moved".to_owned(),
        Lang::En => format!("Calibrated: {lines} lines moved"),
    }
}

// What-if.
pub const WHAT_IF: T = T::new("假设分析", "What-if");
pub const WHAT_IF_HINT: T = T::new(
    "调整权重和允许范围，先看每一行的建议目标如何变化，确认后再保存。",
    "Move the weights and the band to see every line's suggestion change before anything is saved.",
);
pub const WOULD_BE: T = T::new("调整后建议", "Would be");
pub const WHAT_IF_APPLY: T = T::new("保存设置并重新生成建议", "Save these settings and suggest again");
pub const WHAT_IF_RESET: T = T::new("恢复当前设置", "Back to the current settings");
pub const WHAT_IF_APPLIED: T = T::new("已按新设置重新生成建议", "Suggested again with the new settings");

/// Under the weight sliders: their sum, which must be 100.
pub fn weights_sum(sum: rust_decimal::Decimal, lang: Lang) -> String {
    let sum = crate::display::percent(sum);
    match lang {
        Lang::Zh => format!("权重合计 {sum}（须为 100 %）"),
        Lang::En => format!("The weights add up to {sum} (must be 100 %)"),
    }
}

// A plan's history.
pub const HISTORY: T = T::new("修订记录", "Revision history");
pub const NUMBER: T = T::new("序号", "No.");
pub const KIND: T = T::new("类型", "Kind");
pub const WHO: T = T::new("操作人", "By");
pub const WHEN: T = T::new("时间", "When");
pub const CHANGED_LINES: T = T::new("变动行数", "Lines changed");
pub const WHY_CHANGED: T = T::new("原因", "Why");
pub const DELTA: T = T::new("变动金额", "Change");
pub const COMPARE: T = T::new("对比两个版本", "Compare two revisions");
pub const FROM_REVISION: T = T::new("从版本", "From revision");
pub const TO_REVISION: T = T::new("到版本", "To revision");
pub const BEFORE: T = T::new("之前", "Before");
pub const AFTER: T = T::new("之后", "After");
pub const NO_DIFFERENCE: T = T::new("这两个版本之间没有目标变动。", "No target changed between these revisions.");

/// Why a revision was made, in the language shown. A person's reason (an
/// adjustment, a return, a calibration) reads as they wrote it; the steps
/// the server words itself, in English, read in the catalogue's words.
pub fn revision_reason(kind: &str, reason: &str, lang: Lang) -> String {
    let own = match (kind, reason) {
        ("generate", _) => T::new("由三因素模型生成建议目标", "Suggestions generated by the three-factor model"),
        ("rebalance", _) => T::new("未锁定的行分摊锁定行之外的目标", "The unpinned lines take what the pinned ones leave"),
        ("submit", _) => T::new("提交审批", "Submitted for approval"),
        ("approve", _) => T::new("审批通过", "Approved"),
        ("adjust", "back to the suggestion") => T::new("恢复为建议目标", "Back to the suggestion"),
        _ => return reason.to_owned(),
    };
    own.get(lang).to_owned()
}

/// A revision's kind in words; an unknown kind reads as the server wrote it.
pub fn revision_kind(kind: &str) -> Option<T> {
    Some(match kind {
        "generate" => T::new("生成建议", "Generated"),
        "adjust" => T::new("调整", "Adjusted"),
        "rebalance" => T::new("重新平衡", "Rebalanced"),
        "submit" => T::new("提交审批", "Submitted"),
        "approve" => T::new("批准", "Approved"),
        "return" => T::new("退回", "Returned"),
        "calibration" => T::new("校准", "Calibrated"),
        "relief" => T::new("减免", "Relief"),
        "parent_relief" => T::new("上级减免", "Relief from above"),
        _ => return None,
    })
}

// My target, and the fairness survey.
pub const NAV_MY_TARGET: T = T::new("我的目标", "My target");
pub const MY_TARGET: T = T::new("我的目标", "My target");
pub const TARGET_HISTORY: T = T::new("目标变动记录", "Changes to my target");
pub const TARGET_BEFORE: T = T::new("变动前", "Before");
pub const TARGET_AFTER: T = T::new("变动后", "After");
pub const SURVEY: T = T::new("目标公平性调查", "Is my target fair?");
pub const SURVEY_QUESTION: T =
    T::new("你觉得本季度的目标公平吗？请打分（0–10）", "How fair is this quarter's target? Score it from 0 to 10");
pub const SURVEY_ENDS: T =
    T::new("0 = 非常不公平，10 = 非常公平。每季度只能回答一次。", "0 = very unfair, 10 = very fair. One answer per quarter.");
pub const SURVEY_COMMENT: T = T::new("补充说明（可选）", "Comment (optional)");
pub const SURVEY_SEND: T = T::new("提交回答", "Send my answer");
pub const SURVEY_THANKS: T = T::new("已收到你的回答，谢谢。", "Thank you: your answer is in.");

/// The answer already given to the survey.
pub fn survey_answer(score: u8, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("你的回答：{score} 分（满分 10）"),
        Lang::En => format!("Your answer: {score} out of 10"),
    }
}

// Administration.
pub const NAV_ADMIN: T = T::new("管理", "Admin");
pub const ADMIN_TITLE: T = T::new("系统管理", "Administration");
pub const ADMIN_USERS: T = T::new("用户", "Users");
pub const ADMIN_USERS_HINT: T = T::new(
    "新建用户，调整角色、管辖范围和密码，停用离职人员。",
    "Create users, change their role, scope and password, deactivate leavers.",
);
pub const ADMIN_PERMISSIONS: T = T::new("权限矩阵", "Permissions");
pub const ADMIN_PERMISSIONS_HINT: T =
    T::new("每个角色能做什么：勾选即生效。", "What each role may do: a tick takes effect at once.");
pub const ADMIN_FIELDS: T = T::new("自定义字段", "Custom fields");
pub const ADMIN_FIELDS_HINT: T = T::new(
    "为客户、人员和商机增加字段，修改名称和选项，停用不再需要的字段。",
    "Add fields to customers, reps and deals, rename them, change their choices, retire them.",
);
pub const DISPLAY_NAME: T = T::new("姓名", "Name");
pub const ROLE: T = T::new("角色", "Role");
pub const USER_STATUS: T = T::new("状态", "Status");
pub const ACTIVE: T = T::new("启用", "Active");
pub const INACTIVE: T = T::new("已停用", "Deactivated");
pub const EDIT: T = T::new("编辑", "Edit");
pub const SAVE: T = T::new("保存", "Save");
pub const MORE: T = T::new("加载更多", "Load more");
pub const SEARCH_USERS: T = T::new("搜索用户名或姓名", "Search username or name");
pub const NEW_USER: T = T::new("新建用户", "New user");
pub const EDIT_USER: T = T::new("编辑用户", "Edit user");
pub const NO_USERS: T = T::new("没有符合条件的用户。", "No user matches.");
pub const USERNAME_RULE: T = T::new(
    "用户名只能包含字母、数字、“-”“_”“.”，最多 64 个字符。",
    "A username is letters, digits, '-', '_' and '.', at most 64 of them.",
);
pub const REQUIRED: T = T::new("必填。", "Required.");
pub const REP_REQUIRED: T =
    T::new("销售代表必须对应一名在职的销售人员。", "A sales rep user must be one of the unit's active reps.");
pub const PASSWORD_RULE: T = T::new("密码长度为 10–128 个字符。", "A password is 10 to 128 characters.");
pub const PASSWORD_NEW_USER: T = T::new("初始密码（可选）", "First password (optional)");
pub const PASSWORD_RESET: T = T::new("设置新密码（留空则不变）", "New password (empty keeps the current one)");
pub const PASSWORD_HINT: T = T::new(
    "10–128 个字符。不设密码的用户只能通过钉钉登录。",
    "10 to 128 characters. Without one, the user signs in through DingTalk only.",
);
pub const SCOPE_HINT: T =
    T::new("用户只能看到和修改这个组织及其下级的数据。", "The user sees and changes only this unit and those below it.");
pub const USER_REP: T = T::new("对应的销售人员", "The rep this user is");
pub const DINGTALK_ID: T = T::new("钉钉 userid（可选）", "DingTalk userid (optional)");
pub const USER_CAN_SIGN_IN: T = T::new("启用（可以登录）", "Active (may sign in)");
pub const USER_CREATED: T = T::new("用户已创建。", "User created.");
pub const USER_SAVED: T = T::new("用户已保存。", "User saved.");

// The permission matrix.
pub const PERMISSION: T = T::new("权限", "Permission");
pub const PERMISSIONS_HINT: T = T::new(
    "勾选或取消即保存，该角色的所有用户从下一次操作起生效。",
    "A tick or untick is saved at once and applies to every user of the role from their next request.",
);
pub const PERMISSIONS_COMPANY_ONLY: T = T::new(
    "只有管辖范围为全公司的管理员可以修改权限矩阵；你可以查看。",
    "Only an admin whose scope is the whole company may change the matrix; you may look.",
);
pub const GUARD_NOT_HELD: T =
    T::new("你自己没有这项权限，不能授予或收回。", "You do not hold this permission, so you cannot grant or withdraw it.");
pub const GUARD_ADMIN_FLOOR: T = T::new(
    "管理员角色必须保留这项权限，否则没有人能再管理用户和权限。",
    "The admin role must keep this, or nobody could manage users and permissions again.",
);

pub fn permissions_saved(role: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已保存{role}的权限。"),
        Lang::En => format!("Saved the permissions of {role}."),
    }
}

/// What a permission lets its holder do.
pub fn permission(p: Permission) -> T {
    use Permission as P;
    match p {
        P::OrgUnitsRead => T::new("查看组织架构", "See the org chart"),
        P::OrgUnitsWrite => T::new("维护组织架构", "Change the org chart"),
        P::RepsRead => T::new("查看销售人员", "See reps"),
        P::RepsWrite => T::new("维护销售人员", "Change reps"),
        P::UsersRead => T::new("查看用户", "See users"),
        P::UsersWrite => T::new("管理用户", "Manage users"),
        P::ProductLinesRead => T::new("查看产品线", "See product lines"),
        P::ProductLinesWrite => T::new("维护产品线", "Change product lines"),
        P::CustomersRead => T::new("查看客户", "See customers"),
        P::CustomersWrite => T::new("维护客户", "Change customers"),
        P::CustomersStage => T::new("更新客户采购阶段", "Move a customer's procurement stage"),
        P::OpportunitiesRead => T::new("查看商机", "See deals"),
        P::OpportunitiesWrite => T::new("维护商机", "Change deals"),
        P::VisitsRead => T::new("查看拜访记录", "See visits"),
        P::VisitsWrite => T::new("记录拜访", "Record visits"),
        P::SalesRead => T::new("查看销售数据", "See sales"),
        P::SalesWrite => T::new("维护销售数据", "Change sales"),
        P::ImportsRun => T::new("导入数据", "Import files"),
        P::ExportsRun => T::new("导出数据", "Export files"),
        P::CustomFieldsWrite => T::new("管理自定义字段", "Manage custom fields"),
        P::PermissionsWrite => T::new("修改权限矩阵", "Change the permission matrix"),
        P::AuditRead => T::new("查看审计日志", "Read the audit log"),
        P::ApiTokensWrite => T::new("管理 API 令牌", "Manage API tokens"),
        P::PlansRead => T::new("查看目标计划", "See plans"),
        P::PlansWrite => T::new("编制目标计划", "Draft plans"),
        P::PlansApprove => T::new("审批下级计划", "Approve plans below"),
        P::PlansCalibrate => T::new("季中校准", "Calibrate in the quarter"),
        P::PlansRelief => T::new("调整上级总额（减免）", "Relieve a parent's total"),
        P::FairnessSubmit => T::new("填写公平性调查", "Answer the fairness survey"),
        P::MetricsRead => T::new("查看达成与公平性指标", "See attainment and fairness figures"),
    }
}

// Custom fields.
pub const FIELD_ENTITY: T = T::new("字段属于", "Fields of");
pub const NEW_FIELD: T = T::new("新增字段", "New field");
pub const EDIT_FIELD: T = T::new("编辑字段", "Edit field");
pub const NO_FIELDS: T = T::new("还没有自定义字段。", "No custom field yet.");
pub const LABEL_ZH: T = T::new("中文名称", "Chinese label");
pub const LABEL_EN: T = T::new("英文名称", "English label");
pub const FIELD_KEY: T = T::new("字段键", "Key");
pub const FIELD_TYPE: T = T::new("类型", "Type");
pub const FIELD_REQUIRED: T = T::new("必填", "Required");
pub const CHOICES: T = T::new("选项", "Choices");
pub const YES: T = T::new("是", "Yes");
pub const NO: T = T::new("否", "No");
pub const RETIRE: T = T::new("停用", "Retire");
pub const KEY_RULE: T = T::new(
    "字段键以小写字母开头，只含小写字母、数字和下划线，最多 40 个字符。",
    "A key starts with a lowercase letter and holds only a-z, 0-9 and _, at most 40 of them.",
);
pub const KEY_HINT: T = T::new(
    "导入文件的列名和接口里的键，例如 tier。创建后不能修改。",
    "The column in import files and the key in the API, e.g. tier. It never changes once created.",
);
pub const FIXED_HINT: T = T::new(
    "字段键、类型和所属对象创建后不能修改：已填的值依赖它们。",
    "Key, type and object never change: stored values depend on them.",
);
pub const LABEL_TOO_LONG: T = T::new("最多 100 个字符。", "At most 100 characters.");
pub const CHOICES_HINT: T = T::new("每行一个选项，1–100 个，不能重复。", "One choice per line, 1 to 100 of them, each once.");
pub const CHOICES_COUNT: T = T::new("需要 1–100 个选项。", "Give 1 to 100 choices.");
pub const CHOICE_TOO_LONG: T = T::new("每个选项最多 100 个字符。", "A choice is at most 100 characters.");
pub const CHOICE_TWICE: T = T::new("有重复的选项。", "A choice appears twice.");
pub const REQUIRED_HINT: T = T::new(
    "必填字段在新建对象时必须填写，已填的值不能清空。",
    "A required field must be given when an object is created, and can never be cleared.",
);
pub const FIELD_CREATED: T = T::new("字段已创建。", "Field created.");
pub const FIELD_SAVED: T = T::new("字段已保存。", "Field saved.");
pub const FIELD_RETIRED: T = T::new("字段已停用并删除。", "Field retired and deleted.");
pub const RETIRE_WARNING: T = T::new(
    "停用后，这个字段及其在所有对象上已填写的值都会被删除，无法恢复。导入文件中的这一列将不再被接受。",
    "Retiring deletes the field and every value of it on every object, for good. Import files may no longer carry its column.",
);
pub const RETIRE_CONFIRM: T = T::new("停用并删除", "Retire and delete");

pub fn custom_entity(e: CustomEntity) -> T {
    match e {
        CustomEntity::Customer => T::new("客户", "Customers"),
        CustomEntity::Rep => T::new("销售人员", "Reps"),
        CustomEntity::Opportunity => T::new("商机", "Deals"),
    }
}

pub fn field_type(t: CustomFieldType) -> T {
    match t {
        CustomFieldType::Text => T::new("文本", "Text"),
        CustomFieldType::Number => T::new("数字", "Number"),
        CustomFieldType::Date => T::new("日期", "Date"),
        CustomFieldType::Choice => T::new("单选", "Choice"),
    }
}

// Customers.
pub const NAV_CUSTOMERS: T = T::new("客户", "Customers");
pub const CUSTOMER: T = T::new("客户", "Customer");
pub const CUSTOMER_CODE: T = T::new("客户编号", "Number");
pub const GRADE: T = T::new("等级", "Grade");
pub const PLACE: T = T::new("省份 · 城市", "Province · city");
pub const STAGE: T = T::new("采购阶段", "Procurement stage");
pub const OWNER: T = T::new("负责人", "Owner");
pub const SEARCH: T = T::new("搜索", "Search");
pub const SEARCH_CUSTOMERS: T = T::new("按名称或编号搜索客户", "Search customers by name or number");
pub const NO_CUSTOMERS_FOUND: T = T::new("没有符合条件的客户。", "No customer matches.");
pub const CUSTOM_VALUES: T = T::new("自定义字段", "Custom fields");
pub const NO_CUSTOM_VALUES: T = T::new("公司还没有为客户定义字段。", "The company has defined no customer field yet.");
pub const REQUIRED_MARK_HINT: T = T::new("* 为必填字段，不能清空。", "* marks a required field, which cannot be cleared.");
pub const NOT_A_NUMBER: T = T::new("请输入数字。", "Enter a number.");
pub const CUSTOMER_SAVED: T = T::new("客户已保存。", "Customer saved.");

pub fn grade(g: HospitalGrade) -> T {
    match g {
        HospitalGrade::Tertiary3A => T::new("三甲", "Tertiary A (三甲)"),
        HospitalGrade::Tertiary3B => T::new("三乙", "Tertiary B (三乙)"),
        HospitalGrade::Secondary2A => T::new("二甲", "Secondary A (二甲)"),
        HospitalGrade::Secondary2B => T::new("二乙", "Secondary B (二乙)"),
        HospitalGrade::Primary => T::new("一级", "Primary (一级)"),
        HospitalGrade::Ungraded => T::new("未定级", "Ungraded"),
    }
}

/// A procurement stage (domain spec §3.1).
pub fn procurement_stage(s: ProcurementStage) -> T {
    match s {
        ProcurementStage::NotEngaged => T::new("未接触", "Not engaged"),
        ProcurementStage::InContact => T::new("接触中", "In contact"),
        ProcurementStage::InHospital => T::new("已进院", "In the hospital"),
        ProcurementStage::PendingTender => T::new("待招标", "Awaiting tender"),
        ProcurementStage::ContractApproval => T::new("合同审批", "Contract approval"),
        ProcurementStage::Won => T::new("已签约", "Won"),
        ProcurementStage::Lost => T::new("已丢单", "Lost"),
    }
}

// Adjusting a line.
pub const ADJUST: T = T::new("调整", "Adjust");
pub const ROUNDING_UNIT: T = T::new("最小单位", "in units of");
pub const BAND_SLIDER: T = T::new("在允许范围内拖动最终目标", "Drag the final target within the allowed range");
pub const NEW_FINAL: T = T::new("新的最终目标（元）", "New final target (yuan)");
pub const REASON: T = T::new("调整原因", "Reason for the change");
pub const SAVE_AND_PIN: T = T::new("保存并锁定", "Save and pin");
pub const SAVING: T = T::new("保存中…", "Saving…");
pub const PIN_HINT: T =
    T::new("保存后此行被锁定：重新平衡不会改变它。", "Once saved the line is pinned: rebalancing leaves it alone.");
pub const UNPIN: T = T::new("解除锁定，恢复建议目标", "Unpin: back to the suggestion");
pub const CLOSE: T = T::new("关闭", "Close");
pub const LIVE_SUM: T = T::new("各行合计（含本次修改）", "Sum of the lines (with this change)");
pub const PARENT_TARGET: T = T::new("上级目标", "Parent's target");
pub const SUM_MATCHES: T = T::new("各行合计与上级目标一致，精确到元。", "The lines add up to the parent's target, to the yuan.");
pub const SUM_DIFFERS: T = T::new(
    "各行合计与上级目标不一致：保存后点击“重新平衡”，由未锁定的行分摊差额。",
    "The lines do not add up to the parent's target: after saving, rebalance to let the unpinned lines take the difference.",
);
pub const REBALANCE: T = T::new("重新平衡", "Rebalance");
pub const REBALANCE_HINT: T = T::new(
    "未锁定的行按建议目标的比例分摊锁定行之外的目标，各自不超出允许范围。",
    "The unpinned lines share what the pinned ones leave, in proportion to their suggestions, each inside its band.",
);
pub const REBALANCED: T = T::new("已重新平衡", "Rebalanced");
pub const STALE: T = T::new(
    "有人刚刚修改了这个计划，请重新加载。您输入的内容会保留。",
    "Someone changed this plan — reload. What you typed is kept.",
);
pub const RELOAD: T = T::new("重新加载", "Reload");
pub const EVIDENCE: T = T::new("依据材料", "Evidence");
pub const NO_EVIDENCE: T = T::new("尚无依据材料。", "No evidence yet.");
pub const DROP_EVIDENCE: T = T::new(
    "拖入文件或点击选择：会议纪要、政策通知（PDF、图片、Office 文件，每个不超过 10 MB）",
    "Drop files here or choose them: meeting notes, policy notices (PDF, images, Office files, up to 10 MB each)",
);
pub const CHOOSE_FILES: T = T::new("选择文件", "Choose files");
pub const UPLOADING: T = T::new("上传中…", "Uploading…");
pub const DOWNLOAD: T = T::new("下载", "Download");

/// "Saved: 广东 ¥4,560,000.00".
pub fn saved(name: &str, amount: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已保存：{name} {amount}"),
        Lang::En => format!("Saved: {name} {amount}"),
    }
}

/// "Uploaded: 会议纪要.pdf".
pub fn uploaded(file: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已上传：{file}"),
        Lang::En => format!("Uploaded: {file}"),
    }
}

/// The dialog's title: whose target is adjusted.
pub fn adjust_title(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("调整{name}的目标"),
        Lang::En => format!("Adjust {name}'s target"),
    }
}

/// How many evidence files a line has, for its button.
pub fn evidence_count(n: u64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("依据材料 {n} 份"),
        Lang::En if n == 1 => "1 evidence file".to_owned(),
        Lang::En => format!("{n} evidence files"),
    }
}

/// Under the reason: how much is needed and how much is there.
pub fn reason_hint(typed: usize, lang: Lang) -> String {
    let min = cascade_core::MIN_REASON;
    match lang {
        Lang::Zh => format!("至少 {min} 个字，已输入 {typed} 个"),
        Lang::En => format!("At least {min} characters; {typed} so far"),
    }
}

/// Why a typed target cannot be saved.
pub fn amount_error(error: AmountError, lang: Lang) -> String {
    let yuan = crate::display::yuan;
    match (error, lang) {
        (AmountError::Empty, Lang::Zh) => "请输入新的最终目标".to_owned(),
        (AmountError::Empty, Lang::En) => "Enter the new final target".to_owned(),
        (AmountError::NotANumber, Lang::Zh) => "请输入以元为单位的数字，例如 4560000".to_owned(),
        (AmountError::NotANumber, Lang::En) => "Enter a number of yuan, such as 4560000".to_owned(),
        (AmountError::TooPrecise, Lang::Zh) => "最多保留两位小数".to_owned(),
        (AmountError::TooPrecise, Lang::En) => "At most two decimals".to_owned(),
        (AmountError::NotWhole { unit }, Lang::Zh) => format!("必须是 {} 的整数倍", yuan(unit)),
        (AmountError::NotWhole { unit }, Lang::En) => format!("Must be a whole number of {}", yuan(unit)),
        (AmountError::Outside { min, max }, Lang::Zh) => format!("超出允许范围：须在 {} 至 {} 之间", yuan(min), yuan(max)),
        (AmountError::Outside { min, max }, Lang::En) => {
            format!("Outside the allowed range: it must lie between {} and {}", yuan(min), yuan(max))
        }
    }
}

pub fn plan_status(status: PlanStatus) -> T {
    match status {
        PlanStatus::Draft => T::new("草稿", "Draft"),
        PlanStatus::Submitted => T::new("待审批", "Submitted"),
        PlanStatus::Approved => T::new("已批准", "Approved"),
        PlanStatus::Returned => T::new("已退回", "Returned"),
    }
}

pub fn role(role: Role) -> T {
    match role {
        Role::Hq => T::new("总部", "HQ"),
        Role::Admin => T::new("管理员", "Admin"),
        Role::RegionManager => T::new("大区经理", "Region manager"),
        Role::ProvinceManager => T::new("省区经理", "Province manager"),
        Role::Rep => T::new("销售代表", "Sales rep"),
    }
}

/// What a person reads when a call failed: the server's own words for a
/// status (problem details), ours for the rest, and the call that failed.
pub fn api_error(error: &ApiError, lang: Lang) -> String {
    match error {
        ApiError::Network { method, path, reason } => format!("{}: {reason} · {method} {path}", NETWORK.get(lang)),
        ApiError::Status { method, path, message, .. } => format!("{message} · {method} {path}"),
        ApiError::Decode { method, path, reason } => format!("{}: {reason} · {method} {path}", UNEXPECTED.get(lang)),
        ApiError::SignedOut => SESSION_ENDED.get(lang).to_owned(),
    }
}

/// Why signing in failed.
pub fn login_error(error: &LoginError, lang: Lang) -> String {
    match error {
        LoginError::Refused(None) => WRONG_CREDENTIALS.get(lang).to_owned(),
        LoginError::Refused(Some(detail)) => detail.clone(),
        LoginError::TooManyAttempts { retry_after: Some(seconds), .. } => {
            let wait = wait_in_words(*seconds, lang);
            match lang {
                Lang::Zh => format!("尝试次数过多，请 {wait}后再试"),
                Lang::En => format!("Too many attempts: please wait {wait} and try again"),
            }
        }
        LoginError::TooManyAttempts { retry_after: None, detail: Some(detail) } => detail.clone(),
        LoginError::TooManyAttempts { retry_after: None, detail: None } => match lang {
            Lang::Zh => "尝试次数过多，请稍后再试".to_owned(),
            Lang::En => "Too many attempts: please try again later".to_owned(),
        },
        LoginError::Other(error) => api_error(error, lang),
    }
}

/// A wait: seconds while short, else whole minutes (rounded up, so the
/// person never comes back too early). The server's lock-out lasts a quarter
/// of an hour, which reads badly as "899 seconds".
pub fn wait_in_words(seconds: u64, lang: Lang) -> String {
    if seconds < 120 {
        match lang {
            Lang::Zh => format!("{seconds} 秒"),
            Lang::En if seconds == 1 => "1 second".to_owned(),
            Lang::En => format!("{seconds} seconds"),
        }
    } else {
        let minutes = seconds.div_ceil(60);
        match lang {
            Lang::Zh => format!("{minutes} 分钟"),
            Lang::En => format!("{minutes} minutes"),
        }
    }
}

/// "3 of 12 plans", the count under a list.
pub fn plans_count(shown: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("共 {shown} 个计划"),
        Lang::En if shown == 1 => "1 plan".to_owned(),
        Lang::En => format!("{shown} plans"),
    }
}

// Administration: API tokens and the audit log.
pub const NAV_API_TOKENS: T = T::new("API 令牌", "API tokens");
pub const NOT_ALLOWED_HERE: T = T::new("您没有使用此页面的权限。", "You are not allowed to use this page.");
pub const API_TOKENS_TITLE: T = T::new("API 令牌", "API tokens");
pub const API_TOKENS_HINT: T = T::new(
    "供其他系统（如 SAP、Salesforce）调用 Cascade 接口的长期令牌。令牌拥有所选角色的权限，只能访问所选单位及其下级。",
    "Long-lived tokens for other systems (SAP, Salesforce…) to call Cascade's API. A token acts with its role's permissions, inside its unit and the units below it.",
);
pub const ISSUE_TOKEN: T = T::new("签发新令牌", "Issue a new token");
pub const TOKEN_NAME: T = T::new("名称（用途）", "Name (what it is for)");
pub const EXPIRES_ON: T = T::new("有效期至（可选）", "Works until (optional)");
pub const EXPIRES_HINT: T = T::new(
    "含当天，按公司时区计算；留空则一直有效，直至吊销。",
    "That day included, in the company's time zone; leave it empty for a token that works until it is revoked.",
);
pub const ISSUE: T = T::new("签发令牌", "Issue the token");
pub const ISSUING: T = T::new("签发中…", "Issuing…");
pub const NAME_REQUIRED: T = T::new("请填写名称", "Enter a name");
pub const ROLE_REQUIRED: T = T::new("请选择角色", "Choose a role");
pub const UNIT_REQUIRED: T = T::new("请选择单位", "Choose a unit");
pub const EXPIRES_PAST: T = T::new("有效期不能早于今天", "The last day cannot be before today");
pub const DATE_INVALID: T = T::new("请输入有效日期", "Enter a valid date");
pub const ISSUED_TOKENS: T = T::new("已签发的令牌", "Issued tokens");
pub const TOKEN_ISSUED: T = T::new("令牌已签发", "Token issued");
pub const TOKEN_ONCE: T = T::new(
    "请立即复制并妥善保存此令牌：它只显示这一次，关闭后再也无法查看。遗失后只能吊销并重新签发。",
    "Copy this token and keep it safe now: it is shown this once and never again. If it is lost, revoke it and issue another.",
);
pub const TOKEN: T = T::new("令牌", "Token");
pub const COPY_TOKEN: T = T::new("复制令牌", "Copy the token");
pub const COPIED: T = T::new("已复制", "Copied");
pub const COPIED_HINT: T = T::new("已复制到剪贴板。", "Copied to the clipboard.");
pub const COPY_FAILED: T =
    T::new("无法写入剪贴板：请选中上面的令牌后手动复制。", "The clipboard refused: select the token above and copy it by hand.");
pub const SAVED_IT: T = T::new("我已保存，关闭", "I have saved it, close");
pub const NAME: T = T::new("名称", "Name");
pub const PREFIX: T = T::new("前缀", "Prefix");
pub const CREATED: T = T::new("创建时间", "Created");
pub const LAST_USED: T = T::new("最近使用", "Last used");
pub const NEVER_USED: T = T::new("从未使用", "Never used");
pub const EXPIRES: T = T::new("有效期至", "Works until");
pub const NO_EXPIRY: T = T::new("一直有效", "No end date");
pub const TOKEN_ACTIVE: T = T::new("有效", "Active");
pub const TOKEN_EXPIRED: T = T::new("已过期", "Expired");
pub const TOKEN_REVOKED: T = T::new("已吊销", "Revoked");
pub const MANAGE: T = T::new("管理", "Manage");
pub const REVOKE: T = T::new("吊销", "Revoke");
pub const REVOKING: T = T::new("吊销中…", "Revoking…");
pub const REVOKE_WARNING: T = T::new(
    "吊销立即生效：使用此令牌的系统将无法再访问 Cascade。此操作无法撤销。",
    "Revoking takes effect at once: systems using this token can no longer reach Cascade. This cannot be undone.",
);
pub const CANCEL: T = T::new("取消", "Cancel");
pub const NO_TOKENS: T = T::new("尚未签发任何令牌。", "No token has been issued yet.");

/// The confirmation's title, and the name of a row's revoke button.
pub fn revoke_title(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("吊销令牌「{name}」"),
        Lang::En => format!("Revoke the token “{name}”"),
    }
}

/// The toast once a token is revoked.
pub fn revoked(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已吊销：{name}"),
        Lang::En => format!("Revoked: {name}"),
    }
}

/// A 403 for a role holding permissions the issuer lacks, on the role.
pub fn cannot_grant(detail: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("不能授予您自己没有的权限（{detail}）"),
        Lang::En => format!("You cannot grant a permission you do not hold ({detail})"),
    }
}

pub const NAV_AUDIT: T = T::new("审计日志", "Audit log");
pub const AUDIT_TITLE: T = T::new("审计日志", "Audit log");
pub const AUDIT_HINT: T = T::new(
    "每一次登录尝试和每一次修改，含修改前后的内容。日志只读，任何人都不能修改或删除。",
    "Every sign-in attempt and every change, with before and after. Read-only: nobody can change or delete an entry.",
);
pub const ACTION: T = T::new("操作", "Action");
pub const ENTITY: T = T::new("对象类型", "Object");
pub const ENTITY_ID: T = T::new("对象编号", "Object id");
pub const SINCE: T = T::new("从（日期）", "From (date)");
pub const UNTIL: T = T::new("至（日期，含当天）", "To (date, inclusive)");
pub const CLIENT_IP: T = T::new("客户端 IP", "Client IP");
pub const CHANGE_DETAILS: T = T::new("变更内容", "What changed");
pub const FIELD: T = T::new("字段", "Field");
pub const VALUE: T = T::new("值", "Value");
pub const CLEAR_FILTERS: T = T::new("清除筛选", "Clear the filters");
pub const NO_ENTRIES: T = T::new("没有符合条件的记录。", "No entry matches.");

/// Who acted through an API token.
pub fn via_token(id: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("经 API 令牌 #{id}"),
        Lang::En => format!("through API token #{id}"),
    }
}

/// Beside the date filters: whose days they are.
pub fn dates_in(time_zone: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("日期按公司时区（{time_zone}）计算。"),
        Lang::En => format!("Dates are the company's, in {time_zone}."),
    }
}

/// The summary of an entry's before and after.
pub fn changed_fields(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{n} 个字段"),
        Lang::En if n == 1 => "1 field".to_owned(),
        Lang::En => format!("{n} fields"),
    }
}

/// Under the log: how many entries are shown, and whether there are more.
pub fn entries_shown(n: usize, more: bool, lang: Lang) -> String {
    match (lang, more) {
        (Lang::Zh, false) => format!("共 {n} 条"),
        (Lang::Zh, true) => format!("已显示 {n} 条，还有更多"),
        (Lang::En, false) if n == 1 => "1 entry".to_owned(),
        (Lang::En, false) => format!("{n} entries"),
        (Lang::En, true) => format!("{n} entries shown, more to load"),
    }
}

/// What the server recorded, in words; an action it writes that is not
/// here reads as the server wrote it.
pub fn audit_action(action: &str) -> Option<T> {
    Some(match action {
        "login" => T::new("登录", "Signed in"),
        "login_failed" => T::new("登录失败", "Sign-in failed"),
        "refresh_reused" => T::new("重复使用的刷新令牌", "Refresh token reused"),
        "create" => T::new("新建", "Created"),
        "update" => T::new("修改", "Changed"),
        "delete" => T::new("删除", "Deleted"),
        "import" => T::new("导入", "Imported"),
        "revoke" => T::new("吊销", "Revoked"),
        "generate" => T::new("生成建议", "Generated"),
        "adjust" => T::new("调整", "Adjusted"),
        "rebalance" => T::new("重新平衡", "Rebalanced"),
        "submit" => T::new("提交审批", "Submitted"),
        "approve" => T::new("批准", "Approved"),
        "return" => T::new("退回", "Returned"),
        "calibrate" => T::new("校准", "Calibrated"),
        "relief" => T::new("减免", "Relief"),
        "upload" => T::new("上传依据材料", "Uploaded evidence"),
        "answer" => T::new("回答问卷", "Answered the survey"),
        _ => return None,
    })
}

/// The kind of object an entry is about, in words; unknown kinds read as
/// the server wrote them.
pub fn audit_entity(entity: &str) -> Option<T> {
    Some(match entity {
        "session" => T::new("登录会话", "Session"),
        "api_token" => T::new("API 令牌", "API token"),
        "role_permissions" => T::new("角色权限", "Role permissions"),
        "user" => T::new("用户", "User"),
        "org_unit" => T::new("组织单位", "Org unit"),
        "rep" => T::new("销售代表", "Sales rep"),
        "customer" => T::new("客户", "Customer"),
        "opportunity" => T::new("商机", "Opportunity"),
        "visit" => T::new("拜访", "Visit"),
        "sales_record" => T::new("销售记录", "Sales record"),
        "product_line" => T::new("产品线", "Product line"),
        "custom_field" => T::new("自定义字段", "Custom field"),
        "plan" => T::new("目标计划", "Plan"),
        "plan_line" => T::new("计划明细", "Plan line"),
        "plan_evidence" => T::new("依据材料", "Evidence"),
        "import_job" => T::new("导入任务", "Import job"),
        "fairness" => T::new("公平性问卷", "Fairness survey"),
        _ => return None,
    })
}

// Imports and exports.

use cascade_api_types::{ImportKind, ImportStatus};

pub const NAV_IMPORTS: T = T::new("导入导出", "Imports and exports");
pub const IMPORTS_TITLE: T = T::new("数据导入与导出", "Importing and exporting data");
pub const IMPORT: T = T::new("导入数据", "Import data");
pub const IMPORT_HINT: T = T::new(
    "每一行按编码、工号、单据号或外部编号匹配：已有的更新，没有的新建，与现有数据相同的不变。只要有一行有误，整个文件都不会写入。",
    "Each row is matched on its code, employee number, document number or external id: existing records are updated, new ones created, identical ones left alone. If any row is wrong, nothing in the file is written.",
);
pub const IMPORT_KIND: T = T::new("文件内容", "What the file holds");
pub const COLUMNS_EXPECTED: T = T::new(
    "第一行是表头，须包含以下各列（顺序不限，也可用常用的中文列名）：",
    "The first row names the columns below, in any order (their usual Chinese names work too):",
);
pub const OPTIONAL: T = T::new("可省略", "optional");
pub const CUSTOM_COLUMNS: T =
    T::new("自定义字段放在名为 custom.<字段键> 的列中。", "Custom fields go in columns named custom.<key>.");
pub const EXPORT_AS_TEMPLATE: T =
    T::new("可以先导出这类数据作为模板，修改后再导入。", "An export of this kind makes a template: edit it and import it back.");
pub const DROP_IMPORT: T =
    T::new("拖入一个 CSV 或 Excel（.xlsx）文件，或点击选择", "Drop a CSV or Excel (.xlsx) file here, or choose one");
pub const CHOOSE_FILE: T = T::new("选择文件", "Choose a file");
pub const NOT_A_TABLE: T = T::new(
    "只能导入 CSV 或 Excel（.xlsx）文件；.xls 文件请先另存为 .xlsx。",
    "Only CSV or Excel (.xlsx) files can be imported; save an .xls file as .xlsx first.",
);
pub const ONE_FILE: T = T::new("一次导入一个文件。", "Import one file at a time.");
pub const START_IMPORT: T = T::new("开始导入", "Import");
pub const PROGRESS: T = T::new("进度", "Progress");
pub const READING_FILE: T = T::new("正在读取文件…", "Reading the file…");
pub const IMPORTED: T = T::new("导入成功：所有行都已写入。", "Imported: every row was written.");
pub const ROWS_READ: T = T::new("读取行数", "Rows read");
pub const ROWS_CHANGED: T = T::new("变更行数", "Rows changed");
pub const UNCHANGED_NOT_COUNTED: T =
    T::new("与现有数据相同的行不计入变更。", "Rows identical to what is stored do not count as changed.");
pub const REFUSED: T = T::new("文件被拒绝：没有写入任何数据。", "The file was refused: nothing was written.");
pub const FIX_AND_IMPORT_AGAIN: T = T::new("请修改文件后重新导入整个文件。", "Correct the file, then import all of it again.");
pub const ROW_NUMBER: T = T::new("行号", "Row");
pub const COLUMN: T = T::new("列", "Column");
pub const PROBLEM: T = T::new("问题", "Problem");
pub const RECENT_IMPORTS: T = T::new("最近的导入", "Recent imports");
pub const NO_IMPORTS: T = T::new("还没有导入记录。", "No imports yet.");
pub const FILE: T = T::new("文件", "File");
pub const STARTED: T = T::new("开始时间", "Started");
pub const ROWS: T = T::new("行数", "Rows");
pub const CHANGED: T = T::new("变更", "Changed");
pub const PROBLEMS: T = T::new("问题数", "Problems");
pub const EXPORT: T = T::new("导出数据", "Export data");
pub const EXPORT_HINT: T = T::new(
    "导出您范围内的全部数据，列与导入相同：修改后可以直接导入。",
    "Every record in your scope, in the columns imports read: edit the file and import it back.",
);
pub const CSV: T = T::new("CSV", "CSV");
pub const EXCEL: T = T::new("Excel", "Excel");
pub const PREPARING: T = T::new("正在准备文件…", "Preparing the file…");
pub const NO_FILE_RIGHTS: T = T::new("您没有导入或导出数据的权限。", "You may neither import nor export data.");

/// What an import or export file holds.
pub fn import_kind(kind: ImportKind) -> T {
    match kind {
        ImportKind::OrgUnits => T::new("组织架构", "Org units"),
        ImportKind::Reps => T::new("销售代表", "Reps"),
        ImportKind::Customers => T::new("客户（医院）", "Customers (hospitals)"),
        ImportKind::SalesRecords => T::new("销售记录", "Sales records"),
        ImportKind::Opportunities => T::new("商机", "Opportunities"),
        ImportKind::Visits => T::new("拜访记录", "Visits"),
    }
}

/// Where an import job stands.
pub fn import_status(status: ImportStatus) -> T {
    match status {
        ImportStatus::Queued => T::new("排队中", "Queued"),
        ImportStatus::Running => T::new("导入中", "Importing"),
        ImportStatus::Succeeded => T::new("已导入", "Imported"),
        ImportStatus::Failed => T::new("已拒绝", "Refused"),
    }
}

/// Under the progress bar: "已检查 1,200 / 3,000 行".
pub fn rows_checked(done: u64, total: u64, lang: Lang) -> String {
    let (done, total) = (crate::display::count(done), crate::display::count(total));
    match lang {
        Lang::Zh => format!("已检查 {done} / {total} 行"),
        Lang::En => format!("{done} of {total} rows checked"),
    }
}

/// How many problems a refused file has, and how many are listed.
pub fn problems(total: u64, listed: usize, lang: Lang) -> String {
    let all = crate::display::count(total);
    let capped = (listed as u64) < total;
    match lang {
        Lang::Zh if capped => format!("共 {all} 个问题，下表列出前 {listed} 个。"),
        Lang::Zh => format!("共 {all} 个问题。"),
        Lang::En if total == 1 => "1 problem.".to_owned(),
        Lang::En if capped => format!("{all} problems; the first {listed} are listed below."),
        Lang::En => format!("{all} problems."),
    }
}

/// The file chosen for import, before it is sent: "已选择：客户.csv（1.2 KB）".
pub fn chosen_file(name: &str, size: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已选择：{name}（{size}）"),
        Lang::En => format!("Chosen: {name} ({size})"),
    }
}

/// The toast after an export is saved.
pub fn downloaded(file: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已下载：{file}"),
        Lang::En => format!("Downloaded: {file}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(detail: Option<&str>) -> LoginError {
        LoginError::Refused(detail.map(str::to_owned))
    }

    #[test]
    fn a_refused_sign_in_reads_in_the_language_or_in_the_servers_words() {
        assert_eq!(login_error(&refused(None), Lang::Zh), "用户名或密码错误");
        assert_eq!(login_error(&refused(None), Lang::En), "Wrong username or password");
        assert_eq!(login_error(&refused(Some("账号已停用")), Lang::En), "账号已停用");
    }

    #[test]
    fn too_many_attempts_says_how_long_to_wait() {
        let error = LoginError::TooManyAttempts { retry_after: Some(42), detail: None };
        assert_eq!(login_error(&error, Lang::Zh), "尝试次数过多，请 42 秒后再试");
        assert_eq!(login_error(&error, Lang::En), "Too many attempts: please wait 42 seconds and try again");
        let error = LoginError::TooManyAttempts { retry_after: Some(899), detail: None };
        assert_eq!(login_error(&error, Lang::Zh), "尝试次数过多，请 15 分钟后再试");
        let without = LoginError::TooManyAttempts { retry_after: None, detail: Some("稍后再试".into()) };
        assert_eq!(login_error(&without, Lang::En), "稍后再试");
        let bare = LoginError::TooManyAttempts { retry_after: None, detail: None };
        assert!(login_error(&bare, Lang::En).contains("try again later"));
    }

    #[test]
    fn long_waits_read_in_minutes() {
        assert_eq!(wait_in_words(1, Lang::En), "1 second");
        assert_eq!(wait_in_words(119, Lang::Zh), "119 秒");
        assert_eq!(wait_in_words(120, Lang::En), "2 minutes");
        assert_eq!(wait_in_words(899, Lang::Zh), "15 分钟");
        assert_eq!(wait_in_words(901, Lang::En), "16 minutes");
    }

    #[test]
    fn failed_calls_name_the_call_in_either_language() {
        let network = ApiError::Network { method: "GET", path: "/healthz", reason: "TypeError: Failed to fetch".into() };
        assert!(api_error(&network, Lang::Zh).starts_with("无法连接服务器"));
        assert!(api_error(&network, Lang::En).starts_with("Cannot reach the server"));
        assert!(api_error(&network, Lang::En).ends_with("GET /healthz"));
        assert_eq!(api_error(&ApiError::SignedOut, Lang::Zh), "登录已过期，请重新登录");
    }

    #[test]
    fn refused_amounts_say_what_is_allowed() {
        let outside = AmountError::Outside { min: 340_000_000, max: 460_000_000 };
        assert_eq!(amount_error(outside, Lang::Zh), "超出允许范围：须在 ¥3,400,000.00 至 ¥4,600,000.00 之间");
        assert!(amount_error(outside, Lang::En).contains("between ¥3,400,000.00 and ¥4,600,000.00"));
        assert_eq!(amount_error(AmountError::NotWhole { unit: 10_000 }, Lang::Zh), "必须是 ¥100.00 的整数倍");
        assert_eq!(reason_hint(3, Lang::Zh), "至少 10 个字，已输入 3 个");
    }

    #[test]
    fn the_servers_own_steps_read_in_the_language_shown_and_people_in_their_words() {
        assert_eq!(revision_reason("approve", "approved", Lang::Zh), "审批通过");
        assert_eq!(revision_reason("adjust", "back to the suggestion", Lang::Zh), "恢复为建议目标");
        assert_eq!(
            revision_reason("adjust", "集采政策提前落地，广州三甲医院集中换装", Lang::En),
            "集采政策提前落地，广州三甲医院集中换装"
        );
        assert_eq!(revision_reason("return", "广西的目标偏低，请重新评估", Lang::Zh), "广西的目标偏低，请重新评估");
    }

    #[test]
    fn every_role_and_status_has_both_languages() {
        for role_ in Role::ALL {
            let t = role(*role_);
            assert!(!t.zh.is_empty() && !t.en.is_empty());
            assert_ne!(t.zh, t.en);
        }
        for status in [PlanStatus::Draft, PlanStatus::Submitted, PlanStatus::Approved, PlanStatus::Returned] {
            let t = plan_status(status);
            assert_ne!(t.zh, t.en);
        }
    }
}
