import { initAll } from "/govuk/govuk-frontend.min.js";

initAll();

// A table wider than the screen scrolls inside its box (app.css). Only then is the box a named,
// focusable region, so a keyboard can scroll it (WCAG 2.1.1, 1.4.10); a box that fits stays plain.
function markScrollingTables() {
  for (const box of document.querySelectorAll(".app-table-scroll")) {
    const caption = box.querySelector("caption");
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      const name = caption ? caption.textContent.trim() : "Table";
      box.setAttribute("aria-label", `${name} (scrolls sideways)`);
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
}
markScrollingTables();
window.addEventListener("resize", markScrollingTables);
