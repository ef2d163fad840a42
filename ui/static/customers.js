// Customers area: the search shortcut (/), register data and knowledge-base
// suggestions loaded after the page, inserting an article into a reply, preview.
"use strict";

(function () {
  function isTyping(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  function csrfToken() {
    const field = document.querySelector("input[name='csrf_token']");
    return field ? field.value : "";
  }

  function announce(text) {
    const region = document.getElementById("live-region");
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  // "/" focuses the search box from anywhere (not while typing).
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) return;
    const box = document.getElementById("top-search");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  // Server-rendered (autoescaped) fragments, fetched after the page so a slow register
  // or a search never holds it up. A failure leaves the placeholder text.
  async function loadFragment(container, url, target) {
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      (target || container).innerHTML = await response.text();
    } catch (err) {
      /* the placeholder stays */
    }
  }

  function loadAll() {
    document.querySelectorAll("[data-register-src]").forEach((el) => {
      loadFragment(el, el.dataset.registerSrc);
    });
    document.querySelectorAll("[data-kb-src]").forEach((el) => {
      if (el.dataset.kbLoaded) return;
      el.dataset.kbLoaded = "1";
      loadFragment(el, el.dataset.kbSrc, el.querySelector(".kb-suggestions"));
    });
  }

  function insertIntoReply(text) {
    const reply = document.getElementById("reply-text");
    if (!reply) return false;
    const start = reply.selectionStart ?? 0;
    const end = reply.selectionEnd ?? start;
    reply.value = reply.value.slice(0, start) + text + "\n" + reply.value.slice(end);
    reply.focus();
    const caret = start + text.length + 1;
    reply.setSelectionRange(caret, caret);
    return true;
  }

  async function useArticle(id, asLink, button) {
    const response = await fetch(`/api/kb/articles/${id}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const article = await response.json();
    const text = asLink ? `${article.title}: ${article.public_url}` : article.text;
    if (!insertIntoReply(text)) return;
    await fetch(`/api/kb/articles/${id}/used`, {
      method: "POST", headers: { "X-CSRF-Token": csrfToken(), Accept: "application/json" },
    });
    const section = button.closest("[data-inserted-message]");
    if (section) announce(section.dataset.insertedMessage);
  }

  async function preview() {
    const body = document.getElementById("kb-body");
    const out = document.getElementById("kb-preview");
    if (!body || !out) return;
    const response = await fetch("/api/kb/preview", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify({ body: body.value }),
    });
    if (response.ok) out.innerHTML = (await response.json()).html; // sanitized by nh3
  }

  document.addEventListener("click", (event) => {
    const insert = event.target.closest("[data-kb-insert]");
    if (insert) { event.preventDefault(); useArticle(insert.dataset.kbInsert, false, insert); }
    const link = event.target.closest("[data-kb-insert-link]");
    if (link) { event.preventDefault(); useArticle(link.dataset.kbInsertLink, true, link); }
    if (event.target.closest("[data-kb-preview]")) { event.preventDefault(); preview(); }
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", loadAll);
  else loadAll();
  // The contact page re-renders its panels on live events: load new placeholders.
  new MutationObserver(() => loadAll()).observe(document.body, { childList: true, subtree: true });
})();
