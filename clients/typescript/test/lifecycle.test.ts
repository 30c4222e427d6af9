// The generated client drives a key's life against a running keywarden:
//   KEYWARDEN_URL=http://127.0.0.1:8080 KEYWARDEN_TOKEN=kw_root_... npm test
// create -> list -> verify -> roll -> revoke -> usage, each answer checked.
import assert from "node:assert/strict";
import { test } from "node:test";
import { keywarden } from "../src/index.js";

const url = process.env.KEYWARDEN_URL;
const token = process.env.KEYWARDEN_TOKEN;

test("a key's life through the TypeScript client", { skip: !url || !token }, async () => {
  const api = keywarden(url!, token!);

  const created = await api.POST("/v1/keys", {
    body: { environment: "live", owner: "acme-ts", scopes: ["orders:read"], name: "typescript client" },
  });
  assert.equal(created.response.status, 201);
  assert.ok(created.data);
  assert.match(created.data.key, /^kw_live_/);
  assert.equal(created.data.status, "active");
  const id = created.data.id;

  const list = await api.GET("/v1/keys", { params: { query: { owner: "acme-ts" } } });
  assert.deepEqual(list.data?.keys.map((k) => k.id), [id]);

  const verified = await api.POST("/v1/verify", { body: { key: created.data.key, scopes: ["orders:read"] } });
  assert.equal(verified.data?.code, "VALID");
  assert.equal(verified.data?.key_id, id);
  const denied = await api.POST("/v1/verify", { body: { key: created.data.key, scopes: ["orders:write"] } });
  assert.equal(denied.data?.code, "INSUFFICIENT_SCOPE");

  const rolled = await api.POST("/v1/keys/{id}/roll", {
    params: { path: { id } },
    body: { grace_period: "0s" },
  });
  assert.equal(rolled.response.status, 201);
  assert.ok(rolled.data);
  assert.notEqual(rolled.data.key, created.data.key);
  assert.equal(rolled.data.rotated_from, id);
  const old = await api.POST("/v1/verify", { body: { key: created.data.key } });
  assert.equal(old.data?.valid, false);

  const revoked = await api.POST("/v1/keys/{id}/revoke", {
    params: { path: { id: rolled.data.id } },
    body: { reason: "typescript lifecycle" },
  });
  assert.equal(revoked.data?.status, "revoked");
  const after = await api.POST("/v1/verify", { body: { key: rolled.data.key } });
  assert.equal(after.data?.code, "REVOKED");

  const usage = await api.GET("/v1/keys/{id}/usage", {
    params: { path: { id }, query: { bucket: "minute" } },
  });
  assert.equal(usage.data?.key_id, id);
  assert.equal(usage.data?.bucket, "minute");

  // Errors are typed too: an unknown key is a 404 with a code.
  const missing = await api.GET("/v1/keys/{id}", { params: { path: { id: "key_0000000000000000" } } });
  assert.equal(missing.response.status, 404);
  assert.equal(missing.error?.error.code, "NOT_FOUND");
});
