// keywarden console: progressive enhancement only. Every page works without
// this file; with it, confirmations open in a dialog, copy buttons copy, and
// the generator makes keys and secrets in the browser. Nothing here talks to
// the server.
"use strict";

(function () {
  // ------------------------------------------------------------ key format v1
  // <prefix>_<env>_<secret><checksum>: 32 random bytes as a big-endian
  // base62 number, 43 digits, then the CRC-32 (IEEE) of "<prefix>_<env>_<secret>"
  // as 6 base62 digits. See docs/KEY-FORMAT.md.
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  var PREFIX_RE = /^[a-z][a-z0-9]{0,15}$/;
  var ENV_RE = /^[a-z][a-z0-9]{0,11}$/;
  var VAR_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

  // Base62 of a big-endian byte array, left-padded to `width` digits.
  function base62(bytes, width) {
    var digits = Array.prototype.slice.call(bytes);
    var out = [];
    // Long division by 62, most significant byte first.
    while (digits.some(function (d) { return d !== 0; })) {
      var rem = 0;
      var next = [];
      for (var i = 0; i < digits.length; i++) {
        var acc = rem * 256 + digits[i];
        var q = Math.floor(acc / 62);
        rem = acc % 62;
        if (next.length || q) next.push(q);
      }
      out.push(ALPHABET[rem]);
      digits = next;
    }
    while (out.length < width) out.push("0");
    if (out.length > width) throw new Error("value does not fit in " + width + " base62 digits");
    return out.reverse().join("");
  }

  var CRC_TABLE = (function () {
    var t = new Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();

  // CRC-32 (IEEE 802.3) of an ASCII string.
  function crc32(text) {
    var crc = 0xffffffff;
    for (var i = 0; i < text.length; i++) {
      crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
    }
    return (crc ^ 0xffffffff) >>> 0;
  }

  function u32Bytes(v) {
    return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  }

  // The v1 key for 32 given bytes.
  function formatKey(prefix, env, bytes) {
    if (!PREFIX_RE.test(prefix)) throw new Error("prefix: a lowercase letter, then up to 15 lowercase letters or digits");
    if (!ENV_RE.test(env)) throw new Error("environment: a lowercase letter, then up to 11 lowercase letters or digits");
    if (bytes.length !== 32) throw new Error("a key holds exactly 32 bytes");
    var body = prefix + "_" + env + "_" + base62(bytes, 43);
    return body + base62(u32Bytes(crc32(body)), 6);
  }

  // Whether a string is a well-formed v1 key with a correct checksum.
  function checkKey(key) {
    var m = /^([a-z][a-z0-9]{0,15})_([a-z][a-z0-9]{0,11})_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/.exec(key);
    if (!m) return false;
    var body = m[1] + "_" + m[2] + "_" + m[3];
    return base62(u32Bytes(crc32(body)), 6) === m[4];
  }

  function randomBytes(n) {
    var b = new Uint8Array(n);
    window.crypto.getRandomValues(b);
    return b;
  }

  function base64url(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  var JWT_BYTES = { HS256: 32, HS384: 48, HS512: 64 };

  var api = {
    base62: base62,
    crc32: crc32,
    formatKey: formatKey,
    checkKey: checkKey,
    base64url: base64url,
    jwtBytes: JWT_BYTES
  };
  if (typeof window === "undefined") {
    if (typeof module !== "undefined") module.exports = api;
    return;
  }
  window.keywardenGenerator = api;

  // ------------------------------------------------------------ page behaviour
  function byId(id) { return document.getElementById(id); }

  function setText(id, text) {
    var el = byId(id);
    if (el) el.textContent = text;
  }

  function copy(button) {
    var target = byId(button.getAttribute("data-copy"));
    if (!target) return;
    var text = target.textContent;
    var done = function () {
      var label = button.textContent;
      button.classList.add("copied");
      button.textContent = "Copied";
      setTimeout(function () { button.classList.remove("copied"); button.textContent = label; }, 1600);
    };
    var select = function () {
      var range = document.createRange();
      range.selectNodeContents(target);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { select(); });
    } else {
      // Without the clipboard API (plain HTTP off localhost): select it for Ctrl+C.
      select();
    }
  }

  function generateKey(form) {
    var prefix = form.elements.prefix.value.trim();
    var env = form.elements.env.value.trim();
    var name = form.elements["var"].value.trim();
    var error = byId("g-key-error");
    try {
      if (!VAR_RE.test(name)) throw new Error("variable: letters, digits and _, not starting with a digit");
      var key = formatKey(prefix, env, randomBytes(32));
      error.hidden = true;
      setText("gen-key-value", key);
      setText("gen-key-env", name + "=" + key);
      byId("gen-key-output").hidden = false;
    } catch (e) {
      error.textContent = "Please fix this: " + e.message;
      error.hidden = false;
    }
  }

  function generateJwt(form) {
    var alg = form.elements.alg.value;
    var name = form.elements["var"].value.trim() || "JWT_SECRET";
    var secret = base64url(randomBytes(JWT_BYTES[alg] || 32));
    setText("gen-jwt-value", secret);
    setText("gen-jwt-env", name + "=" + secret);
    byId("gen-jwt-output").hidden = false;
  }

  document.addEventListener("click", function (ev) {
    var el = ev.target.closest && ev.target.closest("[data-dialog], [data-close], [data-copy]");
    if (!el) return;
    if (el.hasAttribute("data-dialog")) {
      var dialog = byId(el.getAttribute("data-dialog"));
      if (dialog && typeof dialog.showModal === "function") {
        ev.preventDefault();
        dialog.showModal();
        var first = dialog.querySelector("input, select, button[type=submit]");
        if (first) first.focus();
      }
    } else if (el.hasAttribute("data-close")) {
      var open = el.closest("dialog");
      if (open) {
        ev.preventDefault();
        open.close();
      }
    } else if (el.hasAttribute("data-copy")) {
      ev.preventDefault();
      copy(el);
    }
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var kind = form.getAttribute("data-generator");
    if (kind) {
      ev.preventDefault();
      if (kind === "key") generateKey(form);
      else if (kind === "jwt") generateJwt(form);
      return;
    }
    // One submission per form: a double click must not revoke or roll twice.
    if (form.method === "post") {
      if (form.dataset.sent) {
        ev.preventDefault();
        return;
      }
      form.dataset.sent = "1";
    }
  });

  // The space switcher sends itself when a space is picked with the mouse
  // (or a touch). Moving through the list with the keyboard changes it too,
  // so that waits for the Switch button, as without this script.
  var keyedSelect = null;
  document.addEventListener("keydown", function (ev) {
    keyedSelect = ev.target.tagName === "SELECT" ? ev.target : null;
  });
  document.addEventListener("pointerdown", function () { keyedSelect = null; });
  document.addEventListener("change", function (ev) {
    var form = ev.target.form;
    if (!form || !form.hasAttribute("data-autosubmit") || ev.target.tagName !== "SELECT") return;
    if (keyedSelect === ev.target) return;
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  });

  // Typed confirmations: the button wakes up once the word is typed (the
  // server checks it again).
  function syncConfirm(input) {
    var button = document.querySelector("[data-needs-confirm='" + input.id + "']");
    if (button) button.disabled = input.value.trim() !== input.getAttribute("data-confirm-word");
  }
  document.addEventListener("input", function (ev) {
    if (ev.target.hasAttribute && ev.target.hasAttribute("data-confirm-word")) syncConfirm(ev.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("[data-confirm-word]");
    for (var i = 0; i < inputs.length; i++) syncConfirm(inputs[i]);
    // On a narrow screen a chart scrolls sideways: show the latest buckets.
    var charts = document.querySelectorAll(".chart");
    for (var j = 0; j < charts.length; j++) charts[j].scrollLeft = charts[j].scrollWidth;
  });
})();
