// The one-time share page: fetch the sealed key once, open it with the
// secret in the link's fragment (never sent to the server), show it. The
// server gives the sealed key only for the proof that the page holds the
// fragment: HMAC-SHA256(secret, "keywarden share open v1").
"use strict";
(function () {
  const INFO = new TextEncoder().encode("keywarden share v1");
  const OPEN_INFO = new TextEncoder().encode("keywarden share open v1");
  const $ = (id) => document.getElementById(id);

  function fromBase64(text, url) {
    let b64 = text;
    if (url) {
      b64 = text.replace(/-/g, "+").replace(/_/g, "/");
      while (b64.length % 4) b64 += "=";
    }
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function toBase64Url(bytes) {
    let bin = "";
    for (const b of new Uint8Array(bytes)) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function gone() {
    $("share-ready").hidden = true;
    $("share-gone").hidden = false;
  }

  async function openShare() {
    const id = location.pathname.split("/").pop();
    const fragment = location.hash.slice(1);
    // Forget the secret from the address bar and the history at once.
    history.replaceState(null, "", location.pathname);
    if (!fragment) return gone();
    let secret;
    try {
      secret = fromBase64(fragment, true);
    } catch (e) {
      return gone();
    }
    const hmac = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const proof = toBase64Url(await crypto.subtle.sign("HMAC", hmac, OPEN_INFO));
    const res = await fetch(location.pathname + "/open", {
      method: "POST",
      cache: "no-store",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ proof }),
    });
    if (!res.ok) return gone();
    const body = await res.json();
    try {
      const sealed = fromBase64(body.sealed, false);
      const raw = await crypto.subtle.sign("HMAC", hmac, INFO);
      const aes = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: sealed.slice(0, 12), additionalData: new TextEncoder().encode(id) },
        aes,
        sealed.slice(12),
      );
      const key = new TextDecoder().decode(plain);
      $("share-key").textContent = key;
      const env = key.split("_")[1] || "live";
      $("share-env").textContent = "API_KEY_" + env.toUpperCase() + "=" + key;
      $("share-ready").hidden = true;
      $("share-shown").hidden = false;
    } catch (e) {
      gone();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const open = $("share-open");
    if (!open) return;
    if (!location.hash || location.hash.length < 2) {
      gone();
      return;
    }
    open.addEventListener("click", () => {
      open.disabled = true;
      openShare().catch(gone);
    });
    $("share-copy").addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText($("share-key").textContent);
        $("share-copy").textContent = "Copied";
      } catch (e) {
        $("share-copy").textContent = "Select and copy the key above";
      }
    });
  });
})();
