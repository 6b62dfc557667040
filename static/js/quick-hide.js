// Quick hide: the "Masquer l'écran" button, or Escape pressed twice within a second, blanks the
// screen at once, then replaces the page with a neutral one (accounts:quick_hide). Replacing
// it also takes it out of the tab's history, so that "Back" does not bring it up again.
// Without JavaScript, the button is an ordinary form that goes to the same neutral page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-quick-hide]");
  if (!form) {
    return;
  }
  var DOUBLE_PRESS_MS = 1000;
  var lastEscape = 0;
  var hidden = false;

  function hide() {
    if (hidden) {
      return;
    }
    hidden = true;
    var overlay = document.createElement("div");
    overlay.className = "quick-hide-overlay";
    document.body.appendChild(overlay);
    document.documentElement.classList.add("quick-hidden");
    document.title = form.getAttribute("data-neutral-title") || "";
    window.location.replace(form.action);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    hide();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.repeat) {
      return;
    }
    var now = Date.now();
    if (now - lastEscape <= DOUBLE_PRESS_MS) {
      lastEscape = 0;
      hide();
    } else {
      lastEscape = now;
    }
  });
})();
