// @ts-check
// The plans list and a plan's tree as the tests see them (data-testid only).

class PlansPage {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.navPlans = page.getByTestId('nav-plans');
    this.period = page.getByTestId('plans-period');
    this.status = page.getByTestId('plans-status');
    this.rows = page.getByTestId('plan-row');
    this.empty = page.getByTestId('plans-empty');
  }

  /** The row of the plan with this id. */
  row(id) {
    return this.page.locator(`[data-testid="plan-row"][data-plan-id="${id}"]`);
  }
}

class PlanPage {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.header = page.getByTestId('plan-header');
    this.unit = page.getByTestId('plan-unit');
    this.status = page.getByTestId('plan-status');
    this.totalYuan = page.getByTestId('plan-total-yuan');
    this.reconciles = page.getByTestId('plan-reconciles');
    this.up = page.getByTestId('plan-up');
  }

  /** The top level's rows (not those opened below them). */
  topRows() {
    return this.page.locator('[data-testid="plan-lines"][data-depth="0"] > tbody > [data-testid="line-row"]');
  }

  /** The row of the line with this id, wherever it is in the tree. */
  line(id) {
    return this.page.locator(`[data-testid="line-row"][data-line-id="${id}"]`);
  }
}

module.exports = { PlansPage, PlanPage };
