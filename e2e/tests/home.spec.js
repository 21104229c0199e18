// @ts-check
const { test, expect } = require('@playwright/test');
const { HomePage } = require('../pages/home');
const { SignInPage, apiSignIn } = require('../pages/signin');

test('shows the server health and the company name', async ({ page, request }, testInfo) => {
  // The expected name comes from the API, so the test holds for any seed.
  const { access_token: token } = await apiSignIn(request);
  const response = await request.get('/api/v1/company', { headers: { Authorization: `Bearer ${token}` } });
  expect(response.ok()).toBeTruthy();
  const company = await response.json();
  expect(typeof company.name).toBe('string');
  expect(company.name.trim()).not.toBe('');

  const home = new HomePage(page);
  await new SignInPage(page).signInAsDemoUser();

  await expect(home.healthStatus).toHaveText('ok');
  await expect(home.healthVersion).not.toBeEmpty();
  await expect(home.healthDatabase).toHaveText(/^(sqlite|postgres)$/);
  await expect(home.companyName).toHaveText(company.name.trim());
  await expect(home.companyCurrency).toHaveText(company.currency);
  await expect(home.companyTimeZone).toHaveText(company.time_zone);
  await expect(home.loadErrors).toHaveCount(0);

  await home.screenshot(`${testInfo.project.name}-home`);
  expect(home.consoleErrors).toEqual([]);
});

test('fits the viewport without horizontal scrolling', async ({ page }) => {
  const home = new HomePage(page);
  await new SignInPage(page).signInAsDemoUser();
  await expect(home.healthStatus).toBeVisible();
  await expect(home.companyName).toBeVisible();

  expect(await home.horizontalOverflow()).toBe(0);
});

test('explains a failed call in words and keeps the other card', async ({ page }) => {
  // Answered in the browser, so the server needs no broken state.
  await page.route('**/api/v1/company', (route) =>
    route.fulfill({
      status: 404,
      contentType: 'application/problem+json',
      body: JSON.stringify({
        type: 'https://cascade.invalid/problems/not-found',
        title: 'Not found',
        status: 404,
        detail: '尚未设置公司 No company yet',
      }),
    }),
  );
  const home = new HomePage(page);
  await new SignInPage(page).signInAsDemoUser();

  await expect(home.loadErrors).toHaveCount(1);
  await expect(home.loadErrors).toContainText('Not found: 尚未设置公司 No company yet');
  await expect(home.loadErrors).toContainText('/api/v1/company');
  await expect(home.healthStatus).toHaveText('ok');
  expect(await home.horizontalOverflow()).toBe(0);
});

test('retry loads a card that failed', async ({ page }) => {
  await page.route('**/api/v1/company', (route) => route.fulfill({ status: 503, body: '' }), { times: 1 });
  const home = new HomePage(page);
  await new SignInPage(page).signInAsDemoUser();
  await expect(home.loadErrors).toContainText('HTTP 503');

  await home.retry();

  await expect(home.loadErrors).toHaveCount(0);
  await expect(home.companyName).not.toBeEmpty();
});
