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
    var label = button.querySelector(".button-label") || button; // the icon stays
    label.textContent = data.supported ? supportLabels.on : supportLabels.off;
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
      var body = input.form && input.form.elements.body;
      var about = body ? "&body=" + encodeURIComponent(body.value.slice(0, 600)) : "";
      fetch(input.dataset.similarUrl + "?title=" + encodeURIComponent(input.value) + about, {
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

// Drafts: what people type into fields marked data-keep-draft survives a lost connection
// or a closed tab. Kept in this browser only, removed once the server confirms the
// submission (the next page shows a success message) and when the person signs out.
(function () {
  "use strict";
  var PREFIX = "entwurf:";
  var SUBMITTED = "entwurf-gesendet";
  var MAX_AGE_MS = 14 * 24 * 3600 * 1000; // as the Datenschutz page (_software_facts.html) says
  var store;
  try { store = window.localStorage; store.getItem(PREFIX); } catch (e) { return; }

  function keepable(field) {
    return field.matches("textarea[data-keep-draft], input[type=text][data-keep-draft]");
  }
  function keyOf(field) {
    var action = new URL(field.form.getAttribute("action") || location.href, location.href);
    return PREFIX + action.pathname + "#" + (field.id || field.name);
  }
  function read(key) {
    try {
      var draft = JSON.parse(store.getItem(key));
      if (draft && Date.now() - draft.savedAt < MAX_AGE_MS) return draft.text;
    } catch (e) { /* unreadable: treated as none */ }
    store.removeItem(key);
    return null;
  }
  function save(field) {
    try {
      if (field.value.trim() && field.value !== field.defaultValue) {
        store.setItem(keyOf(field), JSON.stringify({ text: field.value, savedAt: Date.now() }));
      } else {
        store.removeItem(keyOf(field));
      }
    } catch (e) { /* storage full or refused: the form still works */ }
  }
  function forget(keys) {
    keys.forEach(function (key) { store.removeItem(key); });
  }
  function allDraftKeys() {
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      if (store.key(i).indexOf(PREFIX) === 0) keys.push(store.key(i));
    }
    return keys;
  }

  document.addEventListener("input", function (event) {
    if (event.target.form && keepable(event.target)) save(event.target);
  });

  // Only the page after a submission knows whether it arrived: remember what was sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (/\/logout$/.test(new URL(form.action, location.href).pathname)) {
      forget(allDraftKeys());
      return;
    }
    var keys = Array.prototype.filter.call(form.elements, keepable).map(keyOf);
    if (keys.length) {
      try { sessionStorage.setItem(SUBMITTED, JSON.stringify(keys)); } catch (e) { /* none */ }
    }
  });

  function forgetConfirmedSubmission() {
    var sent;
    try {
      sent = JSON.parse(sessionStorage.getItem(SUBMITTED) || "null");
      sessionStorage.removeItem(SUBMITTED);
    } catch (e) { return; }
    if (sent && document.querySelector(".flash-success")) forget(sent);
  }

  function announce(form, fields) {
    var note = document.createElement("div");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    var text = document.createElement("p");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button button-secondary";
    discard.textContent = "Verwerfen";
    discard.addEventListener("click", function () {
      fields.forEach(function (field) {
        field.value = field.defaultValue;
        store.removeItem(keyOf(field));
      });
      discard.remove();
      text.textContent = "Der Entwurf ist verworfen.";
      fields[0].focus();
    });
    note.appendChild(text);
    form.insertBefore(note, fields[0].closest(".field") || fields[0]);
    // Filled in after insertion, so screen readers announce the change.
    setTimeout(function () {
      text.textContent = "Ihr Entwurf wurde wiederhergestellt. ";
      note.appendChild(discard);
    }, 100);
  }

  function restore(form) {
    var restored = [];
    Array.prototype.filter.call(form.elements, keepable).forEach(function (field) {
      var text = read(keyOf(field));
      // Only into fields as the server sent them: never over what the person typed now.
      if (text === null || field.value !== field.defaultValue || text === field.value) return;
      field.value = text;
      restored.push(field);
    });
    if (!restored.length) return;
    var details = restored[0].closest("details");
    if (details) details.open = true;
    announce(form, restored);
  }

  document.addEventListener("DOMContentLoaded", function () {
    forgetConfirmedSubmission();
    Array.prototype.forEach.call(document.forms, function (form) {
      if (form.querySelector("[data-keep-draft]")) restore(form);
    });
  });
})();

// Sharing a public idea or project: the phone's own share sheet, else "Link kopieren".
// Without either (or without this file) the readonly address stays for copying by hand.
(function () {
  "use strict";
  var labels = {
    share: "Teilen",
    copy: "Link kopieren",
    copied: "Link kopiert – Sie können ihn jetzt einfügen.",
    failed: "Das Kopieren hat nicht geklappt. Bitte kopieren Sie den Link aus dem Feld."
  };

  function announce(status, text) {
    status.textContent = ""; // the same words twice are still announced
    setTimeout(function () { status.textContent = text; }, 50);
  }

  function copy(block, input, status) {
    navigator.clipboard.writeText(input.value).then(function () {
      announce(status, labels.copied);
    }, function () {
      block.classList.remove("share-ready"); // show the address again
      input.select();
      announce(status, labels.failed);
    });
  }

  function setUp(block) {
    var button = block.querySelector("[data-share-button]");
    var input = block.querySelector("input");
    var status = block.querySelector("[data-share-status]");
    var canShare = typeof navigator.share === "function";
    var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText);
    if (!button || !input || !status || !(canShare || canCopy)) return;
    button.textContent = canShare ? labels.share : labels.copy;
    button.hidden = false;
    block.classList.add("share-ready");
    button.addEventListener("click", function () {
      if (!canShare) {
        copy(block, input, status);
        return;
      }
      navigator.share({ title: block.dataset.shareTitle || document.title, url: input.value })
        .catch(function (error) {
          if (error && error.name !== "AbortError" && canCopy) copy(block, input, status);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-share]"), setUp);
  });
})();

// Photos: a file over the size limit is named at once, before a long upload is refused.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("photo-input") || !input.files) return;
    var limit = Number(input.dataset.maxBytes);
    var id = input.id + "-size-error";
    var previous = document.getElementById(id);
    if (previous) previous.remove();
    var file = input.files[0];
    if (!file || !limit || file.size <= limit) return;
    input.value = "";
    var message = document.createElement("p");
    message.className = "field-error";
    message.id = id;
    message.setAttribute("role", "alert");
    message.textContent = "Dieses Foto ist größer als " + Math.floor(limit / 1048576) +
      " MB. Bitte wählen Sie ein kleineres Foto aus.";
    input.insertAdjacentElement("beforebegin", message);
  });
})();
