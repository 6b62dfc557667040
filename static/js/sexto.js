// Progressive enhancement only: every page works without this file.
// After htmx swaps a fragment in, move keyboard and screen-reader focus to the new content,
// so that people who cannot see the page change are taken to what changed.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  var focusable = target.querySelector("[data-focus-after-swap]") || target;
  if (!focusable.hasAttribute("tabindex")) {
    focusable.setAttribute("tabindex", "-1");
  }
  focusable.focus();
});
