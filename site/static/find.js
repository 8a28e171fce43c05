// Progressive enhancement of the NEP lists: a search box over api/neps.json.
// Every page works without it; with scripts off the box stays hidden.
(function () {
  "use strict";
  var form = document.querySelector("form.find");
  if (!form) { return; }
  var input = form.querySelector("input");
  var output = form.querySelector("output");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-nep]"));
  var index = null;
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  function text(rec) {
    var authors = (rec.authors || []).map(function (a) { return a.name + " " + a.node; }).join(" ");
    var params = (rec.parameter_changes || []).map(function (c) { return c.module + "." + c.parameter; }).join(" ");
    return [rec.label, String(rec.nep), rec.title, rec.status, rec.type || "", authors, params,
            rec.changes_summary || ""].join(" ").toLowerCase();
  }

  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var hay = (index && index[row.getAttribute("data-nep")]) || row.textContent.toLowerCase();
      var hit = words.every(function (w) { return hay.indexOf(w) !== -1; });
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    output.textContent = words.length ? shown + " of " + rows.length + " shown" : "";
  }

  input.addEventListener("input", function () {
    if (index === null && window.fetch && location.protocol !== "file:") {
      index = {};
      fetch(input.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (data) {
        Object.keys(data.neps).forEach(function (k) { index[k] = text(data.neps[k]); });
        apply();
      }).catch(function () { index = null; apply(); });
    }
    apply();
  });
})();
