/* The cabinet frame on a phone: «Разделы» opens the navigation, the balance line opens the
   positions by status. Loaded right after the frame (no inline script), so the frame is folded
   before the page is first drawn; without this file the frame is simply shown whole. */
(function () {
  "use strict";
  var frame = document.getElementById("cabinet-frame");
  if (!frame) return;
  frame.classList.add("is-foldable");
  frame.querySelectorAll(".frame-toggle").forEach(function (button) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-open", open);
    });
  });
})();
