// Session warning, for sessions that end after some time idle (accounts.middleware).
// The page says how many seconds are left (accounts/_session_timeout.html); before saying
// anything, this script asks the server again (accounts:session_status), since another tab may
// have kept the session going. Then, in a modal dialog that takes the focus and gives it back:
// - shortly before the idle limit: "Rester connecté", which starts the idle clock again;
// - shortly before the absolute limit, which nothing pushes back: at what time the session
//   ends, and to save now;
// - once a limit has passed: that the session ended (what is sent next is kept for after
//   signing in again: accounts.typed_work).
// Without JavaScript the dialog never shows and nothing else changes. Nothing is stored in the
// browser.
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var IDLE_WARNING_MS = Number(dialog.getAttribute("data-idle-warning-seconds")) * 1000;
  var ABSOLUTE_WARNING_MS = Number(dialog.getAttribute("data-absolute-warning-seconds")) * 1000;
  // While the idle warning shows, ask again this often: a keep-alive in another tab closes it.
  var RECHECK_MS = 20 * 1000;
  // A little after a limit, so that the server agrees it has passed.
  var GRACE_MS = 1000;
  var statusUrl = dialog.getAttribute("data-status-url");
  var keepAliveForm = dialog.querySelector("form[data-session-keep-alive]");
  var errorBox = dialog.querySelector("[data-session-error]");
  var announcer = document.querySelector("[data-session-announce]");
  var endTime = dialog.querySelector("[data-session-end-time]");

  var mode = null; // the part of the dialog shown: "idle", "absolute", "ended", or null
  // Closed by the person (Escape, "J'ai compris"): not said again until things change.
  var acknowledged = { idle: false, absolute: false };
  var ended = false;
  var timer = null;
  var returnFocus = null;

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, Math.max(delay, 0));
  }

  function show(newMode) {
    if (mode === newMode) {
      return;
    }
    var section = dialog.querySelector('[data-session-mode="' + newMode + '"]');
    Array.prototype.forEach.call(dialog.querySelectorAll("[data-session-mode]"), function (part) {
      part.hidden = part !== section;
    });
    dialog.setAttribute("aria-labelledby", section.querySelector("h2").id);
    dialog.setAttribute("aria-describedby", section.querySelector("p[id]").id);
    if (dialog.open) {
      // Opened again, so that screen readers announce the new message.
      dialog.close();
    } else {
      returnFocus = document.activeElement;
    }
    mode = newMode;
    errorBox.hidden = true;
    dialog.showModal();
    section.querySelector("button").focus();
  }

  function hide() {
    if (!dialog.open) {
      return;
    }
    mode = null;
    dialog.close(); // the "close" listener gives the focus back
  }

  // Decide from how long the server says is left, in milliseconds.
  function decide(idleLeft, absoluteLeft) {
    if (idleLeft <= 0 || absoluteLeft <= 0) {
      ended = true;
      window.clearTimeout(timer);
      show("ended");
      return;
    }
    if (absoluteLeft <= idleLeft) {
      // The absolute limit comes first: staying signed in would change nothing.
      if (absoluteLeft <= ABSOLUTE_WARNING_MS) {
        if (!acknowledged.absolute) {
          show("absolute");
        }
        schedule(absoluteLeft + GRACE_MS);
      } else {
        if (mode === "idle") {
          hide();
        }
        schedule(absoluteLeft - ABSOLUTE_WARNING_MS);
      }
      return;
    }
    if (idleLeft <= IDLE_WARNING_MS) {
      if (!acknowledged.idle) {
        show("idle");
      }
      schedule(Math.min(RECHECK_MS, idleLeft + GRACE_MS));
      return;
    }
    // Someone is at work (here or in another tab): nothing to say yet.
    acknowledged.idle = false;
    if (mode === "idle") {
      hide();
    }
    schedule(Math.min(idleLeft - IDLE_WARNING_MS, absoluteLeft - ABSOLUTE_WARNING_MS));
  }

  function fromState(state) {
    if (!state.signed_in || !state.limited) {
      // Signed out in another tab, or no limit any more: for a page that had one, it ended.
      decide(state.signed_in ? Infinity : 0, state.signed_in ? Infinity : 0);
      return;
    }
    endTime.textContent = state.absolute_end;
    decide(state.idle_seconds * 1000, state.absolute_seconds * 1000);
  }

  function check() {
    if (ended) {
      return;
    }
    fetch(statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(fromState)
      .catch(function () {
        schedule(RECHECK_MS); // the network is down: ask again soon
      });
  }

  keepAliveForm.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    fetch(keepAliveForm.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: new FormData(keepAliveForm),
      // A session already ended is sent to the login page: no redirect to follow here.
      redirect: "manual",
    })
      .then(function (response) {
        if (response.type === "opaqueredirect") {
          return { signed_in: false };
        }
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        if (state.signed_in && state.limited && !state.ended) {
          hide();
          announcer.textContent = keepAliveForm.getAttribute("data-msg-kept");
        }
        fromState(state);
      })
      .catch(function () {
        errorBox.hidden = false;
      });
  });

  Array.prototype.forEach.call(dialog.querySelectorAll("[data-session-close]"), function (button) {
    button.addEventListener("click", function () {
      acknowledged[mode] = true;
      hide();
    });
  });

  dialog.addEventListener("close", function () {
    if (dialog.open) {
      return; // shown again at once, with another message
    }
    if (mode !== null) {
      acknowledged[mode] = true; // closed with Escape
      mode = null;
    }
    if (returnFocus && document.contains(returnFocus) && typeof returnFocus.focus === "function") {
      returnFocus.focus();
    }
  });

  // Timers of a hidden tab are slowed down: look again when it comes back.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      check();
    }
  });

  var idleSeconds = Number(dialog.getAttribute("data-idle-seconds"));
  var absoluteSeconds = Number(dialog.getAttribute("data-absolute-seconds"));
  schedule(Math.min(idleSeconds * 1000 - IDLE_WARNING_MS,
                    absoluteSeconds * 1000 - ABSOLUTE_WARNING_MS));
})();
