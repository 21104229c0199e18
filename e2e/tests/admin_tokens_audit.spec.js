// @ts-check
// Administration for the HRBP, so nobody needs an engineer: an admin issues
// an API token, sees it once, copies it, the token works against the API,
// and once revoked the API refuses it; the audit log, filtered in the
// address, shows the token's creation exactly as the API reads it; a region
// manager is offered neither screen. Every token is named after its run and
// project, so the tests share a server with any others.
const { test, expect } = require('@playwright/test');
const { signInAs, apiSignIn } = require('../pages/signin');
const { HQ, RM, client } = require('../pages/planning');
const { ADMIN, TokensPage, AuditPage } = require('../pages/admin');
const { screenshotPath } = require('../pages/shots');

/** A name no other test or run uses. */
function unique(testInfo, what) {
  return `${what} ${testInfo.project.name} ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
}

/** How many CSS pixels the page is wider than the viewport. */
async function horizontalOverflow(page) {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}

/** `at` as the page writes a moment: the company's zone, Chinese, medium date and short time. */
async function moment(page, at, timeZone) {
  return page.evaluate(
    ([instant, zone]) => new Date(instant).toLocaleString('zh-CN', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }),
    [at, timeZone],
  );
}

test('an admin issues a token, sees it once, copies it, uses it, and once revoked the API refuses it', async ({ page, context, request }, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const admin = await client(request, ADMIN);
  const region = (await client(request, RM).then((rm) => rm.get('/api/v1/auth/me'))).unit_id;
  const units = (await admin.get('/api/v1/org-units?limit=500')).items;
  const regionName = units.find((u) => u.id === region).name;
  const name = unique(testInfo, 'ERP 同步');

  await signInAs(page, ADMIN);
  const tokens = new TokensPage(page);
  await page.getByTestId('nav-admin').click();
  await tokens.nav.click();
  await expect(tokens.screen).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/tokens$/);

  // Nothing chosen: the form says what is missing, on each field.
  await tokens.issue.click();
  await expect(tokens.nameError).toHaveText('请填写名称');
  await expect(tokens.roleError).toHaveText('请选择角色');
  await expect(tokens.unitError).toHaveText('请选择单位');
  await expect(tokens.name).toHaveAttribute('aria-invalid', 'true');

  // A name the server refuses (over 100 characters): its words, on the field.
  await tokens.name.fill('长'.repeat(101));
  await tokens.role.selectOption('region_manager');
  await tokens.unit.selectOption(String(region));
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/api-tokens') && r.request().method() === 'POST');
  await tokens.issue.click();
  const problem = await (await refused).json();
  expect(problem.status).toBe(422);
  const reason = problem.errors.find((e) => e.field === 'name').reason;
  await expect(tokens.nameError).toHaveText(reason);
  await expect(tokens.error).toBeHidden();

  // Issued: shown once, in a dialog that says so, and copied.
  await tokens.name.fill(name);
  const issuedResponse = page.waitForResponse((r) => r.url().endsWith('/api/v1/api-tokens') && r.request().method() === 'POST');
  await tokens.issue.click();
  const issued = await (await issuedResponse).json();
  await expect(tokens.dialog).toBeVisible();
  await expect(tokens.once).toContainText('只显示这一次');
  await expect(tokens.value).toHaveText(issued.token);
  const secret = issued.token;
  expect(secret).toMatch(/^cas_/);
  await page.screenshot({ path: screenshotPath(`admin-token-once-${testInfo.project.name}`) });
  await tokens.copy.click();
  await expect(tokens.copy).toContainText('已复制');
  await expect(tokens.copied).toHaveText('已复制到剪贴板。');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await tokens.done.click();
  await expect(tokens.dialog).toHaveCount(0);
  // Never shown again: the form is empty and the page no longer holds it.
  await expect(tokens.name).toHaveValue('');
  expect(await page.content()).not.toContain(secret);

  // Listed as the API lists it.
  const row = tokens.row(issued.api_token.id);
  const listed = (await admin.get('/api/v1/api-tokens?limit=500&order=desc')).items.find((t) => t.id === issued.api_token.id);
  expect(listed.name).toBe(name);
  expect(secret.startsWith(listed.prefix)).toBe(true);
  await expect(row.getByTestId('token-name-cell')).toHaveText(name);
  await expect(row.getByTestId('token-prefix')).toHaveText(listed.prefix);
  await expect(row.getByTestId('token-role-cell')).toHaveText('大区经理');
  await expect(row.getByTestId('token-unit-cell')).toHaveText(regionName);
  await expect(row.getByTestId('token-state')).toHaveText('有效');
  await expect(row.getByTestId('token-last-used')).toHaveText('从未使用');
  await expect(row.getByTestId('token-expires-cell')).toHaveText('一直有效');
  const company = await admin.get('/api/v1/company');
  await expect(row.getByTestId('token-created')).toHaveText(await moment(page, listed.created_at, company.time_zone));

  // The token works, as the region manager's role inside 华南.
  const used = await request.get('/api/v1/company', { headers: { Authorization: `Bearer ${secret}` } });
  expect(used.status(), await used.text()).toBe(200);
  await page.reload();
  await expect(row.getByTestId('token-last-used')).not.toHaveText('从未使用');

  // Revoking asks first; cancelling leaves the token working.
  await row.getByTestId('token-revoke').click();
  await expect(tokens.revokeDialog).toBeVisible();
  await expect(tokens.revokeDialog).toContainText(name);
  await tokens.revokeCancel.click();
  await expect(tokens.revokeDialog).toHaveCount(0);
  await expect(row.getByTestId('token-state')).toHaveText('有效');
  await expect(row.getByTestId('token-revoke')).toBeFocused();

  await row.getByTestId('token-revoke').click();
  await tokens.revokeConfirm.click();
  await expect(tokens.revokeDialog).toHaveCount(0);
  await expect(page.getByTestId('toast').filter({ hasText: name })).toContainText('已吊销');
  await expect(row.getByTestId('token-state')).toHaveText('已吊销');
  await expect(row.getByTestId('token-revoked-at')).not.toBeEmpty();
  await expect(row.getByTestId('token-revoke')).toHaveCount(0);
  const after = await request.get('/api/v1/company', { headers: { Authorization: `Bearer ${secret}` } });
  expect(after.status()).toBe(401);
  const revoked = (await admin.get('/api/v1/api-tokens?limit=500&order=desc')).items.find((t) => t.id === issued.api_token.id);
  expect(revoked.revoked_at).not.toBeNull();
  await expect(row.getByTestId('token-revoked-at')).toHaveText(await moment(page, revoked.revoked_at, company.time_zone));

  expect(await horizontalOverflow(page)).toBe(0);
  await page.screenshot({ path: screenshotPath(`admin-tokens-${testInfo.project.name}`), fullPage: true });
});

test('the audit log, filtered in the address, shows a token\'s creation as the API reads it', async ({ page, request }, testInfo) => {
  const admin = await client(request, ADMIN);
  const me = await admin.get('/api/v1/auth/me');
  const name = unique(testInfo, 'BI 报表');
  const issued = await admin.write('POST', '/api/v1/api-tokens', { name, role: 'province_manager', unit_id: me.unit_id }, undefined, 201);
  const id = String(issued.api_token.id);
  const [entry] = (await admin.get(`/api/v1/audit?action=create&entity=api_token&entity_id=${id}`)).items;
  expect(entry.after.name).toBe(name);
  const company = await admin.get('/api/v1/company');
  const people = (await admin.get('/api/v1/users?limit=500')).items;
  const actor = people.find((u) => u.id === entry.actor_user_id);

  await signInAs(page, ADMIN);
  const audit = new AuditPage(page);
  await page.getByTestId('nav-admin').click();
  await audit.nav.click();
  await expect(audit.screen).toBeVisible();
  await expect(audit.rows.first()).toBeVisible();

  // Filtered by action, then by kind: each lands in the address.
  await audit.action.selectOption('create');
  await expect(page).toHaveURL(/\/admin\/audit\?action=create$/);
  await expect(audit.rows.first()).toHaveAttribute('data-action', 'create');
  await audit.entity.selectOption('api_token');
  await expect(page).toHaveURL(/\/admin\/audit\?action=create&entity=api_token$/);
  const row = audit.row(entry.id);
  await expect(row).toBeVisible();
  await expect(audit.rows.first()).toHaveAttribute('data-entity', 'api_token');

  // The row says what the API says, in words.
  await expect(row.getByTestId('audit-at')).toHaveText(await moment(page, entry.at, company.time_zone));
  await expect(row.getByTestId('audit-who')).toContainText(entry.actor);
  await expect(row.getByTestId('audit-who')).toContainText(actor.display_name);
  await expect(row.getByTestId('audit-action-cell')).toHaveText('新建');
  await expect(row.getByTestId('audit-entity-cell')).toHaveText('API 令牌');
  await expect(row.getByTestId('audit-entity-id-cell')).toHaveText(id);
  await expect(row.getByTestId('audit-ip')).toHaveText(entry.client_ip);
  // A creation shows every field it made: nothing before, the API's after.
  await row.getByTestId('audit-change').locator('summary').click();
  const field = (key) => row.locator(`[data-testid="audit-change-row"][data-key="${key}"]`);
  await expect(row.getByTestId('audit-change-row')).toHaveCount(Object.keys(entry.after).length);
  await expect(field('name').getByTestId('audit-after')).toHaveText(name);
  await expect(field('name').getByTestId('audit-before')).toHaveText('—');
  await expect(field('prefix').getByTestId('audit-after')).toHaveText(entry.after.prefix);
  // Roles in words, instants in the company's time zone.
  await expect(field('role').getByTestId('audit-after')).toHaveText('省区经理');
  await expect(field('created_at').getByTestId('audit-after')).toHaveText(
    await moment(page, entry.after.created_at, company.time_zone),
  );

  // A reload keeps the filters; so does coming back.
  await page.reload();
  await expect(audit.action).toHaveValue('create');
  await expect(audit.entity).toHaveValue('api_token');
  await expect(audit.row(entry.id)).toBeVisible();

  // The company's today holds it; a day that ends before it does not.
  await audit.since.fill(company.today);
  await expect(page).toHaveURL(new RegExp(`since=${company.today}`));
  await expect(audit.row(entry.id)).toBeVisible();
  await audit.entityId.fill(id);
  await audit.entityId.press('Enter');
  await expect(page).toHaveURL(new RegExp(`entity_id=${id}`));
  await expect(audit.rows).toHaveCount(1);
  await page.goBack();
  await expect(audit.entityId).toHaveValue('');
  await expect(audit.row(entry.id)).toBeVisible();
  const yesterday = new Date(Date.parse(`${company.today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  await audit.until.fill(yesterday);
  await expect(audit.empty).toBeVisible();
  await audit.clear.click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(audit.rows.first()).toBeVisible();

  // Filtered by who: only the admin's own entries.
  await audit.actor.selectOption(String(entry.actor_user_id));
  await expect(page).toHaveURL(new RegExp(`actor=${entry.actor_user_id}`));
  await expect(audit.actor).toHaveValue(String(entry.actor_user_id));
  const whoCells = audit.rows.getByTestId('audit-who');
  await expect.poll(async () => (await whoCells.allTextContents()).every((t) => t.includes(entry.actor))).toBe(true);

  // More than a page of sign-ins: "more" adds the next, older ones.
  await audit.clear.click();
  let logins = (await admin.get('/api/v1/audit?action=login&limit=51')).items.length;
  for (; logins <= 50; logins++) await apiSignIn(request, ADMIN);
  await audit.action.selectOption('login');
  await expect(audit.rows).toHaveCount(50);
  await expect(page.getByTestId('audit-count')).toHaveText('已显示 50 条，还有更多');
  await audit.more.click();
  await expect(audit.rows.nth(50)).toBeVisible();
  const ids = (await audit.rows.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-entry-id')))));
  expect(ids.length).toBeGreaterThan(50);
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  expect(new Set(ids).size).toBe(ids.length);
  await expect(audit.rows.nth(50)).toHaveAttribute('data-action', 'login');

  expect(await horizontalOverflow(page)).toBe(0);
  await audit.action.selectOption('create');
  await audit.entity.selectOption('api_token');
  await expect(audit.row(entry.id)).toBeVisible();
  await audit.row(entry.id).getByTestId('audit-change').locator('summary').click();
  expect(await horizontalOverflow(page)).toBe(0);
  await page.screenshot({ path: screenshotPath(`admin-audit-${testInfo.project.name}`), fullPage: true });
  await admin.write('DELETE', `/api/v1/api-tokens/${id}`);
});

test('a region manager is offered neither screen, and HQ only the audit log', async ({ page, browser }) => {
  await signInAs(page, RM);
  await expect(page.getByTestId('nav-plans')).toBeVisible();
  await expect(page.getByTestId('nav-admin')).toHaveCount(0);
  await page.goto('/admin/tokens');
  await expect(page.getByTestId('not-allowed')).toBeVisible();
  await page.goto('/admin/audit');
  await expect(page.getByTestId('not-allowed')).toBeVisible();

  const hqContext = await browser.newContext();
  const hq = await hqContext.newPage();
  await signInAs(hq, HQ);
  await hq.getByTestId('nav-admin').click();
  await expect(hq.getByTestId('admin-audit')).toBeVisible();
  await expect(hq.getByTestId('admin-tokens')).toHaveCount(0);
  await expect(hq.getByTestId('admin-users')).toHaveCount(0);
  await hqContext.close();
});
