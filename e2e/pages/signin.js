// @ts-check
// The sign-in page as the tests see it (data-testid only), the demo user,
// and the session the app keeps in sessionStorage.
const { expect } = require('@playwright/test');
const { screenshotPath } = require('./shots');

/** The demo company's CEO (crates/cascade-demo), role `hq`, unit `HQ`. */
const DEMO_USER = {
  username: process.env.CASCADE_E2E_USERNAME || 'hq.ceo',
  password: process.env.CASCADE_E2E_PASSWORD || 'Cascade-demo-2026',
};

/** The app's sessionStorage entries start with this. */
const SESSION_KEY_PREFIX = 'cascade.session';

class SignInPage {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.card = page.getByTestId('login-card');
    this.username = page.getByTestId('login-username');
    this.password = page.getByTestId('login-password');
    this.submit = page.getByTestId('login-submit');
    this.error = page.getByTestId('login-error');
    this.notice = page.getByTestId('login-notice');
  }

  async goto() {
    await this.page.goto('/');
  }

  /** Fills the form and presses the button; does not wait for the outcome. */
  async signIn(username = DEMO_USER.username, password = DEMO_USER.password) {
    await this.username.fill(username);
    await this.password.fill(password);
    await this.submit.click();
  }

  /** Opens the app, signs in as the demo user and waits for the home page. */
  async signInAsDemoUser() {
    await this.goto();
    await this.signIn();
    await expect(this.page.getByTestId('me-name')).toBeVisible();
  }

  /** The session the app keeps in sessionStorage, parsed; null when none. */
  async storedSession() {
    return this.page.evaluate((prefix) => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith(prefix));
      return key ? JSON.parse(sessionStorage.getItem(key) || 'null') : null;
    }, SESSION_KEY_PREFIX);
  }

  /** Saves a full-page screenshot (see ./shots.js for where). */
  async screenshot(name) {
    await this.page.screenshot({ path: screenshotPath(name), fullPage: true });
  }
}

/**
 * Signs in through the API, for tests that need what the server says.
 * @param {import('@playwright/test').APIRequestContext} request
 * @param {{ username: string, password: string }} [user] the demo user by default
 */
async function apiSignIn(request, user = DEMO_USER) {
  const response = await request.post('/api/v1/auth/login', { data: user });
  expect(response.status(), await response.text()).toBe(200);
  return response.json();
}

/**
 * Signs in through the page as `user` and waits for the shell.
 * @param {import('@playwright/test').Page} page
 * @param {{ username: string, password: string }} user
 */
async function signInAs(page, user) {
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn(user.username, user.password);
  await expect(page.getByTestId('me-name')).toBeVisible();
}

module.exports = { SignInPage, DEMO_USER, apiSignIn, signInAs };
