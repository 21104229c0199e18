// @ts-check
// Administration without an engineer: the HRBP (admin.hrbp1) adds a custom
// field and fills it in on a customer, ticks a permission in the matrix,
// creates a user who can then sign in, and deactivates them. Every change
// is read back through the API.
const { test, expect } = require('@playwright/test');
const { client } = require('../pages/planning');
const { DEMO_USER, signInAs } = require('../pages/signin');
const { screenshotPath } = require('../pages/shots');

const ADMIN = { username: 'admin.hrbp1', password: DEMO_USER.password };

/** A key, username or label no other run or project has taken. */
function unique() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

test('an admin adds a custom field and sees it, filled in, on a customer', async ({ page, request }, testInfo) => {
  const api = await client(request, ADMIN);
  const key = `tier_${unique()}`;
  await signInAs(page, ADMIN);
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('admin-fields').click();
  await expect(page).toHaveURL(/\/admin\/fields$/);

  // Refused in the form first: a key the server would not take.
  await page.getByTestId('field-new').click();
  const dialog = page.getByTestId('field-dialog');
  await dialog.getByTestId('field-key').fill('Tier');
  await dialog.getByTestId('field-label-zh').fill('客户分层');
  await dialog.getByTestId('field-label-en').fill('Account tier');
  await dialog.getByTestId('field-type').selectOption('choice');
  await dialog.getByTestId('field-choices').fill('战略\n重点\n一般');
  await dialog.getByTestId('field-save').click();
  await expect(dialog).toContainText('字段键以小写字母开头');
  await dialog.getByTestId('field-key').fill(key);
  await dialog.getByTestId('field-save').click();
  await expect(dialog).toHaveCount(0);
  const row = page.locator(`[data-testid="field-row"][data-key="${key}"]`);
  await expect(row).toContainText('客户分层');
  await expect(row).toContainText('战略、重点、一般');
  const fields = await api.get('/api/v1/custom-fields?entity=customer');
  expect(fields.find((f) => f.key === key)).toMatchObject({ label_zh: '客户分层', field_type: 'choice', choices: ['战略', '重点', '一般'] });
  await page.screenshot({ path: screenshotPath(`${testInfo.project.name}-admin-fields`), fullPage: true });

  // On a customer: found by name, the field shown by its label, filled in.
  const customer = (await api.get('/api/v1/customers?limit=1&sort=name')).items[0];
  await page.getByTestId('nav-customers').click();
  await page.getByTestId('customers-q').fill(customer.name);
  await page.getByTestId('customers-search').click();
  await expect(page).toHaveURL(/\/customers\?q=/);
  await page.locator(`[data-testid="customer-row"][data-code="${customer.code}"] a`).click();
  await expect(page.getByTestId('customer-code')).toHaveText(customer.code);
  const value = page.locator(`[data-testid="custom-value"][data-key="${key}"]`);
  await expect(value).toContainText('客户分层');
  await value.getByTestId(`custom-input-${key}`).selectOption('重点');
  await page.getByTestId('custom-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: '客户已保存' })).toBeVisible();
  const saved = await api.get(`/api/v1/customers/${customer.id}`);
  expect(saved.custom[key]).toBe('重点');
  await page.reload();
  await expect(page.locator(`[data-testid="custom-value"][data-key="${key}"] select`)).toHaveValue('重点');
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  await page.screenshot({ path: screenshotPath(`${testInfo.project.name}-customer`), fullPage: true });

  // Retired: gone from the list and from the API, with its values.
  await page.goto('/admin/fields');
  await page.locator(`[data-testid="field-row"][data-key="${key}"]`).getByTestId('field-retire').click();
  await expect(page.getByTestId('retire-dialog')).toContainText('无法恢复');
  await page.getByTestId('retire-confirm').click();
  await expect(page.locator(`[data-testid="field-row"][data-key="${key}"]`)).toHaveCount(0);
  expect((await api.get('/api/v1/custom-fields?entity=customer')).some((f) => f.key === key)).toBe(false);
});

test('the permission matrix shows the server guards and saves a tick at once', async ({ page, request }, testInfo) => {
  const api = await client(request, ADMIN);
  await signInAs(page, ADMIN);
  await page.goto('/admin/permissions');
  // The admin role keeps what manages the matrix: locked, with its reason.
  const floor = page.getByTestId('perm-admin-permissions.write').locator('input');
  await expect(floor).toBeChecked();
  await expect(floor).toBeDisabled();
  await expect(floor).toHaveAttribute('aria-describedby', 'guard-admin-floor');
  await expect(page.locator('#guard-admin-floor')).toContainText('管理员角色必须保留');
  // A tick for a province manager's audit reading, saved, then taken back.
  const box = page.getByTestId('perm-province_manager-audit.read').locator('input');
  const before = (await api.get('/api/v1/roles')).find((r) => r.role === 'province_manager').permissions;
  expect(before).not.toContain('audit.read');
  await box.check();
  await expect(page.getByTestId('toast').filter({ hasText: '已保存省区经理的权限' })).toBeVisible();
  expect((await api.get('/api/v1/roles')).find((r) => r.role === 'province_manager').permissions).toContain('audit.read');
  await page.screenshot({ path: screenshotPath(`${testInfo.project.name}-admin-permissions`), fullPage: true });
  await expect(box).toBeEnabled();
  await box.uncheck();
  await expect(box).not.toBeChecked();
  await expect.poll(async () => (await api.get('/api/v1/roles')).find((r) => r.role === 'province_manager').permissions).toEqual(before);
});

test('an admin creates a user who can sign in, then deactivates them', async ({ page, request }, testInfo) => {
  const api = await client(request, ADMIN);
  const username = `pm.e2e${unique()}`;
  const password = 'Fresh-start-2026';
  const guangdong = (await api.get('/api/v1/org-units?limit=500')).items.find((u) => u.name === '广东');
  await signInAs(page, ADMIN);
  await page.goto('/admin/users');
  await page.getByTestId('user-new').click();
  const dialog = page.getByTestId('user-dialog');
  await dialog.getByTestId('user-username').fill(username);
  await dialog.getByTestId('user-display-name').fill('广东省区经理（测试）');
  await dialog.getByTestId('user-role').selectOption('province_manager');
  await dialog.getByTestId('user-unit').selectOption(String(guangdong.id));
  await dialog.getByTestId('user-password').fill('short');
  await dialog.getByTestId('user-save').click();
  await expect(dialog).toContainText('密码长度为 10–128 个字符');
  await dialog.getByTestId('user-password').fill(password);
  await dialog.getByTestId('user-save').click();
  await expect(dialog).toHaveCount(0);
  await page.getByTestId('users-q').fill(username);
  await page.getByTestId('users-q').press('Enter');
  const row = page.locator(`[data-testid="user-row"][data-username="${username}"]`);
  await expect(row).toContainText('省区经理');
  await expect(row).toContainText('广东');
  const created = (await api.get(`/api/v1/users?q=${username}`)).items[0];
  expect(created).toMatchObject({ username, role: 'province_manager', unit_id: guangdong.id, active: true, has_password: true });
  const signIn = await request.post('/api/v1/auth/login', { data: { username, password } });
  expect(signIn.status()).toBe(200);
  await page.screenshot({ path: screenshotPath(`${testInfo.project.name}-admin-users`), fullPage: true });

  await row.getByTestId('user-edit').click();
  await dialog.getByTestId('user-active-toggle').uncheck();
  await dialog.getByTestId('user-save').click();
  await expect(dialog).toHaveCount(0);
  expect((await api.get(`/api/v1/users/${created.id}`)).active).toBe(false);
  const refused = await request.post('/api/v1/auth/login', { data: { username, password } });
  expect(refused.status()).toBe(401);
});

test('a region manager has no administration', async ({ page }) => {
  await signInAs(page, { username: 'rm.hn', password: DEMO_USER.password });
  await expect(page.getByTestId('nav-customers')).toBeVisible();
  await expect(page.getByTestId('nav-admin')).toHaveCount(0);
});
