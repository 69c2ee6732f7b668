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

  // A double tap on a phone must not undo what the first tap did: the button
  // stays busy (aria-disabled, so it keeps focus) until the answer is in and
  // a double tap's second tap has passed.
  var DOUBLE_TAP_MS = 700;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-support") || !window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    button.setAttribute("aria-disabled", "true");
    var started = Date.now();
    function release() {
      var wait = Math.max(0, DOUBLE_TAP_MS - (Date.now() - started));
      setTimeout(function () {
        delete form.dataset.busy;
        button.removeAttribute("aria-disabled");
      }, wait);
    }
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
      release();
    }).catch(function () {
      form.submit(); // the server answers with its normal page (e.g. the 429 page)
    });
  });

  var timer = null;
  var latest = 0; // an older, slower answer must not replace a newer one
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.similarUrl) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var box = document.getElementById(input.getAttribute("aria-controls"));
      if (!box) return;
      var request = ++latest;
      if (input.value.trim().length < 4) { box.innerHTML = ""; box.dataset.shown = ""; return; }
      fetch(input.dataset.similarUrl + "?title=" + encodeURIComponent(input.value), {
        credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (html) {
        if (request !== latest) return;
        // Unchanged hints are not written again, so screen readers do not repeat them.
        if (html.trim() !== (box.dataset.shown || "")) {
          box.innerHTML = html;
          box.dataset.shown = html.trim();
        }
      }).catch(function () {});
    }, 350);
  });
})();
