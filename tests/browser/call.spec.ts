// The CSR's call screen in a real browser against a real proprio serve:
// (a) call detail only after the password; (b) refused without
// authentication, offered the allowed alternatives; (d) carrier 2's customer
// unreachable by editing the URL. axe-core on each screen; screenshots kept.
import { expect, test } from "@playwright/test";
import { CPNI_PASSWORD, expectAccessible, expectNothingStored, screenshot, signIn } from "./helpers";

const PHONE = "+14075550123";
const OTHER_PHONE = "+14075550987";

test("sign-in screen is accessible and has no inline script", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  const res = await page.goto("/");
  expect(res!.headers()["content-security-policy"]).toContain("script-src 'self'");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page, "sign-in");
  await screenshot(page, "console-sign-in");
  expect(violations).toEqual([]);
});

test("(a) a CSR verifies a caller by password and only then sees call detail", async ({ page }) => {
  await signIn(page, "alicia.gomez");
  await expect(page).toHaveURL(/#\/carriers\/1\/call$/);
  await expectAccessible(page, "call-search");
  await screenshot(page, "console-call-search");
  // Keyboard only: the search form.
  await page.getByLabel("Find by").selectOption("telephone_number");
  await page.getByLabel("Telephone number").fill(PHONE);
  await page.getByLabel("Telephone number").press("Enter");
  const open = page.getByRole("button", { name: "Open call with Dana Caller" });
  await open.focus();
  await page.keyboard.press("Enter");
  const status = page.locator("#call-detail-status");
  await expect(status).toHaveText(/Call detail may not be discussed/);
  await expect(page.locator("#discuss")).toContainText("64.2010");
  // A wrong password: still refused.
  await page.getByLabel("Customer's password").fill("Wrong-Guess-0000");
  await page.getByLabel("Customer's password").press("Enter");
  await expect(page.getByRole("status").first()).toContainText(/failed/);
  await expect(status).toHaveText(/Call detail may not be discussed/);
  // The right one: now call detail may be discussed, with the citation.
  await page.getByLabel("Customer's password").fill(CPNI_PASSWORD);
  await page.getByLabel("Customer's password").press("Enter");
  await expect(status).toHaveText(/Call detail may be discussed/);
  await expect(page.locator("#discuss")).toContainText("64.2010");
  await expect(page.locator("#discuss")).toContainText(/decision \d+/);
  await expectAccessible(page, "call-verified");
  await screenshot(page, "console-call-verified");
  await expectNothingStored(page, [PHONE, "4075550123", CPNI_PASSWORD, "WEB-1001"]);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("(b) without authentication call detail is refused and the alternatives offered", async ({ page }) => {
  await signIn(page, "alicia.gomez");
  await page.getByLabel("Find by").selectOption("account_number");
  await page.getByLabel("Account number").fill("WEB-1001");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: "Open call with Dana Caller" }).click();
  const status = page.locator("#call-detail-status");
  await expect(status).toHaveText(/Call detail may not be discussed/);
  await expect(page.locator("#discuss")).toContainText(/Why: .+/);
  await expect(page.locator("#discuss")).toContainText("64.2010");
  const alt = page.locator("#alternatives");
  await expect(alt.getByRole("button", { name: "Call back the number of record" })).toBeEnabled();
  await expect(alt.getByRole("button", { name: "Send to postal address of record" })).toBeEnabled();
  await expect(alt.getByLabel("Call detail the caller stated without help")).toBeVisible();
  // The caller describes a call unaided: only that detail may be discussed.
  await alt.getByLabel("Call detail the caller stated without help").fill("a call to Orlando last Tuesday");
  await alt.getByRole("button", { name: "Record what the caller stated" }).click();
  await expect(page.locator("#discuss")).toContainText("Only that detail may be discussed");
  await expectAccessible(page, "call-refused");
  await screenshot(page, "console-call-refused");
});

test("(d) a CSR of carrier 1 cannot reach carrier 2's customer by editing the URL", async ({ page }) => {
  await signIn(page, "alicia.gomez");
  // Carrier 2's number searched in carrier 1: not found.
  await page.getByLabel("Telephone number").fill(OTHER_PHONE);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("alert")).toContainText("Not found");
  // The URL edited to carrier 2: the API refuses (404), nothing of it shows.
  await page.goto("/#/carriers/2/call");
  await expect(page.getByRole("heading", { name: "Call screen" })).toBeVisible();
  await page.getByLabel("Telephone number").fill(OTHER_PHONE);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("alert")).toContainText("Not found");
  await expect(page.getByText("Other Customer")).toHaveCount(0);
  await screenshot(page, "console-other-carrier-refused");
});
