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

// Ideas: support without reloading, and live "Gibt es das schon?" hints.
(function () {
  "use strict";
  var supportLabels = { on: "Unterstützung zurückziehen", off: "Unterstützen" };

  function updateSupport(form, data) {
    var button = form.querySelector("button");
    var count = document.querySelector("[data-support-count]");
    form.action = data.supported ? form.dataset.unsupportUrl : form.dataset.supportUrl;
    button.textContent = data.supported ? supportLabels.on : supportLabels.off;
    button.setAttribute("aria-pressed", data.supported ? "true" : "false");
    button.classList.toggle("button-secondary", data.supported);
    if (count) {
      count.textContent = data.count === 1
        ? "1 Person unterstützt diese Idee."
        : data.count + " Personen unterstützen diese Idee.";
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-support") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button.disabled) return;
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (data) {
      updateSupport(form, data);
    }).catch(function () {
      form.submit();
    }).finally(function () {
      button.disabled = false;
    });
  });

  var timer = null;
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.similarUrl) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var box = document.getElementById(input.getAttribute("aria-controls"));
      if (!box) return;
      if (input.value.trim().length < 4) { box.innerHTML = ""; return; }
      fetch(input.dataset.similarUrl + "?title=" + encodeURIComponent(input.value), {
        credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (html) {
        box.innerHTML = html;
      }).catch(function () {});
    }, 350);
  });
})();
