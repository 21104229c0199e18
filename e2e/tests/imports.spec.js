// @ts-check
// Imports and exports in the app: a CSV with one bad row is refused with
// that row, column and reason shown and nothing written; a good file is
// imported with its progress and outcome as the job says; an export
// downloads in both formats. Every figure read on screen is checked against
// the API, and each run imports hospitals of its own (codes with the project
// and the time in them), so runs and projects never meet.
const fs = require('node:fs');
const { test, expect } = require('@playwright/test');
const { signInAs, DEMO_USER } = require('../pages/signin');
const { screenshotPath } = require('../pages/shots');
const { RM, client } = require('../pages/planning');
const { ImportsPage, CUSTOMER_HEADER, customerCsv, newHospital, hospitalRow } = require('../pages/imports');

async function noHorizontalScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the page does not scroll sideways').toBeLessThanOrEqual(0);
}

/** A code no other run or project uses. */
function tag(testInfo) {
  return `E2E-${testInfo.project.name}-${Date.now()}`;
}

/** The customers whose code, name or city contains `text` (rm.hn's scope). */
async function customersMatching(api, text) {
  return (await api.get(`/api/v1/customers?q=${encodeURIComponent(text)}&limit=500`)).items;
}

test('a CSV with one bad row is refused: that row, column and reason are shown and nothing is written', async ({ page, request }, testInfo) => {
  const rm = await client(request, RM);
  const units = (await rm.get('/api/v1/org-units?limit=500')).items;
  const guangxi = units.find((u) => u.code === 'P-GX');
  expect(guangxi, '广西 is in rm.hn\'s scope').toBeTruthy();
  const existing = (await rm.get(`/api/v1/customers?unit_id=${guangxi.id}&limit=1`)).items[0];
  expect(existing, '广西 has a hospital').toBeTruthy();
  const code = tag(testInfo);
  // Row 2 renames a hospital, row 3 has no such grade, row 4 is a new one.
  const file = customerCsv(`${code}-refused.csv`, [
    hospitalRow(existing, guangxi.code, `${existing.name}（改名）`),
    newHospital(`${code}-1`, '南宁测试医院甲', '四甲'),
    newHospital(`${code}-2`, '南宁测试医院乙'),
  ]);

  await signInAs(page, RM);
  const view = new ImportsPage(page);
  await view.nav.click();
  await view.importFile('customers', file);
  const id = await view.endedJob('failed');

  // The job as the server has it: refused, one problem, in row 3's grade.
  const job = await rm.get(`/api/v1/imports/${id}`);
  expect(job.status).toBe('failed');
  expect(job.total_errors).toBe(1);
  expect(job.errors).toHaveLength(1);
  expect(job.errors[0].row).toBe(3);
  expect(job.errors[0].field).toBe('grade');
  expect(job.file_name).toBe(file.name);

  await expect(view.status).toHaveText(/已拒绝/);
  await expect(view.refusedTitle).toHaveText('✗ 文件被拒绝：没有写入任何数据。');
  await expect(view.problems).toHaveText(`共 ${job.total_errors} 个问题。`);
  // No bar for a refused file: the server keeps no rows done for it.
  await expect(view.progress).toHaveCount(0);
  await expect(view.errors).toHaveCount(job.errors.length);
  const shown = view.errors.first();
  await expect(shown.getByTestId('import-error-row')).toHaveText(String(job.errors[0].row));
  await expect(shown.getByTestId('import-error-column')).toHaveText(job.errors[0].field);
  await expect(shown.getByTestId('import-error-reason')).toHaveText(job.errors[0].reason);
  await expect(view.refused).toBeVisible();
  await page.screenshot({ path: screenshotPath(`${testInfo.project.name}-imports-refused`), fullPage: true });
  await noHorizontalScroll(page);

  // Nothing was written: the renamed hospital is as it was, the new ones do not exist.
  expect(await rm.get(`/api/v1/customers/${existing.id}`)).toEqual(existing);
  expect(await customersMatching(rm, code)).toEqual([]);

  // The recent imports say the same as the job.
  const row = view.recentRow(id);
  await expect(row.getByTestId('recent-import-status')).toHaveAttribute('data-status', 'failed');
  await expect(row.getByTestId('recent-import-problems')).toHaveText(String(job.total_errors));
  await expect(row.getByTestId('recent-import-changed')).toHaveText(String(job.rows_changed));
});

test('a good CSV is imported: the progress and the outcome are the job\'s, and the hospitals are there', async ({ page, request }, testInfo) => {
  const rm = await client(request, RM);
  const code = tag(testInfo);
  const names = { [`${code}-1`]: '南宁测试医院丙', [`${code}-2`]: '柳州测试医院丁' };
  const file = customerCsv(
    `${code}-good.csv`,
    Object.entries(names).map(([c, name]) => newHospital(c, name)),
  );

  await signInAs(page, RM);
  const view = new ImportsPage(page);
  await view.nav.click();
  await view.kind.selectOption('customers');
  // The columns the kind needs are shown, the optional one marked.
  await expect(view.columns.locator('code')).toHaveText(CUSTOMER_HEADER.split(','));
  await expect(view.columns.locator('li', { hasText: 'owner_employee_no' })).toContainText('可省略');
  await view.importFile('customers', file);
  const id = await view.endedJob('succeeded');

  const job = await rm.get(`/api/v1/imports/${id}`);
  expect(job.status).toBe('succeeded');
  expect(job.rows_total).toBe(2);
  expect(job.rows_changed).toBe(2);
  expect(job.total_errors).toBe(0);
  await expect(view.status).toHaveText(/已导入/);
  await expect(view.progress).toHaveAttribute('max', String(job.rows_total));
  await expect(view.progress).toHaveAttribute('value', String(job.rows_done));
  await expect(view.progressText).toHaveText(`已检查 ${job.rows_done} / ${job.rows_total} 行`);
  await expect(view.rowsRead).toHaveText(String(job.rows_done));
  await expect(view.rowsChanged).toHaveText(String(job.rows_changed));
  await expect(view.refused).toHaveCount(0);
  await page.screenshot({ path: screenshotPath(`${testInfo.project.name}-imports-succeeded`), fullPage: true });
  await noHorizontalScroll(page);

  // Written: both hospitals, as the file says.
  const made = await customersMatching(rm, code);
  expect(Object.fromEntries(made.map((c) => [c.code, c.name]))).toEqual(names);

  const row = view.recentRow(id);
  await expect(row.getByTestId('recent-import-status')).toHaveAttribute('data-status', 'succeeded');
  await expect(row.getByTestId('recent-import-rows')).toHaveText(String(job.rows_total));
  await expect(row.getByTestId('recent-import-changed')).toHaveText(String(job.rows_changed));
  await expect(row.getByTestId('recent-import-problems')).toHaveText('0');

  // The job stays in the address: a reload shows it again.
  await expect(page).toHaveURL(new RegExp(`/imports\\?job=${id}$`));
  await page.reload();
  await expect(view.job).toHaveAttribute('data-status', 'succeeded');
  await expect(view.rowsChanged).toHaveText(String(job.rows_changed));
});

test('exports download as CSV and as Excel, in the columns imports read', async ({ page, request }) => {
  const rm = await client(request, RM);
  const someone = (await rm.get('/api/v1/customers?limit=1')).items[0];

  await signInAs(page, RM);
  const view = new ImportsPage(page);
  await view.nav.click();

  const csvDownload = page.waitForEvent('download');
  await view.exportButton('customers', 'csv').click();
  const csv = await csvDownload;
  expect(csv.suggestedFilename()).toBe('customers.csv');
  const text = fs.readFileSync(await csv.path(), 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  // Custom fields, if the company has any, follow the fixed columns.
  expect(lines[0].startsWith(CUSTOMER_HEADER)).toBe(true);
  expect(lines.some((line) => line.startsWith(`${someone.code},`))).toBe(true);
  await expect(page.getByTestId('toast').last()).toHaveText('已下载：customers.csv');

  const xlsxDownload = page.waitForEvent('download');
  await view.exportButton('reps', 'xlsx').click();
  const xlsx = await xlsxDownload;
  expect(xlsx.suggestedFilename()).toBe('reps.xlsx');
  // An Office Open XML workbook is a zip archive.
  expect(fs.readFileSync(await xlsx.path()).subarray(0, 2).toString('latin1')).toBe('PK');
  await expect(view.exportBusy).toBeEmpty();
});

test('a rep, who may neither import nor export, is not offered the screen and is told so at its address', async ({ page, request }) => {
  const rep = { username: 'rep.e00001', password: DEMO_USER.password };
  const me = await (await client(request, rep)).get('/api/v1/auth/me');
  expect(me.permissions).not.toContain('imports.run');
  expect(me.permissions).not.toContain('exports.run');
  await signInAs(page, rep);
  const view = new ImportsPage(page);
  await expect(page.getByTestId('nav-home')).toBeVisible();
  await expect(view.nav).toHaveCount(0);
  await page.goto('/imports');
  await expect(page.getByTestId('imports-none')).toHaveText('您没有导入或导出数据的权限。');
  await expect(page.getByTestId('import')).toHaveCount(0);
  await expect(page.getByTestId('export')).toHaveCount(0);
});
