// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Show the organisation name only when an organisation kind is chosen.
  function toggleOrganisationName() {
    var field = document.getElementById("organisation_name");
    var checked = document.querySelector('input[name="kind"]:checked');
    if (!field || !checked) return;
    var wrapper = field.closest(".field");
    var isOrganisation = checked.value !== "resident";
    wrapper.hidden = !isOrganisation && !field.value && !wrapper.classList.contains("has-error");
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "kind") toggleOrganisationName();
  });
  // Move focus to the error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    toggleOrganisationName();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
