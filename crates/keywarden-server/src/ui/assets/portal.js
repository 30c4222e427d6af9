// keywarden customer portal: the forms (create, roll, revoke) sent to the
// portal's JSON API with the page's CSRF token. Without JavaScript the page
// still lists the keys; the forms stay hidden.
(function () {
  "use strict";

  // A link's one use is done: show the portal's own address.
  if (location.pathname.indexOf("/portal/open/") === 0) {
    history.replaceState(null, "", "/portal");
  }

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";

  function unhide(root) {
    root.querySelectorAll("[data-js-only]").forEach(function (el) {
      el.hidden = false;
    });
  }
  unhide(document);

  var errorBox = document.getElementById("portal-error");
  function showError(text) {
    if (!errorBox) return;
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  function call(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (json) {
          if (!res.ok) {
            var message = json && json.error && json.error.message;
            throw new Error(message || "the request failed (HTTP " + res.status + ")");
          }
          return json;
        });
    });
  }

  // The keys table again, as the server renders it now.
  function refresh() {
    return fetch("/portal", { credentials: "same-origin" })
      .then(function (res) {
        return res.text();
      })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var fresh = doc.getElementById("keys-card");
        var current = document.getElementById("keys-card");
        if (fresh && current) {
          current.replaceWith(fresh);
          unhide(fresh);
        }
      });
  }

  var reveal = document.getElementById("reveal");
  function show(created) {
    document.getElementById("new-key").textContent = created.key;
    document.getElementById("env-line").textContent = created.env_line;
    reveal.hidden = false;
    reveal.focus();
  }

  var copy = document.getElementById("copy-key");
  if (copy) {
    copy.addEventListener("click", function () {
      var text = document.getElementById("new-key").textContent;
      if (navigator.clipboard) {
        navigator.clipboard.writeText(text).then(function () {
          copy.textContent = "Copied";
        }, function () {
          copy.textContent = "Select and copy the key";
        });
      }
    });
  }

  function busy(form, on) {
    form.querySelectorAll("button").forEach(function (b) {
      b.disabled = on;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "create-key") {
      event.preventDefault();
      showError("");
      var data = new FormData(form);
      var body = { environment: data.get("environment") };
      if (data.get("name")) body.name = data.get("name");
      if (data.get("expires_in")) body.expires_in = data.get("expires_in");
      busy(form, true);
      call("/portal/api/keys", body)
        .then(function (created) {
          form.reset();
          show(created);
          return refresh();
        })
        .catch(function (e) {
          showError(e.message);
        })
        .finally(function () {
          busy(form, false);
        });
    } else if (form.classList.contains("roll")) {
      event.preventDefault();
      showError("");
      var id = form.getAttribute("data-key-id");
      var grace = new FormData(form).get("grace_period");
      busy(form, true);
      call("/portal/api/keys/" + encodeURIComponent(id) + "/roll", { grace_period: grace })
        .then(function (rolled) {
          show(rolled);
          return refresh();
        })
        .catch(function (e) {
          showError(e.message);
          busy(form, false);
        });
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.revoke") : null;
    if (!button) return;
    var name = button.getAttribute("data-key-name");
    if (!window.confirm("Revoke " + name + "? Everything using this key stops working at once.")) return;
    showError("");
    button.disabled = true;
    call("/portal/api/keys/" + encodeURIComponent(button.getAttribute("data-key-id")) + "/revoke")
      .then(refresh)
      .catch(function (e) {
        showError(e.message);
        button.disabled = false;
      });
  });
})();
