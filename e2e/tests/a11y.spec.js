// @ts-check
// Usable by everyone: axe-core (WCAG 2.1 A and AA rules) finds no serious or
// critical violation on any screen, signed in as the people who use it, at
// both sizes; the adjust dialog is checked open, the imports screen with a
// refused file's problems shown.
const { test, expect } = require('@playwright/test');
const AxeBuilder = require('@axe-core/playwright').default;
const { SignInPage, signInAs, DEMO_USER } = require('../pages/signin');
const { HQ, RM, draftRegionPlan } = require('../pages/planning');
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
