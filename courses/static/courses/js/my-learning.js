// "My learning": an item still being made (a certificate the worker is rendering, marked
// data-pending) is asked for again every few seconds and replaced once it has changed, so the
// learner sees the download link appear without reloading; the item is an aria-live region, so
// a screen reader announces it. Without JavaScript a reload does the same. It stops after two
// minutes, or at once when nothing is pending.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;
  var TRIES = 40;
  var tries = 0;

  function pending() {
    return document.querySelectorAll("[data-pending]");
  }

  function refresh(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    pending().forEach(function (item) {
      var now = fresh.getElementById(item.id);
      if (now && !now.hasAttribute("data-pending")) {
        item.removeAttribute("data-pending");
        item.innerHTML = now.innerHTML;
      }
    });
  }

  function poll() {
    if (!pending().length || tries >= TRIES) {
      return;
    }
    tries += 1;
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        if (html) {
          refresh(html);
        }
      })
      .catch(function () {
        // Offline for a moment: the next try may reach the server.
      })
      .then(function () {
        window.setTimeout(poll, INTERVAL_MS);
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
