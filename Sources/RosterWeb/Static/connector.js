// Configuration › Third-party integrations › Salesforce. Every action is a REST API call, the
// same ones a script would make (S61); this file only draws what they answer.
"use strict";

(() => {
  const { t, api, el } = Roster;
  const root = document.getElementById("connector");
  const eventId = root.dataset.event;
  const base = `/api/v1/events/${eventId}/connectors/salesforce`;
  const $ = (id) => document.getElementById(id);
  let settings = null;
  let catalog = null;

  // MARK: Settings and connection

  async function load() {
    settings = await api("GET", base);
    $("enabled").checked = settings.enabled;
    $("loginUrl").value = settings.loginUrl ?? "";
    $("consumerKey").value = settings.consumerKey ?? "";
    $("consumerSecret").value = "";
    $("consumerSecret").placeholder = settings.consumerSecretSet ? t("connector_secret_set") : "";
    $("consumerSecret-state").textContent = settings.consumerSecretSet ? t("connector_secret_set_hint") : t("connector_secret_missing");
    $("campaignName").value = settings.campaignName ?? "";
    fillStatuses([], settings.registeredStatus, settings.attendedStatus, settings.cancelledStatus, settings.noShowStatus);
    $("noShowGraceHours").value = String(settings.noShowGraceHours ?? 2);
    $("allowLeadCreation").checked = settings.allowLeadCreation;
    $("allowUpdate").checked = settings.allowUpdate;
    fillLeadAssignment([], settings.leadAssignment);
    $("contactAccountMode").value = settings.contactAccount?.mode ?? "byCompany";
    $("contactAccountId").value = settings.contactAccount?.accountId ?? "";
    $("duplicateRules").value = settings.duplicateRules ?? "respect";
    $("longText").value = settings.longText ?? "error";
    $("apiBudgetShare").value = String(Math.round((settings.apiBudgetShare ?? 0.8) * 100));
    $("exclusions").value = (settings.exclusions ?? []).join("\n");
    for (const object of ["lead", "contact", "campaignMember"]) $(`batch-${object}`).value = String(settings.batchSize?.[object] ?? 200);
    showConnection(settings.connection);
    showUnsynced();
    root.setAttribute("aria-busy", "false");
    if (settings.connection.state === "connected") {
      await loadLeadAssignmentRules();
      if (settings.campaignName.trim()) await checkCampaign();
    }
  }

  /** The owner choices for new Leads: Salesforce's active rule, none, and the org's Lead rules
   *  by name; a saved rule the org did not answer for stays shown by its Id. */
  function fillLeadAssignment(rules, chosen) {
    const select = $("leadAssignment");
    while (select.options.length > 2) select.remove(2);
    for (const rule of rules) {
      const label = t(rule.active ? "connector_lead_owner_rule_active" : "connector_lead_owner_rule", { name: rule.name });
      select.add(new Option(label, rule.id));
    }
    const known = [...select.options].some((option) => option.value === chosen);
    if (!known && chosen) select.add(new Option(t("connector_lead_owner_unknown", { id: chosen }), chosen));
    select.value = chosen || "activeRule";
  }

  async function loadLeadAssignmentRules() {
    try {
      const found = await api("GET", `${base}/lead-assignment-rules`);
      fillLeadAssignment(found.items, $("leadAssignment").value);
    } catch {
      // The picker keeps its two fixed choices; the check says what is wrong with the connection.
    }
  }

  /** What Salesforce does not have yet (changed while the connector was off, or before the
   *  first sync), offered as a sync once there is a connection to send it over. */
  function showUnsynced() {
    const count = settings.unsyncedParticipants ?? 0;
    $("unsynced-offer").hidden = !(settings.enabled && settings.connection.state === "connected" && count > 0);
    $("unsynced-text").textContent = t("connector_unsynced", { count });
  }

  function showConnection(connection) {
    const connected = connection.state === "connected";
    $("connection-status").textContent = connected
      ? t("connector_connected_as", { username: connection.username ?? "?", instance: connection.instanceUrl ?? "" })
      : connection.state === "broken" ? t("connector_broken") : t("connector_not_connected");
    $("connection-status").className = connected ? "ok-text" : connection.state === "broken" ? "error-text" : "muted";
    $("disconnect").hidden = connection.state === "disconnected";
    $("connection-alert").hidden = connection.state !== "broken";
    $("connection-alert-text").textContent = connection.state === "broken"
      ? t("connector_broken_alert", { error: connection.error ?? "" }) : "";
    $("salesforce-login").textContent = connected ? t("connector_login_again_button") : t("connector_login");
  }

  /** The form as the PUT body; the secret only when typed (it is never shown back). */
  function formSettings() {
    const body = {
      enabled: $("enabled").checked, loginUrl: $("loginUrl").value.trim(), consumerKey: $("consumerKey").value.trim(),
      campaignName: $("campaignName").value, registeredStatus: $("registeredStatus").value, attendedStatus: $("attendedStatus").value,
      cancelledStatus: $("cancelledStatus").value, noShowStatus: $("noShowStatus").value,
      noShowGraceHours: $("noShowGraceHours").value === "" ? undefined : Number($("noShowGraceHours").value),
      allowLeadCreation: $("allowLeadCreation").checked, allowUpdate: $("allowUpdate").checked,
      leadAssignment: $("leadAssignment").value,
      contactAccount: { mode: $("contactAccountMode").value, accountId: $("contactAccountId").value.trim() || null },
      duplicateRules: $("duplicateRules").value, longText: $("longText").value,
      apiBudgetShare: $("apiBudgetShare").value === "" ? undefined : Number($("apiBudgetShare").value) / 100,
      exclusions: $("exclusions").value.split(/[\n,]/).map((line) => line.trim()).filter((line) => line !== ""),
      batchSize: Object.fromEntries(["lead", "contact", "campaignMember"].map((object) => [object, Number($(`batch-${object}`).value) || 200])),
    };
    if ($("consumerSecret").value) body.consumerSecret = $("consumerSecret").value;
    return body;
  }

  async function save() {
    settings = await api("PUT", base, formSettings());
    markUnsaved(false);
    $("consumerSecret").value = "";
    $("consumerSecret").placeholder = settings.consumerSecretSet ? t("connector_secret_set") : "";
    $("consumerSecret-state").textContent = settings.consumerSecretSet ? t("connector_secret_set_hint") : t("connector_secret_missing");
    showUnsynced();
    return settings;
  }

  // Findings beside their controls: each check finding and each refused save names a field
  // (`apiBudgetShare`, `exclusions[2]`, `batchSize.lead`, `mappings.contact.size`); its control is
  // outlined, described by the message, in the screen's units. Cleared before each check or save.
  function controlFor(field) {
    const [head, second] = field.replace(/\[\d+\]$/, "").split(".");
    if (head === "batchSize" && second) return $(`batch-${second}`);
    if ((head === "mappings" || head === "fixedValues") && second) return $(`mapping-${second}`);
    if (head === "contactAccount") return second === "accountId" ? $("contactAccountId") : $("contactAccountMode");
    return $(head);
  }

  /** The message in the screen's units: the budget is a percentage here, a share of 1 in the API. */
  function screenMessage(field, message) {
    return field === "apiBudgetShare" ? t("connector_budget_share_invalid") : message;
  }

  function clearFieldIssues() {
    for (const control of document.querySelectorAll("#connector [data-check-invalid]")) {
      control.removeAttribute("data-check-invalid");
      control.classList.remove("invalid");
      control.setAttribute("aria-invalid", "false");
      control.setAttribute("aria-describedby", (control.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => !id.endsWith("-check-error")).join(" "));
    }
    for (const note of document.querySelectorAll("#connector .check-error")) note.remove();
  }

  function markFieldIssues(issues) {
    for (const issue of issues) {
      if (!issue.field || issue.field === "campaignName" || issue.field === "connection") continue;
      const control = controlFor(issue.field);
      if (!control) continue;
      const noteId = `${control.id}-check-error`;
      let note = $(noteId);
      if (!note) {
        note = el("p", { class: "error-text check-error", id: noteId });
        (control.closest(".field") ?? control.parentElement).append(note);
      }
      note.textContent = [note.textContent, screenMessage(issue.field, issue.message)].filter(Boolean).join(" ");
      control.dataset.checkInvalid = "true";
      control.classList.add("invalid");
      control.setAttribute("aria-invalid", "true");
      const described = (control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
      if (!described.includes(noteId)) control.setAttribute("aria-describedby", [...described, noteId].join(" "));
    }
  }

  function status(id, text, kind) {
    $(id).textContent = text;
    $(id).className = kind === "error" ? "error-text" : kind === "ok" ? "ok-text" : "muted";
  }

  // Unsaved edits are marked beside Save, and leaving the page with them asks first.
  let unsaved = false;
  function markUnsaved(value) {
    unsaved = value;
    $("unsaved").hidden = !value;
    // "Saved." speaks of the form as it was: an edit makes it stale.
    if (value) status("save-status", "");
  }
  $("connector-form").addEventListener("input", (event) => {
    if (event.target.id !== "enabled" && event.target.id !== "consumerSecret-reveal") markUnsaved(true);
  });
  window.addEventListener("beforeunload", (event) => {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // The switch saves at once, on its own: turning the sync off never waits for another button.
  $("enabled").addEventListener("change", async () => {
    const enabled = $("enabled").checked;
    status("enabled-status", t("connector_saving"));
    try {
      settings = await api("PUT", base, { enabled });
      status("enabled-status", t(enabled ? "connector_enabled_saved" : "connector_disabled_saved"), "ok");
      showUnsynced();
    } catch (error) {
      $("enabled").checked = !enabled;
      status("enabled-status", error.message, "error");
    }
  });

  $("connector-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    // Another campaign for an event whose campaign is known: say what becomes of its members.
    const campaign = $("campaignName").value.trim();
    if (settings?.campaignId && campaign !== settings.campaignName.trim()
        && !window.confirm(t("connector_campaign_change_confirm", { old: settings.campaignName, name: campaign }))) return;
    status("save-status", t("connector_saving"));
    clearFieldIssues();
    try {
      await save();
      status("save-status", t("connector_saved"), "ok");
      if (settings.connection.state === "connected") await checkCampaign();
    } catch (error) {
      markFieldIssues(error.details ?? []);
      status("save-status", (error.details ?? []).length ? t("connector_save_refused", { count: error.details.length }) : error.message, "error");
    }
  });

  /** The web-server flow in a pop-up (S11). The window opens at once, within the click, so no
   *  pop-up blocker stops it; it is sent to Salesforce once Roster has made the login URL. */
  async function login() {
    const popup = window.open("about:blank", "salesforce-login", "popup,width=520,height=680");
    status("login-status", t("connector_opening_login"));
    try {
      await save();
      const { authorizeUrl } = await api("POST", `${base}/connect`, { flow: "webServer" });
      if (popup) popup.location.href = authorizeUrl;
      else window.location.assign(authorizeUrl);
      status("login-status", t("connector_login_waiting"));
    } catch (error) {
      popup?.close();
      status("login-status", error.message, "error");
    }
  }
  $("salesforce-login").addEventListener("click", login);
  $("login-again").addEventListener("click", login);

  window.addEventListener("message", async (event) => {
    if (event.origin !== location.origin || !event.data?.type?.startsWith("roster-salesforce")) return;
    if (event.data.type === "roster-salesforce-connected") {
      status("login-status", t("connector_login_done"), "ok");
      // What an earlier check said of the old connection no longer holds.
      $("check-errors").replaceChildren();
      $("check-warnings").replaceChildren();
      await load();
    } else {
      status("login-status", event.data.message ?? t("connector_login_failed"), "error");
    }
  });

  $("disconnect").addEventListener("click", async () => {
    if (!window.confirm(t("connector_disconnect_confirm"))) return;
    try {
      settings = await api("DELETE", `${base}/connection`);
      showConnection(settings.connection);
      showUnsynced();
    } catch (error) {
      status("login-status", error.message, "error");
    }
  });

  // MARK: Campaign and statuses (S12–S14)

  function fillStatuses(statuses, registered, attended, cancelled, noShow) {
    const optional = { cancelledStatus: "connector_cancelled_none", noShowStatus: "connector_no_show_none" };
    for (const [id, current] of [["registeredStatus", registered], ["attendedStatus", attended], ["cancelledStatus", cancelled], ["noShowStatus", noShow]]) {
      const select = $(id);
      const values = [...statuses];
      if (current && !values.includes(current)) values.unshift(current);
      select.replaceChildren(el("option", { value: "" }, t(optional[id] ?? "connector_choose_status")),
        ...values.map((value) => el("option", { value, selected: value === current }, statuses.length && !statuses.includes(value) ? t("connector_status_unknown", { status: value }) : value)));
    }
  }

  function markCampaign(invalid, message, suggestions = [], canCreate = false) {
    const input = $("campaignName");
    input.setAttribute("aria-invalid", invalid ? "true" : "false");
    input.classList.toggle("invalid", invalid);
    $("campaignName-error").hidden = !invalid;
    $("campaignName-message").textContent = message ?? "";
    $("campaign-suggestions").replaceChildren(...suggestions.map((name) =>
      el("li", {}, el("button", { type: "button", class: "link campaign-suggestion", onclick: () => pickCampaign(name) }, name))));
    $("create-campaign").hidden = !canCreate;
  }

  async function pickCampaign(name) {
    $("campaignName").value = name;
    markUnsaved(true);
    await checkCampaign();
    $("campaignName").focus();
  }

  /** Looks the name up as the check does; on blur and on save. */
  async function checkCampaign() {
    const name = $("campaignName").value;
    if (!settings || settings.connection.state !== "connected") return;
    if (!name.trim()) { markCampaign(true, t("connector_campaign_missing")); return; }
    try {
      const found = await api("GET", `${base}/campaigns?name=${encodeURIComponent(name)}`);
      if (found.matches === 1) {
        markCampaign(false);
        fillStatuses(found.campaign.statuses, $("registeredStatus").value || settings.registeredStatus, $("attendedStatus").value || settings.attendedStatus,
          $("cancelledStatus").value || settings.cancelledStatus, $("noShowStatus").value || settings.noShowStatus);
      } else if (found.matches === 0) {
        markCampaign(true, t(found.suggestions.length ? "connector_campaign_not_found_suggest" : "connector_campaign_not_found", { name }), found.suggestions, true);
      } else {
        markCampaign(true, t("connector_campaign_ambiguous", { name, count: found.matches }));
      }
    } catch (error) {
      markCampaign(true, error.message);
    }
  }
  $("campaignName").addEventListener("blur", checkCampaign);

  // Creating a campaign changes the org: the organiser confirms the exact name (and sees the
  // closest existing one, in case of a typo); the new campaign becomes the event's only when they
  // save the form with it.
  $("create-campaign").addEventListener("click", async () => {
    const name = $("campaignName").value.trim();
    const closest = document.querySelector("#campaign-suggestions .campaign-suggestion")?.textContent;
    const question = t("connector_campaign_create_confirm", { name }) + (closest ? "\n\n" + t("connector_campaign_create_close", { closest }) : "");
    if (!window.confirm(question)) return;
    try {
      const registeredStatus = $("registeredStatus").value || undefined;
      const attendedStatus = $("attendedStatus").value || undefined;
      const created = await api("POST", `${base}/campaign`, { name, registeredStatus, attendedStatus });
      const saved = created.name === settings.campaignName.trim() && (registeredStatus ?? settings.registeredStatus) === settings.registeredStatus
        && (attendedStatus ?? settings.attendedStatus) === settings.attendedStatus;
      status("campaign-status", t(saved ? "connector_campaign_created" : "connector_campaign_created_unsaved", { name: created.name }), "ok");
      if (!saved) markUnsaved(true);
      await checkCampaign();
    } catch (error) {
      $("campaignName-message").textContent = error.message;
    }
  });

  // MARK: Mapping editors (S18, S34)

  let mappingObject = null;
  let validateTimer = null;

  async function openMapping(object) {
    mappingObject = object;
    $("mapping-title").textContent = document.querySelector(`#mapping-${object}`).textContent;
    $("mapping-json").value = JSON.stringify(settings?.mappings?.[object] ?? {}, null, 2);
    $("fixed-json").value = JSON.stringify(settings?.fixedValues?.[object] ?? {}, null, 2);
    $("mapping-error").hidden = true;
    $("mapping-dialog").showModal();
    $("mapping-json").focus();
    validateMapping();
    try {
      catalog ??= await api("GET", `${base}/fields`);
      drawCatalog();
    } catch (error) {
      $("mapping-fields-note").textContent = error.message;
    }
  }

  /** The mapping as a table beside its JSON: each participant field Salesforce can take, the
   *  field it goes to (among the compatible ones) and when it may overwrite. Editing the table
   *  writes the JSON; JSON that parses redraws the table. */
  function drawCatalog() {
    $("mapping-fields-note").textContent = catalog.salesforceError ? t("mapping_no_salesforce", { error: catalog.salesforceError }) : t("mapping_fields_hint");
    $("mapping-fields").tBodies[0].replaceChildren(...catalog.participantFields.map((field) => {
      if (!field.syncable) {
        return el("tr", { class: "muted" }, el("td", {}, el("code", {}, field.code), " ", field.label),
          el("td", { colspan: "2" }, t("mapping_not_syncable", { reason: field.reason })));
      }
      const compatible = field.compatible?.[mappingObject] ?? [];
      const target = catalog.salesforceError
        ? el("input", { type: "text", class: "map-target", "data-code": field.code, "aria-label": t("mapping_salesforce_field") + " — " + field.code, spellcheck: "false" })
        : el("select", { class: "map-target", "data-code": field.code, "aria-label": t("mapping_salesforce_field") + " — " + field.code },
          el("option", { value: "" }, t("mapping_not_sent")), ...compatible.map((name) => el("option", { value: name }, name)));
      const overwrite = el("select", { class: "map-overwrite", "data-code": field.code, "aria-label": t("mapping_overwrite") + " — " + field.code },
        ...["always", "ifEmpty", "never"].map((policy) => el("option", { value: policy }, t(`overwrite_${policy}`))));
      return el("tr", { "data-code": field.code },
        el("td", {}, el("code", {}, field.code), " ", field.label, el("div", { class: "hint" }, field.type)), el("td", {}, target), el("td", {}, overwrite));
    }));
    const fields = catalog.salesforceFields?.[mappingObject] ?? [];
    $("mapping-sf-fields").tBodies[0].replaceChildren(...fields.map((field) =>
      el("tr", { class: field.writable ? "" : "muted" },
        el("td", {}, el("code", {}, field.name), " ", field.label),
        el("td", {}, field.typeLabel + (field.length ? ` (${field.length})` : "")),
        el("td", {}, field.writable ? t("yes") : field.reason))));
    fillMappingTable();
  }

  /** The table shows the JSON's mapping (when it parses); a field the JSON names that is not
   *  among the compatible ones stays shown, marked, for the check to explain. */
  function fillMappingTable() {
    let mapping;
    try { mapping = JSON.parse($("mapping-json").value.trim() || "{}"); } catch { return; }
    if (mapping === null || typeof mapping !== "object" || Array.isArray(mapping)) return;
    for (const target of document.querySelectorAll("#mapping-fields .map-target")) {
      const entry = mapping[target.dataset.code];
      const name = typeof entry === "string" ? entry : entry?.field ?? "";
      if (target.tagName === "SELECT" && name && ![...target.options].some((option) => option.value === name)) {
        target.add(new Option(t("mapping_incompatible", { name }), name));
      }
      target.value = name;
      const overwrite = document.querySelector(`#mapping-fields .map-overwrite[data-code="${CSS.escape(target.dataset.code)}"]`);
      overwrite.value = typeof entry === "object" && entry?.overwrite ? entry.overwrite : "always";
      overwrite.disabled = !name;
    }
  }

  /** The JSON rewritten from the table: entries the table does not show are kept as they are. */
  function tableToJSON() {
    let mapping;
    try { mapping = JSON.parse($("mapping-json").value.trim() || "{}"); } catch { mapping = {}; }
    if (mapping === null || typeof mapping !== "object" || Array.isArray(mapping)) mapping = {};
    for (const target of document.querySelectorAll("#mapping-fields .map-target")) {
      const code = target.dataset.code;
      const name = target.value.trim();
      const overwrite = document.querySelector(`#mapping-fields .map-overwrite[data-code="${CSS.escape(code)}"]`);
      overwrite.disabled = !name;
      if (!name) delete mapping[code];
      else mapping[code] = overwrite.value === "always" ? name : { field: name, overwrite: overwrite.value };
    }
    $("mapping-json").value = JSON.stringify(mapping, null, 2);
    $("mapping-error").hidden = true;
    validateMapping();
  }
  $("mapping-fields").addEventListener("change", tableToJSON);
  $("mapping-fields").addEventListener("input", (event) => { if (event.target.tagName === "INPUT") tableToJSON(); });

  /** Parses as you type; a mapping that parses is checked by the server, as the check would. */
  function validateMapping() {
    clearTimeout(validateTimer);
    const text = $("mapping-json").value;
    let parsed;
    try {
      parsed = text.trim() ? JSON.parse(text) : {};
    } catch (error) {
      showMappingValidity(false, t("mapping_not_json", { error: error.message }), []);
      return null;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      showMappingValidity(false, t("mapping_not_object"), []);
      return null;
    }
    validateTimer = setTimeout(async () => {
      try {
        const result = await api("POST", `${base}/mappings/validate`, { object: mappingObject, mapping: parsed });
        showMappingValidity(result.errors.length === 0, result.errors.length ? t("mapping_has_errors", { count: result.errors.length }) : t("mapping_valid"),
          result.errors, result.warnings);
      } catch (error) {
        showMappingValidity(false, error.message, []);
      }
    }, 250);
    return parsed;
  }

  function showMappingValidity(valid, message, errors, warnings = []) {
    const textarea = $("mapping-json");
    textarea.setAttribute("aria-invalid", valid ? "false" : "true");
    textarea.classList.toggle("invalid", !valid);
    $("mapping-validity").textContent = message;
    $("mapping-validity").className = valid ? "ok-text" : "error-text";
    $("mapping-issues").replaceChildren(
      ...errors.map((issue) => el("li", { class: "error" }, issue.message)),
      ...warnings.map((issue) => el("li", { class: "warning" }, issue.message)));
  }

  $("mapping-json").addEventListener("input", () => {
    $("mapping-error").hidden = true;
    if (validateMapping() !== null && catalog) fillMappingTable();
  });
  document.querySelectorAll(".mapping-open").forEach((button) => button.addEventListener("click", () => openMapping(button.dataset.object)));
  $("mapping-cancel").addEventListener("click", () => $("mapping-dialog").close());
  $("mapping-save").addEventListener("click", async () => {
    const parsed = validateMapping();
    const box = $("mapping-error");
    if (parsed === null) { box.textContent = $("mapping-validity").textContent; box.hidden = false; return; }
    let fixed;
    try { fixed = JSON.parse($("fixed-json").value.trim() || "{}"); } catch (error) { fixed = null; }
    if (fixed === null || typeof fixed !== "object" || Array.isArray(fixed)) {
      box.textContent = t("mapping_fixed_not_object");
      box.hidden = false;
      return;
    }
    try {
      settings = await api("PUT", base, { mappings: { [mappingObject]: parsed }, fixedValues: { ...(settings.fixedValues ?? {}), [mappingObject]: fixed } });
      box.hidden = true;
      $("mapping-dialog").close();
      status("mappings-status", t("mapping_saved"), "ok");
    } catch (error) {
      // Refused (422): the server names each problem; nothing was saved.
      box.textContent = error.details?.length > 1 ? `${error.message}: ${error.details.map((detail) => detail.message).join(" ")}` : error.message;
      box.hidden = false;
    }
  });

  // MARK: Check configuration (S20)

  function showUsage(usage) {
    if (!usage) return;
    $("api-usage-block").hidden = false;
    $("api-usage").max = usage.max;
    $("api-usage").value = usage.used;
    $("api-usage-text").textContent = t("connector_api_usage_text", { used: usage.used, max: usage.max });
  }

  $("check").addEventListener("click", async () => {
    const button = $("check");
    button.disabled = true;
    $("check-errors").replaceChildren(el("li", { class: "muted" }, t("connector_checking")));
    $("check-warnings").replaceChildren();
    $("check-ok").hidden = true;
    try {
      // What the screen shows, saved or not: the check looks at that, and saves nothing.
      clearFieldIssues();
      const result = await api("POST", `${base}/check`, formSettings());
      markFieldIssues([...result.errors, ...result.warnings]);
      $("check-ok").hidden = !result.ok;
      $("check-errors").replaceChildren(...result.errors.map((issue) => el("li", { class: "error", "data-code": issue.code, "data-field": issue.field }, issue.message)));
      $("check-warnings").replaceChildren(...result.warnings.map((issue) => el("li", { class: "warning", "data-code": issue.code, "data-field": issue.field }, issue.message)));
      $("check-estimate").textContent = t("connector_estimate", { calls: result.estimatedCallsForFullSync });
      showUsage(result.apiUsage);
      if (result.errors.some((issue) => issue.field === "campaignName")) await checkCampaign();
      // A token Salesforce refused during the check broke the connection: show the alert now.
      if (result.errors.some((issue) => issue.field === "connection")) {
        settings.connection = (await api("GET", base)).connection;
        showConnection(settings.connection);
      }
    } catch (error) {
      markFieldIssues(error.details ?? []);
      $("check-errors").replaceChildren(el("li", { class: "error" }, error.message));
    } finally {
      button.disabled = false;
    }
  });

  // MARK: Force sync (S19): progress, counters, per-person results

  const counters = ["processed", "created", "updated", "linked", "unchanged", "failed", "apiCalls"];

  /** A sync writes to the org: before it starts, the organiser sees how many people and about
   *  how many API calls (the check's estimate, for the settings as saved), and confirms. */
  async function confirmSync() {
    const [event, estimate] = await Promise.all([
      api("GET", `/api/v1/events/${eventId}`),
      api("POST", `${base}/check`).then((result) => result.estimatedCallsForFullSync, () => null),
    ]);
    const question = estimate === null ? t("connector_force_confirm_people", { people: event.participantCount })
      : t("connector_force_confirm", { people: event.participantCount, calls: estimate });
    return window.confirm(question);
  }

  async function startSync(dryRun) {
    if (!dryRun && !(await confirmSync().catch(() => window.confirm(t("connector_force_confirm_people", { people: "?" }))))) return;
    $("force-sync").disabled = $("dry-run").disabled = true;
    $("sync-block").hidden = false;
    $("sync-results").hidden = true;
    $("sync-label").textContent = dryRun ? t("connector_dry_run_progress") : t("connector_sync_progress");
    try {
      const { runId } = await api("POST", `${base}/sync`, { dryRun });
      $("unsynced-offer").hidden = true;
      await follow(runId);
      settings = await api("GET", base);
      showUnsynced();
    } catch (error) {
      status("sync-state", error.message, "error");
    } finally {
      $("force-sync").disabled = $("dry-run").disabled = false;
    }
  }

  async function follow(runId) {
    const cancel = $("cancel-sync");
    cancel.onclick = async () => {
      if (!confirm(t("connector_cancel_confirm"))) return;
      cancel.disabled = true;
      try {
        await api("POST", `${base}/runs/${runId}/cancel`);
      } catch (error) {
        status("sync-state", error.message, "error");
        cancel.disabled = false;
      }
    };
    cancel.disabled = false;
    cancel.hidden = false;
    let run = null;
    try {
      run = await followRun(runId);
      return run;
    } finally {
      // A paused run goes on by itself later: it can still be cancelled from here.
      cancel.hidden = run?.state !== "paused";
    }
  }

  async function followRun(runId) {
    for (;;) {
      const run = await api("GET", `${base}/runs/${runId}`);
      const done = ["succeeded", "failed", "paused", "cancelled"].includes(run.state);
      const percent = run.total > 0 ? Math.floor((run.processed / run.total) * 100) : (done ? 100 : 0);
      $("sync-progress").value = percent;
      $("sync-percent").textContent = `${percent}%`;
      status("sync-state", t(`run_${run.state}`) + (run.pausedReason ? ` — ${run.pausedReason}` : ""),
        run.state === "failed" ? "error" : run.state === "succeeded" ? "ok" : undefined);
      $("sync-counters").replaceChildren(...counters.map((name) =>
        el("div", {}, el("dt", {}, t(`counter_${name === "apiCalls" ? "api_calls" : name}`)), el("dd", { id: `counter-${name}` }, name === "processed" ? `${run.processed} / ${run.total}` : run[name]))));
      $("sync-run-meta").textContent = runMeta(run);
      if (done) {
        await showResults(runId);
        return run;
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  }

  /** Who started a run and how long it took (or has taken so far). */
  function runMeta(run) {
    const parts = [];
    if (run.startedBy) parts.push(t("run_started_by", { who: run.startedBy }));
    if (run.startedAt) {
      const end = run.finishedAt ? new Date(run.finishedAt) : new Date();
      parts.push(t("run_duration", { seconds: Math.max(0, (end - new Date(run.startedAt)) / 1000).toFixed(1) }));
    }
    return parts.join(" · ");
  }

  /** A history code (`member_create`, `succeeded`…) in the page's language; the code itself when it has no label. */
  function label(prefix, code) {
    const text = t(prefix + code);
    return text === prefix + code ? code : text;
  }

  /** Every person of a run, 200 lines a page ("Show more" adds the next), filtered by outcome. */
  let resultsRun = null;
  let resultsAfter = null;
  async function showResults(runId, more = false) {
    resultsRun = runId;
    const query = new URLSearchParams({ limit: "200" });
    if ($("sync-results-outcome").value) query.set("outcome", $("sync-results-outcome").value);
    if (more && resultsAfter !== null) query.set("after", String(resultsAfter));
    const { items, total, nextAfter } = await api("GET", `${base}/runs/${runId}/results?${query}`);
    resultsAfter = nextAfter ?? null;
    const table = $("sync-results");
    const instance = settings?.connection?.instanceUrl;
    const rows = items.map((line) =>
      el("tr", { class: line.outcome === "failed" ? "failed" : "" },
        el("td", {}, el("a", { href: `/events/${eventId}/participants/${line.participantId}` }, line.email)),
        el("td", {}, label("outcome_", line.outcome) + (line.error ? `: ${line.error}` : "")),
        el("td", {}, label("op_", line.operation)), el("td", {}, line.object),
        el("td", {}, line.recordId && instance
          ? el("a", { href: `${instance}/${line.recordId}`, target: "_blank", rel: "noopener", class: "record-link" }, line.recordId)
          : (line.recordId ?? ""))));
    const csv = new URLSearchParams({ format: "csv" });
    if ($("sync-results-outcome").value) csv.set("outcome", $("sync-results-outcome").value);
    $("sync-results-csv").href = `${base}/runs/${runId}/results?${csv}`;
    if (more) table.tBodies[0].append(...rows); else table.tBodies[0].replaceChildren(...rows);
    const shown = table.tBodies[0].rows.length;
    table.hidden = shown === 0;
    $("sync-results-tools").hidden = false;
    $("sync-results-count").textContent = t("results_count", { shown, total });
    $("sync-results-more").hidden = resultsAfter === null;
  }

  $("sync-results-more").addEventListener("click", () => resultsRun && showResults(resultsRun, true).catch((error) => status("results-status", error.message, "error")));
  $("sync-results-outcome").addEventListener("change", () => resultsRun && showResults(resultsRun).catch((error) => status("results-status", error.message, "error")));

  $("force-sync").addEventListener("click", () => startSync(false));
  $("sync-unsynced").addEventListener("click", () => startSync(false));
  $("dry-run").addEventListener("click", () => startSync(true));

  load().catch((error) => status("load-status", error.message, "error"));
})();
