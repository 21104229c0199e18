// @ts-check
// A plan's way to approval in the app: HQ finds the submitted plan in its
// inbox (待我审批) and approves it or returns it with a comment the region
// manager then reads; the region manager's own plan never waits in his own
// inbox; the revisions and the diff between two of them are the API's.
const { test, expect } = require('@playwright/test');
const { HomePage } = require('../pages/home');
const { signInAs } = require('../pages/signin');
const { PlanPage } = require('../pages/plans');
const { yuan } = require('../pages/target');
const { HQ, RM, draftRegionPlan, fen, money, allowed } = require('../pages/planning');

/** 广东 raised within its band, rebalanced and submitted, through the API. */
async function submittedPlan(request) {
  const { plan, lines, rm, hq } = await draftRegionPlan(request);
  const guangdong = lines.find((l) => l.name === '广东');
  const band = allowed(guangdong, plan);
  await rm.write('PATCH', `/api/v1/plans/${plan.id}/lines/${guangdong.id}`, { final: money(band.max), reason: '省卫健委集采政策提前落地，广州三甲医院集中换装' }, guangdong.version);
  let now = await rm.get(`/api/v1/plans/${plan.id}`);
  now = await rm.write('POST', `/api/v1/plans/${plan.id}/rebalance`, undefined, now.version);
  now = await rm.write('POST', `/api/v1/plans/${plan.id}/submit`, undefined, now.version);
  expect(now.status).toBe('submitted');
  return { plan: now, guangdong, rm, hq };
}

test('hq.ceo approves 华南 from the inbox; the history and the diff are the API\'s', async ({ page, request }, testInfo) => {
  const { plan, guangdong, rm, hq } = await submittedPlan(request);
  const waiting = await hq.get('/api/v1/plans?approvable=true&limit=500');
  expect(waiting.items.map((p) => p.id)).toContain(plan.id);

  await signInAs(page, HQ);
  await page.getByTestId('nav-inbox').click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByTestId('plan-row')).toHaveCount(waiting.items.length);
  await new HomePage(page).screenshot(`${testInfo.project.name}-inbox`);
  await page.locator(`[data-testid="plan-row"][data-plan-id="${plan.id}"]`).getByRole('link').click();
  const view = new PlanPage(page);
  await expect(view.status).toHaveText('待审批');
  await page.getByTestId('plan-approve').click();
  await expect(view.status).toHaveText('已批准');
  expect((await hq.get(`/api/v1/plans/${plan.id}`)).status).toBe('approved');
  await expect(page.getByTestId('plan-approve')).toHaveCount(0);

  // Every revision, newest first, as the API lists them.
  const revisions = await hq.get(`/api/v1/plans/${plan.id}/revisions`);
  const rows = page.getByTestId('revision-row');
  await expect(rows).toHaveCount(revisions.length);
  const newest = revisions[revisions.length - 1];
  await expect(rows.first()).toHaveAttribute('data-kind', newest.kind);
  await expect(rows.first()).toContainText('批准');
  // The server's own steps read in Chinese; a person's reason as written.
  await expect(rows.first().getByTestId('revision-reason')).toHaveText('审批通过');
  const adjustRow = page.locator('[data-testid="revision-row"][data-kind="adjust"]');
  await expect(adjustRow.getByTestId('revision-reason')).toHaveText(revisions.find((r) => r.kind === 'adjust').reason);
  await expect(rows.first().getByTestId('revision-at')).not.toBeEmpty();
  // The diff from before the adjustment to now names 广东 with its move.
  const adjusted = revisions.find((r) => r.kind === 'adjust');
  await page.getByTestId('diff-from-revision').selectOption(String(adjusted.number - 1));
  const diff = await hq.get(`/api/v1/plans/${plan.id}/diff?from=${adjusted.number - 1}&to=${newest.number}`);
  await expect(page.getByTestId('diff-row')).toHaveCount(diff.lines.length);
  const moved = diff.lines.find((l) => l.line_id === guangdong.id);
  const row = page.locator(`[data-testid="diff-row"][data-line-id="${guangdong.id}"]`);
  await expect(row.getByTestId('diff-from')).toHaveText(yuan(moved.from_final));
  await expect(row.getByTestId('diff-to')).toHaveText(yuan(moved.to_final));
  await expect(row.getByTestId('diff-delta')).toHaveText(yuan(moved.delta));
  expect(fen(moved.to_final) - fen(moved.from_final)).toBe(fen(moved.delta));
  await new HomePage(page).screenshot(`${testInfo.project.name}-plan-history`);

  // The region manager sees it approved; his inbox never held it.
  const rmWaiting = await rm.get('/api/v1/plans?approvable=true&limit=500');
  expect(rmWaiting.items.map((p) => p.id)).not.toContain(plan.id);
});

test('a returned plan carries HQ\'s comment back to the region manager, who can adjust it again', async ({ browser, page, request }) => {
  const { plan } = await submittedPlan(request);
  await signInAs(page, HQ);
  await page.goto(`/plans/${plan.id}`);
  const comment = '广东目标偏高，请结合院长审批进度重新评估';
  await expect(page.getByTestId('plan-return')).toBeDisabled();
  await page.getByTestId('return-comment').fill('偏高');
  await expect(page.getByTestId('plan-return')).toBeDisabled();
  await page.getByTestId('return-comment').fill(comment);
  await page.getByTestId('plan-return').click();
  await expect(new PlanPage(page).status).toHaveText('已退回');

  const rmContext = await browser.newContext();
  const rmPage = await rmContext.newPage();
  await signInAs(rmPage, RM);
  await rmPage.goto(`/plans/${plan.id}`);
  await expect(new PlanPage(rmPage).status).toHaveText('已退回');
  await expect(rmPage.getByTestId('plan-comment')).toContainText(comment);
  await expect(rmPage.getByTestId('line-adjust').first()).toBeVisible();
  await expect(rmPage.getByTestId('plan-submit')).toBeEnabled();
  await rmContext.close();
});

test('the region manager\'s inbox lists what waits for him, not his own plan', async ({ page, request }) => {
  const { plan, rm } = await submittedPlan(request);
  const waiting = await rm.get('/api/v1/plans?approvable=true&limit=500');
  await signInAs(page, RM);
  await page.getByTestId('nav-inbox').click();
  if (waiting.items.length === 0) {
    await expect(page.getByTestId('plans-empty')).toHaveText('没有等待您审批的计划。');
  } else {
    await expect(page.getByTestId('plan-row')).toHaveCount(waiting.items.length);
  }
  await expect(page.locator(`[data-testid="plan-row"][data-plan-id="${plan.id}"]`)).toHaveCount(0);
  await page.goto(`/plans/${plan.id}`);
  await expect(page.getByTestId('plan-waiting')).toBeVisible();
  await expect(page.getByTestId('plan-approve')).toHaveCount(0);
});
