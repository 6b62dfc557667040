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

// "Copier le lien": the address is already in a read-only field anyone can select and copy; the
// button (hidden without JavaScript) copies it in one step and says so to screen readers.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = button.parentNode.querySelector(".copy-status");
  if (!field || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      if (status) {
        status.textContent = button.getAttribute("data-copied");
      }
    }, function () {
      field.select();
    });
  });
});
