// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form?.submit();
  }
});
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (button) {
    const source = document.getElementById(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) navigator.clipboard.writeText(source.textContent.trim());
  }
});
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
// Wide tables (.table-scroll): mark those that overflow, so the cue "scroll sideways" shows.
const markScrollable = () => {
  for (const box of document.querySelectorAll(".table-scroll")) {
    box.classList.toggle("is-scrollable", box.scrollWidth > box.clientWidth + 1);
  }
};
window.addEventListener("load", markScrollable);
window.addEventListener("resize", markScrollable);
// A refused form: its error summary takes the focus, so the errors are read out first; a link of
// the summary moves to its field (to the visual editor when the field is a rich-text textarea).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.closest("details")?.setAttribute("open", "");
  summary.focus();
  summary.scrollIntoView({ block: "center" });
});
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("[data-error-summary] a") : null;
  if (!link) return;
  const field = document.getElementById(link.getAttribute("href").slice(1));
  if (!field) return;
  event.preventDefault();
  const editable = field.closest(".field")?.querySelector("[contenteditable='true']");
  (field.offsetParent === null && editable ? editable : field).focus();
  field.closest(".field")?.scrollIntoView({ block: "center" });
});
