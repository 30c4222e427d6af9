// Browser test of key spaces and roles in the console, run by
// tests/cli/console.rs against the real `keywarden serve` on loopback, in
// Debian's Chromium through playwright-core: create two spaces with the
// spaces page, switch to one, give it a role, create a key holding the role,
// see the role's permissions on the key's page, change the role and see the
// change. Every check is an assertion; the script exits non-zero on the first
// failure and prints one JSON line of facts for the Rust side to check again.
//
// Environment: KW_URL, KW_ROOT_KEY, KW_SCREENSHOTS, KW_CHROMIUM.

import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.KW_URL;
const rootKey = process.env.KW_ROOT_KEY;
const shots = process.env.KW_SCREENSHOTS;
assert.ok(base && rootKey && shots, "KW_URL, KW_ROOT_KEY and KW_SCREENSHOTS are required");

const facts = {};
const step = (name) => process.stderr.write(`spaces test: ${name}\n`);

async function api(path, body) {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function verify(key, permissions) {
  const { status, json } = await api("/v1/verify", { key, client_ip: "127.0.0.1", permissions });
  assert.equal(status, 200, JSON.stringify(json));
  return json.code;
}

const browser = await chromium.launch({
  executablePath: process.env.KW_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});

const problems = [];
async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
}

// The effective permissions on a key's page: [{ name, direct, roles }].
async function effective(page) {
  const items = page.locator("ul.perms > li");
  const out = [];
  for (let i = 0; i < (await items.count()); i++) {
    const li = items.nth(i);
    out.push({
      name: (await li.locator(".chip").textContent()).trim(),
      direct: (await li.locator(".perm-direct").count()) > 0,
      roles: (await li.locator(".perm-role").allTextContents()).map((t) => t.trim()),
    });
  }
  return out;
}

try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.on("console", (m) => {
    // Error statuses asked for (a 409 deletion) are logged by Chromium too.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));

  step("sign in");
  await page.goto(base + "/ui/sign-in");
  await page.getByLabel("Root key").fill(rootKey);
  await Promise.all([page.waitForURL((u) => u.pathname === "/ui"), page.getByRole("button", { name: "Sign in" }).click()]);
  const switcher = page.getByLabel("Current space");
  assert.equal(await switcher.inputValue(), "", "every space at first");

  step("create the spaces payments and search with the spaces page");
  await page.getByRole("link", { name: "Spaces", exact: true }).click();
  await page.getByRole("heading", { name: "Spaces", exact: true }).waitFor();
  assert.equal(await page.locator("nav[aria-label=Console] a[aria-current=page]").textContent(), "Spaces");
  for (const [id, name, prefix] of [["payments", "Payments", "pay"], ["search", "Search", "srch"]]) {
    const form = page.locator("form[action='/ui/spaces']");
    await form.getByLabel("Id", { exact: true }).fill(id);
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("Key prefix").fill(prefix);
    await Promise.all([page.waitForURL(new RegExp(`/ui/spaces#space-${id}$`)), form.getByRole("button", { name: "Create space" }).click()]);
    await page.getByRole("status").filter({ hasText: `Created the space ${id}.` }).waitFor();
    await page.locator(`#space-${id}`).getByText(`${prefix}_`).waitFor();
  }
  assert.deepEqual(await switcher.locator("option").allTextContents(), ["All spaces", "default", "payments", "search"]);
  await shot(page, "s1-spaces");

  step("a key of another space, made over the API");
  const other = await api("/v1/keys", { environment: "live", space: "search", name: "search indexer" });
  assert.equal(other.status, 201, JSON.stringify(other.json));

  step("switch to payments: the switcher sends itself, the cookie is strict");
  await page.goto(base + "/ui/keys");
  assert.ok((await page.locator("tbody tr").count()) >= 1);
  await Promise.all([page.waitForURL((u) => u.pathname === "/ui/keys"), page.waitForEvent("load"), switcher.selectOption("payments")]);
  assert.equal(await page.getByLabel("Current space").inputValue(), "payments");
  const cookie = (await context.cookies()).find((c) => c.name === "kw_space");
  assert.ok(cookie, "a space cookie");
  assert.equal(cookie.value, "payments");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.equal(cookie.path, "/ui");
  await page.getByText("No key matches these filters.").waitFor();

  step("set the role editor on the roles page");
  await page.goto(base + "/ui/spaces");
  await page.locator("#space-payments").getByRole("link", { name: "Roles of payments" }).click();
  await page.getByRole("heading", { name: "Roles of payments" }).waitFor();
  await page.getByText("This space has no roles yet.").waitFor();
  await page.getByLabel("Role name").fill("editor");
  await page.getByLabel("Permissions").fill("docs.read, docs.write");
  await Promise.all([page.waitForURL(/\/ui\/spaces\/payments\/roles#role-editor$/), page.getByRole("button", { name: "Save role" }).click()]);
  await page.getByRole("status").filter({ hasText: "Created the role editor." }).waitFor();
  assert.deepEqual(await page.locator("#role-editor .chip").allTextContents(), ["docs.read", "docs.write"]);
  step("a bad permission name is a message, not a crash");
  await page.getByLabel("Role name").fill("viewer");
  await page.getByLabel("Permissions").fill("docs..read");
  await page.getByRole("button", { name: "Save role" }).click();
  await page.getByRole("alert").filter({ hasText: "Permissions: invalid" }).waitFor();
  assert.equal(await page.getByLabel("Permissions").getAttribute("aria-invalid"), "true");
  await shot(page, "s2-roles");

  step("create a key in payments holding the role");
  await page.goto(base + "/ui/keys/new");
  assert.equal(await page.getByLabel("Space", { exact: true }).inputValue(), "payments", "the current space first");
  await page.getByText("Roles of payments: editor.").waitFor();
  await page.getByLabel("Environment", { exact: true }).fill("live");
  await page.getByLabel("Name", { exact: true }).fill("docs bot");
  await page.getByLabel("Scopes").fill("orders:read");
  await page.getByLabel("Roles", { exact: true }).fill("editor");
  await Promise.all([page.waitForURL(/\/ui\/keys\/key_[0-9A-Za-z]{16}\/created$/), page.getByRole("button", { name: "Create key" }).click()]);
  const key = (await page.locator("#new-key").textContent()).trim();
  const id = page.url().match(/(key_[0-9A-Za-z]{16})\/created$/)[1];
  assert.match(key, /^pay_live_[0-9A-Za-z]{49}$/, "the space's prefix");
  facts.key_id = id;

  step("its page shows the space, the role and the effective permissions");
  await page.goto(base + "/ui/keys/" + id);
  await page.getByRole("link", { name: "payments", exact: true }).waitFor();
  await page.getByRole("link", { name: "editor", exact: true }).waitFor();
  assert.deepEqual(await effective(page), [
    { name: "orders:read", direct: true, roles: [] },
    { name: "docs.read", direct: false, roles: ["role editor"] },
    { name: "docs.write", direct: false, roles: ["role editor"] },
  ]);
  await shot(page, "s3-key-effective");
  assert.equal(await verify(key, "docs.read AND docs.write"), "VALID");

  step("the keys list follows the space");
  await page.goto(base + "/ui/keys");
  assert.equal(await page.locator("tbody tr").count(), 1, "only the key of payments");
  assert.ok((await page.locator("tbody").textContent()).includes("docs bot"));

  step("change the role: the key page shows the change");
  await page.goto(base + "/ui/spaces/payments/roles");
  await page.locator("#role-editor").getByRole("link", { name: "Edit editor" }).click();
  assert.equal(await page.getByLabel("Role name").inputValue(), "editor");
  assert.equal(await page.getByLabel("Permissions").inputValue(), "docs.read\ndocs.write");
  await page.getByLabel("Permissions").fill("docs.read\ndocs.admin");
  await Promise.all([page.waitForURL(/#role-editor$/), page.getByRole("button", { name: "Save role" }).click()]);
  await page.getByRole("status").filter({ hasText: "keys holding it have its permissions now" }).waitFor();
  await page.goto(base + "/ui/keys/" + id);
  assert.deepEqual(await effective(page), [
    { name: "orders:read", direct: true, roles: [] },
    { name: "docs.read", direct: false, roles: ["role editor"] },
    { name: "docs.admin", direct: false, roles: ["role editor"] },
  ]);
  assert.equal(await verify(key, "docs.admin"), "VALID");
  assert.equal(await verify(key, "docs.write"), "INSUFFICIENT_PERMISSIONS");

  step("deleting a space that holds a key is refused, clearly");
  await page.goto(base + "/ui/spaces");
  await page.locator("#space-payments").getByRole("link", { name: "Delete… payments" }).click();
  const dialog = page.locator("dialog#delete-payments");
  await dialog.waitFor({ state: "visible" });
  await dialog.getByRole("button", { name: "Delete space" }).click();
  await page.getByRole("alert").filter({ hasText: "still holds 1 key that is not revoked" }).waitFor();
  assert.ok((await page.getByRole("alert").textContent()).includes("SPACE_HAS_KEYS"));
  await shot(page, "s4-delete-refused", false);

  step("back to every space");
  await Promise.all([page.waitForEvent("load"), page.getByLabel("Current space").selectOption("")]);
  assert.equal(await page.getByLabel("Current space").inputValue(), "");
  assert.equal((await context.cookies()).find((c) => c.name === "kw_space"), undefined, "the cookie is gone");

  assert.deepEqual(problems, [], "no script errors or CSP violations");
  facts.ok = true;
  process.stdout.write(JSON.stringify(facts) + "\n");
} finally {
  await browser.close();
}
