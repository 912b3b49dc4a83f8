// Draws the dashboard's Plotly charts whenever htmx brings one in, in the page's theme.
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

  function draw(element) {
    if (!window.Plotly) { return; }
    var figure = JSON.parse(element.dataset.figure);
    window.Plotly.react(element, figure.data, themed(figure.layout || {}), {
      responsive: true, displaylogo: false, displayModeBar: false
    });
  }

  function drawWithin(root) {
    if (root.matches && root.matches(".chart[data-figure]")) { draw(root); }
    if (root.querySelectorAll) { root.querySelectorAll(".chart[data-figure]").forEach(draw); }
  }

  // A custom date means a custom range: switch the range menu so the filter says so.
  function followDates(root) {
    if (!root.querySelectorAll) { return; }
    root.querySelectorAll("#filter-from, #filter-to").forEach(function (input) {
      input.addEventListener("change", function () {
        var range = document.getElementById("filter-range");
        if (range && input.value) { range.value = "custom"; }
      });
    });
  }

  function start() {
    htmx.onLoad(function (root) { drawWithin(root); followDates(root); });
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
