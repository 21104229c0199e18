// @ts-check
// Plans the journeys need, made through the API as the demo's people would
// make them, and the adjust dialog as the tests see it (data-testid only).
const { expect } = require('@playwright/test');
const { apiSignIn, DEMO_USER } = require('./signin');

const HQ = { username: 'hq.ceo', password: DEMO_USER.password };
const RM = { username: 'rm.hn', password: DEMO_USER.password };

/** A signed-in API client: get, and writes with an optional If-Match. */
async function client(request, user) {
  const { access_token: token } = await apiSignIn(request, user);
  const headers = (version) => ({
    Authorization: `Bearer ${token}`,
    ...(version === undefined ? {} : { 'If-Match': `"${version}"` }),
  });
  return {
    async get(path) {
      const response = await request.get(path, { headers: headers() });
      expect(response.status(), await response.text()).toBe(200);
      return response.json();
    },
    /** method path body version → { status, body } without expectations. */
    async send(method, path, data, version) {
      const response = await request.fetch(path, { method, headers: headers(version), data });
      const text = await response.text();
      return { status: response.status(), body: text ? JSON.parse(text) : null };
    },
    async write(method, path, data, version, status = 200) {
      const response = await request.fetch(path, { method, headers: headers(version), data });
      expect(response.status(), await response.text()).toBe(status);
      return response.json();
    },
  };
}

/** "2027-Q1" → "2027-Q2". */
function nextQuarter(period) {
  const [year, quarter] = period.split('-Q').map(Number);
  return quarter === 4 ? `${year + 1}-Q1` : `${year}-Q${quarter + 1}`;
}

/**
 * A draft plan of 华南 for a quarter after this one that has no plan yet
 * (each test and each run takes its own): HQ splits the company's target
 * and approves it, then rm.hn makes 华南's plan and generates its lines.
 * @param {import('@playwright/test').APIRequestContext} request
 */
async function draftRegionPlan(request) {
  const hq = await client(request, HQ);
  const rm = await client(request, RM);
  const company = await hq.get('/api/v1/company');
  const root = (await hq.get('/api/v1/auth/me')).unit_id;
  // After the latest quarter anyone planned (tests before this one took
  // theirs); a test running alongside may take it first: then the next.
  const latest = (await hq.get('/api/v1/plans?sort=period&order=desc&limit=1')).items[0];
  let period = latest && latest.period > company.quarter && /^\d{4}-Q\d$/.test(latest.period) ? latest.period : company.quarter;
  let top;
  for (let tries = 0; !top; tries++) {
    expect(tries, 'a free quarter soon after the latest plan').toBeLessThan(20);
    period = nextQuarter(period);
    const made = await hq.send('POST', '/api/v1/plans', { unit_id: root, period, total: '120000000.00' });
    if (made.status === 201) top = made.body;
    else expect(made.status, JSON.stringify(made.body)).toBe(409);
  }
  let plan = await hq.write('POST', `/api/v1/plans/${top.id}/generate`, undefined, top.version);
  plan = await hq.write('POST', `/api/v1/plans/${top.id}/submit`, undefined, plan.version);
  await hq.write('POST', `/api/v1/plans/${top.id}/approve`, undefined, plan.version);
  const region = (await rm.get('/api/v1/auth/me')).unit_id;
  const made = await rm.write('POST', '/api/v1/plans', { unit_id: region, period }, undefined, 201);
  plan = await rm.write('POST', `/api/v1/plans/${made.id}/generate`, undefined, made.version);
  const lines = await rm.get(`/api/v1/plans/${plan.id}/lines`);
  return { plan, lines, rm, hq };
}

/**
 * An approved plan of 广东's reps for a quarter after this one: the chain
 * of draftRegionPlan approved down to the province (HQ approves 华南's plan,
 * rm.hn approves 广东's).
 * @param {import('@playwright/test').APIRequestContext} request
 */
async function approvedRepPlan(request) {
  const { plan: region, lines: regionLines, rm, hq } = await draftRegionPlan(request);
  let plan = await rm.write('POST', `/api/v1/plans/${region.id}/submit`, undefined, region.version);
  await hq.write('POST', `/api/v1/plans/${region.id}/approve`, undefined, plan.version);
  const guangdong = regionLines.find((l) => l.name === '广东');
  const made = await rm.write('POST', '/api/v1/plans', { unit_id: guangdong.child_unit_id, period: region.period }, undefined, 201);
  plan = await rm.write('POST', `/api/v1/plans/${made.id}/generate`, undefined, made.version);
  plan = await rm.write('POST', `/api/v1/plans/${made.id}/submit`, undefined, plan.version);
  plan = await rm.write('POST', `/api/v1/plans/${made.id}/approve`, undefined, plan.version);
  const lines = await rm.get(`/api/v1/plans/${plan.id}/lines`);
  return { plan, lines, rm, hq };
}

/** "123.45" → fen, exactly. */
function fen(amount) {
  const [whole, frac = ''] = String(amount).replace('-', '').split('.');
  const value = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  return String(amount).startsWith('-') ? -value : value;
}

/** Fen → the API's money ("4560000.00"). */
function money(value) {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A line's band in whole rounding units, as the form allows it (fen). */
function allowed(line, plan) {
  const unit = fen(plan.rounding_unit);
  const lo = fen(line.band_min);
  const hi = fen(line.band_max);
  return { min: Math.ceil(lo / unit) * unit, max: Math.floor(hi / unit) * unit, unit };
}

class AdjustDialog {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.dialog = page.getByTestId('adjust-dialog');
    this.range = page.getByTestId('band-range');
    this.slider = page.getByTestId('band-slider');
    this.amount = page.getByTestId('band-amount');
    this.amountError = page.getByTestId('band-error');
    this.reason = page.getByTestId('adjust-reason');
    this.reasonHint = page.getByTestId('reason-hint');
    this.liveSum = page.getByTestId('live-sum');
    this.liveSumValue = page.getByTestId('live-sum-value');
    this.liveSumDifference = page.getByTestId('live-sum-difference');
    this.save = page.getByTestId('adjust-save');
    this.unpin = page.getByTestId('adjust-unpin');
    this.error = page.getByTestId('adjust-error');
    this.stale = page.getByTestId('stale');
    this.reload = page.getByTestId('stale-reload');
    this.evidence = page.getByTestId('evidence-item');
    this.evidenceInput = page.getByTestId('evidence-drop-input');
    this.close = page.getByTestId('dialog-close');
  }
}

module.exports = { HQ, RM, client, draftRegionPlan, approvedRepPlan, fen, money, allowed, AdjustDialog };
