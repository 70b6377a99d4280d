// The service worker (served at /app/sw.js, which prepends VERSION, SHELL and BATCH_SHELL): keeps the app shell so
// the pages open with no signal. Pages: the network first (they carry today's date and the server's clock), the kept
// copy when there is no answer. Static files: their addresses carry a content hash, so a kept copy is always right.
// The API is never kept here: what a page last saw of a batch lives in IndexedDB, marked with when it was synced.
"use strict";
const CACHE = "ft-shell-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

// A new deploy's worker drops every older shell, then takes the open pages over.
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("ft-shell-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/app/static/")) event.respondWith(kept(request));
  else if (request.mode === "navigate" && (url.pathname === "/app" || url.pathname.startsWith("/app/"))) event.respondWith(page(request, url));
  // Everything else (the API, labels, documents) goes to the network as if there were no worker.
});

async function kept(request) {
  const cache = await caches.open(CACHE);
  const found = await cache.match(request);
  if (found) return found;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

async function page(request, url) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // A redirect (/app/ to /app) is followed by the browser, not kept.
    if (response.ok && response.type === "basic" && !response.redirected) cache.put(url.pathname, response.clone());
    return response;
  } catch (offline) {
    const found = (await cache.match(url.pathname)) || (url.pathname.startsWith("/app/batch/") && !url.pathname.endsWith("/timeline") ? await cache.match(BATCH_SHELL) : null);
    return found || (await cache.match("/app")) || Response.error();
  }
}
