// @ts-check
// The administration screens as the tests see them (data-testid only): API
// tokens and the audit log, and the demo's HRBP admin who uses them.
const { DEMO_USER } = require('./signin');

/** An HRBP admin of the demo company (role `admin`, scope HQ). */
const ADMIN = { username: 'admin.hrbp1', password: DEMO_USER.password };

class TokensPage {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.nav = page.getByTestId('admin-tokens');
    this.screen = page.getByTestId('api-tokens');
    this.name = page.getByTestId('token-name');
    this.nameError = page.getByTestId('token-name-error');
    this.role = page.getByTestId('token-role');
    this.roleError = page.getByTestId('token-role-error');
    this.unit = page.getByTestId('token-unit');
    this.unitError = page.getByTestId('token-unit-error');
    this.expires = page.getByTestId('token-expires');
    this.issue = page.getByTestId('token-issue');
    this.error = page.getByTestId('token-error');
    this.rows = page.getByTestId('token-row');
    // The dialog that shows a new token once.
    this.dialog = page.getByTestId('token-dialog');
    this.once = page.getByTestId('token-once');
    this.value = page.getByTestId('token-value');
    this.copy = page.getByTestId('token-copy');
    this.copied = page.getByTestId('token-copied');
    this.done = page.getByTestId('token-done');
    // The confirmation before revoking.
    this.revokeDialog = page.getByTestId('revoke-dialog');
    this.revokeConfirm = page.getByTestId('revoke-confirm');
    this.revokeCancel = page.getByTestId('revoke-cancel');
  }

  /** The row of the token with this id. */
  row(id) {
    return this.page.locator(`[data-testid="token-row"][data-token-id="${id}"]`);
  }
}

class AuditPage {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.nav = page.getByTestId('admin-audit');
    this.screen = page.getByTestId('audit');
    this.actor = page.getByTestId('audit-actor');
    this.action = page.getByTestId('audit-action');
    this.entity = page.getByTestId('audit-entity');
    this.entityId = page.getByTestId('audit-entity-id');
    this.since = page.getByTestId('audit-since');
    this.until = page.getByTestId('audit-until');
    this.clear = page.getByTestId('audit-clear');
    this.rows = page.getByTestId('audit-row');
    this.empty = page.getByTestId('audit-empty');
    this.more = page.getByTestId('audit-more');
  }

  /** The row of the audit entry with this id. */
  row(id) {
    return this.page.locator(`[data-testid="audit-row"][data-entry-id="${id}"]`);
  }
}

module.exports = { ADMIN, TokensPage, AuditPage };
