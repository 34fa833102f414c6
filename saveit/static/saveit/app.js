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
