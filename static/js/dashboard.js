// Draws the dashboard's Plotly charts whenever htmx brings one in, in the page's theme; says
// when a region or a filter change fails; keeps legends (across swaps and reloads) and the
// pager's focus across swaps.
// The figures arrive as JSON in data-figure attributes: data, never code (CSP: script-src 'self').
(function () {
  "use strict";

  var dark = window.matchMedia("(prefers-color-scheme: dark)");

  function theme() {
    var text = dark.matches ? "#dfe3eb" : "#373c44";
    var grid = dark.matches ? "rgba(223, 227, 235, 0.12)" : "rgba(55, 60, 68, 0.1)";
    return { text: text, grid: grid };
  }

  function themed(layout) {
    var colours = theme();
    layout.font = Object.assign({}, layout.font, { color: colours.text });
    ["xaxis", "yaxis"].forEach(function (axis) {
      layout[axis] = Object.assign({}, layout[axis], {
        gridcolor: colours.grid, zerolinecolor: colours.grid, linecolor: colours.grid
      });
    });
    return layout;
  }

  // Legend entries a person switched off, per chart, so the 30 s refresh keeps them off; kept
  // in localStorage too, so a reload (or the next visit) keeps them off as well.
  var HIDDEN_TRACES = "tracking.hiddenTraces";

  function storedHiddenTraces() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(HIDDEN_TRACES));
      return stored && typeof stored === "object" ? stored : {};
    } catch (ignored) { return {}; }  // storage off, or not JSON
  }

  var hiddenTraces = storedHiddenTraces();

  function rememberHidden(element) {
    hiddenTraces[element.id] = element.data.filter(function (trace) {
      return trace.visible === "legendonly";
    }).map(function (trace) { return trace.name; });
    try {
      window.localStorage.setItem(HIDDEN_TRACES, JSON.stringify(hiddenTraces));
    } catch (ignored) { /* storage off or full: the refresh still keeps them */ }
  }

  function draw(element) {
    if (!window.Plotly) { return; }
    var figure = JSON.parse(element.dataset.figure);
    var hidden = hiddenTraces[element.id];
    if (!Array.isArray(hidden)) { hidden = []; }
    (figure.data || []).forEach(function (trace) {
      if (hidden.indexOf(trace.name) !== -1) { trace.visible = "legendonly"; }
    });
    window.Plotly.react(element, figure.data, themed(figure.layout || {}), {
      responsive: true, displaylogo: false, displayModeBar: false, showTips: false
    }).then(function () {
      if (element.dataset.watched) { return; }
      element.dataset.watched = "1";
      element.on("plotly_restyle", function () { rememberHidden(element); });
    });
  }

  function drawWithin(root) {
    if (root.matches && root.matches(".chart[data-figure]")) { draw(root); }
    if (root.querySelectorAll) { root.querySelectorAll(".chart[data-figure]").forEach(draw); }
  }

  // The range menu: a preset applies at once and leaves no stale dates behind; custom dates
  // wait for "Show these dates", so half-typed dates are not sent. Listened for on the
  // document, in the capture phase: the menu is swapped in again after a refused range, and
  // these must run before htmx's own listener on the form sees the change.
  var DATE_FIELDS = ["filter-from", "filter-to"];

  function rangeMenu() {
    document.addEventListener("change", function (event) {
      var field = event.target;
      if (!field || !field.matches) { return; }
      if (DATE_FIELDS.indexOf(field.id) >= 0 || field.id === "range-custom") {
        event.stopPropagation();
      } else if (field.matches(".range-picker input[name=range]:not([data-manual])")) {
        DATE_FIELDS.forEach(function (id) {
          var date = document.getElementById(id);
          if (date) { date.value = ""; }
        });
      }
    }, true);
    document.addEventListener("input", function (event) {
      var field = event.target;
      var custom = document.getElementById("range-custom");
      if (field && DATE_FIELDS.indexOf(field.id) >= 0 && field.value && custom) {
        custom.checked = true;
      }
    }, true);
  }

  function region(element) {
    return element && element.closest ? element.closest(".region") : null;
  }

  function retryButton(target) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary outline retry";
    button.textContent = "Retry";
    button.addEventListener("click", function () {
      htmx.ajax("GET", target.getAttribute("hx-get"), { target: target, swap: "outerHTML" });
    });
    return button;
  }

  // A region that fails says so, with a retry, instead of spinning; a region that fails a
  // refresh keeps what it showed, with the note above it.
  function regionFailed(target, status) {
    var note = target.querySelector(":scope > .region-error") || document.createElement("p");
    note.className = "region-error";
    note.setAttribute("role", "alert");
    note.textContent = (status ? "This part could not load (the server answered " + status + "). "
                               : "This part could not load: the server could not be reached. ");
    note.appendChild(retryButton(target));
    if (target.getAttribute("aria-busy") === "true") {
      target.replaceChildren(note);
      target.setAttribute("aria-busy", "false");
    } else if (!note.parentNode) {
      target.prepend(note);
    }
  }

  // A filter change that fails says so and puts the form back as the page shows it.
  function filterFailed(status) {
    var form = document.getElementById("filters");
    var problem = document.getElementById("filter-problem");
    if (form) { form.reset(); }
    if (problem) {
      problem.textContent = "That filter could not be applied (" +
        (status ? "the server answered " + status : "the server could not be reached") +
        "); the dashboard still shows the filters above.";
      problem.hidden = false;
    }
  }

  function failed(event) {
    var detail = event.detail;
    var status = detail.xhr && detail.xhr.status ? detail.xhr.status : null;
    var target = detail.target;
    if (target && target.id === "board") { filterFailed(status); return; }
    var found = region(target);
    if (found) { regionFailed(found, status); }
  }

  // Paging keeps the keyboard on the pager: the same button if it is still there, else the
  // other one.
  var pagerFocus = null;

  function rememberPager(event) {
    var element = event.detail.elt;
    pagerFocus = element && element.hasAttribute && element.hasAttribute("data-pager") ? element.id : null;
  }

  function restorePager(event) {
    if (!pagerFocus || !event.detail.target || event.detail.target.id !== "clicks") { return; }
    var same = document.getElementById(pagerFocus) || document.querySelector("#clicks [data-pager]");
    pagerFocus = null;
    if (same) { same.focus(); }
  }

  function start() {
    rangeMenu();
    htmx.onLoad(drawWithin);
    document.body.addEventListener("htmx:responseError", failed);
    document.body.addEventListener("htmx:sendError", failed);
    document.body.addEventListener("htmx:beforeRequest", rememberPager);
    document.body.addEventListener("htmx:afterSettle", restorePager);
    // Charts leaving the page release Plotly's listeners and WebGL-free SVG state.
    document.body.addEventListener("htmx:beforeCleanupElement", function (event) {
      var element = event.detail.elt;
      if (window.Plotly && element.classList && element.classList.contains("js-plotly-plot")) {
        window.Plotly.purge(element);
      }
    });
    dark.addEventListener("change", function () { drawWithin(document.body); });
  }

  if (window.htmx) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
}());
