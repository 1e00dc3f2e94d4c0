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
      // The words come from the page, in its language (base.html's data-* attributes on <body>).
      const words = document.body.dataset;
      const name = caption ? caption.textContent.trim() : words.tableName;
      box.setAttribute("aria-label", words.tableScrolls.replace("%{name}", name));
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }
}
markScrollingTables();
window.addEventListener("resize", markScrollingTables);
