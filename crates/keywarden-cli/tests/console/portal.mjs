// Browser test of the customer portal (issue 24), run by tests/cli/console.rs
// against the real `keywarden serve` on loopback, in Debian's Chromium
// through playwright-core: the provider mints a one-time link for the owner
// acme; the link opens the portal once, with a strict httpOnly cookie; the
// page lists acme's keys only, creates and rolls keys (the plaintext shown
// once), offers no action the grants do not allow; its JSON API refuses a
// missing CSRF token, another owner's key and an action without a grant; the
// portal's actions are audited as portal:acme; with require_approval a new
// key is PENDING_APPROVAL until approved on the console's pending page; axe
// finds no serious accessibility problem at 1280 and 390 pixels. Every check
// is an assertion; the script exits non-zero on the first failure and prints
// one JSON line of facts (no secret in it) for the Rust side to check again.
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

// axe-core, injected into the pages with page.evaluate: an evaluation from
// the driver is not an inline script, so it runs under the portal's own
// strict CSP (addScriptTag({content}) would be refused by it).
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const facts = { links_minted: 0 };
const step = (name) => process.stderr.write(`portal test: ${name}\n`);

const GRANTS = ["keys:read", "keys:create", "keys:roll", "usage:read"];
const RETURN_URL = "https://app.example.com/settings";
const KEY = /^kw_live_[0-9A-Za-z]{49}$/;

// The API with the root key: { status, json }.
async function api(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

// The whole verdict of POST /v1/verify: { code, owner, key_id, ... }.
async function verify(key) {
  const { status, json } = await api("POST", "/v1/verify", { key, client_ip: "127.0.0.1" });
  assert.equal(status, 200, JSON.stringify(json));
  return json;
}

async function createKey(owner, name) {
  const r = await api("POST", "/v1/keys", { owner, name, environment: "live" });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  // CreatedKey flattens the record: the key and its id side by side.
  assert.match(r.json.id, /^key_[0-9A-Za-z]{16}$/);
  return { key: r.json.key, id: r.json.id };
}

// A one-time portal link for acme, minted by the provider's backend.
async function mintLink() {
  const r = await api("POST", "/v1/portal/sessions", { owner: "acme", grants: GRANTS, return_url: RETURN_URL });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.owner, "acme");
  assert.equal(r.json.space, "default");
  assert.deepEqual(r.json.grants, GRANTS);
  assert.ok(r.json.url.startsWith(base + "/portal/open/"), r.json.url);
  facts.links_minted += 1;
  return r.json.url;
}

async function waitFor(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Chromium with the flags CI uses.
const browser = await chromium.launch({
  executablePath: process.env.KW_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});

const problems = [];
// A fresh context: no cookie of an earlier link or console session.
async function newSession(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  // A CSP violation or a script error is a failure: the portal runs under
  // the console's strict policy.
  page.on("console", (m) => {
    // Error statuses asked for (403, 404, 401) are logged by Chromium too;
    // they are checked where they happen.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  return { context, page };
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
}

// Opens a fresh link: the portal, with the address replaced by /portal.
async function openLink(page, link) {
  const res = await page.goto(link);
  assert.equal(res.status(), 200, `opening ${link}`);
  await page.waitForURL((u) => u.pathname === "/portal");
  await page.locator("table#keys").waitFor();
}

// The portal's JSON API from the page itself (same origin, its cookie):
// csrf "page" sends the page's token, a string sends that, null none.
async function portalApi(page, method, path, body, csrf = "page") {
  const { status, text } = await page.evaluate(
    async ({ method, path, body, csrf }) => {
      const headers = {};
      if (body !== undefined) headers["content-type"] = "application/json";
      if (csrf === "page") headers["x-csrf-token"] = document.querySelector("meta[name=csrf-token]").content;
      else if (csrf !== null) headers["x-csrf-token"] = csrf;
      const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, text: await res.text() };
    },
    { method, path, body, csrf },
  );
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Left null: the assertions on it say what came instead.
  }
  return { status, text, json };
}

// The ids of the keys the table lists, sorted.
async function listedIds(page) {
  return (await page.locator("table#keys tr[data-key-id]").evaluateAll((rows) => rows.map((r) => r.dataset.keyId))).sort();
}

// The key #new-key shows once it holds a key other than `previous`.
async function revealedKey(page, previous) {
  let shown = "";
  await waitFor(async () => {
    shown = ((await page.locator("#new-key").textContent()) || "").trim();
    return KEY.test(shown) && shown !== previous;
  }, "the new key to be shown");
  await page.getByRole("region", { name: "New key" }).waitFor({ state: "visible" });
  return shown;
}

// axe-core on the page as it is now: no serious or critical violation.
async function accessible(page, what) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `accessibility of ${what}: ${bad.map((v) => `${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(", ")}`).join("; ")}`);
}

try {
  step("keys for acme and globex, made over the API");
  // The portal's policy for the default space: which environments its form
  // offers (the space's defaults stay as they are).
  const patched = await api("PATCH", "/v1/spaces/default", { portal: { environments: ["live", "test"] } });
  assert.equal(patched.status, 200, JSON.stringify(patched.json));
  const acme = [];
  for (const name of ["acme billing", "acme search", "acme reports"]) acme.push(await createKey("acme", name));
  const globex = await createKey("globex", "globex mobile");
  facts.acme_keys = acme.map((k) => k.id);
  facts.globex_key = globex.id;
  // Some traffic, so the sparklines have something to draw.
  for (const k of [...acme, globex]) assert.equal((await verify(k.key)).code, "VALID");

  step("mint a link; open it in a fresh browser");
  const link = await mintLink();
  const { context, page } = await newSession();
  await openLink(page, link);
  const cookie = (await context.cookies()).find((c) => c.name === "kw_portal");
  assert.ok(cookie, "a portal cookie");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(cookie.path, "/portal");
  assert.equal(await page.evaluate(() => document.cookie), "", "the cookie is not readable by scripts");
  assert.ok(!page.url().includes(new URL(link).pathname), "the link is gone from the address");

  step("the page lists acme's keys only, and no action without a grant");
  await page.getByRole("heading", { level: 1, name: "API keys" }).waitFor();
  assert.deepEqual(await listedIds(page), [...facts.acme_keys].sort(), "exactly acme's three keys");
  assert.equal(await page.locator(`tr[data-key-id="${globex.id}"]`).count(), 0, "none of globex's");
  assert.ok(!(await page.content()).includes(globex.id));
  for (const k of acme) {
    const row = page.locator(`tr[data-key-id="${k.id}"]`);
    assert.equal((await row.locator("td.status").textContent()).trim(), "active");
    assert.equal(await row.locator("td.usage svg.sparkline").count(), 1, "a sparkline with usage:read");
  }
  assert.equal(await page.getByRole("button", { name: "Revoke" }).count(), 0, "no Revoke button without keys:revoke");
  const back = page.locator("a.back");
  assert.equal(await back.getAttribute("href"), RETURN_URL);
  assert.equal((await back.textContent()).trim(), "Back to app.example.com");
  await page.locator("form#create-key").waitFor({ state: "visible" });
  await shot(page, "portal-01-opened");

  step("create a key with the form: shown once, verifies as acme's");
  const form = page.locator("form#create-key");
  assert.deepEqual(await form.getByLabel("Environment", { exact: true }).locator("option").evaluateAll((os) => os.map((o) => o.value)), ["live", "test"], "the policy's environments");
  await form.getByLabel("Name", { exact: true }).fill("acme from the form");
  await form.getByLabel("Environment", { exact: true }).selectOption("live");
  // Expires: the form's own default.
  assert.ok((await form.getByLabel("Expires", { exact: true }).locator("option").count()) >= 1);
  await form.getByRole("button", { name: "Create key" }).click();
  const created = await revealedKey(page, "");
  assert.equal((await page.locator("#env-line").textContent()).trim(), `API_KEY=${created}`);
  await page.getByRole("region", { name: "New key" }).getByRole("button", { name: "Copy" }).first().waitFor({ state: "visible" });
  await shot(page, "portal-02-new-key");
  const createdVerdict = await verify(created);
  assert.equal(createdVerdict.code, "VALID");
  assert.equal(createdVerdict.owner, "acme");
  facts.created_key_id = createdVerdict.key_id;

  step("reloading the portal does not show it again");
  const reloaded = await page.reload();
  assert.ok(!(await reloaded.text()).includes(created), "no key in the served HTML");
  await page.locator("table#keys").waitFor();
  assert.ok(!(await page.content()).includes(created), "no key in the page");
  assert.ok((await listedIds(page)).includes(facts.created_key_id), "the new key is listed");

  step("create a key with the JSON API from the page");
  const made = await portalApi(page, "POST", "/portal/api/keys", { name: "acme from fetch", environment: "live" });
  assert.equal(made.status, 201, made.text);
  assert.match(made.json.key, KEY);
  assert.equal(made.json.env_line, `API_KEY=${made.json.key}`);
  assert.match(made.json.record.id, /^key_[0-9A-Za-z]{16}$/);
  assert.equal(made.json.record.name, "acme from fetch");
  assert.equal(made.json.record.environment, "live");
  assert.equal(made.json.record.status, "active");
  const madeVerdict = await verify(made.json.key);
  assert.equal(madeVerdict.code, "VALID");
  assert.equal(madeVerdict.owner, "acme");
  assert.equal(madeVerdict.key_id, made.json.record.id);
  facts.fetched_key_id = made.json.record.id;
  const readBack = await portalApi(page, "GET", `/portal/api/keys/${made.json.record.id}`);
  assert.equal(readBack.status, 200, readBack.text);
  assert.equal(readBack.json.id, made.json.record.id);
  assert.ok(!readBack.text.includes(made.json.key), "the key is never read back");
  const list = await portalApi(page, "GET", "/portal/api/keys");
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.keys.map((k) => k.id).sort(), [...facts.acme_keys, facts.created_key_id, facts.fetched_key_id].sort());
  assert.ok(!list.text.includes(made.json.key) && !list.text.includes(created), "no plaintext in the list");
  const usage = await portalApi(page, "GET", `/portal/api/keys/${acme[0].id}/usage`);
  assert.equal(usage.status, 200, usage.text);

  step("roll one of acme's keys with a grace period of an hour");
  const row = page.locator(`tr[data-key-id="${acme[0].id}"]`);
  const grace = row.getByLabel("Grace period");
  assert.deepEqual(await grace.locator("option").evaluateAll((os) => os.map((o) => [o.value, o.textContent.trim()])), [
    ["1m", "1 minute"],
    ["15m", "15 minutes"],
    ["1h", "1 hour"],
    ["6h", "6 hours"],
    ["24h", "24 hours"],
  ]);
  await grace.selectOption({ label: "1 hour" });
  await row.getByRole("button", { name: "Roll" }).click();
  const rolled = await revealedKey(page, created);
  assert.equal((await page.locator("#env-line").textContent()).trim(), `API_KEY=${rolled}`);
  const rolledVerdict = await verify(rolled);
  assert.equal(rolledVerdict.code, "VALID", "the new key works");
  assert.equal(rolledVerdict.owner, "acme");
  assert.equal((await verify(acme[0].key)).code, "VALID", "the old key works during the grace period");
  facts.rolled_from = acme[0].id;
  facts.rolled_to = rolledVerdict.key_id;
  await waitFor(async () => (await listedIds(page)).includes(facts.rolled_to), "the table to list the new key");
  assert.ok((await listedIds(page)).includes(acme[0].id), "the old key's row stays while it expires");
  await shot(page, "portal-03-rolled");

  step("the JSON API refuses: no grant, another owner's key, no CSRF token");
  const revoke = await portalApi(page, "POST", `/portal/api/keys/${acme[1].id}/revoke`, {});
  assert.equal(revoke.status, 403, revoke.text);
  assert.equal(revoke.json.error.code, "FORBIDDEN");
  const foreign = await portalApi(page, "GET", `/portal/api/keys/${globex.id}`);
  assert.equal(foreign.status, 404, foreign.text);
  assert.equal(foreign.json.error.code, "NOT_FOUND");
  assert.ok(!foreign.text.includes("globex"), "nothing of the other owner's key");
  const bare = await portalApi(page, "POST", "/portal/api/keys", { name: "forged", environment: "live" }, null);
  assert.equal(bare.status, 403, bare.text);
  assert.equal(bare.json.error.code, "CSRF_TOKEN_INVALID");
  const wrong = await portalApi(page, "POST", "/portal/api/keys", { name: "forged", environment: "live" }, "x".repeat(43));
  assert.equal(wrong.status, 403, wrong.text);
  assert.equal(wrong.json.error.code, "CSRF_TOKEN_INVALID");
  const outside = await fetch(base + "/portal/api/keys");
  assert.equal(outside.status, 401, "no cookie, no session");
  assert.equal((await outside.json()).error.code, "PORTAL_SESSION_REQUIRED");
  assert.equal((await verify(acme[1].key)).code, "VALID", "the refused revocation changed nothing");
  assert.equal((await portalApi(page, "GET", "/portal/api/keys")).json.keys.length, 6, "the refused creations made nothing");

  step("the link does not open twice");
  const second = await newSession();
  const again = await second.page.goto(link);
  assert.equal(again.status(), 404);
  await second.page.getByRole("heading", { level: 1, name: "This link cannot be opened" }).waitFor();
  assert.equal((await second.context.cookies()).find((c) => c.name === "kw_portal"), undefined, "no cookie from a used link");
  const ended = await second.page.goto(base + "/portal");
  assert.equal(ended.status(), 401, "no session in that browser");
  assert.ok((await ended.text()).includes("Your session has ended"));
  await second.context.close();

  step("the portal's actions are audited as portal:acme");
  const audit = await api("GET", "/v1/audit?actor=portal%3Aacme&limit=500");
  assert.equal(audit.status, 200, JSON.stringify(audit.json));
  const entries = audit.json.entries;
  const summary = JSON.stringify(entries.map((e) => [e.action, e.outcome, e.target]));
  assert.ok(entries.some((e) => e.action === "key.create" && e.outcome === "allowed"), summary);
  assert.ok(entries.some((e) => e.action === "key.roll" && e.outcome === "allowed"), summary);
  assert.ok(entries.some((e) => e.action === "key.revoke" && e.outcome === "denied"), summary);
  // Every key action of the portal, allowed or refused, names its session.
  const keyActions = entries.filter((e) => e.action.startsWith("key."));
  for (const e of keyActions) {
    assert.equal(e.actor, "portal:acme");
    assert.match(String(e.details?.portal_session), /^ps_/, `${e.action} (${e.outcome}) names its portal session`);
  }
  const sessions = new Set(keyActions.map((e) => e.details.portal_session));
  assert.equal(sessions.size, 1, "one link, one session");
  facts.portal_session = [...sessions][0];

  step("require approval: a portal key waits for the operator");
  const current = (await api("GET", "/v1/spaces/default")).json.portal;
  const strict = await api("PATCH", "/v1/spaces/default", { portal: { ...current, require_approval: true } });
  assert.equal(strict.status, 200, JSON.stringify(strict.json));
  assert.equal((await api("GET", "/v1/spaces/default")).json.portal.require_approval, true);
  const approval = await newSession();
  await openLink(approval.page, await mintLink());
  const pending = await portalApi(approval.page, "POST", "/portal/api/keys", { name: "acme awaiting approval", environment: "live" });
  assert.equal(pending.status, 201, pending.text);
  assert.equal(pending.json.record.status, "pending");
  facts.pending_key_id = pending.json.record.id;
  const pendingVerdict = await verify(pending.json.key);
  assert.equal(pendingVerdict.code, "PENDING_APPROVAL");
  await approval.page.reload();
  assert.equal((await approval.page.locator(`tr[data-key-id="${facts.pending_key_id}"] td.status`).textContent()).trim(), "pending");
  await approval.context.close();

  step("approve it on the console's pending page");
  const operator = await newSession();
  await operator.page.goto(base + "/ui/sign-in");
  await operator.page.getByLabel("Root key").fill(rootKey);
  await Promise.all([operator.page.waitForURL((u) => !u.pathname.startsWith("/ui/sign-in")), operator.page.getByRole("button", { name: "Sign in" }).click()]);
  await operator.page.getByRole("link", { name: "Pending", exact: true }).click();
  await operator.page.getByRole("heading", { name: "Pending keys" }).waitFor();
  const pendingRow = operator.page.locator(`tr[data-key-id="${facts.pending_key_id}"]`);
  await pendingRow.waitFor();
  await shot(operator.page, "portal-04-pending-console");
  await Promise.all([
    operator.page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `/ui/keys/${facts.pending_key_id}/approve`),
    pendingRow.getByRole("button", { name: "Approve" }).click(),
  ]);
  await operator.page.waitForLoadState("load");
  assert.equal((await verify(pending.json.key)).code, "VALID", "approved, it works");
  await operator.page.goto(base + "/ui/pending");
  assert.equal(await operator.page.locator(`tr[data-key-id="${facts.pending_key_id}"]`).count(), 0, "no longer pending");
  await operator.context.close();

  step("accessibility and screenshots at 1280 and 390 pixels");
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    const w = viewport.width;
    const view = await newSession(viewport);
    await openLink(view.page, await mintLink());
    await view.page.locator("form#create-key").waitFor({ state: "visible" });
    await accessible(view.page, `/portal at ${w} px`);
    await shot(view.page, `portal-${w}-list`);
    const usageLink = view.page.locator(`tr[data-key-id="${acme[1].id}"]`).getByRole("link", { name: "Usage" });
    assert.equal(await usageLink.getAttribute("href"), `/portal/keys/${acme[1].id}`);
    await Promise.all([view.page.waitForURL((u) => u.pathname === `/portal/keys/${acme[1].id}`), usageLink.click()]);
    await view.page.getByRole("heading", { level: 1, name: "acme search" }).waitFor();
    assert.ok((await view.page.locator("svg").count()) >= 1, "a usage chart");
    await accessible(view.page, `/portal/keys/<id> at ${w} px`);
    await shot(view.page, `portal-${w}-key`);
    const used = await view.page.goto(link);
    assert.equal(used.status(), 404);
    await view.page.getByRole("heading", { level: 1, name: "This link cannot be opened" }).waitFor();
    await accessible(view.page, `the used link's page at ${w} px`);
    await shot(view.page, `portal-${w}-link-used`);
    await view.context.close();
  }

  assert.deepEqual(problems, [], "no script errors or CSP violations");
  facts.ok = true;
  process.stdout.write(JSON.stringify(facts) + "\n");
} finally {
  await browser.close();
}
