/* A refused booking form: move focus to the error summary at the top, so that a screen
   reader reads what to correct and each message's link leads to its field (the summary is
   also announced without this script: it has role="alert"). */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
