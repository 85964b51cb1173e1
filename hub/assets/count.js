// The live character count of the announcement form (issue 20). Without JavaScript
// the limits are in the hints and the server checks them. A text's limit is lower
// with a picture or for an urgent notice (data-max-short).
"use strict";
(function () {
  var form = document.querySelector("form[data-picture]");
  var urgent = document.getElementById("urgent");
  var nl = document.documentElement.lang === "nl";
  var updates = [];
  document.querySelectorAll("[data-max]").forEach(function (field) {
    var out = document.querySelector('.count[data-for="' + field.id + '"]');
    if (!out) return;
    function update() {
      var short = field.hasAttribute("data-max-short") &&
        ((form && form.getAttribute("data-picture") === "true") || (urgent && urgent.checked));
      var max = parseInt(field.getAttribute(short ? "data-max-short" : "data-max"), 10);
      var n = Array.from(field.value.trim()).length;
      out.textContent = nl ? "(" + n + " van " + max + ")" : "(" + n + " of " + max + ")";
      out.classList.toggle("over", n > max);
    }
    field.addEventListener("input", update);
    updates.push(update);
    update();
  });
  if (urgent) {
    urgent.addEventListener("change", function () { updates.forEach(function (u) { u(); }); });
  }
})();
