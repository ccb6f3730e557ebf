import { defineConfig } from '@playwright/test';

/**
 * The real renderer in Debian's Chromium against the real service over the HTTP test transport
 * (tests/e2e/server). The global setup builds the renderer and starts the server with a tiny
 * random model (fast, for the queue tests) and the shipped one (for the tests that check pixels).
 * Never `npx playwright install`: the system Chromium is used.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  // One server, one queue: tests run one after another (and the machine has two cores).
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.LIIF_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
    trace: 'retain-on-failure',
  },
});
