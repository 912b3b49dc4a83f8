// The test console: posts to the real ingest API like a sender and shows the answer as text.
(function () {
  "use strict";

  var NEW_KEY = "tracking.newApiKey";

  function show(status, body) {
    document.getElementById("console-status").textContent = status;
    document.querySelector("#console-response code").textContent = body;
  }

  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (notJson) { return text; }
  }

  function send(form, action) {
    var key = form.querySelector("#console-key").value.trim();
    if (!key) {
      show("Enter an API key first.", "");
      form.querySelector("#console-key").focus();
      return;
    }
    var url = form.getAttribute(action === "batch" ? "data-batch-url" : "data-test-url");
    var body = action === "batch" ? form.querySelector("#console-batch").value : "{}";
    show("Sending…", "");
    fetch(url, {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json", "X-API-Key": key },
      body: body
    }).then(function (response) {
      return response.text().then(function (text) {
        show("HTTP " + response.status + " " + response.statusText, pretty(text));
      });
    }, function (problem) {
      show("The request failed: " + problem.message, "");
    });
  }

  function setUp(root) {
    var form = root.querySelector ? root.querySelector("#ingest-console") : null;
    if (!form || form.dataset.ready) { return; }
    form.dataset.ready = "1";
    var keyField = form.querySelector("#console-key");
    try {
      var remembered = window.sessionStorage.getItem(NEW_KEY);
      if (remembered && !keyField.value) { keyField.value = remembered; }
    } catch (ignored) { /* storage off */ }
    form.addEventListener("submit", function (event) { event.preventDefault(); send(form, "batch"); });
    form.querySelectorAll("[data-console-action]").forEach(function (button) {
      button.addEventListener("click", function () { send(form, button.getAttribute("data-console-action")); });
    });
  }

  window.htmx.onLoad(setUp);
})();
