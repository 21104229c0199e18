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

/**
 * The company's current quarter (2026-Q4), from the server: the page takes
 * it from there, never from the browser's clock.
 * @param {import('@playwright/test').APIRequestContext} request
 */
async function companyQuarter(request, user) {
  return (await apiGet(request, user, '/api/v1/company')).quarter;
}

/** "1234567.8" (the API's money) → "¥1,234,567.80", as the page writes it. */
function yuan(amount) {
  const [whole, frac = ''] = String(amount).replace('-', '').split('.');
  const sign = String(amount).startsWith('-') ? '-' : '';
  return `${sign}¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${(frac + '00').slice(0, 2)}`;
}

/**
 * "1234567.8" (the API's money) → "¥123.46 万", as a Chinese headline writes
 * it: to two decimals of 万, halves away from zero.
 */
function wan(amount) {
  const text = String(amount);
  const sign = text.startsWith('-') ? '-' : '';
  const [whole, frac = ''] = text.replace('-', '').split('.');
  const fen = BigInt(whole) * 100n + BigInt((frac + '00').slice(0, 2));
  let hundredths = fen / 10000n;
  if ((fen % 10000n) * 2n >= 10000n) hundredths += 1n;
  const w = (hundredths / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const f = (hundredths % 100n).toString().padStart(2, '0');
  return `${hundredths === 0n ? '' : sign}¥${w}.${f} 万`;
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

module.exports = { TargetCard, companyQuarter, yuan, wan, apiGet };
