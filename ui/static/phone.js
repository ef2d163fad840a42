// Phone area: phone state buttons, the live screen pop (SSE "screenpop" for me),
// wrap-up and callback, and the live wallboard. Data is rendered with textContent.
"use strict";

(function () {
  function csrfToken() {
    const field = document.querySelector("input[name='csrf_token']");
    return field ? field.value : "";
  }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method,
      headers: { "Accept": "application/json", "Content-Type": "application/json",
                 "X-CSRF-Token": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { /* empty body */ }
    if (!response.ok) throw new Error(data.detail || String(response.status));
    return data;
  }

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    return node;
  }

  function strings() {
    const t = document.getElementById("t-phone-strings");
    return t ? t.dataset : {};
  }

  function say(text) {
    const status = document.getElementById("phone-status");
    if (status) status.textContent = text;
  }

  // --- the agent's phone page -------------------------------------------------------

  function contactList(title, items) {
    const section = el("div");
    section.append(el("h3", title));
    const list = el("ul");
    for (const c of items) {
      const li = el("li");
      li.append(el("a", c.reference, { href: "/contacts/" + c.reference }));
      li.append(document.createTextNode(" " + c.channel + " · " + c.status + " · " + c.subject));
      list.append(li);
    }
    if (!items.length) list.append(el("li", "—"));
    section.append(list);
    return section;
  }

  function wrapUpForm(call, s, lang) {
    const form = el("form", null, { class: "stacked narrow", "data-reference": call.reference });
    const reason = el("select", null, { id: "wu-reason", required: "" });
    for (const r of call.reasons) {
      reason.append(el("option", lang === "en" ? r.label_en : r.label_nl, { value: r.id }));
    }
    const link = el("select", null, { id: "wu-link" });
    link.append(el("option", s.new, { value: "" }));
    for (const c of call.open_contacts) link.append(el("option", c.reference, { value: c.reference }));
    form.append(el("label", s.reason, { for: "wu-reason" }), reason,
                el("label", s.note, { for: "wu-note" }), el("textarea", null, { id: "wu-note", rows: "3" }),
                el("label", s.link, { for: "wu-link" }), link,
                el("button", s.submit, { type: "submit", class: "primary" }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await api("POST", "/api/phone/calls/" + call.reference + "/wrap-up", {
          reason_id: Number(reason.value), note: form.querySelector("#wu-note").value,
          link_reference: link.value || null,
        });
        say(s.done);
        form.replaceWith(el("p", s.done));
      } catch (e) { say(s.failed + " " + e.message); }
    });
    return form;
  }

  async function showCall(reference, heading) {
    const app = document.getElementById("phone-app");
    const pop = document.getElementById("screen-pop");
    if (!app || !pop) return;
    const s = strings();
    const call = await api("GET", "/api/phone/calls/" + encodeURIComponent(reference));
    pop.replaceChildren();
    if (heading) pop.append(el("p", heading + " · " + call.reference, { class: "message ok" }));
    pop.append(el("p", s.caller + ": " + (call.caller_number || s.unknown)));
    if (call.customer) {
      const p = el("p", s.customer + ": ");
      p.append(el("a", call.customer.name, { href: "/customers/" + call.customer.id }));
      pop.append(p);
    } else {
      pop.append(el("p", s.unknown));
    }
    pop.append(contactList(s.open, call.open_contacts), contactList(s.history, call.history));
    pop.append(wrapUpForm(call, s, app.dataset.lang));
    pop.focus();
  }

  async function refreshMine() {
    const table = document.querySelector(".phone-states tbody");
    if (!table) return;
    const data = await api("GET", "/api/phone/state");
    table.replaceChildren();
    for (const a of data.mine) {
      const tr = el("tr");
      const label = strings()["state" + a.state.charAt(0).toUpperCase() + a.state.slice(1)];
      const badge = el("span", label || a.state, { class: "phone-state phone-state-" + a.state });
      const state = el("td");
      state.append(badge);
      tr.append(el("td", a.queue), state, el("td", a.pause_reason));
      table.append(tr);
    }
  }

  function phonePage(app) {
    const s = strings();
    app.addEventListener("click", async (event) => {
      const button = event.target.closest("button[data-phone]");
      if (!button) return;
      const action = button.dataset.phone;
      try {
        if (action === "sign-in") await api("POST", "/api/phone/sign-in", {});
        else if (action === "sign-out") await api("POST", "/api/phone/sign-out");
        else if (action === "pause") {
          await api("POST", "/api/phone/pause",
                    { paused: true, reason: document.getElementById("pause-reason").value });
        } else if (action === "unpause") await api("POST", "/api/phone/pause", { paused: false });
        else if (action === "open-wrapup") { await showCall(button.dataset.reference); return; }
        else if (action === "call-back") {
          button.disabled = true;
          const result = await api("POST", "/api/phone/calls/" + button.dataset.reference + "/call-back");
          say(s.outcome + " " + result.outcome + " (" + result.attempts + ")");
          if (result.outcome === "answered") await showCall(button.dataset.reference);
          button.disabled = false;
          return;
        }
        say(s.sent);
      } catch (e) { say(s.failed + " " + e.message); button.disabled = false; }
    });
    const me = Number(app.dataset.me);
    const source = new EventSource("/phone/events");
    source.addEventListener("screenpop", (event) => {
      const data = JSON.parse(event.data);
      if (data.assignee_id === me) showCall(data.reference, s.answered).catch(() => {});
    });
    source.addEventListener("phone_agent", (event) => {
      const data = JSON.parse(event.data);
      if (data.assignee_id === me) refreshMine().catch(() => {});
    });
    source.addEventListener("logout", () => { source.close(); window.location.reload(); });
  }

  // --- the wallboard --------------------------------------------------------------

  function wallboardPage() {
    const board = document.getElementById("wallboard");
    const level = Number(board.dataset.level);
    const target = Number(board.dataset.target);
    const agentRows = document.getElementById("wallboard-agents");
    const labels = JSON.parse(agentRows.dataset.labels);
    const mmss = (s) => Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    function tone(q) {
      const low = q.service_level_pct !== null && q.service_level_pct < target;
      if (q.longest_wait_s > level || low) return "alert";
      return q.longest_wait_s > Math.floor(level / 2) ? "warn" : "ok";
    }
    function offeredText(q) {
      if (!q.offered) return board.dataset.noneOffered;
      return board.dataset.ofOffered.replace("{x}", q.answered_in_time).replace("{y}", q.answered).replace("{z}", q.offered);
    }
    function showAgents(agents) {
      // One answer carries queues and agents: the two tables never disagree.
      const rows = agents.map((a) => {
        const tr = document.createElement("tr");
        const state = document.createElement("span");
        state.className = "phone-state phone-state-" + a.state;
        state.textContent = labels[a.state] || a.state;
        for (const value of [a.full_name, a.queue, state, a.reason || ""]) {
          const td = document.createElement("td");
          if (value instanceof Node) td.appendChild(value); else td.textContent = value;
          tr.appendChild(td);
        }
        return tr;
      });
      if (!rows.length) {
        const tr = document.createElement("tr");
        const td = document.createElement("td");
        td.colSpan = 4;
        td.textContent = agentRows.dataset.none;
        tr.appendChild(td);
        rows.push(tr);
      }
      agentRows.replaceChildren(...rows);
    }
    let timer = null;
    async function refresh() {
      timer = null;
      const data = await api("GET", "/api/phone/wallboard");
      for (const q of data.queues) {
        const box = document.querySelector(".wb-queue[data-product='" + q.product_id + "']");
        if (!box) continue;
        box.dataset.tone = tone(q);
        box.querySelector("[data-field='alert']").hidden = box.dataset.tone !== "alert";
        for (const cell of box.querySelectorAll("dd[data-field]")) {
          const field = cell.dataset.field;
          let value = q[field];
          if (field === "offered_text") value = offeredText(q);
          else if (cell.dataset.format === "mmss") value = mmss(value);
          else if (cell.dataset.format === "pct") value = value === null ? "—" : value + "%";
          if (value === null || value === undefined) value = "—";
          cell.textContent = String(value);
        }
      }
      if (data.agents) showAgents(data.agents);
      if (data.written) showWritten(data.written);
      if (data.satisfaction) showSatisfaction(data.satisfaction);
    }
    function showSatisfaction(today) {
      const box = document.querySelector(".wb-csat");
      if (!box) return;
      box.querySelector("[data-field='csat']").textContent =
        today.csat === null ? "—" : today.csat + " %";
      box.querySelector("[data-field='csat_detail']").textContent = box.dataset.detail
        .replace("{answers}", today.answers)
        .replace("{average}", today.average === null ? "—" : today.average);
    }
    function showWritten(rows) {
      for (const w of rows) {
        const row = document.querySelector("tr[data-written-product='" + w.product_id + "']");
        if (!row) continue;
        const firstResponse = w.first_response_counted
          ? w.first_response_pct + "% (" + w.first_response_in_sla + "/" + w.first_response_counted + ")"
          : "—";
        const values = { open: w.open, oldest_hours: w.oldest_hours, received: w.received,
                         first_response: firstResponse };
        for (const cell of row.querySelectorAll("td[data-field]")) {
          const value = values[cell.dataset.field];
          cell.textContent = value === null || value === undefined ? "—" : String(value);
        }
      }
    }
    function soon() { if (!timer) timer = window.setTimeout(() => refresh().catch(() => {}), 300); }
    const source = new EventSource("/phone/events?view=wallboard");
    for (const kind of ["phone", "phone_agent", "resync"]) source.addEventListener(kind, soon);
    source.addEventListener("logout", () => { source.close(); window.location.reload(); });
    window.setInterval(soon, 5000);  // the longest wait grows by itself
  }

  document.addEventListener("DOMContentLoaded", () => {
    const app = document.getElementById("phone-app");
    if (app) phonePage(app);
    if (document.getElementById("wallboard")) wallboardPage();
  });
})();
