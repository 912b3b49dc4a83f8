// Form helpers every page may use: focus the error summary, send the browser's time zone,
// preview a tracked link while the site address is typed. No inline script (the CSP).
(function () {
  "use strict";

  var SAMPLE_SOURCE = "linkedin";
  var SAMPLE_ID = "AbC123";

  function focusErrorSummary(root) {
    // GOV.UK's pattern: the summary takes focus, so a screen reader reads the problems first.
    var summary = root.querySelector ? root.querySelector("[data-error-summary]") : null;
    if (summary) { summary.focus(); }
  }

  function fillTimeZone(root) {
    // Intl's resolved zone is an IANA name such as "Europe/Paris" (ECMA-402).
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (ignored) { /* old browser */ }
    root.querySelectorAll("[data-browser-time-zone]").forEach(function (field) { field.value = zone; });
  }

  function siteAddress(text) {
    var address = text.trim().replace(/\s+/g, "");
    if (!address) { return "https://www.example.com"; }
    if (address.indexOf("://") === -1) { address = "https://" + address; }
    return address.replace(/\/+$/, "");
  }

  function previewLinks(root) {
    root.querySelectorAll("[data-site-input]").forEach(function (input) {
      var output = document.querySelector("[data-site-preview]");
      if (!output) { return; }
      var path = input.getAttribute("data-link-path").replace("{source}", SAMPLE_SOURCE).replace("{tracking_id}", SAMPLE_ID);
      function update() { output.textContent = siteAddress(input.value) + path; }
      input.addEventListener("input", update);
      update();
    });
  }

  function setUp(root) {
    focusErrorSummary(root);
    fillTimeZone(root);
    previewLinks(root);
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
})();
