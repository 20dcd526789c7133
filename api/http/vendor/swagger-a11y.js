// Makes Swagger UI's markup pass axe-core (WCAG 2.2 AA) without patching the vendored bundle.
// Ours, like swagger-init.js. Swagger UI (React) draws and redraws its DOM; a
// MutationObserver repairs each new node. React leaves attributes it did not set alone,
// so a repair lasts until the node is drawn anew, when the observer sees it again.
(function () {
  "use strict";

  // Operation tags (<h3>) and the "Schemas" heading (<h4>) sit right under the <h1>
  // title: no <h2> between (axe "heading-order"). Both are second-level in meaning.
  function levelTags(root) {
    var tops = "h3.opblock-tag:not([aria-level]), section.models > h4:not([aria-level])";
    root.querySelectorAll(tops).forEach(function (h) {
      h.setAttribute("aria-level", "2");
    });
  }

  // Each operation's toggle is a <button> holding a deep-link <a href>: a link inside a
  // button (axe "nested-interactive"). The toggle already updates the address (deepLinking),
  // so the inner link loses its href and stays as plain text.
  function unnestLinks(root) {
    root.querySelectorAll("button.opblock-summary-control a[href]").forEach(function (a) {
      a.removeAttribute("href");
    });
  }

  // The title block sits outside every landmark (axe "region"): name it a region.
  function landmarkInfo(root) {
    root.querySelectorAll(".information-container:not([role])").forEach(function (el) {
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", "API");
    });
  }

  // Inside an operation, its section titles (<h4>: Parameters, Request body, Responses)
  // come under the tag's level 2 (axe "heading-order").
  function levelSections(root) {
    root.querySelectorAll(".opblock h4:not([aria-level])").forEach(function (h) {
      h.setAttribute("aria-level", "3");
    });
    root.querySelectorAll(".opblock h5:not([aria-level])").forEach(function (h) {
      h.setAttribute("aria-level", "4");
    });
  }

  // The request body editor has no label (axe "label"): its section is the label.
  function labelEditors(root) {
    root.querySelectorAll("textarea.body-param__text:not([aria-label])").forEach(function (t) {
      t.setAttribute("aria-label", "Request body");
    });
  }

  // Examples and responses scroll sideways: keyboard users must reach them to scroll
  // (axe "scrollable-region-focusable").
  function focusScrollers(root) {
    root.querySelectorAll("pre.microlight:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
  }

  // Parameter fields carry only an empty title (axe "label-title-only"): name each after
  // its parameter.
  function labelParameters(root) {
    var fields = "tr[data-param-name] input:not([aria-label]), tr[data-param-name] select:not([aria-label])";
    root.querySelectorAll(fields).forEach(function (field) {
      field.setAttribute("aria-label", field.closest("tr").getAttribute("data-param-name"));
    });
  }

  // The "Available authorizations" box is a dialog: say so, name it, name its icon-only
  // close button (axe "button-name", "region", "heading-order").
  function describeDialogs(root) {
    root.querySelectorAll(".modal-ux-inner:not([role])").forEach(function (box) {
      box.setAttribute("role", "dialog");
      box.setAttribute("aria-modal", "true");
      var title = box.querySelector(".modal-ux-header h3");
      if (title) {
        title.id = title.id || "swagger-dialog-title";
        title.setAttribute("aria-level", "2");
        box.setAttribute("aria-labelledby", title.id);
      }
      box.querySelectorAll(".auth-container h4").forEach(function (h) {
        h.setAttribute("aria-level", "3");
      });
    });
    root.querySelectorAll("button.close-modal:not([aria-label])").forEach(function (b) {
      b.setAttribute("aria-label", "Close");
    });
  }

  function repair(root) {
    labelParameters(root);
    describeDialogs(root);
    focusScrollers(root);
    levelTags(root);
    levelSections(root);
    labelEditors(root);
    unnestLinks(root);
    landmarkInfo(root);
  }

  var target = document.getElementById("swagger-ui");
  new MutationObserver(function () {
    repair(target);
  }).observe(target, { childList: true, subtree: true });
  repair(target);
})();
