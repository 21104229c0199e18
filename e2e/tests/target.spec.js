// @ts-check
// The target card on the home page: a manager sees their unit's target,
// what it has achieved and how that spreads below; a rep sees their own
// target and why, in plain words. Every figure is checked against the API.
const { test, expect } = require('@playwright/test');
const { HomePage } = require('../pages/home');
const { SignInPage, DEMO_USER } = require('../pages/signin');
const { TargetCard, companyQuarter, yuan, wan, apiGet } = require('../pages/target');

const PASSWORD = DEMO_USER.password;

test('a manager sees the unit target and every unit below it', async ({ page, request }, testInfo) => {
  const user = { username: 'rm.hn', password: PASSWORD };
  const me = await apiGet(request, user, '/api/v1/auth/me');
  const quarter = await companyQuarter(request, user);
  const report = await apiGet(request, user, `/api/v1/metrics/attainment?unit_id=${me.unit_id}&period=${quarter}`);
  expect(report.children.length).toBeGreaterThan(0);

  const home = new HomePage(page);
  const card = new TargetCard(page);
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(user.username, user.password);

  await expect(card.period).toHaveText(quarter);
  await expect(card.final).toHaveText(wan(report.unit.target));
  await expect(card.final).toHaveAttribute('title', yuan(report.unit.target));
  await expect(card.achieved).toHaveText(yuan(report.unit.achieved));
  await expect(card.attainment).toHaveText(/^\d+(\.\d)? %$/);
  await expect(card.spread).toContainText('Gini');
  await expect(card.rows).toHaveCount(report.children.length);
  const first = report.children[0];
  await expect(card.rows.first()).toContainText(first.name);
  await expect(card.rows.first()).toContainText(yuan(first.target));
  await expect(home.loadErrors).toHaveCount(0);
  expect(await home.horizontalOverflow()).toBe(0);

  await home.screenshot(`${testInfo.project.name}-target-manager`);
  expect(home.consoleErrors).toEqual([]);
});

test('a rep sees their own target and why it is what it is', async ({ page, request }, testInfo) => {
  const user = { username: 'rep.e00001', password: PASSWORD };
  const me = await apiGet(request, user, '/api/v1/auth/me');
  const quarter = await companyQuarter(request, user);
  const target = await apiGet(request, user, `/api/v1/reps/${me.rep_id}/target?period=${quarter}`);

  const home = new HomePage(page);
  const card = new TargetCard(page);
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(user.username, user.password);

  await expect(card.final).toHaveText(wan(target.final));
  await expect(card.final).toHaveAttribute('title', yuan(target.final));
  await expect(card.achieved).toHaveText(yuan(target.achieved));
  await expect(card.status).toContainText('已批准');
  await expect(card.why).toContainText('为什么我的目标是这个数');
  await expect(card.why).toContainText(target.explanation.summary);
  await expect(card.rows).toHaveCount(0);
  await expect(home.loadErrors).toHaveCount(0);
  expect(await home.horizontalOverflow()).toBe(0);

  await home.screenshot(`${testInfo.project.name}-target-rep`);
  expect(home.consoleErrors).toEqual([]);
});
