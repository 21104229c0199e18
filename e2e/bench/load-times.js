// @ts-check
// Load times of the plan screens, measured in Debian's headless Chromium
// against a running server (CASCADE_E2E_BASE_URL, default :18080) with the
// demo company: not a test (nothing here passes or fails), a measurement
// for docs/benchmarks.md. Run: `node bench/load-times.js` from e2e/.
//
// - 华南's plan: rm.hn opens the region's plan for the current quarter;
//   "interactive" is when every line row and its controls are on screen.
// - The whole company: hq.ceo opens the company plan and opens every level
//   below (regions, then provinces; each opening fetches one level) until
//   every rep's line is on screen.
// Times are from the navigation's start (performance.now()), the median of
// RUNS runs, each in a fresh, signed-in page.
const { chromium } = require('@playwright/test');

const base = process.env.CASCADE_E2E_BASE_URL || 'http://127.0.0.1:18080';
const RUNS = Number(process.env.RUNS || 5);
const PASSWORD = 'Cascade-demo-2026';

async function signIn(context, username) {
  const response = await context.request.post(`${base}/api/v1/auth/login`, { data: { username, password: PASSWORD } });
  if (response.status() !== 200) throw new Error(`sign-in of ${username}: ${response.status()}`);
  return response.json();
}

/** The plan of `unitId` for the company's current quarter. */
async function planOf(context, token, unitId) {
  const headers = { Authorization: `Bearer ${token}` };
  const company = await (await context.request.get(`${base}/api/v1/company`, { headers })).json();
  const plans = await (await context.request.get(`${base}/api/v1/plans?period=${company.quarter}&unit_id=${unitId}&limit=100`, { headers })).json();
  return plans.items.find((p) => p.unit_id === unitId);
}

/** A page of a fresh context, signed in as `username` through the form. */
async function signedInPage(browser, username) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('me-name').waitFor();
  return { context, page };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function regionPlan(browser) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const { context, page } = await signedInPage(browser, 'rm.hn');
    const session = await signIn(context, 'rm.hn');
    const me = await (await context.request.get(`${base}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${session.access_token}` } })).json();
    const plan = await planOf(context, session.access_token, me.unit_id);
    await page.goto(`/plans/${plan.id}`);
    await page.locator('[data-testid="line-row"]').nth(plan.lines - 1).waitFor();
    await page.getByTestId('line-toggle').first().waitFor();
    times.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
  return times;
}

async function companyTree(browser) {
  const times = [];
  let rows = 0;
  for (let run = 0; run < RUNS; run++) {
    const { context, page } = await signedInPage(browser, 'hq.ceo');
    const session = await signIn(context, 'hq.ceo');
    const me = await (await context.request.get(`${base}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${session.access_token}` } })).json();
    const plan = await planOf(context, session.access_token, me.unit_id);
    await page.goto(`/plans/${plan.id}`);
    for (const depth of [0, 1]) {
      await page.locator(`tr.depth-${depth} [data-testid="line-toggle"]`).first().waitFor();
      // Open every line of this depth at once; each fetches its level.
      await page.evaluate((d) => {
        document.querySelectorAll(`tr.depth-${d} [data-testid="line-toggle"]`).forEach((b) => /** @type {HTMLElement} */ (b).click());
      }, depth);
      await page.waitForFunction((d) => document.querySelectorAll('tr.below .loading').length === 0 && document.querySelectorAll(`tr.depth-${d + 1}`).length > 0, depth);
    }
    await page.waitForFunction(() => document.querySelectorAll('tr.below .loading').length === 0);
    times.push(await page.evaluate(() => performance.now()));
    rows = await page.locator('tr.depth-2').count();
    await context.close();
  }
  return { times, rows };
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CASCADE_E2E_CHROMIUM || '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const region = await regionPlan(browser);
  const company = await companyTree(browser);
  await browser.close();
  const ms = (t) => `${Math.round(t)} ms`;
  console.log(`华南 plan interactive: median ${ms(median(region))} (runs: ${region.map(ms).join(', ')})`);
  console.log(`company tree, ${company.rows} rep lines open: median ${ms(median(company.times))} (runs: ${company.times.map(ms).join(', ')})`);
})();
