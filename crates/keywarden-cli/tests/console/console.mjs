// Browser test of the keywarden console, run by tests/cli/console.rs against
// the real `keywarden serve` binary on loopback, in Debian's Chromium through
// playwright-core. Every check is an assertion; the script exits non-zero on
// the first failure, and prints one JSON line of facts for the Rust side to
// check again (e.g. the generated key's checksum, with keywarden's parser).
//
// Environment: KW_URL, KW_ROOT_KEY, KW_READONLY_KEY, KW_SCREENSHOTS,
// KW_CHROMIUM (default /usr/bin/chromium).

import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.KW_URL;
const rootKey = process.env.KW_ROOT_KEY;
const readonlyKey = process.env.KW_READONLY_KEY;
const shots = process.env.KW_SCREENSHOTS;
assert.ok(base && rootKey && readonlyKey && shots, "KW_URL, KW_ROOT_KEY, KW_READONLY_KEY and KW_SCREENSHOTS are required");

const facts = {};
const step = (name) => process.stderr.write(`console test: ${name}\n`);

async function api(path, body) {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  return { status: res.status, json };
}

async function verify(key) {
  const { status, json } = await api("/v1/verify", { key, client_ip: "127.0.0.1" });
  assert.equal(status, 200, JSON.stringify(json));
  return json.code;
}

async function waitFor(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Chromium with the flags CI uses. Playwright gives every launch a fresh
// profile (--user-data-dir in a new temporary directory) and removes it after.
const browser = await chromium.launch({
  executablePath: process.env.KW_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
  ],
});

const problems = [];
async function newSession(viewport = { width: 1366, height: 900 }) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  // A CSP violation or a script error is a failure: the pages must run
  // under their own strict policy.
  page.on("console", (m) => {
    // Error statuses we ask for (401 on a wrong key, 422 on a bad form)
    // are logged by Chromium too; they are checked where they happen.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  return { context, page };
}

async function signIn(page, key) {
  await page.goto(base + "/ui/sign-in");
  await page.getByLabel("Root key").fill(key);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/ui/sign-in")), page.getByRole("button", { name: "Sign in" }).click()]);
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
}

async function createKey(page, fields) {
  await page.goto(base + "/ui/keys/new");
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
  await Promise.all([page.waitForURL(/\/ui\/keys\/key_[0-9A-Za-z]{16}\/created$/), page.getByRole("button", { name: "Create key" }).click()]);
  const key = (await page.locator("#new-key").textContent()).trim();
  const id = page.url().match(/(key_[0-9A-Za-z]{16})\/created$/)[1];
  return { key, id };
}

try {
  const { context, page } = await newSession();

  step("signed out, every page leads to sign-in");
  await page.goto(base + "/ui/keys");
  assert.match(new URL(page.url()).pathname, /^\/ui\/sign-in$/);
  await shot(page, "01-sign-in", false);

  step("a wrong key is refused with a message, and not echoed");
  await page.getByLabel("Root key").fill("kw_root_wrongwrongwrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("That is not a valid root key").waitFor();
  assert.ok(!(await page.content()).includes("wrongwrongwrong"), "the typed key is not echoed");

  step("sign in with the root key");
  await page.getByLabel("Root key").fill(rootKey);
  await Promise.all([page.waitForURL((u) => u.pathname === "/ui/keys"), page.getByRole("button", { name: "Sign in" }).click()]);
  assert.ok(!page.url().includes(rootKey), "the key never goes into a URL");
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "kw_session");
  assert.ok(session, "a session cookie");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  assert.equal(session.path, "/ui");
  assert.ok(!session.value.includes(rootKey.slice(8)), "the cookie is not the key");
  const stored = await page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: sessionStorage.length }));
  assert.deepEqual(stored, { cookie: "", local: 0, session: 0 }, "nothing readable is stored in the browser");

  step("create a key; the page shows it once; it verifies");
  const a = await createKey(page, {
    Environment: "live",
    Owner: "acme",
    Name: "billing backend",
    Scopes: "orders:read, orders:write",
    Expires: "90d",
    Metadata: '{"plan": "pro"}',
    "IP allowlist": "127.0.0.0/8",
    "Usage limit": "100000",
  });
  assert.match(a.key, /^kw_live_[0-9A-Za-z]{49}$/);
  await page.getByText("you won't see it again").waitFor();
  await shot(page, "02-key-created", false);
  assert.equal(await verify(a.key), "VALID");
  facts.created_key_id = a.id;

  step("reloading or going back does not show it again");
  await page.reload();
  await page.getByRole("heading", { name: "This key is no longer shown" }).waitFor();
  assert.ok(!(await page.content()).includes(a.key), "no key after a reload");
  await page.goto(base + "/ui/keys/" + a.id);
  await page.goBack();
  assert.ok(!(await page.content()).includes(a.key), "no key after going back");

  step("a bad form gets a clear message and keeps the input");
  await page.goto(base + "/ui/keys/new");
  await page.getByLabel("Environment", { exact: true }).fill("live");
  await page.getByLabel("Name", { exact: true }).fill("<script>alert(1)</script>");
  await page.getByLabel("IP allowlist").fill("10.0.0.0/33");
  await page.getByRole("button", { name: "Create key" }).click();
  await page.getByRole("alert").filter({ hasText: "ip_allowlist entries must be CIDRs" }).waitFor();
  assert.equal(await page.getByLabel("IP allowlist").getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "<script>alert(1)</script>");
  await shot(page, "03-create-form-error");

  step("more keys and traffic, so the pages have something to show");
  const others = [];
  for (const [owner, env, name] of [["globex", "live", "globex mobile app"], ["globex", "test", "globex staging"], ["initech", "test", "ci runner"], ["acme", "test", "acme sandbox"]]) {
    const r = await api("/v1/keys", { environment: env, owner, name, scopes: ["orders:read"], expires_in: env === "test" ? "7d" : "60d" });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    others.push(r.json);
  }
  for (let i = 0; i < 12; i++) assert.equal(await verify(a.key), "VALID");
  for (const k of others) await verify(k.key);
  assert.equal((await api("/v1/verify", { key: a.key, client_ip: "127.0.0.1", scopes: ["users:write"] })).json.code, "INSUFFICIENT_SCOPE");
  assert.equal((await api("/v1/verify", { key: a.key, client_ip: "127.0.0.1", environment: "test" })).json.code, "ENV_MISMATCH");
  assert.equal(await verify("kw_live_00000000000000000000000000000000000000000000AwA6B"), "NOT_FOUND");
  assert.equal((await fetch(base + "/v1/leaks", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([{ key: others[2].key, source: "https://gist.example/leak" }]) })).status, 202);

  step("the key page: settings, chart, verifications, audit");
  await waitFor(async () => {
    await page.goto(base + "/ui/keys/" + a.id);
    // Identical verifications of one second share a row ("×N"), so the
    // table holds the VALID rows plus the two refusals, not 14 rows.
    const rows = page.locator("#recent-h + .table-wrap tbody tr");
    if ((await rows.count()) < 3) return false;
    const text = await rows.allInnerTexts();
    const hits = text.filter((t) => t.includes("VALID")).reduce((n, t) => n + Number((t.match(/×(\d+)/) || [0, 1])[1]), 0);
    return hits >= 12 && text.some((t) => t.includes("INSUFFICIENT_SCOPE")) && text.some((t) => t.includes("ENV_MISMATCH"));
  }, "the usage log to reach the key page");
  await page.getByText("orders:write").first().waitFor();
  assert.ok((await page.locator("svg.chart-svg rect.bar.code-valid").count()) >= 1, "the chart has VALID bars");
  assert.ok((await page.locator("#audit-h ~ .table-wrap").getByText("key.create").count()) >= 1, "the audit entries name the key's creation");
  await shot(page, "04-key-detail");

  step("revoke: one click, one confirmation, done");
  await page.getByRole("link", { name: "Revoke" }).click();
  const dialog = page.locator("dialog#revoke-dialog");
  await dialog.waitFor({ state: "visible" });
  await shot(page, "05-revoke-dialog", false);
  await Promise.all([page.waitForURL(base + "/ui/keys/" + a.id), dialog.getByRole("button", { name: "Revoke key" }).click()]);
  await page.getByRole("status").filter({ hasText: "Revoked" }).waitFor();
  assert.equal(await verify(a.key), "REVOKED");
  assert.equal(await page.getByRole("link", { name: "Revoke" }).count(), 0, "no Revoke button on a revoked key");

  step("roll with a grace period: both keys verify");
  const b = await createKey(page, { Environment: "live", Owner: "acme", Name: "orders api", Scopes: "orders:read" });
  await page.goto(base + "/ui/keys/" + b.id);
  await page.getByRole("link", { name: "Roll…" }).click();
  const roll = page.locator("dialog#roll-dialog");
  await roll.waitFor({ state: "visible" });
  await roll.getByLabel("Grace period for the old key").selectOption("1h");
  await shot(page, "06-roll-dialog", false);
  await Promise.all([page.waitForURL(/\/ui\/keys\/key_[0-9A-Za-z]{16}\/created$/), roll.getByRole("button", { name: "Roll key" }).click()]);
  const rolled = (await page.locator("#new-key").textContent()).trim();
  const rolledId = page.url().match(/(key_[0-9A-Za-z]{16})\/created$/)[1];
  assert.notEqual(rolled, b.key);
  await page.getByText("keeps working until").waitFor();
  await shot(page, "07-key-rolled", false);
  assert.equal(await verify(b.key), "VALID", "the old key works during the grace period");
  assert.equal(await verify(rolled), "VALID", "the new key works");
  facts.rolled_from = b.id;
  facts.rolled_to = rolledId;

  step("a forged request without the CSRF token is refused");
  const forged = await page.request.post(base + `/ui/keys/${rolledId}/revoke`, { form: { reason: "forged" }, maxRedirects: 0 });
  assert.equal(forged.status(), 403);
  const wrong = await page.request.post(base + `/ui/keys/${rolledId}/revoke`, { form: { csrf: "x".repeat(43), reason: "forged" }, maxRedirects: 0 });
  assert.equal(wrong.status(), 403);
  assert.equal(await verify(rolled), "VALID", "the forged requests changed nothing");

  step("overview, list, audit, emergency");
  await page.goto(base + "/ui");
  await page.getByRole("heading", { name: "Verifications, last 24 hours" }).waitFor();
  assert.ok((await page.locator(".legend").first().textContent()).includes("verifications"));
  await page.getByText("Recent leak reports").waitFor();
  await shot(page, "08-overview");
  await page.goto(base + "/ui/keys?owner=globex");
  assert.equal(await page.locator("tbody tr").count(), 2, "filter by owner");
  await page.goto(base + "/ui/keys?q=" + encodeURIComponent(b.key.slice(-4)));
  assert.ok((await page.locator("tbody tr").count()) >= 1, "search by hint");
  await page.goto(base + "/ui/keys");
  await shot(page, "09-keys");
  await page.goto(base + "/ui/audit");
  await page.locator("#chain-status").getByText("Chain verified").waitFor();
  await shot(page, "10-audit");
  await page.getByRole("link", { name: "Events" }).click();
  await page.getByRole("heading", { name: "Events" }).waitFor();
  await page.getByLabel("Delivery").selectOption("none");
  await Promise.all([page.waitForURL(/delivery=none/), page.getByRole("button", { name: "Filter" }).click()]);
  assert.equal(await page.getByLabel("Delivery").inputValue(), "none", "the filter is kept");
  await page.goto(base + "/ui/emergency?owner=globex");
  assert.equal((await page.locator("#count-before").textContent()).trim(), "2");
  await page.getByLabel(/^Type revoke/).fill("revoke");
  await shot(page, "11-emergency", false);
  await page.getByRole("button", { name: /Revoke 2 keys now/ }).click();
  await page.getByRole("status").filter({ hasText: "Revoked 2 keys of owner globex" }).waitFor();
  assert.ok((await page.getByRole("status").textContent()).includes("before: 2; after: 0"));
  assert.equal(await verify(others[0].key), "REVOKED");

  step("the generator makes a valid v1 key without talking to the server");
  await page.goto(base + "/ui/generator");
  await page.waitForLoadState("networkidle");
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.getByLabel("Environment").fill("test");
  await page.getByRole("button", { name: "Generate key" }).click();
  const generated = (await page.locator("#gen-key-value").textContent()).trim();
  assert.match(generated, /^kw_test_[0-9A-Za-z]{49}$/);
  assert.equal((await page.locator("#gen-key-env").textContent()).trim(), `API_KEY=${generated}`);
  assert.equal(await page.evaluate((k) => window.keywardenGenerator.checkKey(k), generated), true);
  await page.getByLabel("Algorithm").selectOption("HS512");
  await page.getByRole("button", { name: "Generate secret" }).click();
  const jwt = (await page.locator("#gen-jwt-value").textContent()).trim();
  assert.match(jwt, /^[A-Za-z0-9_-]{86}$/, "64 bytes in base64url");
  await page.getByRole("button", { name: "Generate key" }).click();
  const second = (await page.locator("#gen-key-value").textContent()).trim();
  assert.notEqual(second, generated, "fresh randomness each time");
  // The in-browser implementation against the KEY-FORMAT.md vectors.
  const vectors = await page.evaluate(() => {
    const g = window.keywardenGenerator;
    const hex = (h) => Array.from({ length: h.length / 2 }, (_, i) => parseInt(h.substr(i * 2, 2), 16));
    return [
      g.formatKey("kw", "live", new Array(32).fill(0)),
      g.formatKey("kw", "test", Array.from({ length: 32 }, (_, i) => i)),
      g.formatKey("acme", "live", new Array(32).fill(255)),
      g.formatKey("kw", "dev", hex("a1b2c3d4e5f60718293a4b5c6d7e8f90".repeat(2))),
    ];
  });
  assert.deepEqual(vectors, [
    "kw_live_00000000000000000000000000000000000000000000AwA6B",
    "kw_test_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf18Bk99",
    "acme_live_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp10u6P3m",
    "kw_dev_cLIymOC93QnmGoIcZvvJsGB0x0IvxXalfzryN3lN4eu1Vkpbb",
  ]);
  assert.deepEqual(requests, [], "the generator sent no request");
  await shot(page, "12-generator");
  facts.generated_key = generated;
  facts.generated_jwt_len = jwt.length;

  step("a read-only root key sees, but cannot revoke");
  const ro = await newSession();
  await signIn(ro.page, readonlyKey);
  await ro.page.goto(base + "/ui/keys/" + rolledId);
  await ro.page.getByText("orders:read").first().waitFor();
  assert.equal(await ro.page.getByRole("link", { name: "Revoke" }).count(), 0, "no Revoke button");
  assert.equal(await ro.page.getByRole("link", { name: "Roll…" }).count(), 0, "no Roll button");
  assert.equal(await ro.page.getByRole("link", { name: "Emergency" }).count(), 0, "no Emergency page in the menu");
  await shot(ro.page, "13-read-only-key");
  const csrf = await ro.page.locator("input[name=csrf]").first().getAttribute("value");
  const attempt = await ro.page.request.post(base + `/ui/keys/${rolledId}/revoke`, { form: { csrf, reason: "read-only" }, maxRedirects: 0 });
  assert.equal(attempt.status(), 403, "a read-only key gets 403");
  assert.ok((await attempt.text()).includes("keys:revoke"));
  assert.equal(await verify(rolled), "VALID");
  await ro.context.close();

  step("a narrow screen");
  const phone = await newSession({ width: 390, height: 844 });
  await signIn(phone.page, rootKey);
  await shot(phone.page, "14-overview-phone");
  await phone.page.goto(base + "/ui/keys/" + rolledId);
  await shot(phone.page, "15-key-phone");
  await phone.context.close();

  step("after sign-out the pages lead to sign-in, and the old cookie is dead");
  const before = (await context.cookies()).find((c) => c.name === "kw_session");
  await Promise.all([page.waitForURL(/\/ui\/sign-in/), page.getByRole("button", { name: "Sign out" }).click()]);
  await page.getByText("You are signed out.").waitFor();
  for (const path of ["/ui", "/ui/keys", "/ui/keys/" + rolledId, "/ui/audit", "/ui/events", "/ui/generator"]) {
    await page.goto(base + path);
    assert.equal(new URL(page.url()).pathname, "/ui/sign-in", path);
  }
  await context.addCookies([before]);
  await page.goto(base + "/ui/keys");
  assert.equal(new URL(page.url()).pathname, "/ui/sign-in", "a signed-out session cannot be replayed");
  const replay = await page.request.post(base + `/ui/keys/${rolledId}/revoke`, { form: { reason: "replay" }, maxRedirects: 0 });
  assert.equal(replay.status(), 303);
  assert.equal(await verify(rolled), "VALID");

  assert.deepEqual(problems, [], "no script errors or CSP violations");
  facts.ok = true;
  process.stdout.write(JSON.stringify(facts) + "\n");
} finally {
  await browser.close();
}
