/* Offline check-in queue for the phone pages (no framework; ES2017, Chrome 60+).
 *
 * Every scan or button press becomes an item with an idempotency key and the scan time, kept
 * in localStorage until the server confirms it. Items are posted in batches to the API when
 * online, retried with backoff; the server answers a replayed key with the record it made the
 * first time, so nothing is counted twice.
 *
 * The key: the form's own `key` field when the page made one (the post code page: a double
 * tap is one key, so one record), else a fresh one per tap (crypto.getRandomValues). A second
 * tap while the same check-out still waits on the phone is not queued again.
 *
 * The time: for a check-in by post code, when the code was scanned, i.e. when the server
 * showed the page (its `scanned_at` field), so a tap a few minutes later without signal is
 * still inside the code's validity. Else the phone's clock at the tap, corrected by how far it
 * was off the server's clock when the page was served (only when off by more than 30 s: a
 * phone with a wrong clock would otherwise have its scans refused as "in the future").
 *
 * Each item remembers the user who made it (data-user) and is only ever sent while that user
 * is logged in, so a phone handed to someone else never books one person's scans on another.
 *
 * Without signal the service worker (sw.js, registered from here) shows pages it kept: the
 * offline page (data-att-offline-shell) in place of a post code link, or an earlier copy of
 * 我的班次 (it marks them data-att-copy). Their user and server clock are those of when they
 * were kept, so they only queue: they send nothing, use the clock offset a fresh page stored,
 * and once something waits and the server answers they open a fresh page, which sends it.
 * The offline page takes the token from the address and makes one key and scan time per
 * token (kept in sessionStorage: reopening the same link is the same scan, recorded once).
 *
 * Forms and status lines share a `data-att-ref`: the status line shows what became of the
 * latest tap of its form (kept on the phone, sending, checked in/out at, refused: why) when
 * that is news to the page: still waiting, or answered since the page was shown.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-att-queue]");
  if (!root) return;
  var STORE = "vetserve.attendance.queue";
  var api = root.getAttribute("data-api");
  var shift = root.getAttribute("data-shift");
  var user = root.getAttribute("data-user") || "";
  var msg = function (name) { return root.getAttribute("data-msg-" + name) || name; };
  var delay = 2000;
  var timer = null;
  var sending = false;
  var needsLogin = false;
  var shownAt = Date.now();
  var CLOCK = "vetserve.attendance.skew";
  var HANDOVER = "vetserve.attendance.handover";
  var copy = root.hasAttribute("data-att-copy");
  var shell = root.hasAttribute("data-att-offline-shell");
  var held = copy || shell;  // queue only; a fresh page sends
  var sw = root.getAttribute("data-sw");
  var fresh = root.getAttribute("data-fresh") || location.href;
  var shellKey = "";

  var skew = 0;
  var serverNow = parseInt(root.getAttribute("data-server-now") || "", 10);
  if (copy) {
    skew = parseInt(localStorage.getItem(CLOCK) || "0", 10) || 0;
  } else if (serverNow) {
    var off = serverNow * 1000 - Date.now();
    if (Math.abs(off) > 30000) skew = off;
    try { localStorage.setItem(CLOCK, String(skew)); } catch (e) { /* private mode: no offset kept */ }
  }

  function uuid4() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(STORE, JSON.stringify(items)); }
  function mine(item) { return !item.user || item.user === user; }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function hhmm(iso) {
    var when = new Date(iso);
    return ("0" + when.getHours()).slice(-2) + ":" + ("0" + when.getMinutes()).slice(-2);
  }

  function duration(minutes) {
    var h = Math.floor(minutes / 60), m = minutes % 60;
    var text = h && m ? msg("hm") : h ? msg("h") : msg("m");
    return text.replace("%(h)d", h).replace("%(m)d", m);
  }

  // What became of one item, in words, and how it looks (ok, bad, wait). A station's roster
  // row (short) says it in a few words: sent ✓ or waiting for signal ⏳.
  function describe(item, short) {
    if (item.state === "refused") return { text: item.message, tone: "bad" };
    if (short) {
      var at = item.result && item.result.attendance;
      var time = hhmm(item.scan.kind === "in" ? (at ? at.in_at : item.scan.scanned_at)
        : (at && at.out_at ? at.out_at : item.scan.scanned_at));
      if (item.state === "pending" && needsLogin) return { text: msg("login"), tone: "bad" };
      if (item.state === "pending" && navigator.onLine && !held) return { text: msg("row-sending"), tone: "wait" };
      if (item.state === "pending") return { text: msg("row-queued-" + item.scan.kind).replace("%(time)s", time), tone: "wait" };
      return { text: msg("row-done-" + item.scan.kind).replace("%(time)s", time), tone: "ok" };
    }
    if (item.state === "pending") {
      if (needsLogin) return { text: msg("login"), tone: "bad" };
      if (navigator.onLine && !held) return { text: msg("sending"), tone: "wait" };
      var queued = msg(item.scan.kind === "in" ? "queued-in" : "queued-out");
      return { text: queued.replace("%(time)s", hhmm(item.scan.scanned_at)), tone: "wait" };
    }
    var stay = item.result && item.result.attendance;
    if (item.scan.kind === "in") {
      var text = msg("done-in").replace("%(time)s", hhmm(stay ? stay.in_at : item.scan.scanned_at));
      if (item.post) text += " · " + item.post;
      return { text: text, tone: "ok" };
    }
    var out = msg("done-out").replace("%(time)s", hhmm(stay && stay.out_at ? stay.out_at : item.scan.scanned_at));
    if (stay && stay.minutes !== null && stay.minutes !== undefined) {
      out += " · " + msg("served").replace("%(time)s", duration(stay.minutes));
    }
    return { text: out, tone: "ok" };
  }

  function render() {
    var items = load().filter(mine);
    var net = root.querySelector("[data-att-net]");
    if (net) net.textContent = needsLogin ? msg("login") : navigator.onLine ? "" : msg("offline");
    root.querySelectorAll("[data-att-status]").forEach(function (line) {
      var ref = line.getAttribute("data-att-ref");
      var latest = null;
      items.forEach(function (i) { if (ref && i.ref === ref) latest = i; });
      if (!latest) return;
      // What the server already knew when it made the page, it has shown; only news here.
      // A roster row says when the server last saw the person scan (data-att-known): news is
      // a tap after that (on a copy kept for offline use, also one sent since the copy).
      // Elsewhere: a tap still waiting, or one that the server answered since.
      var known = line.getAttribute("data-att-known");
      if (known !== null) {
        if (Date.parse(latest.scan.scanned_at) <= parseInt(known, 10) * 1000) return;
        if (latest.state === "refused" && !(latest.settled_at >= shownAt)) return;  // old news
      } else if (latest.state !== "pending" && !(latest.settled_at >= shownAt)) {
        return;
      }
      var said = describe(latest, line.hasAttribute("data-att-short"));
      line.textContent = said.text;
      line.hidden = false;
      line.className = line.className.replace(/\batt-msg--\w+/g, "").trim() + " att-msg att-msg--" + said.tone;
      // On its way or done: no second button to press (it comes back if the server refused).
      root.querySelectorAll("form[data-att-ref]").forEach(function (form) {
        if (form.getAttribute("data-att-ref") !== ref) return;
        form.hidden = latest.state !== "refused";
        // Refused for want of a reason (outside the shift's time): the field comes up.
        var reason = form.querySelector("[data-att-reason]");
        if (reason && latest.state === "refused" && latest.result && latest.result.code === "reason_required") {
          reason.hidden = false;
          reason.querySelector("input").required = true;
        }
      });
      if (latest.scan.kind === "in" && latest.state === "sent") {
        var after = root.querySelector("[data-att-after]");
        if (after) after.hidden = false;
      }
    });
    var note = root.querySelector("[data-att-shell-after]");
    if (note) note.hidden = !items.some(function (i) { return i.state === "pending" && i.scan.idempotency_key === shellKey; });
    var list = root.querySelector("[data-att-pending]");
    var box = root.querySelector("[data-att-pending-box]");
    if (!list) return;
    list.textContent = "";
    items.slice(-20).reverse().forEach(function (item) {
      var li = document.createElement("li");
      var what = (item.scan.kind === "in" ? msg("in") : msg("out")) + " " + hhmm(item.scan.scanned_at) + " " + (item.label || "");
      li.textContent = what + " · " + (item.state === "sent" ? msg("sent") : item.state === "refused" ? item.message : msg("pending"));
      li.className = "is-" + item.state;
      list.appendChild(li);
    });
    if (box) box.hidden = !items.length;
  }

  function enqueue(scan, extra) {
    var items = load();
    var same = items.filter(function (i) {
      if (i.state === "refused") return false;
      if (i.scan.idempotency_key === scan.idempotency_key) return true;
      // The same person's check-in or check-out tapped again while the first still waits
      // (a double tap, a second phone tab): one is enough.
      return i.state === "pending" && scan.kind === i.scan.kind &&
        scan.signup_id && i.scan.signup_id === scan.signup_id;
    });
    if (same.length) { render(); flush(); return; }
    items = items.filter(function (i) { return !(i.state === "refused" && i.scan.idempotency_key === scan.idempotency_key); });
    items.push({
      scan: scan, state: "pending", user: user, ref: extra.ref || "", post: extra.post || "",
      label: extra.label || "", message: "", result: null
    });
    // Keep the last 200: confirmed ones only for the list on screen.
    while (items.length > 200 && items[0].state !== "pending") items.shift();
    save(items);
    render();
    flush();
  }

  function schedule() {
    if (timer) return;
    timer = setTimeout(function () { timer = null; flush(); }, delay);
    delay = Math.min(delay * 2, 60000);
  }

  // A page kept by the service worker: once something waits and the server answers, open a
  // fresh page (with the real user) to send it; at most every 15 s, should that page fail too.
  var handing = false;
  async function handOver() {
    var waiting = load().some(function (i) {
      return i.state === "pending" && (!shellKey || i.scan.idempotency_key === shellKey);
    });
    if (handing || !waiting || !navigator.onLine) return;
    var wait = (parseInt(sessionStorage.getItem(HANDOVER) || "0", 10) || 0) + 15000 - Date.now();
    if (wait > 0) { setTimeout(handOver, wait); return; }
    handing = true;
    try {
      if (copy && !shell) {
        // A kept copy of this very page (the station, 我的班次): ask the server for the page
        // afresh; if the same user is logged in, this page goes on sending itself, with the
        // server's clock of now, and nothing on screen changes (no reload, no other page).
        var answer = await fetch(fresh, { cache: "no-store", credentials: "same-origin" });
        if (answer.ok && !answer.redirected) {
          var doc = new DOMParser().parseFromString(await answer.text(), "text/html");
          var live = doc.querySelector("[data-att-queue]");
          if (live && (live.getAttribute("data-user") || "") === user) { goLive(live); return; }
        }
      } else {
        await fetch(sw || fresh, { cache: "no-store", credentials: "same-origin" });
      }
      sessionStorage.setItem(HANDOVER, String(Date.now()));
      location.replace(fresh);
    } catch (e) {
      setTimeout(handOver, 15000);  // no answer yet: the signal is not really back
    } finally {
      handing = false;
    }
  }

  function goLive(live) {
    copy = false;
    held = false;
    root.removeAttribute("data-att-copy");
    var now = parseInt(live.getAttribute("data-server-now") || "", 10);
    if (now) {
      var off = now * 1000 - Date.now();
      skew = Math.abs(off) > 30000 ? off : 0;
    }
    flush();
  }

  async function flush() {
    if (held) { render(); handOver(); return; }
    if (sending) return;
    var pending = load().filter(function (i) { return i.state === "pending" && mine(i); });
    if (!pending.length) return;
    if (!navigator.onLine) { render(); return; }
    sending = true;
    var stale = false;
    try {
      var response = await fetch(api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ scans: pending.slice(0, 100).map(function (i) { return i.scan; }) })
      });
      if (response.status === 401 || response.status === 403) {
        // Logged out while away (or the session ended): the items wait for the next login.
        needsLogin = true;
        return;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      needsLogin = false;
      var body = await response.json();
      var byKey = {};
      body.results.forEach(function (r) { byKey[r.idempotency_key] = r; });
      var items = load();
      var shown = {};
      root.querySelectorAll("[data-att-status]").forEach(function (line) { shown[line.getAttribute("data-att-ref")] = true; });
      items.forEach(function (item) {
        var r = byKey[item.scan.idempotency_key];
        if (!r) return;
        // A check-in recorded just now that this page has no line for (queued on the offline
        // page): 我的班次 shows it, with its check-out button, once reloaded.
        if (r.status === "ok" && item.scan.kind === "in" && !shown[item.ref]) stale = true;
        item.state = r.status === "refused" ? "refused" : "sent";
        item.settled_at = Date.now();
        item.message = r.message;
        item.result = r;
        if (r.attendance && !item.label) item.label = r.attendance.volunteer_name;
      });
      save(items);
      delay = 2000;
      if (load().some(function (i) { return i.state === "pending" && mine(i); })) schedule();
    } catch (e) {
      schedule();  // offline in fact, or the server is busy: try again later
    } finally {
      sending = false;
      render();
      if (stale && root.hasAttribute("data-att-reload-on-news")) location.reload();
    }
  }

  function position() {
    // Optional: a location for the geofence, never waited on for more than 3 s.
    return new Promise(function (resolve) {
      if (!navigator.geolocation || root.getAttribute("data-geo") !== "1") return resolve(null);
      navigator.geolocation.getCurrentPosition(
        function (p) { resolve(p.coords); }, function () { resolve(null); },
        { timeout: 3000, maximumAge: 60000 });
    });
  }

  root.addEventListener("submit", async function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-att-scan")) return;
    event.preventDefault();
    // A second tap while this one is being queued does nothing (the form then hides).
    if (form.hasAttribute("data-att-busy")) return;
    form.setAttribute("data-att-busy", "");
    var data = new FormData(form);
    var submitter = event.submitter || document.activeElement;
    var kind = (submitter && submitter.name === "kind") ? submitter.value : (data.get("kind") || "in");
    var scan = {
      idempotency_key: data.get("key") || uuid4(),
      kind: kind,
      method: data.get("method"),
      // A post code page says when it was shown: the scan. Else the tap, on the phone's clock.
      scanned_at: data.get("scanned_at") || new Date(Date.now() + skew).toISOString(),
      token: data.get("token") || "",
      reason: data.get("reason") || ""
    };
    if (shift) scan.shift_id = parseInt(shift, 10);
    if (data.get("signup_id")) scan.signup_id = parseInt(data.get("signup_id"), 10);
    var coords = await position();
    if (coords) { scan.lat = coords.latitude; scan.lon = coords.longitude; }
    var card = form.closest(".att-card");
    var post = root.getAttribute("data-post") || "";
    var label = card ? card.querySelector("strong, h2").textContent : post;
    enqueue(scan, { ref: form.getAttribute("data-att-ref"), label: label, post: post });
    form.removeAttribute("data-att-busy");
    var token = form.querySelector("[data-att-token]");
    if (token) { token.value = ""; token.focus(); }
  });

  // Badge scanning with the camera where the browser can decode QR codes itself.
  var camera = root.querySelector("[data-att-camera]");
  if (camera && "BarcodeDetector" in window && navigator.mediaDevices) {
    camera.hidden = false;
    camera.addEventListener("click", async function () {
      var video = root.querySelector("[data-att-video]");
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      var stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      var tick = async function () {
        var codes = [];
        try { codes = await detector.detect(video); } catch (e) { codes = []; }
        if (codes.length) {
          root.querySelector("[data-att-token]").value = codes[0].rawValue;
          stream.getTracks().forEach(function (t) { t.stop(); });
          video.hidden = true;
          return;
        }
        setTimeout(tick, 250);
      };
      tick();
    });
  }

  // The offline page: the token from the address, one key and scan time per token.
  var prefix = root.getAttribute("data-scan-prefix");
  var path = location.pathname;
  if (shell && prefix && path.indexOf(prefix) === 0 && path.length > prefix.length) {
    var token = path.slice(prefix.length);
    try { token = decodeURIComponent(token); } catch (e) { /* not %-encoded: as it is */ }
    var memo = null;
    try { memo = JSON.parse(sessionStorage.getItem("vetserve.attendance.scan." + token) || "null"); } catch (e) { memo = null; }
    if (!memo || !memo.key) {
      memo = { key: uuid4(), scanned_at: new Date(Date.now() + skew).toISOString() };
      sessionStorage.setItem("vetserve.attendance.scan." + token, JSON.stringify(memo));
    }
    shellKey = memo.key;
    var form = root.querySelector("form[data-att-scan]");
    form.elements.key.value = memo.key;
    form.elements.token.value = token;
    form.elements.scanned_at.value = memo.scanned_at;
    form.setAttribute("data-att-ref", memo.key);
    root.querySelector("[data-att-status]").setAttribute("data-att-ref", memo.key);
    root.querySelector("[data-att-shell-scan]").hidden = false;
    root.querySelector("[data-att-shell-direct]").hidden = true;
  }

  if (sw && !copy && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw, { scope: sw.slice(0, sw.lastIndexOf("/") + 1) })
      .catch(function () { /* no service worker: pages just need signal to open */ });
  }

  // The station's roster is refreshed by htmx every 15 s: its new rows show their taps too.
  root.addEventListener("htmx:afterSwap", render);
  window.addEventListener("online", function () { delay = 2000; flush(); });
  window.addEventListener("offline", render);
  // Another tab of the same phone sent or queued something: show it here too.
  window.addEventListener("storage", function (e) { if (e.key === STORE) render(); });
  render();
  flush();
})();
