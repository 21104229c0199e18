// @ts-check
// Calibrating an approved plan from its screen: customers move to another
// rep, a rep leaves with a receiver for every customer, and HQ relieves a
// line; each says why, and what moved is the API's to the yuan.
const { test, expect } = require('@playwright/test');
const { screenshotPath } = require('../pages/shots');
const { signInAs } = require('../pages/signin');
const { PlanPage } = require('../pages/plans');
const { yuan } = require('../pages/target');
const { HQ, RM, approvedRepPlan, fen } = require('../pages/planning');

/** The lines' finals by id, from the API. */
async function finals(client, planId) {
  return new Map((await client.get(`/api/v1/plans/${planId}/lines`)).map((l) => [l.id, l.final]));
}

async function expectChangesMatch(page, client, planId, before) {
  // The table of what moved is emptied when an event is recorded and
  // filled from its answer: once it shows, the server has written.
  const rows = page.getByTestId('change-row');
  await expect(rows.first()).toBeVisible();
  const after = await finals(client, planId);
  const moved = [...after.keys()].filter((id) => after.get(id) !== before.get(id));
  await expect(rows).toHaveCount(moved.length);
  for (const id of moved) {
    const row = page.locator(`[data-testid="change-row"][data-line-id="${id}"]`);
    await expect(row.getByTestId('change-from')).toHaveText(yuan(before.get(id)));
    await expect(row.getByTestId('change-to')).toHaveText(yuan(after.get(id)));
    await expect(new PlanPage(page).line(id).getByTestId('line-final')).toHaveText(yuan(after.get(id)));
  }
  return after;
}

test('rm.hn moves a customer and then records a departure with a receiver for every customer', async ({ page, request }, testInfo) => {
  const { plan, lines, rm } = await approvedRepPlan(request);
  // Each project its own three reps (they share the company's customers),
  // never the demo rep other tests sign in as.
  const demoRep = (await rm.get('/api/v1/reps?q=E00001&limit=5')).items.map((r) => r.id);
  const reps = lines.filter((l) => l.rep_id && !demoRep.includes(l.rep_id));
  expect(reps.length, '广东 has several reps').toBeGreaterThan(6);
  const mobile = testInfo.project.name === 'mobile' ? 1 : 0;
  const [a, b] = reps.slice(2 * mobile, 2 * mobile + 2);
  // The one who leaves has no open deal on a customer of somebody else
  // (the server would rightly refuse to strand it).
  let c;
  for (let i = 4 + mobile; i < reps.length && !c; i += 2) {
    const own = new Set((await rm.get(`/api/v1/customers?owner_rep_id=${reps[i].rep_id}&limit=500`)).items.map((x) => x.id));
    const deals = (await rm.get(`/api/v1/opportunities?owner_rep_id=${reps[i].rep_id}&open=true&limit=500`)).items;
    if (deals.every((d) => own.has(d.customer_id))) c = reps[i];
  }
  expect(c, 'a rep who can leave').toBeTruthy();
  const owned = await rm.get(`/api/v1/customers?owner_rep_id=${a.rep_id}&limit=500`);
  expect(owned.items.length, 'the rep who hands over has customers').toBeGreaterThan(0);
  const moving = owned.items[0];

  await signInAs(page, RM);
  await page.goto(`/plans/${plan.id}`);
  const panel = page.getByTestId('calibrate');
  await expect(panel).toBeVisible();
  await panel.getByTestId('calibrate-kind-transfer').click();
  await panel.getByTestId('calibrate-rep').selectOption(String(a.rep_id));
  await panel.locator(`[data-testid="calibrate-customer"][data-customer-id="${moving.id}"] input`).check();
  await panel.getByTestId('calibrate-to-rep').selectOption(String(b.rep_id));
  await expect(panel.getByTestId('calibrate-record')).toBeDisabled();
  await panel.getByTestId('calibrate-reason').fill(`${moving.name}由${b.name}接手，区域会议决定`);
  let before = await finals(rm, plan.id);
  await panel.getByTestId('calibrate-record').click();
  await expect(page.getByTestId('toast').last()).toContainText('已校准');
  before = await expectChangesMatch(page, rm, plan.id, before);
  const customer = await rm.get(`/api/v1/customers/${moving.id}`);
  expect(customer.owner_rep_id).toBe(b.rep_id);

  // c leaves: all their customers to a, then one of them to b.
  const leaving = await rm.get(`/api/v1/customers?owner_rep_id=${c.rep_id}&limit=500`);
  await panel.getByTestId('calibrate-kind-departure').click();
  await panel.getByTestId('calibrate-rep').selectOption(String(c.rep_id));
  await expect(panel.getByTestId('calibrate-customer')).toHaveCount(leaving.items.length || 0);
  if (leaving.items.length > 0) {
    await panel.getByTestId('calibrate-all-to').selectOption(String(a.rep_id));
    await panel.locator(`[data-testid="calibrate-customer"][data-customer-id="${leaving.items[0].id}"] select`).selectOption(String(b.rep_id));
  }
  await panel.getByTestId('calibrate-reason').fill(`${c.name}离职，客户按区域会议分配`);
  await panel.getByTestId('calibrate-record').click();
  await expect(page.getByTestId('toast').last()).toContainText('已校准');
  await expectChangesMatch(page, rm, plan.id, before);
  for (const [i, item] of leaving.items.entries()) {
    const now = await rm.get(`/api/v1/customers/${item.id}`);
    expect(now.owner_rep_id).toBe(i === 0 ? b.rep_id : a.rep_id);
  }
  const revisions = await rm.get(`/api/v1/plans/${plan.id}/revisions`);
  expect(revisions.filter((r) => r.kind === 'calibration').length).toBe(2);
  await expect(page.locator('[data-testid="revision-row"][data-kind="calibration"]')).toHaveCount(2);
  // The panel alone: 广东's plan has dozens of reps above it.
  await panel.screenshot({ path: screenshotPath(`${testInfo.project.name}-calibrated`) });
});

test('HQ relieves one rep\'s line and the plan\'s total follows; a region manager is not offered relief', async ({ browser, page, request }) => {
  const { plan, lines, hq } = await approvedRepPlan(request);
  const line = lines.filter((l) => l.rep_id)[0];
  await signInAs(page, HQ);
  await page.goto(`/plans/${plan.id}`);
  const panel = page.getByTestId('calibrate');
  await panel.getByTestId('calibrate-kind-relief').click();
  await panel.getByTestId('relief-line').selectOption(String(line.id));
  await panel.getByTestId('relief-delta').fill('-100000');
  await panel.getByTestId('calibrate-reason').fill('医院预算冻结至下季度，总部减免');
  const before = await finals(hq, plan.id);
  await panel.getByTestId('calibrate-record').click();
  await expect(page.getByTestId('toast').last()).toContainText('已校准');
  await expectChangesMatch(page, hq, plan.id, before);
  const after = await hq.get(`/api/v1/plans/${plan.id}`);
  expect(fen(after.total)).toBe(fen(plan.total) - 10_000_000);
  await expect(page.getByTestId('plan-total-yuan')).toHaveText(yuan(after.total));

  const rmContext = await browser.newContext();
  const rmPage = await rmContext.newPage();
  await signInAs(rmPage, RM);
  await rmPage.goto(`/plans/${plan.id}`);
  await expect(rmPage.getByTestId('calibrate-kind-transfer')).toBeVisible();
  await expect(rmPage.getByTestId('calibrate-kind-relief')).toHaveCount(0);
  await rmContext.close();
});
