// FoodTrace pages: the signed-in person, the JSON API with retries, messages. Plain JS, no build step.
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("ft-config").textContent);
  const SESSION = "ft.session";
  const RETRY_DELAYS = [800, 2000, 4000]; // a store room's network drops; the Idempotency-Key makes retries safe

  function t(key, values) {
    let text = config.words[key] || key;
    for (const [name, value] of Object.entries(values || {})) text = text.replace(`{${name}}`, value);
    return text;
  }

  // --- who is signed in -------------------------------------------------------------------------
  // localStorage, not sessionStorage: a label scanned with the phone's camera app opens a new tab.
  // A session expires by the server's clock (the Ledger's): a phone's own clock is often set wrong.
  // A page the service worker kept (no signal) carries the clock of the day it was kept: then the last offset this
  // phone learnt from a fresh page stands, and today is worked out again on the county's clock.
  const SERVER_AHEAD = serverAhead();
  const KEPT_TODAY = config.today;
  config.today = countyDate(Date.now() + SERVER_AHEAD);
  function serverAhead() {
    const seen = JSON.parse(localStorage.getItem("ft.clock") || "null");
    const served = config.now ? Date.parse(config.now) : NaN;
    if (seen && !(served > seen.served)) return seen.ahead;
    if (Number.isNaN(served)) return 0;
    const ahead = served - Date.now();
    localStorage.setItem("ft.clock", JSON.stringify({ served, ahead }));
    return ahead;
  }
  function countyParts(ms) {
    const options = { timeZone: config.timezone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" };
    return Object.fromEntries(new Intl.DateTimeFormat("en-US", options).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  }
  function countyDate(ms) {
    const p = countyParts(ms);
    return `${p.year}-${p.month}-${p.day}`;
  }
  // Now on the server's clock, in county time with its offset (2026-03-02T10:05:00+08:00): an entry's business time.
  function countyNow() {
    const ms = Math.floor((Date.now() + SERVER_AHEAD) / 1000) * 1000;
    const p = countyParts(ms);
    const minutes = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms) / 60000);
    const sign = minutes < 0 ? "-" : "+";
    const offset = `${sign}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, "0")}:${String(Math.abs(minutes) % 60).padStart(2, "0")}`;
    return `${countyDate(ms)}T${p.hour}:${p.minute}:${p.second}${offset}`;
  }
  function offline() {
    return navigator.onLine === false;
  }
  // With no signal an expired session still lets its person queue entries: the server checks the token when they are
  // sent, and asks that person to sign in again then (the queue waits).
  function session() {
    try {
      const found = JSON.parse(localStorage.getItem(SESSION) || "null");
      if (found && found.expires_at && Date.parse(found.expires_at) <= Date.now() + SERVER_AHEAD && !offline()) return null;
      return found;
    } catch (error) {
      return null;
    }
  }
  function saveSession(value) {
    localStorage.setItem(SESSION, JSON.stringify(value));
  }
  function signInAgain() {
    localStorage.removeItem(SESSION);
    const here = location.pathname + location.search;
    location.replace("/app/sign-in?next=" + encodeURIComponent(here));
  }
  function requireSession() {
    const found = session();
    if (!found) signInAgain();
    return found;
  }

  // --- the JSON API -------------------------------------------------------------------------------
  class Problem extends Error {
    constructor(status, body) {
      super((body && body.en) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
    }
    get text() {
      const body = this.body;
      if (config.lang === "en") return body.en || body.zh || this.message;
      return body.zh || body.en || this.message;
    }
  }
  class NetworkFailure extends Error {}

  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16)); // works on plain http too, unlike randomUUID
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function request(method, path, options) {
    const opts = options || {};
    const headers = { Accept: "application/json" };
    const current = opts.token ? { token: opts.token } : session();
    if (current && current.token) headers.Authorization = "Bearer " + current.token;
    if (opts.key) headers["Idempotency-Key"] = opts.key;
    let body;
    if (opts.form) body = opts.form;
    else if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    const url = path.startsWith("/") ? path : config.api + "/" + path;
    if (offline()) throw new NetworkFailure(t("offline_now")); // no signal at all: say so now, not after the retries
    const canRetry = method === "GET" || Boolean(opts.key);
    let retried = false;
    for (let attempt = 0; ; attempt++) {
      let response;
      try {
        response = await fetch(url, { method, headers, body, credentials: "omit" });
      } catch (error) {
        response = null;
      }
      const transient = response === null || [502, 503, 504].includes(response.status);
      if (transient && canRetry && attempt < RETRY_DELAYS.length) {
        notice(await whyRetrying(response)); // say what is wrong while it retries, rather than only spin
        retried = true;
        await sleep(RETRY_DELAYS[attempt]);
        continue;
      }
      if (retried) notice("");
      if (response === null) throw new NetworkFailure(t("network_failed"));
      if (response.status === 401 && !opts.token && !opts.signingIn && !opts.keepPage) {
        signInAgain();
        throw new Problem(401, {});
      }
      if (!response.ok) {
        let problem = null;
        try {
          problem = await response.json();
        } catch (error) {
          problem = null;
        }
        throw new Problem(response.status, problem);
      }
      if (opts.blob) return response.blob();
      return response.status === 204 ? null : response.json();
    }
  }

  // A 503 while the database is away carries the server's own words ("数据库暂不可用，请稍后重试").
  async function whyRetrying(response) {
    if (response === null) return t("retrying");
    try {
      const problem = new Problem(response.status, await response.json());
      return problem.body.zh || problem.body.en ? `${problem.text} ${t("retrying_by_itself")}` : t("retrying");
    } catch (error) {
      return t("retrying");
    }
  }

  // --- messages on the page -----------------------------------------------------------------------
  function notice(text) {
    const box = document.getElementById("notice");
    box.textContent = text;
    box.hidden = !text;
  }
  function showProblem(error) {
    const box = document.getElementById("problem");
    if (!error) {
      box.hidden = true;
      box.textContent = "";
      return;
    }
    box.textContent = error instanceof Problem || error instanceof NetworkFailure ? error.text || error.message : t("network_failed");
    box.hidden = false;
    box.scrollIntoView({ block: "center" });
    if (!(error instanceof Problem) && !(error instanceof NetworkFailure)) console.warn(error);
  }
  function clearMessages() {
    notice("");
    showProblem(null);
  }

  // --- forms: one Idempotency-Key per submitted form, kept until the server has answered ----------------
  // ``queueAs(data, key)``, for what a storekeeper may do with no signal: the entry to keep in 待发送 (outbox.js) when
  // the network does not answer, with the same key (if the server did record it, sending again records nothing).
  function bindForm(form, submit, queueAs) {
    let busy = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy) return; // a double tap records once
      busy = true;
      const buttons = form.querySelectorAll("button[type=submit]");
      buttons.forEach((b) => (b.disabled = true));
      clearMessages();
      form.dataset.key = form.dataset.key || newKey();
      try {
        remember(form);
        await submit(new FormData(form), form.dataset.key);
        delete form.dataset.key;
      } catch (error) {
        // The server answered: the next try is a new command. No answer, or 503 (the database was away and the
        // outcome is not known): keep the key, the retry is the same command.
        if (error instanceof Problem && error.status !== 503) delete form.dataset.key;
        const entry = error instanceof NetworkFailure && queueAs && window.FT.outbox ? queueAs(new FormData(form), form.dataset.key) : null;
        if (entry) {
          await window.FT.outbox.add({ ...entry, key: form.dataset.key });
          delete form.dataset.key;
          notice(t("outbox_queued"));
          form.dispatchEvent(new CustomEvent("ft:queued"));
        } else showProblem(error);
      } finally {
        busy = false;
        buttons.forEach((b) => (b.disabled = false));
      }
    });
  }

  // Places, co-signers and fridges repeat all day: remember the last ones on this phone.
  function remember(form) {
    form.querySelectorAll("[data-remember]").forEach((input) => {
      if (input.value) localStorage.setItem("ft.last." + input.dataset.remember, input.value.trim());
    });
  }
  function recall(root) {
    (root || document).querySelectorAll("[data-remember]").forEach((input) => {
      if (!input.value) input.value = localStorage.getItem("ft.last." + input.dataset.remember) || "";
    });
  }

  // --- small helpers for page scripts ---------------------------------------------------------------
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }
  function setText(id, value) {
    const node = document.getElementById(id);
    if (node) node.textContent = value === null || value === undefined || value === "" ? "—" : value;
  }
  function formatMoment(iso) {
    const options = { timeZone: config.timezone, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false };
    return new Intl.DateTimeFormat(config.lang === "en" ? "en-GB" : "zh-CN", options).format(new Date(iso));
  }
  function categoryName(category) {
    return t("cat_" + category);
  }
  function roleName(role) {
    return t(role);
  }
  function homeFor(role) {
    if (role === "investigator" || role === "admin") return "/app/search";
    if (role === "principal") return "/app/compliance";
    return "/app";
  }
  function nextPage(role) {
    // Only back to a page of this app: never to another site ("//host", "/\\host").
    const next = new URLSearchParams(location.search).get("next");
    if (!next) return homeFor(role);
    return /^\/app(?:[/?#]|$)/.test(next) ? next : "/app";
  }

  function mealName(meal) {
    return t("meal_" + meal);
  }
  // A unit as the county writes it (瓶, 袋, kg); one stored before the glossary knew it is shown as stored.
  function unitName(unit) {
    const key = "unit_" + unit;
    return key in config.words ? t(key) : unit;
  }
  function paren(text) {
    return config.lang === "en" ? ` (${text})` : `（${text}）`;
  }
  // --- the bar at the top -----------------------------------------------------------------------
  function setUpBar() {
    document.getElementById("lang-toggle").addEventListener("click", () => {
      const other = config.lang === "zh" ? "en" : "zh";
      document.cookie = `ft_lang=${other}; Path=/; Max-Age=31536000; SameSite=Lax`;
      location.reload();
    });
    const current = session();
    const signOut = document.getElementById("sign-out");
    if (current) {
      showWho(current);
      signOut.hidden = false;
      if (current.role === "office") refreshOfficeSession(current); // kept by an older version of this page
    }
    signOut.addEventListener("click", async () => {
      signOut.disabled = true;
      try {
        await request("DELETE", "sessions/current", { signingIn: true }); // the token stops working on the server too
      } catch (error) {
        // Already revoked or expired, or no network: forgetting it here is what the person asked for.
      }
      localStorage.removeItem(SESSION);
      location.assign("/app/sign-in");
    });
  }

  function showWho(current) {
    document.getElementById("who").textContent = `${current.name || current.person_id} · ${roleName(current.role)}`;
    document.querySelectorAll(".tabs a[data-roles]").forEach((tab) => {
      tab.hidden = !tab.dataset.roles.split(" ").includes(current.role);
    });
  }

  async function refreshOfficeSession(current) {
    try {
      const me = await request("GET", "sessions/current");
      const updated = { ...me, token: current.token };
      saveSession(updated);
      showWho(updated);
    } catch (error) {
      // The page's own requests will show the problem, or ask to sign in again.
    }
  }

  // A kept page's date fields still show the day it was kept.
  function refreshKeptDates() {
    if (KEPT_TODAY === config.today) return;
    document.querySelectorAll(`input[type=date][value="${KEPT_TODAY}"]`).forEach((input) => (input.value = config.today));
  }

  // The service worker needs a secure context (HTTPS, or localhost): on plain http over a LAN the pages work online only.
  function installWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/app/sw.js", { scope: "/app" }).catch((error) => console.warn("service worker:", error));
  }

  window.FT = {
    config, t, session, saveSession, requireSession, request, Problem, NetworkFailure, newKey,
    notice, showProblem, clearMessages, bindForm, recall, el, setText, formatMoment, categoryName, roleName, nextPage,
    homeFor, mealName, unitName, paren, countyNow, offline, signInAgain,
  };
  setUpBar();
  refreshKeptDates();
  installWorker();
})();
