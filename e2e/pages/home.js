// @ts-check
// The home page as the tests see it: found by data-testid only, so styling
// and wording can change without breaking the tests. It shows only to a
// signed-in person (see ./signin.js).
const { screenshotPath } = require('./shots');

class HomePage {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.companyName = page.getByTestId('company-name');
    this.companyCurrency = page.getByTestId('company-currency');
    this.companyTimeZone = page.getByTestId('company-time-zone');
    this.healthStatus = page.getByTestId('health-status');
    this.healthVersion = page.getByTestId('health-version');
    this.healthDatabase = page.getByTestId('health-database');
    this.loadErrors = page.getByTestId('load-error');
    this.meName = page.getByTestId('me-name');
    this.meRole = page.getByTestId('me-role');
    this.meUnit = page.getByTestId('me-unit');
    this.signOutButton = page.getByTestId('logout');
    /** Console errors and uncaught exceptions, gathered from the start. */
    this.consoleErrors = /** @type {string[]} */ ([]);
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => this.consoleErrors.push(String(error)));
  }

  async goto() {
    await this.page.goto('/');
  }

  /** Presses the retry button of the first card that failed to load. */
  async retry() {
    await this.loadErrors.first().getByRole('button').click();
  }

  /** Presses sign out and waits for the server to confirm it. */
  async signOut() {
    const confirmed = this.page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/auth/logout') && r.request().method() === 'POST',
    );
    await this.signOutButton.click();
    return confirmed;
  }

  /** How many CSS pixels the page is wider than the viewport (0 when it fits). */
  async horizontalOverflow() {
    return this.page.evaluate(() =>
      Math.max(0, document.documentElement.scrollWidth - window.innerWidth),
    );
  }

  /** Saves a full-page screenshot (see ./shots.js for where). */
  async screenshot(name) {
    await this.page.screenshot({ path: screenshotPath(name), fullPage: true });
  }
}

module.exports = { HomePage };
