// The live character count of the announcement form (issue 20). Without JavaScript
// the limits are in the hints and the server checks them.
"use strict";
document.querySelectorAll("[data-max]").forEach(function (field) {
  var out = document.querySelector('.count[data-for="' + field.id + '"]');
  if (!out) return;
  var max = parseInt(field.getAttribute("data-max"), 10);
  var nl = document.documentElement.lang === "nl";
  function update() {
    var n = Array.from(field.value.trim()).length;
    out.textContent = nl ? "(" + n + " van " + max + ")" : "(" + n + " of " + max + ")";
    out.classList.toggle("over", n > max);
  }
  field.addEventListener("input", update);
  update();
});
