// @ts-check
// The home page as the tests see it: found by data-testid only, so styling
// and wording can change without breaking the tests.
const path = require('node:path');

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

  /** How many CSS pixels the page is wider than the viewport (0 when it fits). */
  async horizontalOverflow() {
    return this.page.evaluate(() =>
      Math.max(0, document.documentElement.scrollWidth - window.innerWidth),
    );
  }

  /** Saves a full-page screenshot as e2e/screenshots/<name>.png. */
  async screenshot(name) {
    await this.page.screenshot({
      path: path.join(__dirname, '..', 'screenshots', `${name}.png`),
      fullPage: true,
    });
  }
}

module.exports = { HomePage };
