/* Folding panels of the cabinet on a phone: the frame's «Разделы» and balance line, the order
   filters. A button [data-fold] opens and closes the element its aria-controls names.
   Also: a <dialog data-show-on-swap> opens when htmx puts content into it (the line history of
   «Заказы»), and typing into a field [data-input-removes] removes the elements that selector
   names (a new article on the search page drops the brand chosen for the last one) — what
   inline hx-on handlers did before. A button [data-copy] copies the value of the field whose id
   it names (the new API token of «Личная информация»); without a clipboard the field is
   selected, to copy by hand.
   Loaded before the frame (a static file, no inline script): it marks the page at once, so that
   the CSS folds the panels before they are first drawn; clicks are caught on the document, so
   panels further down the page need nothing more. Without this file nothing is folded. */
(function () {
  "use strict";
  document.documentElement.classList.add("js-fold");
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fold]");
    if (!button) return;
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panel.classList.toggle("is-open", open);
  });
  document.addEventListener("input", function (event) {
    var selector = event.target.getAttribute && event.target.getAttribute("data-input-removes");
    if (!selector) return;
    document.querySelectorAll(selector).forEach(function (element) {
      element.remove();
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied-text") || button.textContent;
      });
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var dialog = event.target.closest && event.target.closest("dialog[data-show-on-swap]");
    if (dialog && !dialog.open) dialog.showModal();
  });
})();
