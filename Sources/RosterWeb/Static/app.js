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

  /** Calls the REST API as the signed-in user (session cookie + CSRF token); throws the
   *  contract's error (`message`, `code`, `details`) on a 4xx/5xx. */
  async function api(method, path, body, contentType) {
    const headers = { "X-CSRF-Token": csrf, Accept: "application/json" };
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

  return { t, api, el };
})();

// The grid's sync-date filter applies as soon as it changes.
document.getElementById("synced-filter")?.addEventListener("change", (event) => event.target.form.submit());
