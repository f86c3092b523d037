// Roster back office: what every page shares. No build step, no dependencies.
"use strict";

const Roster = (() => {
  const strings = JSON.parse(document.getElementById("strings").textContent || "{}");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  /** The page's words in its language; `{name}` placeholders filled from `values`. */
  function t(key, values = {}) {
    let text = strings[key] ?? key;
    for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  }

  /** Calls the REST API as the signed-in user (session cookie + CSRF token), its messages in
   *  the page's language; throws the contract's error (`message`, `code`, `details`) on a 4xx/5xx. */
  async function api(method, path, body, contentType) {
    const headers = { "X-CSRF-Token": csrf, Accept: "application/json", "Accept-Language": document.documentElement.lang || "en" };
    let payload;
    if (body !== undefined) {
      headers["Content-Type"] = contentType ?? "application/json";
      payload = contentType ? body : JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
    } catch (cause) {
      throw Object.assign(new Error(t("error_network")), { code: "network" });
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (!response.ok) {
      if (response.status === 401) { window.location.assign(`/?next=${encodeURIComponent(location.pathname + location.search)}`); }
      const error = new Error(data?.error?.message ?? `${response.status} ${response.statusText}`);
      error.status = response.status;
      error.code = data?.error?.code;
      error.details = data?.error?.details ?? [];
      error.data = data;
      throw error;
    }
    return data;
  }

  /** Makes an element: `el("li", {class: "x"}, "text", child)`. Text is never parsed as HTML. */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === false || value === null || value === undefined) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Every `<time datetime>` under `root`, shown in the browser's time zone and the page's
   *  language (the server writes UTC, which stays in the element's title); `data-style="time"`
   *  shows the hour alone (a check-in in a grid row), the date and hour staying in the title;
   *  `data-zone` (an event's dates) shows it in that time zone instead, whoever reads it. */
  const language = document.documentElement.lang || undefined;
  const formats = {
    full: new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "medium" }),
    time: new Intl.DateTimeFormat(language, { timeStyle: "short" }),
  };
  /** An event's date in the event's own time zone, with the zone's offset (`1 May 2026, 09:00 UTC+2`). */
  function zoned(date, zone) {
    try {
      return new Intl.DateTimeFormat(language, { timeZone: zone, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(date);
    } catch {
      return null;
    }
  }
  function localTimes(root = document) {
    for (const node of root.querySelectorAll("time[datetime]")) {
      const date = new Date(node.getAttribute("datetime"));
      if (Number.isNaN(date.getTime()) || node.dataset.local) continue;
      const inZone = node.dataset.zone ? zoned(date, node.dataset.zone) : null;
      if (inZone) {
        node.title = `${node.textContent} (${node.dataset.zone})`;
        node.textContent = inZone;
        node.dataset.local = "true";
        continue;
      }
      const style = node.dataset.style === "time" ? "time" : "full";
      node.title = style === "time" ? `${formats.full.format(date)} (${node.textContent})` : node.textContent;
      node.textContent = formats[style].format(date);
      node.dataset.local = "true";
    }
  }
  function localTime(iso, style = "full") {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : formats[style].format(date);
  }

  return { t, api, el, localTimes, localTime };
})();

Roster.localTimes();

// Live screens: every few seconds while the tab is shown, the page is read again from the same
// address and each region marked `data-live` whose content changed is replaced (rows, counts,
// the queue, a person's sync state, the event's banner). The rendering stays the server's, so
// a live region shows exactly what a reload would. Regions holding the focus wait; ticked
// boxes stay ticked.
(() => {
  if (!document.querySelector("[data-live]") || document.getElementById("connector")) return;
  const interval = Number(document.body.dataset.liveInterval || 2000);
  let running = false;
  async function refresh() {
    if (running || document.visibilityState !== "visible") return;
    running = true;
    try {
      // Marked, so the server spares what only the first render needs (the state filter's counts).
      const response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html", "X-Roster-Live": "1" } });
      if (!response.ok || response.redirected) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const region of document.querySelectorAll("[data-live][id]")) {
        const next = fresh.getElementById(region.id);
        if (!next || region.contains(document.activeElement)) continue;
        const ticked = [...region.querySelectorAll("input[type=checkbox]:checked")].map((box) => box.value);
        Roster.localTimes(next);
        if (next.innerHTML === region.innerHTML) continue;
        region.innerHTML = next.innerHTML;
        for (const box of region.querySelectorAll("input[type=checkbox]")) if (ticked.includes(box.value)) box.checked = true;
        region.dispatchEvent(new CustomEvent("live-update", { bubbles: true }));
      }
    } catch {
      // Offline for a moment: the next tick tries again.
    } finally {
      running = false;
    }
  }
  setInterval(refresh, interval);
})();

// Signing out forgets what the check-in desk kept in this tab for the network.
document.getElementById("signout")?.form?.addEventListener("submit", () => {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith("roster-desk-")) sessionStorage.removeItem(key);
});

// The grid's sync-date filter applies as soon as it changes.
document.getElementById("synced-filter")?.addEventListener("change", (event) => event.target.form.submit());
document.getElementById("state-filter")?.addEventListener("change", (event) => event.target.form.submit());
