// @ts-check
// The home page's target card as the tests see it (data-testid only), and
// the figures it should show, read from the API.
const { expect } = require('@playwright/test');
const { apiSignIn } = require('./signin');

class TargetCard {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.card = page.getByTestId('target-card');
    this.period = page.getByTestId('target-period');
    this.final = page.getByTestId('target-final');
    this.achieved = page.getByTestId('target-achieved');
    this.attainment = page.getByTestId('target-attainment');
    this.status = page.getByTestId('target-status');
    this.spread = page.getByTestId('target-spread');
    this.why = page.getByTestId('target-why');
    this.rows = page.getByTestId('target-row');
    this.none = page.getByTestId('target-none');
  }
}

/** The quarter the browser is in, as the API spells periods (2026-Q4). */
function thisQuarter() {
  const now = new Date();
  return `${now.getFullYear()}-Q${Math.floor(now.getMonth() / 3) + 1}`;
}

/** "1234567.8" (the API's money) → "¥1,234,567.80", as the page writes it. */
function yuan(amount) {
  const [whole, frac = ''] = String(amount).replace('-', '').split('.');
  const sign = String(amount).startsWith('-') ? '-' : '';
  return `${sign}¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(frac + '00').slice(0, 2)}`;
}

/**
 * GET path as user, expecting 200, with the parsed body.
 * @param {import('@playwright/test').APIRequestContext} request
 */
async function apiGet(request, user, path) {
  const { access_token: token } = await apiSignIn(request, user);
  const response = await request.get(path, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status(), await response.text()).toBe(200);
  return response.json();
}

module.exports = { TargetCard, thisQuarter, yuan, apiGet };
