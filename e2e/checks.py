"""What every page a person sees must pass: axe-core finds no violation in the light and the
dark theme, and nothing sticks out of the screen (a phone must not scroll sideways)."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_axe = Axe()

# Elements whose box is outside the viewport on purpose: the skip link waits off-screen until
# focused; visually hidden text is clipped to one pixel; Plotly measures text in an SVG it
# parks at -10000 px (#js-plotly-tester). A box cut off by an ancestor that
# hides its overflow shows only inside that ancestor; one inside a scrolling box counts.
_OFF_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const outside = (box) => box.right > width + 1 || box.left < -1;
  const clipped = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if ((overflow === "hidden" || overflow === "clip") && !outside(up.getBoundingClientRect())) return true;
    }
    return false;
  };
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest(".skip-link, .visually-hidden, datalist, template, #js-plotly-tester")) continue;
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(element).visibility === "hidden") continue;
    if (outside(box) && !clipped(element)) {
      found.push(`${element.tagName.toLowerCase()}#${element.id}.${element.className} `
                 + `${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, found: found.slice(0, 30), scrolled: window.scrollX};
}"""


def assert_accessible(page: Page) -> None:
    """axe-core, light then dark (the page's colours follow prefers-color-scheme). Pico
    fades colours in; without transitions axe reads the theme's colours, not a mid-fade."""
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    page.mouse.move(0, 0)  # a pointer left on a button is a hover state, not the page's look
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        results = _axe.run(page)
        assert results.violations_count == 0, f"{scheme}: {results.generate_report()}"
    page.emulate_media(color_scheme="light")


def assert_fits(page: Page) -> None:
    """No element reaches past the viewport's sides and the page does not scroll sideways."""
    measured = page.evaluate(_OFF_SCREEN)
    assert measured["scroll"] <= measured["width"] and measured["found"] == [], measured
    del measured["scrolled"]


def assert_good(page: Page) -> None:
    """Fits and passes axe, once the page's styles and scripts have loaded."""
    page.wait_for_load_state("load")
    assert_fits(page)
    assert_accessible(page)


# Web Vitals count a cumulative layout shift of 0.1 or less as good
# (https://web.dev/articles/cls#what_is_a_good_cls_score).
GOOD_LAYOUT_SHIFT = 0.1
_LAYOUT_SHIFT = """(settle) => new Promise(resolve => {
  let total = 0; const moved = [];
  new PerformanceObserver(list => {
    for (const shift of list.getEntries()) {
      if (shift.hadRecentInput) continue;
      total += shift.value;
      moved.push(shift.sources.map(source => source.node && source.node.id).join(","));
    }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve({total, moved}), settle);
})"""


def layout_shift(page: Page, settle_ms: int = 3000) -> dict:
    """The page's cumulative layout shift since it started loading, once its regions had
    settle_ms to arrive (Chromium's Layout Instability API), and what moved."""
    return page.evaluate(_LAYOUT_SHIFT, settle_ms)
