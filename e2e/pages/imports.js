// @ts-check
// The imports and exports screen as the tests see it (data-testid only), and
// the customer files the journeys send.
const { expect } = require('@playwright/test');

/** The customer columns in file order, as exports write them. */
const CUSTOMER_HEADER = 'code,name,grade,province,city,unit_code,owner_employee_no,stage';

/**
 * A customer CSV named `name`: the header, then one line per row (each row
 * an array of cells in CUSTOMER_HEADER's order).
 * @param {string} name
 * @param {string[][]} rows
 */
function customerCsv(name, rows) {
  const lines = [CUSTOMER_HEADER, ...rows.map((cells) => cells.join(','))];
  return { name, mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`, 'utf8') };
}

/** A row of a new hospital of 广西 (unit P-GX), owned by no rep yet. */
function newHospital(code, name, grade = '二甲') {
  return [code, name, grade, '广西', '南宁市', 'P-GX', '', 'not_engaged'];
}

/** The CSV row of a customer as the API gives it, in CUSTOMER_HEADER's order. */
function hospitalRow(customer, unitCode, name = customer.name) {
  return [customer.code, name, customer.grade, customer.province, customer.city, unitCode, '', customer.stage];
}

class ImportsPage {
  /** @param {import('@playwright/test').Page} page */
  constructor(page) {
    this.page = page;
    this.nav = page.getByTestId('nav-imports');
    this.kind = page.getByTestId('import-kind');
    this.columns = page.getByTestId('import-columns');
    this.fileInput = page.getByTestId('import-drop-input');
    this.chosen = page.getByTestId('import-file');
    this.start = page.getByTestId('import-start');
    this.job = page.getByTestId('import-job');
    this.status = page.getByTestId('import-status');
    this.progress = page.getByTestId('import-progress');
    this.progressText = page.getByTestId('import-progress-text');
    this.succeeded = page.getByTestId('import-succeeded');
    this.rowsRead = page.getByTestId('import-rows-read');
    this.rowsChanged = page.getByTestId('import-rows-changed');
    this.refused = page.getByTestId('import-refused');
    this.refusedTitle = page.getByTestId('import-refused-title');
    this.problems = page.getByTestId('import-problems');
    this.errors = page.getByTestId('import-error');
    this.recent = page.getByTestId('recent-import');
    this.exportBusy = page.getByTestId('export-busy');
  }

  /** Chooses what the file holds, picks the file and presses import. */
  async importFile(kind, file) {
    await this.kind.selectOption(kind);
    await this.fileInput.setInputFiles(file);
    await expect(this.chosen).toContainText(file.name);
    await this.start.click();
  }

  /** The id of the job on screen, once it has ended as `status`. */
  async endedJob(status) {
    await expect(this.job).toHaveAttribute('data-status', status);
    return Number(await this.job.getAttribute('data-job-id'));
  }

  /** The recent imports' row of job `id`. */
  recentRow(id) {
    return this.page.locator(`[data-testid="recent-import"][data-job-id="${id}"]`);
  }

  /** The download button of `kind` in `format` (csv, xlsx). */
  exportButton(kind, format) {
    return this.page.getByTestId(`export-${kind}-${format}`);
  }
}

module.exports = { ImportsPage, CUSTOMER_HEADER, customerCsv, newHospital, hospitalRow };
