// No signal in the store room: what a page last saw (a batch card, the announced deliveries) and the entries made
// meanwhile (待发送) live in IndexedDB, which outlasts a reload and a restart of the browser. Each entry keeps its own
// Idempotency-Key and its scan moment as occurred_at; they are sent in the order they were made when the network
// returns (the online event, a page load, the 立即发送 button). A refusal stays on its entry, with the server's
// reason and what to do, until it is edited and sent again or discarded.
"use strict";
(function () {
  const FT = window.FT;
  const { t, el, request, session, notice, formatMoment } = FT;
  const DB = "foodtrace";
  const ENTRIES = "outbox";
  const SEEN = "seen"; // what a page last synced: { key: "batch:7KQ2-M9XHH" | "deliveries", value, synced_at }
  let opened = null;

  function db() {
    opened = opened || new Promise((resolve, reject) => {
      const asked = indexedDB.open(DB, 1);
      asked.onupgradeneeded = () => {
        asked.result.createObjectStore(ENTRIES, { keyPath: "id", autoIncrement: true });
        asked.result.createObjectStore(SEEN, { keyPath: "key" });
      };
      asked.onsuccess = () => resolve(asked.result);
      asked.onerror = () => reject(asked.error);
    });
    return opened;
  }

  async function run(store, mode, work) {
    const tx = (await db()).transaction(store, mode);
    const asked = work(tx.objectStore(store));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(asked.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  // --- what a page last saw ---------------------------------------------------------------------------
  function remember(key, value) {
    return run(SEEN, "readwrite", (s) => s.put({ key, value, synced_at: FT.countyNow() })).catch((error) => console.warn("kept copy:", error));
  }
  function recall(key) {
    return run(SEEN, "readonly", (s) => s.get(key));
  }
  // "离线 · 上次同步 3月2日 07:30": what a page shows over data from IndexedDB.
  function staleNote(seen) {
    return t("offline_synced", { time: formatMoment(seen.synced_at) });
  }

  // --- a scanned label without the server: the batch code it carries (labels/payload.py reads it online) ----------
  const ALIASES = { O: "0", I: "1", L: "1" };
  function codeOf(payload) {
    let text = payload.trim().replace(/^\][A-Za-z][0-9A-Za-z]/, "").trim();
    if (text.includes("://")) {
      try {
        const url = new URL(text);
        const segments = url.pathname.split("/").filter(Boolean);
        text = url.searchParams.get("ft") || (segments.length >= 2 && segments[segments.length - 2].toLowerCase() === "b" ? segments[segments.length - 1] : "");
      } catch (error) {
        return null;
      }
    }
    const compact = [...text.toUpperCase()].filter((ch) => ch !== " " && ch !== "-").map((ch) => ALIASES[ch] || ch).join("");
    return /^[0-9A-Z]{9}$/.test(compact) ? `${compact.slice(0, 4)}-${compact.slice(4)}` : null;
  }

  // --- the entries --------------------------------------------------------------------------------------
  function entries() {
    return run(ENTRIES, "readonly", (s) => s.getAll());
  }
  // The commands waiting (or refused), by path: what a page should not offer again.
  async function paths() {
    return new Set((await entries()).map((entry) => entry.path));
  }
  function save(entry) {
    return run(ENTRIES, "readwrite", (s) => s.put(entry));
  }
  function drop(id) {
    return run(ENTRIES, "readwrite", (s) => s.delete(id));
  }

  // One entry: the command's path under /api/v1 and body, what the person reads in the list, and the moment of the
  // scan, which the server records as the business time (occurred_at).
  async function add({ path, body, kind, what, key, occurredAt }) {
    // Ask the browser not to clear this site's storage when the phone runs short of space (granted to installed apps).
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    const me = session();
    const occurred = occurredAt || FT.countyNow();
    await save({
      key: key || FT.newKey(),
      path,
      body: { ...body, occurred_at: occurred },
      kind,
      what,
      occurred_at: occurred,
      person_id: me.person_id,
      person_name: me.name || me.person_id,
      state: "waiting",
      problem: null,
    });
    await show();
    if (!FT.offline()) send();
  }

  // --- sending --------------------------------------------------------------------------------------------
  let sending = false;
  let needsSignIn = false;

  function send() {
    // One tab at a time sends (each entry's key would make a second sending harmless, but not quiet).
    return navigator.locks ? navigator.locks.request("ft-outbox", sendAll) : sendAll();
  }

  async function sendAll() {
    if (sending) return;
    if (FT.offline()) return show();
    sending = true;
    needsSignIn = false;
    let sent = 0;
    try {
      const me = session();
      for (const entry of await entries()) {
        if (entry.state !== "waiting") continue;
        if (!me || me.person_id !== entry.person_id) {
          needsSignIn = needsSignIn || !me;
          continue; // sent only with the session of the person who made it
        }
        try {
          await request("POST", entry.path, { json: entry.body, key: entry.key, keepPage: true });
          await drop(entry.id);
          sent += 1;
        } catch (error) {
          if (error instanceof FT.NetworkFailure || error.status === 503) break; // not known to have arrived: same key later
          if (error.status === 401) {
            needsSignIn = true; // the session ended: the queue waits for this person to sign in again
            break;
          }
          await save({ ...entry, state: "refused", problem: { status: error.status, ...error.body } });
        }
      }
    } finally {
      sending = false;
    }
    if (sent) {
      notice(t("outbox_sent", { n: sent }));
      document.dispatchEvent(new CustomEvent("ft:sent"));
    }
    await show();
  }

  // --- the 待发送 list ---------------------------------------------------------------------------------
  function todo(problem) {
    const field = problem.field || "";
    if (problem.code === "wrong_pin" || field.endsWith("pin")) return t("todo_pin");
    if (field === "occurred_at") return t("todo_time");
    if (problem.status === 403) return t("todo_forbidden");
    if (problem.code === "rule_violation" || problem.status === 409) return t("todo_rule");
    return t("todo_input");
  }
  function reason(problem) {
    const said = FT.config.lang === "en" ? problem.en || problem.zh : problem.zh || problem.en;
    return said || `HTTP ${problem.status}`;
  }

  // What a refused entry may change before it is sent again: its quantities and people, and a signer's PIN (typed
  // again by that signer), the one the server named too.
  const EDITABLE = ["quantity", "grams", "taken_by", "returned_by", "dish", "fridge", "place"];
  function editable(entry) {
    const named = entry.problem && entry.problem.field;
    const fields = Object.keys(entry.body).filter((name) => EDITABLE.includes(name) || name.endsWith("_pin"));
    if (typeof named === "string" && /^[a-z_]+_pin$/.test(named) && !fields.includes(named)) fields.push(named);
    if (entry.body.taken_by && !fields.includes("taker_pin")) fields.push("taker_pin");
    return fields;
  }

  function editor(entry, item) {
    const form = el("form", { class: "outbox-edit", autocomplete: "off" });
    for (const name of editable(entry)) {
      const id = `outbox-${entry.id}-${name}`;
      const secret = name.endsWith("_pin");
      const value = secret ? "" : entry.body[name] === undefined ? "" : String(entry.body[name]);
      form.append(el("label", { for: id, text: FT.config.words[name] ? t(name) : name }));
      form.append(el("input", { id, name, value, type: secret ? "password" : "text", inputmode: secret ? "numeric" : null, maxlength: 200 }));
    }
    form.append(el("div", { class: "row" }, el("button", { type: "submit", class: "big", text: t("outbox_send_again") })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { ...entry.body };
      for (const [name, value] of new FormData(form)) {
        if (value === "") delete body[name];
        else body[name] = name === "grams" ? Number(value) : value.trim();
      }
      // The server answered the last try: this is a new command, with its own key; the scan moment stays.
      await save({ ...entry, body, key: FT.newKey(), state: "waiting", problem: null });
      await show();
      send();
    });
    item.append(form);
    const first = form.querySelector("input");
    if (first) first.focus();
  }

  function itemFor(entry) {
    const item = el(
      "li",
      { class: "outbox-item " + entry.state, "data-state": entry.state },
      el("p", {}, el("strong", { text: t("act_" + entry.kind) }), " · ", entry.what),
      el("p", { class: "hint", text: `${t("outbox_scanned_at")}${t("colon")}${formatMoment(entry.occurred_at)} · ${entry.person_name}` }),
    );
    const me = session();
    if (entry.state === "refused") {
      item.append(
        el("p", { class: "outbox-reason" }, el("strong", { text: t("outbox_refused") + t("colon") }), reason(entry.problem)),
        el("p", { class: "outbox-todo", text: todo(entry.problem) }),
      );
      const edit = el("button", { type: "button", class: "big", text: t("outbox_edit") });
      const discard = el("button", { type: "button", class: "big danger", text: t("outbox_discard") });
      edit.addEventListener("click", () => {
        edit.disabled = true;
        editor(entry, item);
      });
      discard.addEventListener("click", async () => {
        if (!confirm(t("outbox_discard_confirm"))) return;
        await drop(entry.id);
        await show();
      });
      item.append(el("div", { class: "row" }, edit, discard));
    } else if (!me || me.person_id !== entry.person_id) {
      item.append(el("p", { class: "outbox-todo", text: t("outbox_other_person", { who: entry.person_name }) }));
    } else {
      item.append(el("p", { class: "hint", text: t(FT.offline() ? "outbox_waiting" : "outbox_not_sent") }));
    }
    return item;
  }

  async function show() {
    const section = document.getElementById("outbox");
    if (!section) return;
    const all = await entries();
    section.hidden = all.length === 0;
    document.getElementById("outbox-count").textContent = String(all.length);
    document.getElementById("outbox-list").replaceChildren(...all.map(itemFor));
    const signIn = document.getElementById("outbox-sign-in");
    signIn.hidden = !needsSignIn;
  }

  const button = document.getElementById("outbox-send");
  if (button) button.addEventListener("click", () => send());
  const again = document.getElementById("outbox-sign-in-link");
  if (again) again.addEventListener("click", (event) => {
    event.preventDefault();
    FT.signInAgain();
  });
  window.addEventListener("online", () => send());
  window.addEventListener("offline", () => show());

  FT.outbox = { add, send, show, remember, recall, staleNote, codeOf, paths };
  if (session()) send();
  else show();
})();
