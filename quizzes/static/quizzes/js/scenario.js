// A decision scenario: after a choice, the page opens on its consequence; focus moves there so
// keyboard and screen-reader users continue from what happened (the URL's #consequence does
// the scrolling without JavaScript).
(function () {
  "use strict";
  var target = document.querySelector("[data-focus-on-load]");
  if (target) {
    target.focus();
  }
})();
