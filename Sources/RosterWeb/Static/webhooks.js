// Roster back office: the registration tools that deliver to an event by signed webhook. A
// source is made with a name and a field map (a preset fills one in); its secret is shown once,
// after making it or rotating it; each source lists its last deliveries, read again every few
// seconds while the page is open.
"use strict";
(() => {
  const { t, api, el, localTime } = Roster;
  const $ = (id) => document.getElementById(id);
  const eventId = location.pathname.split("/")[2];
  const base = `/api/v1/events/${eventId}/webhooks`;

  $("webhook-preset").addEventListener("change", (event) => {
    const option = event.target.selectedOptions[0];
    if (option?.dataset.map) {
      $("webhook-map").value = JSON.stringify(JSON.parse(option.dataset.map), null, 2);
      if (!$("webhook-name").value) $("webhook-name").value = option.textContent.replace(/ \(.*\)$/, "");
    }
  });

  /** Shows a secret once, with where it goes. */
  function showSecret(title, url, secret) {
    $("webhook-secret-title").textContent = title;
    $("webhook-url-value").textContent = url;
    $("webhook-secret-value").textContent = secret;
    $("webhook-secret").hidden = false;
    $("webhook-secret").scrollIntoView({ block: "nearest" });
  }

  $("webhook-secret-copy").addEventListener("click", () => navigator.clipboard?.writeText($("webhook-secret-value").textContent));

  $("webhook-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = $("webhook-form-error");
    problem.hidden = true;
    const text = $("webhook-map").value.trim();
    let fieldMap = null;
    if (text) {
      try { fieldMap = JSON.parse(text); } catch {
        problem.textContent = t("webhooks_map_not_json");
        problem.hidden = false;
        return;
      }
    }
    try {
      const created = await api("POST", base, { name: $("webhook-name").value, fieldMap });
      showSecret(t("webhooks_created", { name: created.name }), created.url, created.secret);
      $("webhook-form").reset();
      await refresh();
    } catch (error) {
      problem.textContent = [error.message, ...error.details.filter((detail) => detail.field).map((detail) => `${detail.field}: ${detail.message}`)]
        .filter((line, index, all) => all.indexOf(line) === index).join("\n");
      problem.hidden = false;
    }
  });

  function deliveryRows(deliveries) {
    if (!deliveries.length) return [el("tr", {}, el("td", { colspan: "5", class: "muted" }, t("webhooks_no_deliveries")))];
    return deliveries.map((delivery) => el("tr", { class: `delivery-${delivery.outcome}` },
      el("td", {}, el("time", { datetime: delivery.receivedAt }, localTime(delivery.receivedAt))),
      el("td", {}, el("code", {}, delivery.webhookId)),
      el("td", { class: delivery.outcome === "refused" ? "error-text" : delivery.outcome === "accepted" ? "" : "muted" }, t(`webhooks_outcome_${delivery.outcome}`)),
      el("td", {}, delivery.outcome === "accepted" ? t("webhooks_counts", delivery) : ""),
      el("td", { class: "error-text" }, delivery.error ?? "")));
  }

  function card(source, deliveries) {
    const rotate = el("button", { type: "button", class: "small", onclick: async () => {
      if (!confirm(t("webhooks_rotate_confirm", { name: source.name }))) return;
      const rotated = await api("POST", `${base}/${source.id}/rotate`);
      showSecret(t("webhooks_rotated", { name: source.name, until: localTime(rotated.previousSecretValidUntil) }), source.url, rotated.secret);
      await refresh();
    } }, t("webhooks_rotate"));
    const remove = el("button", { type: "button", class: "small danger", onclick: async () => {
      if (!confirm(t("webhooks_delete_confirm", { name: source.name }))) return;
      await api("DELETE", `${base}/${source.id}`);
      await refresh();
    } }, t("webhooks_delete"));
    return el("section", { class: "card webhook", "data-webhook": source.id },
      el("h2", {}, source.name),
      el("dl", { class: "details" },
        el("dt", {}, t("webhooks_url")), el("dd", {}, el("code", { class: "webhook-url" }, source.url)),
        el("dt", {}, t("webhooks_field_map")), el("dd", {}, source.fieldMap ? el("pre", {}, JSON.stringify(source.fieldMap, null, 2)) : t("webhooks_no_map")),
        source.previousSecretValidUntil ? [el("dt", {}, t("webhooks_previous_secret")), el("dd", {}, t("webhooks_previous_until", { until: localTime(source.previousSecretValidUntil) }))] : []),
      el("p", { class: "toolbar" }, rotate, remove),
      el("div", { class: "table-wrap" }, el("table", { class: "grid compact deliveries" },
        el("caption", {}, t("webhooks_deliveries")),
        el("thead", {}, el("tr", {}, [t("webhooks_received"), "webhook-id", t("webhooks_outcome"), t("webhooks_participants"), t("import_problem")].map((name) => el("th", { scope: "col" }, name)))),
        el("tbody", {}, deliveryRows(deliveries)))));
  }

  async function refresh() {
    const list = $("webhook-list");
    try {
      const sources = (await api("GET", base)).items;
      const deliveries = await Promise.all(sources.map((source) => api("GET", `${base}/${source.id}/deliveries`).then((answer) => answer.items)));
      list.replaceChildren(...sources.map((source, index) => card(source, deliveries[index])));
      $("webhook-none").hidden = sources.length > 0;
    } catch (error) {
      list.replaceChildren(el("p", { class: "error-text", role: "alert" }, error.message));
    }
    list.setAttribute("aria-busy", "false");
  }

  refresh();
  setInterval(() => { if (!document.hidden) refresh(); }, 3000);
})();
