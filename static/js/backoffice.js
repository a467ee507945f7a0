/* The back office's own behaviour, loaded on every back office page (settings.UNFOLD "SCRIPTS").
   Our back office templates carry no inline script or on*= handler: the Content-Security-Policy
   refuses them (mprating/core/csp.py). Listeners are delegated from the document, so the script
   may load in <head> and still serve content htmx swaps in.
     data-copy="<data-testid>"  a button that copies that element's text («Скопировать»)
     data-autosubmit            a field whose change submits its form (a period chooser) */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    var source = document.querySelector('[data-testid="' + button.getAttribute("data-copy") + '"]');
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = "Скопировано";
      });
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
