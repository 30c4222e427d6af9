// Browser test of the vault's Secrets page (issue 25), run by
// tests/cli/console.rs against the real `keywarden serve` (with a master
// key) on loopback, in Debian's Chromium through playwright-core: sign in,
// set a multi-line secret with the page's form, set it again, see its
// version, reveal it only on a click (the page is not kept: no-store), roll
// it back to version 1 from its history, see a rotation reminder due, delete
// another secret behind its own click; axe finds no serious accessibility
// problem at 1280 and 390 pixels. Every check is an assertion; the script
// exits non-zero on the first failure and prints one JSON line of facts (no
// value in it) for the Rust side to check again.
//
// Environment: KW_URL, KW_ROOT_KEY, KW_SCREENSHOTS, KW_CHROMIUM.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.KW_URL;
const rootKey = process.env.KW_ROOT_KEY;
const shots = process.env.KW_SCREENSHOTS;
assert.ok(base && rootKey && shots, "KW_URL, KW_ROOT_KEY and KW_SCREENSHOTS are required");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const facts = {};
const step = (name) => process.stderr.write(`secrets test: ${name}\n`);
const FIRST = "first-Browser-Pa55 line one\nsecond line";
const SECOND = "second-Browser-Pa55word";

async function api(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

async function accessible(page, what) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `accessibility of ${what}: ${bad.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(", ")}`).join("; ")}`);
}

const browser = await chromium.launch({
  executablePath: process.env.KW_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const problems = [];
const shot = (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

try {
  step("a secret over the API, with a rotation period already past");
  // rotate_every 1s: due a second after it is written.
  let r = await api("PUT", "/v1/secrets/live/OLD_TOKEN", { value: "old-token-value-123", rotate_every: "1s", note: "from the old vendor" });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  await new Promise((ok) => setTimeout(ok, 1100));

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));

  step("sign in, open Secrets from the navigation");
  await page.goto(base + "/ui/sign-in");
  await page.getByLabel("Root key").fill(rootKey);
  await Promise.all([page.waitForURL((u) => u.pathname === "/ui"), page.getByRole("button", { name: "Sign in" }).click()]);
  await Promise.all([page.waitForURL((u) => u.pathname === "/ui/secrets"), page.getByRole("link", { name: "Secrets" }).click()]);
  assert.ok((await page.locator("#secret-OLD_TOKEN").textContent()).includes("Rotation due"));
  assert.ok((await page.getByRole("status").first().textContent()).includes("due for rotation"));
  assert.equal(await page.locator("body").textContent().then((t) => t.includes("old-token-value-123")), false, "no value on the list");

  step("set a multi-line secret, then a new version");
  await page.getByLabel("Name").fill("DATABASE_URL");
  await page.getByLabel("Value").fill(FIRST);
  await page.getByLabel("Rotate every").fill("90d");
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Save secret" }).click()]);
  assert.ok((await page.getByRole("status").first().textContent()).includes("version 1"));
  await page.getByLabel("Name").fill("DATABASE_URL");
  await page.getByLabel("Value").fill(SECOND);
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Save secret" }).click()]);
  const row = page.locator("#secret-DATABASE_URL");
  assert.equal((await row.locator("td").first().textContent()).trim(), "2");
  assert.equal(await page.locator("body").textContent().then((t) => t.includes(SECOND)), false, "no value after saving");
  await accessible(page, "the Secrets page");
  await shot(page, "v1-secrets");

  step("a bad name is refused on the form, clearly");
  await page.getByLabel("Name").fill("not a name");
  await page.getByLabel("Value").fill("x");
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Save secret" }).click()]);
  assert.ok((await page.getByRole("alert").textContent()).includes("name"));

  step("reveal on a click: the page is not kept");
  const [reveal] = await Promise.all([
    page.waitForResponse((res) => res.url().endsWith("/ui/secrets/live/DATABASE_URL/reveal")),
    page.getByRole("button", { name: "Reveal DATABASE_URL" }).click(),
  ]);
  assert.equal(reveal.headers()["cache-control"], "no-store");
  await page.locator("#secret-value").waitFor();
  assert.equal(await page.locator("#secret-value").textContent(), SECOND);
  await accessible(page, "a revealed secret");
  await shot(page, "v2-reveal");

  step("history: roll back to version 1");
  await page.goto(base + "/ui/secrets/live/DATABASE_URL");
  assert.equal(await page.locator("tbody tr").count(), 2);
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Roll back to version 1" }).click()]);
  assert.ok((await page.getByRole("status").first().textContent()).includes("version 3"));
  assert.equal(await page.locator("tbody tr").count(), 3);
  r = await api("GET", "/v1/secrets/live/DATABASE_URL");
  assert.equal(r.json.value, FIRST, "the first value, multi-line, came back");
  assert.equal(r.json.version, 3);

  step("delete behind its own click");
  await page.goto(base + "/ui/secrets?env=live");
  await page.locator("#secret-OLD_TOKEN summary").click();
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Delete OLD_TOKEN and its versions" }).click()]);
  assert.equal(await page.locator("#secret-OLD_TOKEN").count(), 0);
  r = await api("GET", "/v1/secrets/live/OLD_TOKEN");
  assert.equal(r.status, 404);

  step("a phone's width");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(base + "/ui/secrets?env=live");
  await accessible(page, "the Secrets page at 390 pixels");
  await shot(page, "v3-phone");

  assert.deepEqual(problems, [], "no script errors or CSP violations");
  facts.versions = 3;
  facts.ok = true;
  process.stdout.write(JSON.stringify(facts) + "\n");
} finally {
  await browser.close();
}
