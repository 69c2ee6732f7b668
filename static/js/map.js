// Maps with Leaflet (static/vendor/leaflet), only on pages that show one and only when the
// operator named a tile server (templates/ideas/_place.html). Progressive enhancement:
// without this file the map stays hidden and the fields and lists beside it do the work.
(function () {
  "use strict";
  var DETAIL_ZOOM = 16;

  function decimal(value, places) {
    return value.toFixed(places).replace(".", ",");
  }

  function parseDegrees(text) {
    var clean = (text || "").trim().replace(",", ".");
    return /^[+-]?[0-9]{1,3}(\.[0-9]+)?$/.test(clean) ? parseFloat(clean) : null;
  }

  function districtBounds(element) {
    var parts = (element.dataset.bounds || "").split(",").map(parseFloat);
    if (parts.length !== 4 || parts.some(isNaN)) return null;
    return L.latLngBounds([parts[0], parts[1]], [parts[2], parts[3]]);
  }

  function baseMap(element) {
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: "Vergrößern", zoomOutTitle: "Verkleinern" }).addTo(map);
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", "Schließen");
    });
    L.tileLayer(element.dataset.tileUrl, {
      attribution: element.dataset.attribution,
      maxZoom: 19
    }).addTo(map);
    var bounds = districtBounds(element);
    if (bounds) {
      map.fitBounds(bounds);
    } else {
      map.setView([0, 0], 2);
    }
    return { map: map, bounds: bounds };
  }

  function statusOf(element) {
    var box = element.closest("fieldset, section");
    return box ? box.querySelector("[data-map-status]") : null;
  }

  function say(element, text) {
    var status = statusOf(element);
    if (status) status.textContent = text;
  }

  // The idea form: a tap on the map sets the point and writes it into the two fields.
  function pickMap(element) {
    var made = baseMap(element);
    var map = made.map;
    var lat = document.getElementById(element.dataset.latField);
    var lon = document.getElementById(element.dataset.lonField);
    var fieldset = element.closest("fieldset");
    var clear = fieldset.querySelector("[data-map-clear]");
    var keys = document.getElementById(element.getAttribute("aria-describedby"));
    var marker = null;
    if (keys) keys.hidden = false;

    function show(point, announce) {
      if (!marker) {
        marker = L.marker(point, { keyboard: false, alt: "Gewählter Punkt" }).addTo(map);
      } else {
        marker.setLatLng(point);
      }
      clear.hidden = false;
      if (announce) {
        say(element, "Punkt gesetzt: " + decimal(point.lat, 5) + ", " + decimal(point.lng, 5) + ".");
      }
    }

    function setPoint(point) {
      if (made.bounds && !made.bounds.contains(point)) {
        say(element, "Dieser Punkt liegt außerhalb des Kreisgebiets. Bitte wählen Sie einen Ort innerhalb des Kreises.");
        return;
      }
      lat.value = point.lat.toFixed(6);
      lon.value = point.lng.toFixed(6);
      show(point, true);
    }

    function fromFields() {
      var a = parseDegrees(lat.value);
      var b = parseDegrees(lon.value);
      if (a === null || b === null) return null;
      return L.latLng(a, b);
    }

    var start = fromFields();
    if (start) {
      show(start, false);
      map.setView(start, DETAIL_ZOOM);
    }
    map.on("click", function (event) { setPoint(event.latlng); });
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === element) {
        event.preventDefault();
        setPoint(map.getCenter());
      }
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var point = fromFields();
        if (point) {
          show(point, false);
          map.panTo(point);
        }
      });
    });
    clear.addEventListener("click", function () {
      lat.value = "";
      lon.value = "";
      if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
      clear.hidden = true;
      say(element, "Der Punkt ist entfernt.");
      lat.focus();
    });
  }

  // An idea's page: its point.
  function showMap(element) {
    var map = baseMap(element).map;
    var point = L.latLng(parseFloat(element.dataset.lat), parseFloat(element.dataset.lon));
    L.marker(point, { keyboard: false, alt: element.dataset.label || "Ort der Idee" }).addTo(map);
    map.setView(point, DETAIL_ZOOM);
  }

  function popupFor(pin) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = pin.url;
    link.textContent = pin.title;
    box.appendChild(link);
    if (pin.place) {
      var place = document.createElement("p");
      place.className = "meta";
      place.textContent = pin.place;
      box.appendChild(place);
    }
    return box;
  }

  // The list of ideas: a pin per idea with a point, each opening a link to the idea.
  function ideasMap(element) {
    var map = baseMap(element).map;
    say(element, "Die Karte wird geladen …");
    fetch(element.dataset.pinsUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        data.pins.forEach(function (pin) {
          L.marker([pin.lat, pin.lon], { alt: pin.title, title: pin.title })
            .bindPopup(popupFor(pin))
            .addTo(map);
        });
        var count = data.pins.length;
        var text = count === 1 ? "1 Idee mit Ort auf der Karte." : count + " Ideen mit Ort auf der Karte.";
        if (count >= data.limit) text = "Die Karte zeigt die neuesten " + count + " Ideen mit Ort.";
        say(element, text);
      })
      .catch(function () {
        say(element, "Die Karte konnte nicht geladen werden. Alle Ideen stehen in der Liste.");
      });
  }

  var modes = { pick: pickMap, show: showMap, ideas: ideasMap };

  function init() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-place-map]").forEach(function (element) {
      var mode = modes[element.dataset.placeMap];
      if (mode && element.dataset.tileUrl) mode(element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
