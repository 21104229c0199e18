//! Who may do what (domain spec §6): the five roles, the permissions a route
//! can require, and the matrix a new company starts with. An admin edits the
//! matrix later; the rules that keep such edits safe live here too, so they
//! are the same wherever the matrix is changed.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::stage::{vocabulary, StageError};

vocabulary!(
    /// A user's role. The role says what they may do; their scope (an org
    /// subtree, or for a rep their own records) says where.
    Role {
        Hq => "hq",
        Admin => "admin",
        RegionManager => "region_manager",
        ProvinceManager => "province_manager",
        Rep => "rep",
    }
);

vocabulary!(
    /// One thing a route may require. Reads and writes are separate so a role
    /// can see what it cannot change.
    Permission {
        OrgUnitsRead => "org_units.read",
        OrgUnitsWrite => "org_units.write",
        RepsRead => "reps.read",
        RepsWrite => "reps.write",
        UsersRead => "users.read",
        UsersWrite => "users.write",
        ProductLinesRead => "product_lines.read",
        ProductLinesWrite => "product_lines.write",
        CustomersRead => "customers.read",
        CustomersWrite => "customers.write",
        CustomersStage => "customers.stage", // stage changes only
        OpportunitiesRead => "opportunities.read",
        OpportunitiesWrite => "opportunities.write",
        VisitsRead => "visits.read",
        VisitsWrite => "visits.write",
        SalesRead => "sales.read",
        SalesWrite => "sales.write",
        ImportsRun => "imports.run",
        ExportsRun => "exports.run",
        CustomFieldsWrite => "custom_fields.write",
        PermissionsWrite => "permissions.write",
        AuditRead => "audit.read",
        ApiTokensWrite => "api_tokens.write",
        PlansRead => "plans.read",
        PlansWrite => "plans.write", // create, generate, adjust, rebalance, submit
        PlansApprove => "plans.approve", // approve or return a child unit's plan
        PlansCalibrate => "plans.calibrate",
        PlansRelief => "plans.relief", // change a parent's total: HQ only
        FairnessSubmit => "fairness.submit",
        MetricsRead => "metrics.read", // unit-wide attainment, adjustment and fairness figures
    }
);

use Permission as P;

const READ_ALL: &[Permission] = &[
    P::OrgUnitsRead,
    P::RepsRead,
    P::UsersRead,
    P::ProductLinesRead,
    P::CustomersRead,
    P::OpportunitiesRead,
    P::VisitsRead,
    P::SalesRead,
    P::PlansRead,
];

/// Permissions an admin role always keeps, so nobody can lock the company
/// out of its own permission matrix.
pub const ADMIN_FLOOR: &[Permission] = &[P::PermissionsWrite, P::UsersWrite, P::UsersRead];

impl Role {
    /// The matrix a new company starts with (domain spec §6).
    pub fn default_permissions(self) -> BTreeSet<Permission> {
        let mut set: BTreeSet<Permission> = READ_ALL.iter().copied().collect();
        let extra: &[Permission] = match self {
            // The admin grants roles and can grant only what it holds.
            Role::Admin => Permission::ALL,
            Role::Hq => &[
                P::MetricsRead,
                P::PlansWrite,
                P::PlansApprove,
                P::PlansCalibrate,
                P::PlansRelief,
                P::CustomersWrite,
                P::CustomersStage,
                P::OpportunitiesWrite,
                P::VisitsWrite,
                P::SalesWrite,
                P::ProductLinesWrite,
                P::ImportsRun,
                P::ExportsRun,
                P::AuditRead,
            ],
            Role::RegionManager => &[
                P::MetricsRead,
                P::PlansWrite,
                P::PlansApprove,
                P::PlansCalibrate,
                P::RepsWrite,
                P::CustomersWrite,
                P::CustomersStage,
                P::OpportunitiesWrite,
                P::VisitsWrite,
                P::ImportsRun,
                P::ExportsRun,
            ],
            Role::ProvinceManager => &[
                P::MetricsRead,
                P::PlansWrite,
                P::CustomersWrite,
                P::CustomersStage,
                P::OpportunitiesWrite,
                P::VisitsWrite,
                P::ExportsRun,
            ],
            Role::Rep => &[P::CustomersStage, P::OpportunitiesWrite, P::VisitsWrite, P::FairnessSubmit],
        };
        set.extend(extra.iter().copied());
        if self == Role::Rep {
            // A rep sees their own records, not the people around them.
            set.remove(&P::UsersRead);
        }
        set
    }

    /// Whether a user of this role is confined to their own records.
    pub fn is_own_records_only(self) -> bool {
        self == Role::Rep
    }
}

/// Why an edit of the permission matrix or a role grant is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("you cannot grant {0}, which you do not hold")]
    NotHeld(Permission),
    #[error("the admin role must keep {0}")]
    AdminFloor(Permission),
}

/// Checks that `editor` (holding `held`) may change `role`'s permissions
/// from `before` to `after`: every permission added or removed must be one
/// the editor holds, and the admin role keeps its floor.
pub fn check_matrix_edit(
    held: &BTreeSet<Permission>,
    role: Role,
    before: &BTreeSet<Permission>,
    after: &BTreeSet<Permission>,
) -> Result<(), GrantError> {
    if let Some(p) = before.symmetric_difference(after).find(|p| !held.contains(p)) {
        return Err(GrantError::NotHeld(*p));
    }
    if role == Role::Admin {
        if let Some(p) = ADMIN_FLOOR.iter().find(|p| !after.contains(p)) {
            return Err(GrantError::AdminFloor(*p));
        }
    }
    Ok(())
}

/// Checks that someone holding `held` may give a role whose permissions are
/// `granted` (to a user or an API token): never more than they hold.
pub fn check_grant(held: &BTreeSet<Permission>, granted: &BTreeSet<Permission>) -> Result<(), GrantError> {
    match granted.iter().find(|p| !held.contains(p)) {
        Some(p) => Err(GrantError::NotHeld(*p)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn words_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Ok(*p));
        }
        assert_eq!(Role::parse("region_manager"), Ok(Role::RegionManager));
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn default_matrix_follows_the_spec() {
        let admin = Role::Admin.default_permissions();
        assert_eq!(admin.len(), Permission::ALL.len(), "HRBP maintains everything");
        assert!(Role::Hq.default_permissions().contains(&P::PlansRelief));
        assert!(!Role::RegionManager.default_permissions().contains(&P::PlansRelief), "relief is HQ's");
        assert!(Role::Rep.default_permissions().contains(&P::FairnessSubmit));
        let rep = Role::Rep.default_permissions();
        assert!(rep.contains(&P::CustomersStage) && !rep.contains(&P::CustomersWrite));
        assert!(!rep.contains(&P::RepsWrite), "a rep cannot set their own rating");
        assert!(!Role::ProvinceManager.default_permissions().contains(&P::UsersWrite));
        for role in Role::ALL {
            assert!(check_grant(&admin, &role.default_permissions()).is_ok(), "admin can grant {role}");
        }
    }

    #[test]
    fn admin_keeps_its_floor() {
        let all = Role::Admin.default_permissions();
        let mut less = all.clone();
        less.remove(&P::PermissionsWrite);
        assert_eq!(check_matrix_edit(&all, Role::Admin, &all, &less), Err(GrantError::AdminFloor(P::PermissionsWrite)));
        assert!(check_matrix_edit(&all, Role::Hq, &Role::Hq.default_permissions(), &less).is_ok());
    }

    fn perm_set() -> impl Strategy<Value = BTreeSet<Permission>> {
        proptest::sample::subsequence(Permission::ALL.to_vec(), 0..=Permission::ALL.len()).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        /// Whatever an editor does, nobody ends up holding a permission the
        /// editor lacked unless they already had it.
        #[test]
        fn edits_never_exceed_the_editor(held in perm_set(), before in perm_set(), after in perm_set()) {
            if check_matrix_edit(&held, Role::Hq, &before, &after).is_ok() {
                for p in after.difference(&before) {
                    prop_assert!(held.contains(p));
                }
                for p in before.difference(&after) {
                    prop_assert!(held.contains(p));
                }
            }
            if check_grant(&held, &after).is_ok() {
                prop_assert!(after.is_subset(&held));
            }
        }
    }
}
