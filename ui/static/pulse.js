// PULSE agent UI: keyboard shortcuts and live updates (SSE). No framework, no build.
"use strict";

(function () {
  const liveRegion = () => document.getElementById("live-region");

  function announce(text) {
    const region = liveRegion();
    if (!region || !text) return;
    region.textContent = "";
    // A fresh text node makes screen readers announce the same words again.
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  function isTyping(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  // --- inbox navigation (j / k) ---------------------------------------------------
  function rowLinks() {
    return Array.from(document.querySelectorAll("#inbox-rows a.row-link"));
  }

  function moveInInbox(step) {
    const links = rowLinks();
    if (!links.length) return false;
    const current = links.indexOf(document.activeElement);
    const next = current < 0 ? 0 : Math.min(Math.max(current + step, 0), links.length - 1);
    links.forEach((a) => a.closest("tr").classList.remove("current"));
    links[next].closest("tr").classList.add("current");
    links[next].focus();
    return true;
  }

  function toggleHelp() {
    const dialog = document.getElementById("help-dialog");
    if (!dialog) return;
    if (dialog.open) dialog.close(); else dialog.showModal();
  }

  function focusField(id) {
    const field = document.getElementById(id);
    if (!field) return false;
    field.scrollIntoView({ block: "center" });
    field.focus();
    // An untouched reply holds only the signature: start typing above it, not below.
    if (field.tagName === "TEXTAREA" && field.value === field.defaultValue) {
      field.setSelectionRange(0, 0);
      field.scrollTop = 0;
    }
    return true;
  }

  const shortcuts = {
    j: () => moveInInbox(1),
    k: () => moveInInbox(-1),
    c: () => { const b = document.getElementById("claim-button"); if (b) { b.click(); return true; } return false; },
    r: () => focusField("reply-text"),
    n: () => focusField("note-text"),
    "?": () => { toggleHelp(); return true; },
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    const action = shortcuts[event.key];
    if (action && action()) event.preventDefault();
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action='help']");
    if (button) toggleHelp();
  });

  // --- live updates -----------------------------------------------------------------
  function currentRowIndex(container) {
    const links = Array.from(container.querySelectorAll("a.row-link"));
    return links.indexOf(document.activeElement);
  }

  async function refresh(container) {
    const focusedIndex = currentRowIndex(container);
    const response = await fetch(container.dataset.liveSrc, {
      headers: { Accept: "text/html" }, credentials: "same-origin",
    });
    if (response.redirected || response.status === 401) { window.location.reload(); return; }
    if (!response.ok) return;
    container.innerHTML = await response.text();
    if (focusedIndex >= 0) {
      const links = container.querySelectorAll("a.row-link");
      const keep = links[Math.min(focusedIndex, links.length - 1)];
      if (keep) { keep.focus(); keep.closest("tr").classList.add("current"); }
    }
    announce(container.dataset.liveMessage);
  }

  function concerns(container, data) {
    if (data.kind === "resync" || container.dataset.liveKind === "inbox") return true;
    return String(data.contact_id) === container.dataset.contactId;
  }

  function startLiveUpdates() {
    const container = document.querySelector("[data-live-src]");
    if (!container || !window.EventSource) return;
    let timer = null;
    const schedule = () => {
      // Bursts of events (a claim touches task, contact and history) become one fetch.
      window.clearTimeout(timer);
      timer = window.setTimeout(() => refresh(container).catch(() => {}), 300);
    };
    const source = new EventSource("/events");
    for (const kind of ["task", "contact", "message", "resync"]) {
      source.addEventListener(kind, (event) => {
        let data = { kind };
        try { data = JSON.parse(event.data); data.kind = kind; } catch (e) { /* resync */ }
        if (concerns(container, data)) schedule();
      });
    }
    source.addEventListener("logout", () => { source.close(); window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", startLiveUpdates);
})();
