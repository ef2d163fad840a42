// Work area: who else is viewing a contact (a heartbeat while the page is open),
// and the "t" shortcut for "next task" on the task lists. No inline scripts (CSP).
(function () {
  "use strict";

  // Short beats: a colleague who left (pagehide sends DELETE) drops off within seconds.
  const BEAT_MS = 5000;

  function csrfToken() {
    const field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  }

  function showPresence(target, data) {
    const names = data.viewers || [];
    target.textContent = names.length ? target.dataset.label + ": " + names.join(", ") : "";
  }

  async function beat(target) {
    try {
      const response = await fetch(target.dataset.presence, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken(), Accept: "application/json" },
      });
      if (response.ok) showPresence(target, await response.json());
    } catch (_) {
      /* offline for a moment: the next beat tries again */
    }
  }

  function startPresence() {
    const target = document.getElementById("work-presence");
    if (!target || !target.dataset.presence) return;
    const url = target.dataset.presence;
    beat(target);
    const timer = window.setInterval(() => {
      const current = document.getElementById("work-presence");
      if (current) beat(current);
    }, BEAT_MS);
    window.addEventListener("pagehide", () => {
      window.clearInterval(timer);
      fetch(url, {
        method: "DELETE",
        credentials: "same-origin",
        keepalive: true,
        headers: { "X-CSRF-Token": csrfToken() },
      });
    });
  }

  function nextTaskShortcut() {
    const button = document.getElementById("next-task");
    if (!button) return;
    document.addEventListener("keydown", (event) => {
      const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
      if (!typing && event.key === "t" && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        button.click();
      }
    });
  }

  // --- live re-sort of the trafficer page and the line task lists -------------------
  // On a task/SLA event the rows are fetched again (most urgent first) and merged into
  // the table by data-key: a row that stays is the same element, moved into place, so
  // its checked box survives, and focus is put back where it was. Changed cells are
  // replaced, except those marked data-keep (the selection box).

  function updateCells(kept, fresh) {
    kept.className = fresh.className;
    kept.dataset.state = fresh.dataset.state || "";
    const cells = Array.from(kept.cells);
    Array.from(fresh.cells).forEach((cell, index) => {
      const old = cells[index];
      if (!old || old.hasAttribute("data-keep") || old.innerHTML === cell.innerHTML) return;
      old.className = cell.className;
      for (const name of ["data-due"]) {
        if (cell.hasAttribute(name)) old.setAttribute(name, cell.getAttribute(name));
      }
      old.replaceChildren(...Array.from(cell.childNodes));
    });
  }

  function mergeRows(body, freshRows) {
    const active = document.activeElement;
    const activeRow = active && body.contains(active) ? active.closest("tr") : null;
    const activeIndex = activeRow ? Array.from(body.rows).indexOf(activeRow) : -1;
    const old = new Map();
    for (const row of body.querySelectorAll("tr[data-key]")) old.set(row.dataset.key, row);
    const oldOrder = Array.from(old.keys());
    const counts = { added: 0, moved: 0, gone: 0 };
    const wanted = freshRows.map((row) => {
      const kept = row.dataset.key ? old.get(row.dataset.key) : null;
      if (!kept) {
        if (row.dataset.key) counts.added += 1;
        return row;
      }
      if (kept.dataset.state !== row.dataset.state) updateCells(kept, row);
      old.delete(row.dataset.key);
      return kept;
    });
    counts.gone = old.size;
    const keptOrder = wanted.filter((row) => oldOrder.includes(row.dataset.key)).map((r) => r.dataset.key);
    const before = oldOrder.filter((key) => keptOrder.includes(key));
    counts.moved = keptOrder.filter((key, index) => before[index] !== key).length;
    // Put each wanted row in place, moving only rows that are out of place.
    let cursor = body.firstElementChild;
    for (const row of wanted) {
      if (row === cursor) { cursor = cursor.nextElementSibling; continue; }
      body.insertBefore(row, cursor);
    }
    while (cursor) { const next = cursor.nextElementSibling; cursor.remove(); cursor = next; }
    if (active && document.contains(active)) {
      if (document.activeElement !== active) active.focus({ preventScroll: true });
    } else if (activeIndex >= 0 && body.rows.length) {
      const row = body.rows[Math.min(activeIndex, body.rows.length - 1)];
      const target = row.querySelector("a, input, button");
      if (target) target.focus({ preventScroll: true });
    }
    return counts;
  }

  function announceCounts(counts) {
    const status = document.getElementById("work-live-status");
    if (!status) return;
    const parts = [];
    if (counts.added) parts.push(counts.added + " " + status.dataset.new);
    if (counts.moved) parts.push(counts.moved + " " + status.dataset.moved);
    if (counts.gone) parts.push(counts.gone + " " + status.dataset.gone);
    if (parts.length) status.textContent = status.dataset.message + ": " + parts.join(", ");
  }

  // The priority form lists the references of the rows: keep it in step, selection kept.
  function syncReferenceChoice(body) {
    const select = document.getElementById("prio-ref");
    if (!select) return;
    const chosen = select.value;
    const keys = Array.from(body.querySelectorAll("tr[data-key]")).map((row) => row.dataset.key);
    select.replaceChildren(...keys.map((key) => new Option(key, key, false, key === chosen)));
  }

  async function resort(body) {
    const response = await fetch(body.dataset.resortSrc, {
      headers: { Accept: "text/html" }, credentials: "same-origin",
    });
    if (response.redirected || response.status === 401) { window.location.reload(); return; }
    if (!response.ok) throw new Error("rows " + response.status);
    // The answer holds the page's table bodies by id: the list is merged row by row,
    // the others (queues, workload: nothing to keep there) are replaced.
    const holder = document.createElement("template");
    holder.innerHTML = await response.text();
    let counts = null;
    for (const fresh of holder.content.querySelectorAll("tbody[id]")) {
      const target = document.getElementById(fresh.id);
      if (!target) continue;
      const rows = Array.from(fresh.children);
      if (target === body) counts = mergeRows(body, rows);
      else target.replaceChildren(...rows);
    }
    syncReferenceChoice(body);
    if (counts) announceCounts(counts);
    body.dataset.resorted = String(Number(body.dataset.resorted || 0) + 1);
  }

  // The trafficer page also lists SLA warnings and breaches as they happen (assertive);
  // the "refresh" link only shows when a re-sort failed.
  function showAlert(live, data) {
    const alerts = document.getElementById("sla-alerts");
    if (!live || !alerts) return;
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "/contacts/" + encodeURIComponent(data.reference);
    link.textContent = data.reference;
    item.append((data.status === "breached" ? live.dataset.breached : live.dataset.warning) + ": ", link);
    alerts.prepend(item);
  }

  function startLiveLists() {
    const body = document.querySelector("tbody[data-resort-src]");
    const live = document.getElementById("trafficer-live");
    if ((!body && !live) || !window.EventSource) return;
    const stale = document.getElementById("trafficer-stale");
    let timer = null;
    const schedule = () => {
      if (!body) { if (stale) stale.hidden = false; return; }
      // A burst of events (an assignment touches task, contact and history) is one fetch.
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        resort(body).catch(() => { if (stale) stale.hidden = false; });
      }, 300);
    };
    const source = new EventSource("/events");
    source.addEventListener("open", () => { document.documentElement.dataset.live = "open"; });
    source.addEventListener("error", () => { document.documentElement.dataset.live = "connecting"; });
    source.addEventListener("sla", (event) => {
      try { showAlert(live, JSON.parse(event.data)); } catch (_) { /* not for us */ }
      schedule();
    });
    for (const kind of ["task", "resync"]) source.addEventListener(kind, schedule);
    source.addEventListener("logout", () => { source.close(); window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    startPresence();
    nextTaskShortcut();
    startLiveLists();
  });
})();
