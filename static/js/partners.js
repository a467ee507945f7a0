/* The partner area's two small behaviours, without inline handlers (a later Content Security
   Policy forbids them): a <select data-autosubmit> sends its form when changed, and a
   <form data-confirm="…"> asks that question before it is sent. Without this file the select
   has its «Показать» button (<noscript>) and the form is sent unasked. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
