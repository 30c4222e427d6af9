// Browser test of a one-time share link, run by tests/cli/console.rs: the
// first open shows the key (decrypted in the page with WebCrypto), a second
// open shows the "already opened" page. Prints one JSON line of facts.
//
// Environment: KW_SHARE_URL, KW_SCREENSHOTS, KW_CHROMIUM.

import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";

const url = process.env.KW_SHARE_URL;
const shots = process.env.KW_SCREENSHOTS;
assert.ok(url && shots, "KW_SHARE_URL and KW_SCREENSHOTS are required");

const browser = await chromium.launch({
  executablePath: process.env.KW_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const facts = {};
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  await page.goto(url);
  await page.getByRole("button", { name: "Show the key" }).click();
  await page.locator("#share-key").waitFor({ state: "visible" });
  facts.shown_key = (await page.locator("#share-key").textContent()).trim();
  facts.env_line = (await page.locator("#share-env").textContent()).trim();
  facts.address_after_open = page.url();
  await page.screenshot({ path: join(shots, "share-opened.png"), fullPage: true });

  // The same link again, in a fresh page: gone.
  const again = await browser.newPage();
  await again.goto(url);
  await again.getByRole("button", { name: "Show the key" }).click();
  await again.locator("#share-gone").waitFor({ state: "visible" });
  facts.second_open_key = (await again.locator("#share-key").textContent()).trim();
  await again.screenshot({ path: join(shots, "share-gone.png"), fullPage: true });

  // Without the fragment the page says so at once.
  const bare = await browser.newPage();
  await bare.goto(url.split("#")[0]);
  await bare.locator("#share-gone").waitFor({ state: "visible" });

  assert.deepEqual(errors.filter((e) => !e.includes("404")), [], "no script errors (CSP included)");
  facts.ok = true;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(facts) + "\n");
