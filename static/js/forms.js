// A form answered with errors starts at its error summary: focus moves there, so a screen
// reader reads what went wrong and the links lead to each field (the GOV.UK and
// Designsystemet pattern). The same after an HTMX swap that brings a summary in.
(function () {
  "use strict";

  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // A link in the summary focuses its field (the browser would only scroll to it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    focusSummary(event.detail.target);
  });
})();
