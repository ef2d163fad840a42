// user_admin area: small enhancements of the user pages (they work without script).
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-region");
    if (region && text) { region.textContent = text; }
  }

  // The accreditation grid: a 2nd/3rd line needs the product (line 1); keep the boxes
  // consistent while ticking, so the server's check is rarely needed.
  function wireGrid(grid) {
    grid.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches("input[type=checkbox][data-line]")) { return; }
      var product = box.getAttribute("data-product");
      var line = box.getAttribute("data-line");
      var boxes = grid.querySelectorAll('input[data-product="' + product + '"]');
      var changed = [];
      boxes.forEach(function (other) {
        var otherLine = other.getAttribute("data-line");
        if (line !== "1" && box.checked && otherLine === "1" && !other.checked) {
          other.checked = true;
          changed.push(other);
        }
        if (line === "1" && !box.checked && otherLine !== "1" && other.checked) {
          other.checked = false;
          changed.push(other);
        }
      });
      if (changed.length) {
        announce(changed.map(function (b) {
          return b.getAttribute("aria-label") + ": " + (b.checked ? "✓" : "✗");
        }).join(", "));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-ua-grid]").forEach(wireGrid);
    var errors = document.getElementById("form-errors");
    if (errors) { errors.focus(); }
  });
})();
