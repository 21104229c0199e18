// @ts-check
// Plans in the app: the list by period and status, a plan as its tree with
// every figure as the API gives it, deep links that survive a reload and the
// back button, and the language switch that is remembered.
const { test, expect } = require('@playwright/test');
const { HomePage } = require('../pages/home');
const { DEMO_USER, apiSignIn, signInAs } = require('../pages/signin');
const { PlansPage, PlanPage } = require('../pages/plans');
const { yuan } = require('../pages/target');

const RM = { username: 'rm.hn', password: DEMO_USER.password };

/** GET path as user, expecting 200, with the parsed body. */
async function get(request, user, path, language = 'zh-CN') {
  const { access_token: token } = await apiSignIn(request, user);
  const response = await request.get(path, {
    headers: { Authorization: `Bearer ${token}`, 'Accept-Language': language },
  });
  expect(response.status(), await response.text()).toBe(200);
  return response.json();
}

test('a region manager finds the quarter\'s plans, opens one as its tree, and every figure is the API\'s', async ({ page, request }, testInfo) => {
  const company = await get(request, RM, '/api/v1/company');
  const listed = await get(request, RM, `/api/v1/plans?limit=500&period=${company.quarter}`);
  expect(listed.items.length).toBeGreaterThan(0);
  const me = await get(request, RM, '/api/v1/auth/me');
  const own = listed.items.find((p) => p.unit_id === me.unit_id && p.product_line_id == null);
  expect(own, 'the demo has a plan for the region').toBeTruthy();
  const lines = await get(request, RM, `/api/v1/plans/${own.id}/lines`);

  const home = new HomePage(page);
  const plans = new PlansPage(page);
  const plan = new PlanPage(page);
  await signInAs(page, RM);
  await plans.navPlans.click();
  await expect(page).toHaveURL(/\/plans$/);
  await expect(plans.navPlans).toHaveAttribute('aria-current', 'page');
  await expect(plans.period).toHaveValue(company.quarter);
  await expect(plans.rows).toHaveCount(listed.items.length);
  await home.screenshot(`${testInfo.project.name}-plans`);

  await plans.row(own.id).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/plans/${own.id}$`));
  await expect(plan.unit).toHaveText(own.unit_name);
  await expect(plan.totalYuan).toHaveText(yuan(own.total));
  await expect(plan.reconciles).toHaveAttribute('data-ok', String(own.difference === '0.00'));
  await expect(plan.topRows()).toHaveCount(lines.length);
  for (const line of lines) {
    const row = plan.line(line.id).first();
    await expect(row.getByTestId('line-suggested')).toHaveText(yuan(line.suggested));
    await expect(row.getByTestId('line-final')).toHaveText(yuan(line.final));
  }
  // "Why this number" in the language shown, as the server wrote it.
  const explained = lines.find((l) => l.explanation);
  if (explained) {
    await expect(plan.line(explained.id).first().getByTestId('line-why')).toContainText(explained.explanation.summary);
  }
  expect(await home.horizontalOverflow()).toBe(0);
  await home.screenshot(`${testInfo.project.name}-plan-tree`);

  // The deep link survives a reload, and back returns to the list.
  await page.reload();
  await expect(plan.unit).toHaveText(own.unit_name);
  await page.goBack();
  await expect(page).toHaveURL(/\/plans$/);
  await expect(plans.rows).toHaveCount(listed.items.length);
  expect(home.consoleErrors).toEqual([]);
});

test('a line with a plan below opens in place on a desk and drills down on a phone', async ({ page, request }, testInfo) => {
  const company = await get(request, RM, '/api/v1/company');
  const listed = await get(request, RM, `/api/v1/plans?limit=500&period=${company.quarter}`);
  const me = await get(request, RM, '/api/v1/auth/me');
  const own = listed.items.find((p) => p.unit_id === me.unit_id && p.product_line_id == null);
  const child = listed.items.find((p) => p.parent_plan_id === own.id && p.product_line_id == null);
  expect(child, 'a province plan under the region plan').toBeTruthy();
  const childLines = await get(request, RM, `/api/v1/plans/${child.id}/lines`);

  const home = new HomePage(page);
  const plan = new PlanPage(page);
  await signInAs(page, RM);
  await page.goto(`/plans/${own.id}`);
  const row = plan.line(child.parent_line_id);
  if (testInfo.project.name === 'mobile') {
    await expect(row.getByTestId('line-toggle')).toBeHidden();
    await row.getByTestId('line-open').click();
    await expect(page).toHaveURL(new RegExp(`/plans/${child.id}$`));
    await expect(plan.topRows()).toHaveCount(childLines.length);
    await plan.up.click();
    await expect(page).toHaveURL(new RegExp(`/plans/${own.id}$`));
  } else {
    await row.getByTestId('line-toggle').click();
    await expect(row.getByTestId('line-toggle')).toHaveAttribute('aria-expanded', 'true');
    const below = page.locator(`[data-testid="plan-lines"][data-plan-id="${child.id}"] > tbody > [data-testid="line-row"]`);
    await expect(below).toHaveCount(childLines.length);
    await expect(below.first().getByTestId('line-final')).toHaveText(yuan(childLines[0].final));
  }
  expect(await home.horizontalOverflow()).toBe(0);
  await home.screenshot(`${testInfo.project.name}-plan-level-below`);
  expect(home.consoleErrors).toEqual([]);
});

test('English by the switch, remembered across a reload, explanations included', async ({ page, request }, testInfo) => {
  const user = { username: 'rep.e00001', password: DEMO_USER.password };
  const company = await get(request, user, '/api/v1/company');
  const me = await get(request, user, '/api/v1/auth/me');
  const english = await get(request, user, `/api/v1/reps/${me.rep_id}/target?period=${company.quarter}`, 'en');

  const home = new HomePage(page);
  await signInAs(page, user);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByTestId('nav-home')).toHaveText('首页');
  await page.getByTestId('lang-switch').click();
  await expect(page.getByTestId('nav-home')).toHaveText('Home');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('target-why')).toContainText(english.explanation.summary);
  await page.reload();
  await expect(page.getByTestId('nav-home')).toHaveText('Home');
  await expect(page.getByTestId('target-why')).toContainText('Why my target is this number');
  await home.screenshot(`${testInfo.project.name}-english`);
  expect(home.consoleErrors).toEqual([]);
});

test('an address no screen answers says so, inside the shell', async ({ page }) => {
  await signInAs(page, RM);
  await page.goto('/no-such-screen');
  await expect(page.getByTestId('not-found')).toBeVisible();
  await expect(page.getByTestId('nav')).toBeVisible();
});
