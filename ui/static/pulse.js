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

  // --- the thread: oldest first, the newest one key (G) away -------------------------
  function newestMessage() {
    return document.querySelector("#contact-live article[data-newest]");
  }

  function jumpToNewest() {
    const newest = newestMessage();
    if (!newest) return false;
    newest.scrollIntoView({ block: "start" });
    newest.focus({ preventScroll: true });  // keyboard and screen reader continue there
    return true;
  }

  function showNewestOnOpen() {
    // Only on a plain open: a refusal or other alert at the top must stay in sight.
    if (window.location.hash || document.querySelector("main [role='alert']")) return;
    const newest = newestMessage();
    if (!newest) return;
    const box = newest.getBoundingClientRect();
    if (box.top > window.innerHeight - 80) newest.scrollIntoView({ block: "start" });
  }

  const shortcuts = {
    j: () => moveInInbox(1),
    k: () => moveInInbox(-1),
    c: () => { const b = document.getElementById("claim-button"); if (b) { b.click(); return true; } return false; },
    r: () => focusField("reply-text"),
    n: () => focusField("note-text"),
    G: jumpToNewest,
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
    const newest = event.target.closest("[data-action='newest']");
    if (newest && jumpToNewest()) event.preventDefault();
  });

  // --- live updates -----------------------------------------------------------------
  function currentRowIndex(container) {
    const links = Array.from(container.querySelectorAll("a.row-link"));
    return links.indexOf(document.activeElement);
  }

  function isDirty(field) {
    if (field.type === "file") return field.files && field.files.length > 0;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") return Array.from(field.options).some((o) => o.selected !== o.defaultSelected);
    if (field.type === "hidden") return false;
    return field.value !== field.defaultValue;
  }

  function inUse(section) {
    return section.contains(document.activeElement) ||
      Array.from(section.querySelectorAll("input, select, textarea")).some(isDirty);
  }

  // Where a focused control is found again in a freshly rendered section.
  function controlKey(el) {
    if (el.id) return `#${el.id}`;
    const form = el.closest("form");
    return `${form ? form.getAttribute("action") : ""}|${el.tagName}|${el.name || ""}|${el.textContent.trim()}`;
  }

  function findControl(root, key) {
    if (key.startsWith("#")) return root.querySelector(key);
    return Array.from(root.querySelectorAll("button, a[href], input, select, textarea"))
      .find((el) => controlKey(el) === key) || null;
  }

  // Replace a section, carrying over what the person chose in fields that still exist
  // (the close reason) and focus (or to the section heading, never lost to <body>).
  function replaceSection(old, fresh) {
    const focusKey = old.contains(document.activeElement) ? controlKey(document.activeElement) : null;
    for (const field of old.querySelectorAll("select, input:not([type=hidden]):not([type=file]), textarea")) {
      if (!isDirty(field) || !field.name) continue;
      const twin = fresh.querySelector(`[name="${CSS.escape(field.name)}"]`);
      if (twin && twin.tagName === field.tagName) twin.value = field.value;
    }
    old.replaceWith(fresh);
    if (focusKey) {
      const target = findControl(fresh, focusKey) || fresh.querySelector("h2");
      if (target) {
        if (!target.matches("button, a[href], input, select, textarea")) target.tabIndex = -1;
        target.focus({ preventScroll: true });
      }
    }
  }

  // Merge freshly rendered sections into a panel without moving the sections that stay:
  // a kept node is never detached, so its text, caret and focus survive.
  function mergeSections(panel, fragment) {
    const freshSections = Array.from(fragment.children).filter((el) => el.id);
    const freshIds = new Set(freshSections.map((el) => el.id));
    for (const old of Array.from(panel.children)) {
      if (!old.id || freshIds.has(old.id)) continue;
      if (old.dataset.liveMerge === "keep" && inUse(old)) {
        // e.g. the contact went to someone else while a reply was being typed
        if (!old.querySelector(".stale-note") && panel.dataset.staleMessage) {
          const note = document.createElement("p");
          note.className = "message warn stale-note";
          note.textContent = panel.dataset.staleMessage;
          old.insertBefore(note, old.firstElementChild ? old.firstElementChild.nextSibling : null);
        }
      } else {
        old.remove();
      }
    }
    let previous = null;
    for (const fresh of freshSections) {
      const old = document.getElementById(fresh.id);
      if (old && panel.contains(old)) {
        if (old.dataset.liveMerge === "keep") {
          const stale = old.querySelector(".stale-note");
          if (stale) stale.remove();
        } else {
          replaceSection(old, fresh);
        }
        previous = panel.contains(old) ? old : fresh;
      } else {
        if (previous) previous.after(fresh); else panel.prepend(fresh);
        previous = fresh;
      }
    }
  }

  function rowStates(container) {
    const states = new Map();
    for (const row of container.querySelectorAll("tr[data-key]")) states.set(row.dataset.key, row.dataset.state);
    return states;
  }

  // New and changed rows get a brief highlight (CSS; a static one under reduced motion)
  // and a count in the live region: "Inbox bijgewerkt: 1 nieuw".
  function markInboxChanges(container, before) {
    let added = 0, changed = 0;
    const now = rowStates(container);
    for (const row of container.querySelectorAll("tr[data-key]")) {
      const was = before.get(row.dataset.key);
      if (was === row.dataset.state) continue;
      const cls = was === undefined ? "row-new" : "row-changed";
      if (was === undefined) added += 1; else changed += 1;
      row.classList.add("row-fresh", cls);
      window.setTimeout(() => row.classList.remove("row-fresh", "row-new", "row-changed"), 4000);
    }
    const gone = Array.from(before.keys()).filter((key) => !now.has(key)).length;
    const parts = [];
    if (added) parts.push(`${added} ${container.dataset.liveNew}`);
    if (changed) parts.push(`${changed} ${container.dataset.liveChanged}`);
    if (gone) parts.push(`${gone} ${container.dataset.liveGone}`);
    return parts.length ? `${container.dataset.liveMessage}: ${parts.join(", ")}` : null;
  }

  async function refresh(container) {
    const focusedIndex = currentRowIndex(container);
    const response = await fetch(container.dataset.liveSrc, {
      headers: { Accept: "text/html" }, credentials: "same-origin",
    });
    if (response.redirected || response.status === 401) { window.location.reload(); return; }
    if (!response.ok) return;
    const html = await response.text();
    const isInbox = container.dataset.liveKind === "inbox";
    if (isInbox) {
      const before = rowStates(container);
      container.innerHTML = html;
      if (focusedIndex >= 0) {
        const links = container.querySelectorAll("a.row-link");
        const keep = links[Math.min(focusedIndex, links.length - 1)];
        if (keep) { keep.focus(); keep.closest("tr").classList.add("current"); }
      }
      const message = markInboxChanges(container, before);
      if (message) announce(message);
      return;
    }
    const holder = document.createElement("template");
    holder.innerHTML = html;
    for (const part of Array.from(holder.content.querySelectorAll("template[data-live-part]"))) {
      part.remove();
      const panel = document.getElementById(part.dataset.livePart);
      if (panel) mergeSections(panel, part.content);
    }
    container.replaceChildren(holder.content);
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
    // The server subscribes before it answers, so "open" means events will arrive.
    source.addEventListener("open", () => { document.documentElement.dataset.live = "open"; });
    source.addEventListener("error", () => { document.documentElement.dataset.live = "connecting"; });
    for (const kind of ["task", "contact", "message", "resync"]) {
      source.addEventListener(kind, (event) => {
        let data = { kind };
        try { data = JSON.parse(event.data); data.kind = kind; } catch (e) { /* resync */ }
        if (concerns(container, data)) schedule();
      });
    }
    source.addEventListener("logout", () => { source.close(); window.location.reload(); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    showNewestOnOpen();
    startLiveUpdates();
  });
})();
