// @ts-check
// 我的目标: a rep reads their target for a quarter, why it is what it is in
// Chinese, every change to it with its reason, and answers the fairness
// survey in place. Every figure is checked against the API.
const { test, expect } = require('@playwright/test');
const { approvedRepPlan, client, fen } = require('../pages/planning');
const { screenshotPath } = require('../pages/shots');
const { DEMO_USER, signInAs } = require('../pages/signin');
const { yuan } = require('../pages/target');

/** The first day of a quarter ("2027-Q2" → "2027-04-01"). */
function firstDay(period) {
  const [year, quarter] = period.split('-Q').map(Number);
  return `${year}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
}

test('a rep sees a change to their target with its reason in Chinese, and answers the survey', async ({ page, request }, testInfo) => {
  const { plan, lines, rm } = await approvedRepPlan(request);
  // A rep of 广东 (the demo names each rep's user after their employee number).
  const reps = lines.filter((l) => l.rep_id).sort((a, b) => fen(a.final) - fen(b.final));
  const mine = reps[0];
  const { employee_no: employee } = await rm.get(`/api/v1/reps/${mine.rep_id}`);
  const user = { username: `rep.${employee.toLowerCase()}`, password: DEMO_USER.password };
  const rep = await client(request, user);
  const me = await rep.get('/api/v1/auth/me');
  expect(me.rep_id).toBe(mine.rep_id);

  // rm.hn hands the busiest colleague's customers to E00001, with a reason.
  const giver = reps[reps.length - 1];
  const customers = await rm.get(`/api/v1/customers?owner_rep_id=${giver.rep_id}&limit=500`);
  expect(customers.items.length).toBeGreaterThan(0);
  const reason = `${giver.name} 调往新区域，名下医院交给 ${employee} 跟进`;
  const current = await rm.get(`/api/v1/plans/${plan.id}`);
  await rm.write(
    'POST',
    `/api/v1/plans/${plan.id}/calibrations`,
    { event: { kind: 'transfer', customer_ids: customers.items.map((c) => c.id), to_rep_id: me.rep_id, effective: firstDay(plan.period) }, reason },
    current.version,
  );
  const target = await rep.get(`/api/v1/reps/${me.rep_id}/target?period=${plan.period}`);
  expect(fen(target.final)).toBeGreaterThan(fen(mine.final));
  expect(target.history.at(-1).reason).toBe(reason);

  await signInAs(page, user);
  await expect(page.getByTestId('nav-my-target')).toBeVisible();
  await page.goto(`/my-target?period=${plan.period}`);
  await expect(page.getByTestId('target-period')).toHaveText(plan.period);
  await expect(page.getByTestId('target-final')).toHaveAttribute('data-fen', String(fen(target.final)));
  await expect(page.getByTestId('target-why')).toContainText('为什么我的目标是这个数');
  await expect(page.getByTestId('target-why')).toContainText(target.explanation.summary);

  // The changes, newest first: the transfer, with its reason as written.
  const changes = page.getByTestId('target-change');
  await expect(changes).toHaveCount(target.history.length);
  await expect(changes.first()).toHaveAttribute('data-kind', 'calibration');
  await expect(changes.first().getByTestId('target-change-reason')).toHaveText(reason);
  await expect(changes.first().getByTestId('target-change-to')).toHaveText(yuan(target.final));
  await expect(changes.last()).toHaveAttribute('data-kind', 'generate');
  await expect(changes.last().getByTestId('target-change-reason')).toHaveText('由三因素模型生成建议目标');

  // The survey, answered in place, once.
  await expect(page.getByTestId('survey-send')).toBeDisabled();
  await page.getByTestId('survey-score-7').click();
  await page.getByTestId('survey-comment').fill('目标有依据，能看懂');
  await page.getByTestId('survey-send').click();
  await expect(page.getByTestId('survey-answer')).toHaveAttribute('data-score', '7');
  await expect(page.getByTestId('survey-answer')).toContainText('7 分');
  const answered = await rep.get(`/api/v1/reps/${me.rep_id}/target?period=${plan.period}`);
  expect(answered.survey).toMatchObject({ score: 7, comment: '目标有依据，能看懂', quarter: plan.period });
  await page.reload();
  await expect(page.getByTestId('survey-answer')).toHaveAttribute('data-score', '7');
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  await page.screenshot({ path: screenshotPath(`${testInfo.project.name}-my-target`), fullPage: true });
});

test('only a rep has 我的目标 in the navigation', async ({ page }) => {
  await signInAs(page, { username: 'rm.hn', password: DEMO_USER.password });
  await expect(page.getByTestId('nav-plans')).toBeVisible();
  await expect(page.getByTestId('nav-my-target')).toHaveCount(0);
});
