/* Colours and widths that come from data — a status's colour chosen in the back office, the
   progress of an акт сверки, the bars of a pickup point's statistics — are written as data
   attributes, not style="": the Content-Security-Policy (style-src 'self', mprating/core/csp.py)
   refuses inline styles. This sets them as CSS custom properties through the CSSOM, which the
   policy does not govern; the stylesheets use them:
     data-colour="#16a34a"  → --colour: #16a34a
     data-percent="40"      → --percent: 40%
   Run on the page and on every piece htmx swaps in. */
(function () {
  "use strict";

  function apply(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var colours = Array.prototype.slice.call(scope.querySelectorAll("[data-colour]"));
    var percents = Array.prototype.slice.call(scope.querySelectorAll("[data-percent]"));
    if (scope.matches) {
      if (scope.matches("[data-colour]")) colours.push(scope);
      if (scope.matches("[data-percent]")) percents.push(scope);
    }
    colours.forEach(function (element) {
      element.style.setProperty("--colour", element.getAttribute("data-colour"));
    });
    percents.forEach(function (element) {
      var value = parseFloat(element.getAttribute("data-percent"));
      if (!isNaN(value)) element.style.setProperty("--percent", Math.max(0, Math.min(100, value)) + "%");
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(apply); // the page itself, then every swapped piece
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { apply(document); });
  } else {
    apply(document);
  }
})();
