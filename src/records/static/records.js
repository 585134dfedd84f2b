// Reading progress per file on the dossier page: polls the API while any file is queued
// or running, and updates each row without a reload.
(function () {
  var box = document.getElementById("components");
  if (!box || !window.fetch) { return; }
  var api = box.getAttribute("data-api");
  var labels = JSON.parse(box.getAttribute("data-labels") || "{}");
  function pending() {
    return box.querySelectorAll('td.reading[data-state="queued"], td.reading[data-state="running"]').length > 0;
  }
  function update(version) {
    var cell = box.querySelector('td.reading[data-file="' + version.file_id + '"]');
    if (!cell) { return; }
    var r = version.reading;
    cell.setAttribute("data-state", r.state);
    cell.querySelector(".state").textContent = labels[r.state] || r.state;
    var bar = cell.querySelector("progress");
    bar.max = r.pages_total || 1; bar.value = r.pages_done;
    cell.querySelector(".pages").textContent = r.pages_done + "/" + (r.pages_total || "?");
    var reason = cell.querySelector(".reason");
    if (r.reason) {
      if (!reason) { reason = document.createElement("span"); reason.className = "reason error"; cell.appendChild(reason); }
      reason.textContent = r.reason_text || r.reason;
    }
  }
  function poll() {
    if (!pending()) { return; }
    fetch(api, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (data) {
        if (data) { data.components.forEach(function (c) { c.versions.forEach(update); }); }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
// The procedure picker at intake: choosing one of the offered procedures opens its form.
(function () {
  var input = document.getElementById("procedure-search");
  var list = document.getElementById("procedure-list");
  if (!input || !list) { return; }
  input.addEventListener("change", function () {
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value === input.value) { input.form.submit(); return; }
    }
  });
}());
// Intake: a required component without a file asks for the reason before the form goes.
(function () {
  var form = document.getElementById("intake-form");
  var warning = document.getElementById("missing-warning");
  var reason = document.getElementById("missing-reason");
  if (!form || !warning || !reason) { return; }
  form.addEventListener("submit", function (event) {
    var names = [];
    form.querySelectorAll("input[type=file][data-required]").forEach(function (input) {
      if (!input.files || input.files.length === 0) { names.push(input.getAttribute("data-required")); }
    });
    if (names.length && !reason.value.trim()) {
      event.preventDefault();
      warning.querySelector(".names").textContent = names.join("; ");
      warning.hidden = false;
      reason.required = true;
      reason.focus();
    }
  });
}());
