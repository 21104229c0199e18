// @ts-check
// Signing in and out, keeping the session across a reload, and refreshing
// an expired access token, against the real server (faults injected in the
// browser where the server has no such state).
const { test, expect } = require('@playwright/test');
const { HomePage } = require('../pages/home');
const { SignInPage, DEMO_USER, apiSignIn } = require('../pages/signin');

/** Counts the browser's requests whose path ends with `suffix`. */
function countRequests(page, suffix) {
  const counter = { n: 0 };
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.endsWith(suffix)) counter.n += 1;
  });
  return counter;
}

/** A 401 problem as the server sends it for a missing or expired token. */
const EXPIRED = {
  status: 401,
  contentType: 'application/problem+json',
  body: JSON.stringify({ title: 'Unauthorized', status: 401, detail: 'access token expired' }),
};

test('without a session the sign-in page shows, and the API refuses the company', async ({ page, request }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await expect(signIn.username).toBeVisible();
  await expect(signIn.password).toBeVisible();
  await expect(signIn.submit).toBeEnabled();
  await expect(page.getByTestId('company-card')).toHaveCount(0);

  const response = await request.get('/api/v1/company');
  expect(response.status()).toBe(401);
  expect(response.headers()['content-type']).toContain('application/problem+json');
});

test('the demo CEO signs in and sees the company and their role', async ({ page, request }, testInfo) => {
  const tokens = await apiSignIn(request);
  const company = await (
    await request.get('/api/v1/company', { headers: { Authorization: `Bearer ${tokens.access_token}` } })
  ).json();

  const signIn = new SignInPage(page);
  const home = new HomePage(page);
  await signIn.goto();
  await signIn.screenshot(`${testInfo.project.name}-signin`);
  await signIn.signIn(DEMO_USER.username, DEMO_USER.password);

  await expect(home.meName).toHaveText(tokens.me.display_name);
  await expect(home.meRole).toHaveAttribute('data-role', 'hq');
  await expect(home.meRole).toHaveText('总部');
  await expect(home.meUnit).toHaveText(tokens.me.unit_code);
  await expect(home.companyName).toHaveText(company.name.trim());
  await expect(home.healthStatus).toHaveText('ok');
  await expect(home.loadErrors).toHaveCount(0);
  await expect(signIn.card).toHaveCount(0);

  const session = await signIn.storedSession();
  expect(session?.me?.username).toBe(DEMO_USER.username);
  expect(session?.access_token).toBeTruthy();
  expect(session?.refresh_token).toBeTruthy();

  await home.screenshot(`${testInfo.project.name}-signed-in`);
  expect(home.consoleErrors).toEqual([]);
});

test('a wrong password shows the error and keeps no session', async ({ page }, testInfo) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await signIn.signIn(DEMO_USER.username, 'not-the-password');
  expect((await answer).status()).toBe(401);

  await expect(signIn.error).toBeVisible();
  await expect(signIn.error).toHaveText('用户名或密码错误');
  await expect(signIn.submit).toBeEnabled();
  await expect(page.getByTestId('me-name')).toHaveCount(0);
  expect(await signIn.storedSession()).toBeNull();

  await signIn.screenshot(`${testInfo.project.name}-signin-error`);
});

test('empty fields are caught before asking the server', async ({ page }) => {
  const logins = countRequests(page, '/api/v1/auth/login');
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.submit.click();
  await expect(signIn.error).toContainText('请输入用户名和密码');
  expect(logins.n).toBe(0);
});

test('too many attempts says how long to wait', async ({ page }) => {
  // The server's limiter needs many failures; the answer is faked instead.
  await page.route('**/api/v1/auth/login', (route) =>
    route.fulfill({
      status: 429,
      headers: { 'Retry-After': '30' },
      contentType: 'application/problem+json',
      // As the server words it after five failures of one account.
      body: JSON.stringify({
        type: 'https://cascade.dev/problems/too-many-requests',
        title: 'Too many attempts',
        status: 429,
        detail: 'too many failed sign-ins; try again in 30 seconds',
      }),
    }),
  );
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(DEMO_USER.username, 'whatever');

  await expect(signIn.error).toContainText('请 30 秒后再试');
  // The same words in English, after the switch.
  await page.getByTestId('lang-switch').click();
  await expect(signIn.error).toContainText('wait 30 seconds');
  await expect(signIn.submit).toBeDisabled();
  expect(await signIn.storedSession()).toBeNull();
});

test('the server locks an account after repeated failures, and the page says for how long', async ({ page }) => {
  // Another demo account than the one the other tests use: the server locks
  // an account after a few failures (and both projects may reach it first).
  const signIn = new SignInPage(page);
  await signIn.goto();
  const statuses = [];
  for (let attempt = 0; attempt < 8 && !statuses.includes(429); attempt += 1) {
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await signIn.signIn('admin.hrbp2', `wrong-${attempt}`);
    statuses.push((await answer).status());
    await expect(signIn.error).toBeVisible();
  }
  expect(statuses).toContain(429);

  await expect(signIn.error).toContainText(/请 \d+ (秒|分钟)后再试/);
  await expect(signIn.submit).toBeDisabled();
  expect(await signIn.storedSession()).toBeNull();
});

test('sign out returns to the sign-in page and ends the session on the server', async ({ page, request }) => {
  const signIn = new SignInPage(page);
  const home = new HomePage(page);
  await signIn.signInAsDemoUser();
  const before = await signIn.storedSession();
  expect(before?.refresh_token).toBeTruthy();

  const confirmed = await home.signOut();
  expect(confirmed.status()).toBe(204);

  await expect(signIn.username).toBeVisible();
  await expect(signIn.notice).toHaveCount(0);
  await expect(home.meName).toHaveCount(0);
  expect(await signIn.storedSession()).toBeNull();

  // The refresh token the browser held is dead now.
  const refresh = await request.post('/api/v1/auth/refresh', { data: { refresh_token: before.refresh_token } });
  expect(refresh.status()).toBe(401);

  await page.reload();
  await expect(signIn.username).toBeVisible();
  await expect(home.meName).toHaveCount(0);
});

test('a reload keeps the session', async ({ page }) => {
  const signIn = new SignInPage(page);
  const home = new HomePage(page);
  await signIn.signInAsDemoUser();
  await expect(home.companyName).not.toBeEmpty();
  const logins = countRequests(page, '/api/v1/auth/login');

  await page.reload();

  await expect(home.meName).toBeVisible();
  await expect(home.meRole).toHaveAttribute('data-role', 'hq');
  await expect(home.companyName).not.toBeEmpty();
  await expect(home.loadErrors).toHaveCount(0);
  await expect(signIn.card).toHaveCount(0);
  expect(logins.n).toBe(0);
  expect(home.consoleErrors).toEqual([]);
});

test('an expired access token is refreshed once for calls that fail together', async ({ page }) => {
  const signIn = new SignInPage(page);
  const home = new HomePage(page);
  await signIn.signInAsDemoUser();
  await expect(home.companyName).not.toBeEmpty();
  const before = await signIn.storedSession();

  // After the reload, both calls that need a token (who am I, the company)
  // are told the token expired. A second refresh with the same refresh token
  // would revoke the session, so the app must refresh exactly once.
  await page.route('**/api/v1/company', (route) => route.fulfill(EXPIRED), { times: 1 });
  await page.route('**/api/v1/auth/me', (route) => route.fulfill(EXPIRED), { times: 1 });
  const refreshes = countRequests(page, '/api/v1/auth/refresh');
  await page.reload();

  await expect(home.companyName).not.toBeEmpty();
  await expect(home.loadErrors).toHaveCount(0);
  await expect(home.meName).toBeVisible();
  await expect.poll(async () => (await signIn.storedSession())?.refresh_token).not.toBe(before.refresh_token);
  expect(refreshes.n).toBe(1);

  // The rotated pair works for the next reload without another refresh.
  await page.reload();
  await expect(home.companyName).not.toBeEmpty();
  await expect(home.loadErrors).toHaveCount(0);
  expect(refreshes.n).toBe(1);
});

test('a refused refresh returns to the sign-in page', async ({ page }) => {
  const signIn = new SignInPage(page);
  const home = new HomePage(page);
  await signIn.signInAsDemoUser();
  await expect(home.companyName).not.toBeEmpty();

  await page.route('**/api/v1/company', (route) => route.fulfill(EXPIRED));
  await page.route('**/api/v1/auth/refresh', (route) =>
    route.fulfill({ ...EXPIRED, body: JSON.stringify({ title: 'Unauthorized', status: 401, detail: 'refresh token revoked' }) }),
  );
  await page.reload();

  await expect(signIn.notice).toBeVisible();
  await expect(signIn.notice).toContainText('登录已过期');
  await expect(signIn.username).toBeVisible();
  await expect(home.meName).toHaveCount(0);
  expect(await signIn.storedSession()).toBeNull();
});

test('fits a phone: no sideways scroll, full-width fields, finger-sized targets', async ({ page }, testInfo) => {
  const signIn = new SignInPage(page);
  const home = new HomePage(page);
  await signIn.goto();
  await expect(signIn.username).toBeVisible();
  expect(await home.horizontalOverflow()).toBe(0);

  const form = await page.getByTestId('login-form').boundingBox();
  for (const target of [signIn.username, signIn.password, signIn.submit]) {
    const box = await target.boundingBox();
    expect(box).not.toBeNull();
    if (!box || !form) continue;
    expect(box.height).toBeGreaterThanOrEqual(44);
    // Full width of the form (within a pixel of rounding).
    expect(Math.abs(box.width - form.width)).toBeLessThanOrEqual(1);
  }
  if (testInfo.project.name === 'mobile') {
    // The form spans the phone's width but for the page margins.
    const width = page.viewportSize()?.width ?? 0;
    expect(form?.width).toBeGreaterThan(width - 2 * (16 + 20) - 1);
  }

  await signIn.signIn();
  await expect(home.companyName).not.toBeEmpty();
  expect(await home.horizontalOverflow()).toBe(0);
  const signOut = await home.signOutButton.boundingBox();
  expect(signOut?.height).toBeGreaterThanOrEqual(44);
  expect(signOut?.width).toBeGreaterThanOrEqual(44);
});
