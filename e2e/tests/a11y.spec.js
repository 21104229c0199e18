// @ts-check
// Usable by everyone: axe-core (WCAG 2.1 A and AA rules) finds no serious or
// critical violation on any screen, signed in as the people who use it, at
// both sizes; the adjust dialog is checked open, the imports screen with a
// refused file's problems shown.
const { test, expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const { SignInPage, signInAs, DEMO_USER } = require('../pages/signin');
const { HQ, RM, draftRegionPlan } = require('../pages/planning');
const { ADMIN, TokensPage, AuditPage } = require('../pages/admin');
const { ImportsPage, customerCsv, newHospital } = require('../pages/imports');

const REP = { username: 'rep.e00001', password: DEMO_USER.password };

/** Fails with every serious or critical violation on the page as it is. */
async function expectAccessible(page, what) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(bad, `${what}: serious or critical accessibility violations`).toEqual([]);
}

test('the sign-in page', async ({ page }) => {
  await new SignInPage(page).goto();
  await expectAccessible(page, 'sign-in');
});

test('a region manager\'s screens: home, plans, a plan\'s tree, the inbox, a page that does not exist', async ({ page }) => {
  await signInAs(page, RM);
  await expectAccessible(page, 'home');
  await page.getByTestId('nav-plans').click();
  await expect(page.getByTestId('plan-row').first()).toBeVisible();
  await expectAccessible(page, 'plans');
  await page.getByTestId('plan-row').first().getByRole('link').click();
  await expect(page.getByTestId('line-row').first()).toBeVisible();
  await expectAccessible(page, 'plan');
  await page.getByTestId('nav-inbox').click();
  await expect(page.getByTestId('inbox')).toBeVisible();
  await expectAccessible(page, 'inbox');
  await page.goto('/no-such-screen');
  await expectAccessible(page, 'not found');
});

test('a draft plan with what-if and history, and with its adjust dialog open', async ({ page, request }) => {
  const { plan, lines } = await draftRegionPlan(request);
  await signInAs(page, RM);
  await page.goto(`/plans/${plan.id}`);
  await expect(page.getByTestId('what-if-row').first()).toBeVisible();
  await expectAccessible(page, 'draft plan');
  await page.locator(`[data-testid="line-row"][data-line-id="${lines[0].id}"]`).getByTestId('line-adjust').click();
  await expect(page.getByTestId('adjust-dialog')).toBeVisible();
  await expectAccessible(page, 'adjust dialog');
});

test('HQ\'s approved company plan with its relief panel, and a rep\'s home', async ({ page, browser }) => {
  await signInAs(page, HQ);
  await page.getByTestId('nav-plans').click();
  await expect(page.getByTestId('plan-row').first()).toBeVisible();
  await page.getByTestId('plan-row').first().getByRole('link').click();
  await expect(page.getByTestId('line-row').first()).toBeVisible();
  await expectAccessible(page, 'HQ plan');
  await expect(page.getByTestId('calibrate-kind-relief')).toBeVisible();
  const repContext = await browser.newContext();
  const repPage = await repContext.newPage();
  await signInAs(repPage, REP);
  await expectAccessible(repPage, 'rep home');
  await repContext.close();
});

test('a rep\'s target with its history and survey', async ({ page }) => {
  await signInAs(page, REP);
  await page.getByTestId('nav-my-target').click();
  await expect(page.getByTestId('my-target')).toBeVisible();
  await expect(page.getByTestId('target-final').or(page.getByTestId('target-none'))).toBeVisible();
  await expectAccessible(page, 'my target');
});


test('the administration hub and its users, with the dialog open', async ({ page }) => {
  await signInAs(page, ADMIN);
  await page.getByTestId('nav-admin').click();
  await expect(page.getByTestId('admin-users')).toBeVisible();
  await expectAccessible(page, 'admin');
  await page.getByTestId('admin-users').click();
  await expect(page.getByTestId('user-row').first()).toBeVisible();
  await expectAccessible(page, 'users');
  await page.getByTestId('user-new').click();
  await expect(page.getByTestId('user-dialog')).toBeVisible();
  await expectAccessible(page, 'new user dialog');
});

test('the permission matrix', async ({ page }) => {
  // 150 labelled boxes: axe takes its time over them.
  test.setTimeout(90_000);
  await signInAs(page, ADMIN);
  await page.goto('/admin/permissions');
  await expect(page.getByTestId('perm-row').first()).toBeVisible();
  await expectAccessible(page, 'permission matrix');
});

test('custom fields with the dialog open, the customers and a customer', async ({ page }) => {
  test.setTimeout(60_000);
  await signInAs(page, ADMIN);
  await page.goto('/admin/fields');
  await expect(page.getByTestId('fields')).toBeVisible();
  await page.getByTestId('field-new').click();
  await expect(page.getByTestId('field-dialog')).toBeVisible();
  await expectAccessible(page, 'new field dialog');
  await page.getByTestId('dialog-close').click();
  await page.getByTestId('nav-customers').click();
  await expect(page.getByTestId('customer-row').first()).toBeVisible();
  await expectAccessible(page, 'customers');
  await page.getByTestId('customer-row').first().getByRole('link').click();
  await expect(page.getByTestId('custom-values')).toBeVisible();
  await expectAccessible(page, 'customer');
});

test('the administration screens: API tokens with a new token shown and a revocation asked, the audit log with a change open', async ({ page }, testInfo) => {
  await signInAs(page, ADMIN);
  const tokens = new TokensPage(page);
  await page.getByTestId('nav-admin').click();
  await tokens.nav.click();
  await expect(tokens.screen).toBeVisible();
  await tokens.issue.click();
  await expect(tokens.nameError).not.toBeEmpty();
  await expectAccessible(page, 'API tokens with refused fields');
  // Its own token only: other tests use theirs on the same server.
  const name = `a11y ${testInfo.project.name} ${Date.now()}`;
  await tokens.name.fill(name);
  await tokens.role.selectOption('rep');
  await tokens.unit.selectOption({ index: 1 });
  await tokens.issue.click();
  await expect(tokens.dialog).toBeVisible();
  await expectAccessible(page, 'the new token, shown once');
  await tokens.done.click();
  const row = tokens.rows.filter({ hasText: name });
  const id = await row.getAttribute('data-token-id');
  await row.getByTestId('token-revoke').click();
  await expect(tokens.revokeDialog).toBeVisible();
  await expectAccessible(page, 'revoking a token');
  await tokens.revokeConfirm.click();
  await expect(tokens.revokeDialog).toHaveCount(0);
  await expectAccessible(page, 'API tokens');
  // The log of this token alone: axe over fifty rows of changes outlasts the test.
  const audit = new AuditPage(page);
  await page.getByTestId('nav-admin').click();
  await audit.nav.click();
  await expect(audit.rows.first()).toBeVisible();
  await page.goto(`/admin/audit?entity=api_token&entity_id=${id}`);
  await expect(audit.rows).toHaveCount(2);
  await audit.rows.first().getByTestId('audit-change').locator('summary').click();
  await expectAccessible(page, 'audit log');
});

test('the imports and exports screen, empty and with a refused file\'s problems', async ({ page }, testInfo) => {
  await signInAs(page, RM);
  const view = new ImportsPage(page);
  await view.nav.click();
  await expect(page.getByTestId('export')).toBeVisible();
  await expectAccessible(page, 'imports');
  const code = `A11Y-${testInfo.project.name}-${Date.now()}`;
  await view.importFile('customers', customerCsv(`${code}.csv`, [newHospital(code, '无障碍测试医院', '四甲')]));
  await view.endedJob('failed');
  await expect(view.errors.first()).toBeVisible();
  await expectAccessible(page, 'imports with a refused file');
});
