// Page behaviour shared by every page: copy buttons and remembering a new API key for the console.
(function () {
  "use strict";

  var NEW_KEY = "tracking.newApiKey";

  function copyText(button, text) {
    function done(label) {
      button.textContent = label;
      window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done("Copied"); }, function () { done("Select and copy"); });
    } else {
      done("Select and copy");
    }
  }

  function setUpCopyButtons(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var field = document.querySelector(button.getAttribute("data-copy"));
        if (!field) { return; }
        field.select();
        copyText(button, field.value);
      });
    });
  }

  function rememberNewKey(root) {
    // sessionStorage: this tab only, gone when it closes; the console reads it once.
    root.querySelectorAll("[data-new-api-key]").forEach(function (field) {
      try { window.sessionStorage.setItem(NEW_KEY, field.value); } catch (ignored) { /* storage off */ }
    });
  }

  function forgetKeyOnLogout(root) {
    // Logging out ends what this tab remembers too: the console's key goes with the session.
    root.querySelectorAll("form[data-logout]").forEach(function (form) {
      form.addEventListener("submit", function () {
        try { window.sessionStorage.removeItem(NEW_KEY); } catch (ignored) { /* storage off */ }
      });
    });
  }

  function setUp(root) {
    setUpCopyButtons(root);
    rememberNewKey(root);
    forgetKeyOnLogout(root);
  }

  if (window.htmx) {
    window.htmx.onLoad(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  }
})();
