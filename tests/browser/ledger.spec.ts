// (e) The auditor's ledger screen: head, a verification run, and an inclusion
// proof downloaded from the browser that `proprio audit check-proof` accepts
// against the root of `proprio audit head --json`, and refuses against
// another root.
import { expect, test } from "@playwright/test";
import { execFileSync, spawnSync } from "node:child_process";
import { artifacts, expectAccessible, screenshot, signIn } from "./helpers";

const bin = process.env.PROPRIO_BIN!;
const db = process.env.PROPRIO_DB!;

test("(e) an auditor downloads a proof that proprio audit check-proof accepts", async ({ page }) => {
  await signIn(page, "kim.tran");
  // Auditors land on the ledger.
  await expect(page).toHaveURL(/#\/carriers\/1\/ledger$/);
  await expect(page.locator("#ledger-root")).toHaveText(/^[0-9a-f]{64}$/);
  await page.getByRole("button", { name: "Run verification" }).click();
  await expect(page.locator("#verify-report")).toContainText("Valid");
  await expectAccessible(page, "ledger");
  await page.getByLabel("Entry number").fill("3");
  await page.getByRole("button", { name: "Prepare proof" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("#proof-download").click(),
  ]);
  const file = `${artifacts}/entry-3-proof.json`;
  await download.saveAs(file);
  await screenshot(page, "console-ledger");

  const head = JSON.parse(
    execFileSync(bin, ["--db", db, "--json", "audit", "head", "--carrier", "1"]).toString());
  expect(head.root).toMatch(/^[0-9a-f]{64}$/);
  const ok = spawnSync(bin, ["--db", db, "audit", "check-proof", file, "--root", head.root]);
  expect(ok.status, ok.stdout.toString() + ok.stderr.toString()).toBe(0);
  const other = head.root.startsWith("0") ? "1" + head.root.slice(1) : "0" + head.root.slice(1);
  const refused = spawnSync(bin, ["--db", db, "audit", "check-proof", file, "--root", other]);
  expect(refused.status).toBe(8);
});
