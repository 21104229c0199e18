// @ts-check
// Where screenshots go: e2e/screenshots/, or CASCADE_E2E_SCREENSHOTS.
const path = require('node:path');

const dir = process.env.CASCADE_E2E_SCREENSHOTS || path.join(__dirname, '..', 'screenshots');

/** @param {string} name */
function screenshotPath(name) {
  return path.join(dir, `${name}.png`);
}

module.exports = { screenshotPath };
