/* The report editor: "back to the draft from the records" puts a section's drafted text back in its field. */
(function () {
  "use strict";
  document.querySelectorAll("[data-reset-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-reset-target");
      document.getElementById(id).value = document.getElementById("draft-" + id).content.textContent;
    });
  });
})();
