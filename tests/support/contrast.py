"""WCAG 2 contrast of the text a browser shows: a script evaluated by Playwright that measures
every visible text element's colour against the background it is drawn on.

The ratio is WCAG's (L1 + 0.05) / (L2 + 0.05) of the relative luminances; the foreground is
its colour with its alpha and the opacity of its ancestors, blended onto the effective
background (the element's and its ancestors' background colours, stacked onto white). Text
of plotly's SVG is measured by its fill against the chart's white paper, except the text drawn
on a heatmap's coloured cells (measured by tests of kpi/present/heatmap.py instead). Disabled
controls are exempt (WCAG 1.4.3), as are canvas tables (no DOM text).
"""

from __future__ import annotations

AA_NORMAL = 4.5
AA_LARGE = 3.0  # 18.66 px bold or 24 px and more

SCRIPT = """() => {
  const parse = (text) => {
    const rgb = text.match(/^rgba?\\(([^)]+)\\)$/);
    const srgb = text.match(/^color\\(srgb ([^)]+)\\)$/);
    if (!rgb && !srgb) return null;
    const parts = (rgb || srgb)[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    const scale = srgb ? 255 : 1;
    return [parts[0] * scale, parts[1] * scale, parts[2] * scale,
            parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => top.slice(0, 3).map(
    (v, i) => v * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour && colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const opacity = (element) => {
    let product = 1;
    for (let e = element; e; e = e.parentElement) product *= Number(getComputedStyle(e).opacity);
    return product;
  };
  const ownText = (element) => Array.from(element.childNodes)
    .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join("").trim();
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return box.width > 0 && box.height > 0 && style.visibility === "visible"
      && !element.closest("[aria-hidden='true']");
  };
  const found = [];
  const measure = (element, text, fg, bg, large) => {
    if (!fg) { found.push({text, tag: element.tagName, fg: "unparsed", bg: "", ratio: 0}); return; }
    const shown = over([fg[0], fg[1], fg[2], fg[3] * opacity(element)], bg);
    const value = ratio(shown, bg);
    if (value < (large ? __LARGE__ : __NORMAL__)) {
      found.push({text: text.slice(0, 60), tag: element.tagName,
                  testid: (element.closest("[data-testid]") || {dataset: {}}).dataset.testid,
                  fg: shown.slice(0, 3).map(Math.round).join(","),
                  bg: bg.slice(0, 3).map(Math.round).join(","), ratio: Math.round(value * 100) / 100});
    }
  };
  const isLarge = (style) => {
    const size = parseFloat(style.fontSize);
    return size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  };
  for (const element of document.querySelectorAll("body *")) {
    if (["SCRIPT", "STYLE", "NOSCRIPT"].includes(element.tagName)) continue;
    if (element.closest("svg, [disabled], [aria-disabled='true']")) continue;
    const style = getComputedStyle(element);
    const text = ownText(element);
    if (text && visible(element)) {
      measure(element, text, parse(style.color), background(element), isLarge(style));
    }
    if ((element.tagName === "INPUT" || element.tagName === "TEXTAREA") && !element.value
        && element.placeholder && visible(element)) {
      const holder = getComputedStyle(element, "::placeholder");
      measure(element, element.placeholder, parse(holder.color), background(element),
              isLarge(holder));
    }
  }
  for (const element of document.querySelectorAll(".main-svg text")) {
    const text = element.textContent.trim();
    if (!text || !visible(element) || element.closest(".heatmaplayer, .hm")) continue;
    const style = getComputedStyle(element);
    measure(element, text, parse(style.fill), [255, 255, 255, 1], isLarge(style));
  }
  return found;
}""".replace("__LARGE__", str(AA_LARGE)).replace("__NORMAL__", str(AA_NORMAL))


def low_contrast(page) -> list[dict]:
    """The visible texts of the page below WCAG AA contrast: text, tag, test id, shown
    foreground and background (r,g,b) and the ratio."""
    return page.evaluate(SCRIPT)
