/* VetServe service worker for the phone pages under /attendance/ (ES2017, no framework).
 *
 * Why: the post code is a link the phone's camera app opens. On a mountain without signal
 * that page cannot load, so the check-in could not even be queued. This worker keeps an
 * offline page ("the shell", /attendance/offline/, rendered for the logged-in user) and shows
 * it in place of a post code link that fails to load; the shell queues the check-in on the
 * phone and queue.js sends it from 我的班次 once there is signal.
 *
 * - Navigations under the scope: network first. Without network: a post code link gets the
 *   shell (also when the network has not answered within 5 s: a weak signal); another page its
 *   own copy if one was kept (我的班次 and each check-in station a leader opens are kept each
 *   time they load, with the static files they use), else the shell. So a leader who reloads
 *   the station on a mountain gets the same station back, roster and forms, not the shell. A page served from here is marked `data-att-copy`: its server clock and
 *   user are those of when it was kept, so queue.js holds its taps and sends nothing from it.
 * - Each page that loads with signal fetches the shell again (with the static files it uses),
 *   so the copy is current and belongs to whoever is logged in now.
 * - Static files: names with a content hash (ManifestStaticFilesStorage, as served) cache first; plain
 *   names (tests, DEBUG) network first, the copy only without
 *   network, so a new deployment never meets an old queue.js.
 * - The cache's name carries a version; on activation older ones go. Logging out deletes the
 *   cache (menu.js on any page shown to an anonymous visitor).
 */
"use strict";
var CONFIG = {{ config|safe }};
var VERSION = "v2";  // change it when what the cache holds changes shape
var PREFIX = "vetserve-attendance-";
var CACHE = PREFIX + VERSION;
var SCOPE = new URL(CONFIG.scope, self.location).href;
var SHELL = new URL(CONFIG.shell, self.location).href;
var ME = new URL(CONFIG.me, self.location).href;
var SCAN = new URL(CONFIG.scan, self.location).href;
var STATION = new URL(CONFIG.station, self.location).href;
var STATIC = new URL(CONFIG.static, self.location).href;
var HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;
var MATCH = { ignoreSearch: true, ignoreVary: true };

function startsWith(text, prefix) { return text.slice(0, prefix.length) === prefix; }
function nothing() { return undefined; }

// A check-in station: /attendance/post/<shift>/ itself (not its roster, code or form posts).
function isStation(url) {
  return startsWith(url, STATION) && /^\d+\/$/.test(url.slice(STATION.length).split("?")[0]);
}

// A page and the static files it names, assets first: a kept page always finds its own.
async function keepPage(url, response) {
  var html = await response.clone().text();
  var cache = await caches.open(CACHE);
  var assets = [];
  html.replace(/(?:src|href)="([^"]+)"/g, function (all, link) {
    var asset = new URL(link.replace(/&amp;/g, "&"), url).href;
    if (startsWith(asset, STATIC) && assets.indexOf(asset) < 0) assets.push(asset);
    return all;
  });
  await Promise.all(assets.map(async function (asset) {
    if (HASHED.test(asset) && await cache.match(asset, MATCH)) return;
    var answer = await fetch(asset, { credentials: "same-origin" });
    if (answer.ok) await cache.put(asset, answer);
  }));
  await cache.put(url, response);
}

async function keepShell() {
  var response = await fetch(SHELL, { credentials: "same-origin", cache: "no-store" });
  // Logged out (the login page came back instead): keep nothing.
  if (!response.ok || response.redirected || response.url !== SHELL) return;
  await keepPage(SHELL, response);
}

var keeping = null;
function keepShellOnce() {
  if (!keeping) {
    var done = function () { keeping = null; };
    keeping = keepShell().then(done, done);
  }
  return keeping;
}

// A page as kept, marked as a copy for queue.js (the first data-att-queue is the page's root).
async function asCopy(response) {
  var html = await response.text();
  return new Response(html.replace("data-att-queue", "data-att-queue data-att-copy"), {
    status: 200,
    headers: { "Content-Type": response.headers.get("Content-Type") || "text/html; charset=utf-8" }
  });
}

async function offline(url) {
  var cache = await caches.open(CACHE);
  var kept = startsWith(url, SCAN) ? null : await cache.match(url, MATCH);
  if (!kept) kept = await cache.match(SHELL, MATCH);
  return kept ? asCopy(kept) : Response.error();
}

function navigate(event) {
  var request = event.request;
  var answer = fetch(request);
  // With signal: keep 我的班次 or the station as it is now, and the shell current for this
  // user. (A redirect,
  // to the login page say, is "opaqueredirect", not "basic": nothing is kept.) This callback
  // runs before the page gets the response, so the copy is taken before the body is read.
  event.waitUntil(answer.then(function (response) {
    if (!response.ok || response.type !== "basic") return undefined;
    var url = request.url.split("#")[0].split("?")[0];
    var copy = url === ME || isStation(url) ? response.clone() : null;
    return (async function () {
      if (copy) await keepPage(url, copy);
      await keepShellOnce();
    })();
  }, nothing).catch(nothing));
  event.respondWith(answered(request.url, answer));
}

// A post code link on a weak signal: rather than leave the volunteer looking at a blank
// screen until the browser gives up (a minute or more), show the kept shell after SLOW_MS.
// Opening the link changes nothing on the server, so a late answer is simply not shown.
var SLOW_MS = 5000;
function slow() { return new Promise(function (resolve) { setTimeout(resolve, SLOW_MS, null); }); }

async function answered(url, answer) {
  if (startsWith(url, SCAN)) {
    var first = await Promise.race([answer.catch(function () { return null; }), slow()]);
    if (first) return first;
    var shell = await (await caches.open(CACHE)).match(SHELL, MATCH);
    if (shell) return asCopy(shell);
  }
  try {
    return await answer;
  } catch (error) {
    return offline(url);
  }
}

async function asset(event) {
  var request = event.request;
  var cache = await caches.open(CACHE);
  if (HASHED.test(new URL(request.url).pathname)) {
    var hit = await cache.match(request, MATCH);
    if (hit) return hit;
  }
  try {
    var response = await fetch(request);
    if (response.ok && response.type === "basic") event.waitUntil(cache.put(request, response.clone()));
    return response;
  } catch (error) {
    var kept = await cache.match(request, MATCH);
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(keepShellOnce());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return startsWith(name, PREFIX) && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    if (startsWith(request.url, SCOPE)) navigate(event);
    return;
  }
  if (startsWith(request.url, STATIC)) event.respondWith(asset(event));
});
