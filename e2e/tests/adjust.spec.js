// @ts-check
// Adjusting a draft plan in the app: a line cannot leave its band, a
// change says why and carries its evidence, the lines are checked against
// the parent to the yuan as one types, rebalance restores them, and a
// stale edit ends in "someone changed this plan — reload" with nothing of
// what was typed lost. Every figure read on screen is checked against the API.
const { test, expect } = require('@playwright/test');
const { HomePage } = require('../pages/home');
const { signInAs } = require('../pages/signin');
const { PlanPage } = require('../pages/plans');
const { yuan } = require('../pages/target');
const { screenshotPath } = require('../pages/shots');
const { HQ, RM, draftRegionPlan, fen, money, allowed, AdjustDialog } = require('../pages/planning');

/** A meeting note as a real (tiny) PDF. */
const MEETING_NOTE = {
  name: '12月区域会议纪要.pdf',
  mimeType: 'application/pdf',
  buffer: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
};

/** The viewport as seen: a modal dialog is fixed to it, not to the page. */
async function dialogShot(page, name) {
  await page.screenshot({ path: screenshotPath(name) });
}

async function noHorizontalScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the page does not scroll sideways').toBeLessThanOrEqual(0);
}

test('rm.hn adjusts 广东: the band holds, the reason and a meeting note go with it, the sum is checked live and rebalance restores it', async ({ page, request }, testInfo) => {
  const { plan, lines, rm } = await draftRegionPlan(request);
  const guangdong = lines.find((l) => l.name === '广东');
  expect(guangdong, 'the 华南 plan has a line for 广东').toBeTruthy();
  const band = allowed(guangdong, plan);
  const errors = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));

  await signInAs(page, RM);
  await page.goto(`/plans/${plan.id}`);
  const view = new PlanPage(page);
  await expect(view.status).toHaveText('草稿');
  const row = view.line(guangdong.id);
  await expect(row.getByTestId('line-final')).toHaveText(yuan(guangdong.final));
  await row.getByTestId('line-adjust').click();
  const dialog = new AdjustDialog(page);
  await expect(dialog.dialog).toBeVisible();
  // Named by its title, as a screen reader announces it.
  await expect(page.getByRole('dialog', { name: '调整广东的目标' })).toBeVisible();

  // The range is shown, and a value outside it cannot be saved.
  await expect(dialog.range).toContainText(`${yuan(money(band.min))} – ${yuan(money(band.max))}`);
  await expect(dialog.slider).toHaveAttribute('min', String(band.min / 100));
  await expect(dialog.slider).toHaveAttribute('max', String(band.max / 100));
  await dialog.amount.fill(String((band.max + band.unit) / 100));
  await expect(dialog.amountError).toHaveText(`超出允许范围：须在 ${yuan(money(band.min))} 至 ${yuan(money(band.max))} 之间`);
  await expect(dialog.amount).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.save).toBeDisabled();
  await dialogShot(page, `${testInfo.project.name}-adjust-out-of-band`);

  // Inside the band: 10 % up in whole units; the sum is checked as one types.
  const suggested = fen(guangdong.suggested);
  const raised = Math.min(band.max, Math.round((suggested * 1.1) / band.unit) * band.unit);
  await dialog.amount.fill(String(raised / 100));
  await expect(dialog.amountError).toBeEmpty();
  const sum = fen(plan.lines_total) - fen(guangdong.final) + raised;
  await expect(dialog.liveSumValue).toHaveText(yuan(money(sum)));
  await expect(dialog.liveSumDifference).toHaveText(yuan(money(fen(plan.total) - sum)));
  await expect(dialog.liveSum).toHaveAttribute('data-ok', String(sum === fen(plan.total)));
  // The slider follows the input, and the input the slider.
  await expect(dialog.slider).toHaveValue(String(raised / 100));
  await dialog.slider.fill(String(band.min / 100));
  await expect(dialog.amount).toHaveValue(String(band.min / 100));
  await dialog.amount.fill(String(raised / 100));

  // A reason of at least ten characters.
  await dialog.reason.fill('集采提前');
  await expect(dialog.reasonHint).toHaveText('至少 10 个字，已输入 4 个');
  await expect(dialog.save).toBeDisabled();
  const reason = '省卫健委集采政策提前落地，广州三甲医院集中换装';
  await dialog.reason.fill(reason);
  await expect(dialog.save).toBeEnabled();

  // The meeting note, picked like a file on a phone.
  await dialog.evidenceInput.setInputFiles(MEETING_NOTE);
  await expect(dialog.evidence).toHaveCount(1);
  await expect(dialog.evidence.getByTestId('evidence-name')).toHaveText(MEETING_NOTE.name);
  const download = page.waitForEvent('download');
  await dialog.evidence.getByTestId('evidence-download').click();
  expect((await download).suggestedFilename()).toBe(MEETING_NOTE.name);
  await dialogShot(page, `${testInfo.project.name}-adjust-in-band`);
  await noHorizontalScroll(page);

  await dialog.save.click();
  await expect(dialog.dialog).toBeHidden();
  await expect(page.getByTestId('toast').last()).toContainText(`已保存：广东 ${yuan(money(raised))}`);
  const saved = (await rm.get(`/api/v1/plans/${plan.id}/lines`)).find((l) => l.id === guangdong.id);
  expect(fen(saved.final)).toBe(raised);
  expect(saved.reason).toBe(reason);
  expect(saved.pinned).toBe(true);
  expect(saved.evidence).toBe(1);
  await expect(row.getByTestId('line-final')).toHaveText(yuan(saved.final));
  await expect(row.getByTestId('line-pinned')).toBeVisible();
  await expect(row.getByTestId('line-reason')).toHaveText(reason);
  await expect(row.getByTestId('line-evidence')).toHaveAttribute('data-count', '1');

  // The lines no longer add up; rebalance spreads the rest over the others.
  let after = await rm.get(`/api/v1/plans/${plan.id}`);
  await expect(view.reconciles).toHaveAttribute('data-ok', String(after.difference === '0.00'));
  await page.getByTestId('plan-rebalance').click();
  await expect(page.getByTestId('toast').last()).toHaveText('已重新平衡');
  after = await rm.get(`/api/v1/plans/${plan.id}`);
  expect(after.difference).toBe('0.00');
  await expect(view.reconciles).toHaveAttribute('data-ok', 'true');
  const rebalanced = await rm.get(`/api/v1/plans/${plan.id}/lines`);
  expect(rebalanced.reduce((total, l) => total + fen(l.final), 0)).toBe(fen(plan.total));
  for (const line of rebalanced) {
    await expect(view.line(line.id).getByTestId('line-final')).toHaveText(yuan(line.final));
  }
  expect(fen(rebalanced.find((l) => l.id === guangdong.id).final), 'the pinned line kept its value').toBe(raised);
  await new HomePage(page).screenshot(`${testInfo.project.name}-adjust-rebalanced`);
  await noHorizontalScroll(page);

  // Now it adds up, it goes to HQ.
  await page.getByTestId('plan-submit').click();
  await expect(view.status).toHaveText('待审批');
  await expect(page.getByTestId('plan-waiting')).toBeVisible();
  await expect(page.getByTestId('line-adjust')).toHaveCount(0);
  expect((await rm.get(`/api/v1/plans/${plan.id}`)).status).toBe('submitted');
  expect(errors).toEqual([]);
});

test('a stale edit ends in "someone changed this plan — reload", and nothing typed is lost', async ({ browser, page, request }, testInfo) => {
  const { plan, lines, rm } = await draftRegionPlan(request);
  const line = lines[lines.length - 1];
  const band = allowed(line, plan);
  await signInAs(page, RM);
  await page.goto(`/plans/${plan.id}`);
  const view = new PlanPage(page);
  await view.line(line.id).getByTestId('line-adjust').click();
  const dialog = new AdjustDialog(page);
  const typed = String(band.min / 100);
  const reason = '区域会议决定下调，等待院长审批结果';
  await dialog.amount.fill(typed);
  await dialog.reason.fill(reason);

  // Meanwhile a second browser changes the same line.
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const second = await other.newPage();
  await signInAs(second, RM);
  await second.goto(`/plans/${plan.id}`);
  await new PlanPage(second).line(line.id).getByTestId('line-adjust').click();
  const secondDialog = new AdjustDialog(second);
  await secondDialog.amount.fill(String(band.max / 100));
  await secondDialog.reason.fill('另一位经理的调整，依据省区会议');
  await secondDialog.save.click();
  await expect(secondDialog.dialog).toBeHidden();
  await other.close();

  await dialog.save.click();
  await expect(dialog.stale).toContainText('有人刚刚修改了这个计划，请重新加载');
  await expect(dialog.amount).toHaveValue(typed);
  await expect(dialog.reason).toHaveValue(reason);
  await dialogShot(page, `${testInfo.project.name}-adjust-stale`);
  await dialog.reload.click();
  // The plan is read again; the dialog keeps what was typed.
  await expect(dialog.stale).toBeHidden();
  const now = (await rm.get(`/api/v1/plans/${plan.id}/lines`)).find((l) => l.id === line.id);
  expect(fen(now.final)).toBe(band.max);
  await expect(view.line(line.id).getByTestId('line-final')).toHaveText(yuan(now.final));
  await expect(dialog.amount).toHaveValue(typed);
  await expect(dialog.reason).toHaveValue(reason);
  await dialog.save.click();
  await expect(dialog.dialog).toBeHidden();
  const saved = (await rm.get(`/api/v1/plans/${plan.id}/lines`)).find((l) => l.id === line.id);
  expect(fen(saved.final)).toBe(band.min);
  expect(saved.reason).toBe(reason);
});

test('an approved plan shows no adjusting, and HQ reads its lines without changing them', async ({ page, request }) => {
  const { plan, hq } = await draftRegionPlan(request);
  const top = await hq.get(`/api/v1/plans/${plan.parent_plan_id}`);
  await signInAs(page, HQ);
  await page.goto(`/plans/${top.id}`);
  const view = new PlanPage(page);
  await expect(view.status).toHaveText('已批准');
  await expect(page.getByTestId('line-adjust')).toHaveCount(0);
  await expect(page.getByTestId('plan-rebalance')).toHaveCount(0);
});

test('what-if shows every line\'s move before anything is saved, and applying suggests again', async ({ page, request }, testInfo) => {
  const { plan, rm } = await draftRegionPlan(request);
  await signInAs(page, RM);
  await page.goto(`/plans/${plan.id}`);
  const panel = page.getByTestId('what-if');
  await expect(panel.getByTestId('what-if-row')).toHaveCount(plan.lines);
  await expect(page.getByTestId('what-if-apply')).toBeDisabled();

  // Market potential alone: the sum is checked on the way there.
  await page.getByTestId('what-if-market').fill('100');
  await expect(page.getByTestId('what-if-sum')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('what-if-sum')).toHaveText('权重合计 150 %（须为 100 %）');
  await expect(page.getByTestId('what-if-apply')).toBeDisabled();
  await page.getByTestId('what-if-staffing').fill('0');
  await page.getByTestId('what-if-priority').fill('0');
  await expect(page.getByTestId('what-if-sum')).toHaveAttribute('data-ok', 'true');

  const tried = await rm.write('POST', `/api/v1/plans/${plan.id}/what-if`, { weights: { market: '100', staffing: '0', priority: '0' }, band_percent: plan.band_percent });
  for (const line of tried.lines) {
    const row = panel.locator(`[data-testid="what-if-row"][data-line-id="${line.line_id}"]`);
    await expect(row.getByTestId('what-if-new')).toHaveText(yuan(line.suggested));
    await expect(row.getByTestId('what-if-delta')).toHaveText(yuan(line.delta));
  }
  const untouched = await rm.get(`/api/v1/plans/${plan.id}`);
  expect(untouched.version, 'trying saves nothing').toBe(plan.version);
  await new HomePage(page).screenshot(`${testInfo.project.name}-what-if`);
  await noHorizontalScroll(page);

  await page.getByTestId('what-if-apply').click();
  await expect(page.getByTestId('toast').last()).toHaveText('已按新设置重新生成建议');
  const applied = await rm.get(`/api/v1/plans/${plan.id}`);
  expect([applied.weights.market, applied.weights.staffing, applied.weights.priority].map(Number)).toEqual([100, 0, 0]);
  const lines = await rm.get(`/api/v1/plans/${plan.id}/lines`);
  for (const line of tried.lines) {
    expect(lines.find((l) => l.id === line.line_id).suggested).toBe(line.suggested);
    await expect(new PlanPage(page).line(line.line_id).getByTestId('line-suggested')).toHaveText(yuan(line.suggested));
  }
});
