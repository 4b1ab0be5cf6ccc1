"""Enter applies a typed date: a small script that, on Enter in a date field, tells the field
the user has interacted outside it (Streamlit's date input applies a typed date on a pointer
press outside the field, not on Enter, and not on a blur alone: both measured in Chromium)."""

from __future__ import annotations

import streamlit as st

# Listens on the page (the iframe's parent) once: a rerun draws the script again, the flag
# keeps one listener.
_SCRIPT = """<body style="margin:0"><script>
const page = window.parent.document;
if (!page.pxEnterApplies) {
  page.pxEnterApplies = true;
  page.addEventListener("keydown", (event) => {
    const field = event.target.closest && event.target.closest("[data-testid='stDateInputField']");
    if (event.key !== "Enter" || !field) return;
    const outside = page.querySelector("[data-testid='stMain']") || page.body;
    for (const kind of ["pointerdown", "mousedown", "pointerup", "mouseup"]) {
      const Kind = kind.startsWith("pointer") ? PointerEvent : MouseEvent;
      outside.dispatchEvent(new Kind(kind, {bubbles: true, cancelable: true, button: 0,
                                            pointerId: 1, pointerType: "mouse", isPrimary: true}));
    }
  }, true);
}
</script></body>"""


def enter_applies_dates() -> None:
    """Draw the script (an iframe one pixel tall) that makes Enter apply a typed date."""
    st.iframe(_SCRIPT, height=1)
