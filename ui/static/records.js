// Records area: on a contact page, show the record's archive state
// ("archiving pending" while the DMS is unreachable, then "archived").
(function () {
  "use strict";
  var TEXT = {
    nl: { pending: "Archivering in behandeling", archived: "Gearchiveerd in het DMS",
          destroyed: "Vernietigd", hold: "juridische blokkade" },
    en: { pending: "Archiving pending", archived: "Archived in the DMS",
          destroyed: "Destroyed", hold: "legal hold" }
  };
  function show(live, record) {
    var words = TEXT[document.documentElement.lang] || TEXT.nl;
    var box = document.getElementById("record-state");
    if (!box) {
      box = document.createElement("p");
      box.id = "record-state";
      box.setAttribute("aria-live", "polite");
      live.parentNode.insertBefore(box, live);
    }
    var text = words[record.status] || record.status;
    if (record.legal_hold) { text += " (" + words.hold + ")"; }
    box.textContent = text;
    box.className = "badge" + (record.status === "pending" ? " warn" : "");
  }
  function refresh() {
    var live = document.getElementById("contact-live");
    if (!live) { return; }
    var src = live.getAttribute("data-live-src") || "";
    var match = src.match(/^\/contacts\/([^/]+)\/live$/);
    if (!match) { return; }
    // Only a closed contact has a record: asking for an open one only gets a 409.
    if (live.getAttribute("data-status") !== "closed") { return; }
    fetch("/api/records/contacts/" + encodeURIComponent(match[1]), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (record) { if (record) { show(live, record); } })
      .catch(function () { /* not closed yet, or offline: nothing to show */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    refresh();
    setInterval(refresh, 30000);  // "pending" turns "archived" when the DMS is back
  });
})();
