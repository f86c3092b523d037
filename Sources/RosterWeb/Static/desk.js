// The check-in desk: find a person as you type, check them in or undo, one-handed on a phone or
// keyboard-only on a laptop. A change the network does not take is kept (in the page, and in the
// tab's session storage so a reload keeps it: ids and check-ins only, no name, gone with the tab
// or at sign-out) and sent as soon as the network answers, saying so.
"use strict";

(() => {
  const { t, api, el, localTime } = Roster;
  const $ = (id) => document.getElementById(id);
  const desk = $("desk");
  if (!desk) return;
  const eventId = desk.dataset.eventId;
  const search = $("desk-search");
  const list = $("desk-results");
  const status = $("desk-status");
  const done = $("desk-done");
  const queueBox = $("desk-queue");
  const storageKey = `roster-desk-queue-${eventId}`;
  const names = new Map();

  let people = [];
  let asked = 0;
  let shown = 0;

  /** Changes not yet taken by the server: participant id → {attended}. */
  const queue = new Map();
  try {
    for (const [id, change] of Object.entries(JSON.parse(sessionStorage.getItem(storageKey) || "{}"))) {
      if (typeof change?.attended === "boolean") queue.set(id, { attended: change.attended });
    }
  } catch {
    sessionStorage.removeItem(storageKey);
  }
  function keepQueue() {
    if (queue.size) sessionStorage.setItem(storageKey, JSON.stringify(Object.fromEntries(queue)));
    else sessionStorage.removeItem(storageKey);
  }

  function nameOf(person) {
    return [person.firstName, person.lastName].filter(Boolean).join(" ") || person.email;
  }

  function showCounts(answer) {
    $("desk-checked-in").textContent = answer.checkedIn;
    $("desk-participants").textContent = answer.participants;
  }

  function render() {
    list.replaceChildren(...people.map((person, index) => {
      const waiting = queue.get(person.id);
      const attended = waiting ? waiting.attended : person.hasAttended;
      const state = attended
        ? (person.checkedInAt && !waiting ? t("desk_checked_in_at", { time: localTime(person.checkedInAt, "time") }) : t("desk_checked_in"))
        : "";
      const button = el("button", {
        type: "button", class: attended ? "desk-action undo" : "desk-action primary", "data-index": index,
        "aria-label": `${attended ? t("desk_undo") : t("desk_check_in")} — ${nameOf(person)}`,
      }, attended ? t("desk_undo") : t("desk_check_in"));
      return el("li", { class: `desk-person${attended ? " attended" : ""}`, "data-participant": person.id },
        el("div", { class: "desk-who" },
          el("strong", { class: "desk-name" }, nameOf(person)),
          person.company ? el("span", { class: "desk-company" }, person.company) : null,
          el("span", { class: "desk-email muted" }, person.email),
          state ? el("span", { class: "desk-state yes" }, state) : null,
          waiting ? el("span", { class: "desk-state warning-text" }, t("desk_pending")) : null),
        button);
    }));
  }

  async function find() {
    const q = search.value.trim();
    const ask = ++asked;
    try {
      const answer = await api("GET", `/api/v1/events/${encodeURIComponent(eventId)}/desk?q=${encodeURIComponent(q)}`);
      if (ask < shown) return; // an older answer arriving after a newer one
      shown = ask;
      showCounts(answer);
      people = answer.items;
      render();
      status.textContent = !q ? "" : !people.length ? t("desk_none", { q }) : answer.total > people.length ? t("desk_more") : "";
    } catch (error) {
      if (error.code !== "network") status.textContent = error.message;
    }
  }

  let timer;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(find, 120);
  });

  /** Sends one change; `true` when the server took it (or refused it for good), `false` when
   *  the network or the server is away, or the sign-in expired, and it must wait. */
  async function send(id, change) {
    const name = names.get(id) ?? t("desk_someone");
    try {
      const saved = await api("PATCH", `/api/v1/events/${encodeURIComponent(eventId)}/participants/${encodeURIComponent(id)}`, { hasAttended: change.attended });
      const person = people.find((candidate) => candidate.id === id);
      if (person) Object.assign(person, { hasAttended: saved.hasAttended, checkedInAt: saved.checkedInAt });
      return true;
    } catch (error) {
      if (error.code === "network" || !error.status || error.status >= 500 || error.status === 401) return false;
      done.textContent = "";
      status.textContent = t("desk_failed", { name, error: error.message });
      return true;
    }
  }

  let flushing = false;
  /** Sends what waits, oldest first; says when the network took it back. */
  async function flush() {
    if (flushing || !queue.size) return;
    flushing = true;
    let sent = 0;
    try {
      for (const [id, change] of [...queue]) {
        if (!(await send(id, change))) break;
        if (queue.get(id) === change) queue.delete(id);
        sent += 1;
      }
    } finally {
      flushing = false;
      keepQueue();
      showQueue(sent);
      render();
      if (sent) find();
    }
  }

  function showQueue(sent = 0) {
    if (queue.size) {
      queueBox.textContent = t("desk_queued", { count: queue.size });
      queueBox.className = "desk-queue alert warning";
      queueBox.hidden = false;
    } else if (sent && !queueBox.hidden) {
      queueBox.textContent = t("desk_sent", { count: sent });
      queueBox.className = "desk-queue alert ok";
    }
  }

  async function toggle(index) {
    const person = people[index];
    if (!person) return;
    const waiting = queue.get(person.id);
    const attended = !(waiting ? waiting.attended : person.hasAttended);
    const change = { attended };
    names.set(person.id, nameOf(person));
    queue.set(person.id, change);
    keepQueue();
    render();
    if (flushing) return showQueue();
    flushing = true;
    const taken = await send(person.id, change);
    flushing = false;
    if (taken && queue.get(person.id) === change) queue.delete(person.id);
    keepQueue();
    showQueue();
    render();
    if (taken) {
      done.textContent = t(attended ? "desk_done" : "desk_undone", { name: names.get(person.id) });
      find();
    }
    // Ready for the next person: the search selected, so typing replaces it.
    search.focus();
    search.select();
    if (queue.size) flush();
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button.desk-action");
    if (button) toggle(Number(button.dataset.index));
  });

  // Keyboard: ↓/↑ between the search and the people found, Esc clears.
  function buttons() { return [...list.querySelectorAll("button.desk-action")]; }
  desk.addEventListener("keydown", (event) => {
    const all = buttons();
    const at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? search : all[at - 1]).focus();
    } else if (event.key === "Escape") {
      search.value = "";
      search.focus();
      find();
    }
  });
  // Enter on the search: one person found is checked in (or undone); among several, the first
  // takes the focus, so the right one is chosen, never guessed.
  $("desk-search-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearTimeout(timer);
    await find();
    if (people.length === 1) toggle(0);
    else buttons()[0]?.focus();
  });

  window.addEventListener("online", flush);
  setInterval(() => { if (queue.size) flush(); }, 3000);
  // The counts stay current while other desks check people in.
  setInterval(() => { if (document.visibilityState === "visible" && !queue.size && !search.value.trim()) find(); }, 10000);
  showQueue();
  if (queue.size) flush();
})();
