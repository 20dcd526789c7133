// Makes ReDoc's markup pass axe-core (WCAG 2.2 AA) without patching the vendored bundle.
// Ours, like swagger-a11y.js. ReDoc (React) puts <h5> section titles (Authorizations,
// Parameters, Request Body) straight under each operation's <h2> (axe "heading-order"):
// they are third-level in meaning. A MutationObserver repairs each node ReDoc draws.
(function () {
  "use strict";

  function repair(root) {
    var titles = "[data-section-id^='operation/'] h5:not([aria-level])";
    root.querySelectorAll(titles).forEach(function (h) {
      h.setAttribute("aria-level", "3");
    });
  }

  new MutationObserver(function () {
    repair(document.body);
  }).observe(document.body, { childList: true, subtree: true });
  repair(document.body);
})();
