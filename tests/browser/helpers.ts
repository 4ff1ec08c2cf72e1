import { expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";

export const DEMO_PASSWORD = "proprio-demo-2013";
export const CPNI_PASSWORD = "Blue-Heron-4471";
export const artifacts = process.env.PROPRIO_ARTIFACTS || "/tmp/proprio-console-artifacts";

export async function signIn(page: Page, login: string) {
  await page.goto("/");
  await page.getByLabel("Login").fill(login);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

// axe-core: no serious or critical violations on the screen as it is now.
export async function expectAccessible(page: Page, screen: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${screen}: ${v.id} (${v.impact}): ${v.help} ` +
                         v.nodes.map((n) => n.target.join(" ")).join(", "))).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(artifacts + "/screens", { recursive: true });
  await page.screenshot({ path: `${artifacts}/screens/${name}.png`, fullPage: true });
}

// No CPNI in the URL or in browser storage, at any moment.
export async function expectNothingStored(page: Page, secrets: string[]) {
  const url = page.url();
  const storage = await page.evaluate(() =>
    JSON.stringify({ l: { ...localStorage }, s: { ...sessionStorage }, c: document.cookie }));
  for (const s of secrets) {
    expect(url).not.toContain(s);
    expect(storage).not.toContain(s);
  }
}
