/* Progressive enhancement of the report form. Without it the form works fully: one
   <select> of regencies grouped by province, and a button that lists the districts. */
(function () {
  "use strict";
  var script = document.currentScript;
  var region = document.querySelector("select[data-region-select]");
  var district = document.querySelector("select[name=district]");
  if (!script || !region || !window.fetch) { return; }
  var data = script.dataset;
  var groups = Array.prototype.slice.call(region.querySelectorAll("optgroup"));

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  // A province <select> in front of the regency <select>, which then lists only the
  // regencies of that province. The province select has no name: it is never sent.
  var province = document.createElement("select");
  province.id = "id_province_helper";
  province.appendChild(option("", data.chooseLabel));
  groups.forEach(function (g, i) { province.appendChild(option(String(i), g.label)); });
  var label = document.createElement("label");
  label.htmlFor = province.id;
  label.textContent = data.provinceLabel;
  var wrap = document.createElement("div");
  wrap.className = "field";
  wrap.appendChild(label);
  wrap.appendChild(province);
  var regionField = region.closest(".field");
  regionField.parentNode.insertBefore(wrap, regionField);

  function showProvince(index, selected) {
    region.textContent = "";
    region.appendChild(option("", data.chooseLabel));
    if (index !== "") {
      Array.prototype.forEach.call(groups[Number(index)].children, function (o) {
        region.appendChild(o.cloneNode(true));
      });
    }
    region.value = selected || "";
  }

  function loadDistricts() {
    if (!district) { return; }
    var code = region.value;
    var keep = district.value;
    district.textContent = "";
    if (code.indexOf(".") < 0) {
      district.appendChild(option("", data.districtFirst));
      return;
    }
    district.appendChild(option("", data.chooseLabel));
    fetch(data.districtsUrl + "?wilayah=" + encodeURIComponent(code), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { districts: [] }; })
      .then(function (body) {
        body.districts.forEach(function (d) { district.appendChild(option(d.code, d.name)); });
        district.value = keep;
      })
      .catch(function () { /* the list stays empty; the district is optional */ });
  }

  var current = region.value;
  var start = "";
  groups.forEach(function (g, i) {
    if (g.querySelector('option[value="' + current + '"]')) { start = String(i); }
  });
  province.value = start;
  showProvince(start, current);

  province.addEventListener("change", function () { showProvince(province.value, ""); loadDistricts(); });
  region.addEventListener("change", loadDistricts);
  var refresh = document.querySelector("[data-district-refresh]");
  if (refresh) { refresh.hidden = true; }
})();
