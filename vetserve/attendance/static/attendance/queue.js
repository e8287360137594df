/* Offline check-in queue for the phone pages (no framework; ES2017, Chrome 60+).
 *
 * Every scan or button press becomes an item with an idempotency key made here
 * (crypto.getRandomValues) and the scan time, kept in localStorage until the server confirms
 * it. Items are posted in batches to the API when online, retried with backoff; the server
 * answers a replayed key with the record it made the first time, so nothing is counted twice.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-att-queue]");
  if (!root) return;
  var STORE = "vetserve.attendance.queue";
  var api = root.getAttribute("data-api");
  var shift = root.getAttribute("data-shift");
  var msg = function (name) { return root.getAttribute("data-msg-" + name) || name; };
  var delay = 2000;
  var timer = null;
  var sending = false;

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

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function render() {
    var list = root.querySelector("[data-att-pending]");
    var net = root.querySelector("[data-att-net]");
    if (net) net.textContent = navigator.onLine ? "" : msg("offline");
    if (!list) return;
    list.textContent = "";
    load().slice(-20).reverse().forEach(function (item) {
      var li = document.createElement("li");
      var when = new Date(item.scan.scanned_at);
      var hhmm = ("0" + when.getHours()).slice(-2) + ":" + ("0" + when.getMinutes()).slice(-2);
      var what = (item.scan.kind === "in" ? msg("in") : msg("out")) + " " + hhmm + " " + (item.label || "");
      li.textContent = what + " · " + (item.state === "sent" ? msg("sent") : item.state === "refused" ? item.message : msg("pending"));
      li.className = "is-" + item.state;
      list.appendChild(li);
    });
  }

  function enqueue(scan, label) {
    var items = load();
    items.push({ scan: scan, state: "pending", label: label || "", message: "" });
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

  async function flush() {
    if (sending) return;
    var pending = load().filter(function (i) { return i.state === "pending"; });
    if (!pending.length) return;
    if (!navigator.onLine) { render(); return; }
    sending = true;
    try {
      var response = await fetch(api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ scans: pending.slice(0, 100).map(function (i) { return i.scan; }) })
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      var body = await response.json();
      var byKey = {};
      body.results.forEach(function (r) { byKey[r.idempotency_key] = r; });
      var items = load();
      items.forEach(function (item) {
        var r = byKey[item.scan.idempotency_key];
        if (!r) return;
        item.state = r.status === "refused" ? "refused" : "sent";
        item.message = r.message;
        if (r.attendance) item.label = r.attendance.volunteer_name;
      });
      save(items);
      delay = 2000;
      if (load().some(function (i) { return i.state === "pending"; })) schedule();
    } catch (e) {
      schedule();  // offline in fact, or the server is busy: try again later
    } finally {
      sending = false;
      render();
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
    var data = new FormData(form);
    var submitter = event.submitter || document.activeElement;
    var kind = (submitter && submitter.name === "kind") ? submitter.value : (data.get("kind") || "in");
    var scan = {
      idempotency_key: uuid4(),
      kind: kind,
      method: data.get("method"),
      scanned_at: new Date().toISOString(),
      token: data.get("token") || "",
      reason: data.get("reason") || ""
    };
    if (shift) scan.shift_id = parseInt(shift, 10);
    if (data.get("signup_id")) scan.signup_id = parseInt(data.get("signup_id"), 10);
    var coords = await position();
    if (coords) { scan.lat = coords.latitude; scan.lon = coords.longitude; }
    var label = form.closest(".att-card") ? form.closest(".att-card").querySelector("strong, h2").textContent : "";
    enqueue(scan, label);
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

  window.addEventListener("online", function () { delay = 2000; flush(); });
  window.addEventListener("offline", render);
  render();
  flush();
})();
