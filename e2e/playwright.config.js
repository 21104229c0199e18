// @ts-check
// Browser tests run in Debian's Chromium (/usr/bin/chromium): Playwright's own
// browser downloads are not reachable from these machines, so never run
// `npx playwright install`.
const { defineConfig, devices } = require('@playwright/test');

const baseURL = process.env.CASCADE_E2E_BASE_URL || 'http://127.0.0.1:18080';
// The command that starts a Cascade server listening at baseURL, run from this
// directory. Unset, the tests expect a server that is already up.
const serverCommand = process.env.CASCADE_E2E_SERVER_CMD;

const chromium = {
  browserName: 'chromium',
  launchOptions: {
    executablePath: process.env.CASCADE_E2E_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
};

module.exports = defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Two cores on CI, and one server behind both projects.
  workers: process.env.CI ? 1 : 2,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'desktop',
      use: { ...chromium, viewport: { width: 1280, height: 800 } },
    },
    {
      // Most users open Cascade inside DingTalk on a phone (375 × 667).
      name: 'mobile',
      use: {
        ...devices['Pixel 7'],
        ...chromium,
        viewport: { width: 375, height: 667 },
        userAgent: `${devices['Pixel 7'].userAgent} AliApp(DingTalk/7.6.0) DingTalk(7.6.0) Language/zh_CN`,
      },
    },
  ],
  webServer: serverCommand
    ? {
        command: serverCommand,
        url: `${baseURL}/readyz`,
        // A server left over from another run may serve another database.
        reuseExistingServer: false,
        // The debug build seeds the demo company on first start.
        timeout: 180_000,
        stdout: 'pipe',
        stderr: 'pipe',
      }
    : undefined,
});
