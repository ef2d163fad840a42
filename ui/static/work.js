// Work area: who else is viewing a contact (a heartbeat while the page is open),
// and the "t" shortcut for "next task" on the task lists. No inline scripts (CSP).
(function () {
  "use strict";

  const BEAT_MS = 20000;

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

  // The trafficer page: SLA warnings and breaches of their products as they happen
  // (assertive live region), and a "refresh" link when work changed, instead of a
  // reload that would lose the selection of a bulk assignment.
  function trafficerLive() {
    const live = document.getElementById("trafficer-live");
    if (!live || !window.EventSource) return;
    const alerts = document.getElementById("sla-alerts");
    const stale = document.getElementById("trafficer-stale");
    const source = new EventSource("/events");
    source.addEventListener("open", () => { document.documentElement.dataset.live = "open"; });
    source.addEventListener("sla", (event) => {
      const data = JSON.parse(event.data);
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = "/contacts/" + encodeURIComponent(data.reference);
      link.textContent = data.reference;
      item.append((data.status === "breached" ? live.dataset.breached : live.dataset.warning) + ": ", link);
      alerts.prepend(item);
      stale.hidden = false;
    });
    source.addEventListener("task", () => { stale.hidden = false; });
    source.addEventListener("logout", () => { source.close(); window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    startPresence();
    nextTaskShortcut();
    trafficerLive();
  });
})();
