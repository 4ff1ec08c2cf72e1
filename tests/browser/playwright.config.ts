// Playwright for the console (tests/browser/run-console-tests sets the env):
// Debian's Chromium, headless, no browser download, one worker (2 cores).
import { defineConfig } from "@playwright/test";

const artifacts = process.env.PROPRIO_ARTIFACTS || "/tmp/proprio-console-artifacts";

export default defineConfig({
  testDir: __dirname,
  testMatch: /.*\.spec\.ts$/,
  outputDir: artifacts + "/results",
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: process.env.PROPRIO_BASE_URL,
    acceptDownloads: true,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
});
