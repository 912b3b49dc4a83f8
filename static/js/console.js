// The test console: posts to the real ingest API like a sender, then says in words what
// happened, with the HTTP status and JSON one click away. Everything shown is text.
(function () {
  "use strict";

  var NEW_KEY = "tracking.newApiKey";
  var sessionKey = null;  // { key, expires } issued to this signed-in browser

  function csrfToken(form) { return form.querySelector("input[name=csrf_token]").value; }

  function plural(count, word) { return count + " " + word + (count === 1 ? "" : "s"); }

  function listOf(names) {
    if (names.length < 2) { return names.join(""); }
    return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  }

  function say(parts) {
    // parts: strings, or [text, href] pairs made into links; never HTML.
    var status = document.getElementById("console-status");
    status.textContent = "";
    parts.forEach(function (part) {
      if (typeof part === "string") { status.appendChild(document.createTextNode(part)); return; }
      var link = document.createElement("a");
      link.textContent = part[0];
      link.href = part[1];
      status.appendChild(link);
    });
  }

  function showRaw(response, text) {
    document.getElementById("console-http").textContent = "HTTP " + response.status + " " + response.statusText + " and the JSON answer";
    var pretty = text;
    try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch (notJson) { /* shown as sent */ }
    document.querySelector("#console-response code").textContent = pretty;
  }

  function issuedKey(form) {
    if (sessionKey && sessionKey.expires > Date.now() + 30000) { return Promise.resolve(sessionKey.key); }
    return fetch(form.getAttribute("data-key-url"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(form) }
    }).then(function (response) {
      if (!response.ok) { throw new Error("the server issued no key (HTTP " + response.status + ")"); }
      return response.json();
    }).then(function (issued) {
      sessionKey = { key: issued.key, expires: Date.parse(issued.expires_at) };
      return issued.key;
    });
  }

  function sentIds(body) {
    try { return (JSON.parse(body).events || []).map(function (event) { return event && event.tracking_id; }); } catch (notJson) { return []; }
  }

  function refusedPositions(results) {
    var refused = {};
    (results.errors || []).forEach(function (message) {
      var found = /^Event (\d+):/.exec(message);
      if (found) { refused[Number(found[1]) - 1] = true; }
    });
    return refused;
  }

  function companiesOf(form, ids) {
    var query = ids.map(function (id) { return "tid=" + encodeURIComponent(id); }).join("&");
    return fetch(form.getAttribute("data-companies-url") + "?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : {}; }, function () { return {}; });
  }

  function countTestClicks(stored) {
    document.querySelectorAll("[data-test-count]").forEach(function (element) {
      element.textContent = String(Number(element.textContent) + stored);
    });
  }

  function tellBatch(form, response, answer, body) {
    if (response.status === 401) { return say(["The key was refused: nothing was stored."]); }
    if (!answer || !answer.results) {
      var problems = (answer && (answer.validation_errors || [answer.message])) || [];
      return say(["Nothing was stored: " + problems.filter(Boolean).join("; ")]);
    }
    var results = answer.results;
    var ids = sentIds(body);
    var refused = refusedPositions(results);
    var kept = ids.filter(function (id, position) { return id && !refused[position]; });
    var stored = results.successful - (results.duplicates || 0);
    countTestClicks(stored);
    return companiesOf(form, kept).then(function (companies) {
      var names = [];
      kept.forEach(function (id) { if (companies[id] && names.indexOf(companies[id]) === -1) { names.push(companies[id]); } });
      var parts = [plural(stored, "click") + " stored" + (names.length ? " for " + listOf(names) : "") + ": ",
        ["see them on the dashboard", form.getAttribute("data-dashboard-url")], "."];
      if (results.duplicates) { parts.push(" " + plural(results.duplicates, "click") + " had been sent before and counted once."); }
      if (results.unmatched) {
        parts.push(" " + plural(results.unmatched, "click") + " came for a tracking id no link has yet: ");
        parts.push(["see Unmatched", form.getAttribute("data-unmatched-url")]);
        parts.push(".");
      }
      if (results.failed) { parts.push(" " + plural(results.failed, "event") + " refused: " + (results.errors || []).join("; ")); }
      say(parts);
    });
  }

  function send(form, action) {
    var ownKey = form.querySelector("#console-key").value.trim();
    var url = form.getAttribute(action === "batch" ? "data-batch-url" : "data-test-url");
    var body = action === "batch" ? form.querySelector("#console-batch").value : "{}";
    say(["Sending…"]);
    (ownKey ? Promise.resolve(ownKey) : issuedKey(form)).then(function (key) {
      return fetch(url, {
        method: "POST", credentials: "omit",
        headers: { "Content-Type": "application/json", "X-API-Key": key }, body: body
      });
    }).then(function (response) {
      return response.text().then(function (text) {
        showRaw(response, text);
        var answer = null;
        try { answer = JSON.parse(text); } catch (notJson) { /* told below */ }
        if (action === "test") {
          return say([response.ok ? "The key works: the ingest API accepts it." : "The key was refused (HTTP " + response.status + ")."]);
        }
        return tellBatch(form, response, answer, body);
      });
    }).catch(function (problem) {
      say(["The request failed: " + problem.message]);
    });
  }

  function setUp() {
    var form = document.getElementById("ingest-console");
    if (!form) { return; }
    var keyField = form.querySelector("#console-key");
    try {
      var remembered = window.sessionStorage.getItem(NEW_KEY);
      if (remembered && !keyField.value) {
        keyField.value = remembered;
        keyField.closest("details").open = true;  // a key in use is never hidden
      }
    } catch (ignored) { /* storage off */ }
    form.addEventListener("submit", function (event) { event.preventDefault(); send(form, "batch"); });
    form.querySelectorAll("[data-console-action]").forEach(function (button) {
      button.addEventListener("click", function () { send(form, button.getAttribute("data-console-action")); });
    });
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
