/* Fold the main menu on narrow screens: eleven links in a grid took ~310 of a phone's 740 px
 * before any content. The menu is a <details> that is open in the HTML, so without JavaScript
 * (or on a wide screen) nothing changes. */
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 40rem)");
  function fold() {
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (menu) {
      menu.open = !narrow.matches;
    });
  }
  fold();
  if (narrow.addEventListener) narrow.addEventListener("change", fold);
})();

/* Logged out: delete the pages the phone kept for checking in without signal (attendance/sw.js),
 * which were rendered for the user who was logged in. The page names the caches' prefix. */
(function () {
  "use strict";
  var prefix = document.body && document.body.getAttribute("data-forget-caches");
  if (!prefix || !window.caches) return;  // caches exist only on https (and localhost)
  window.caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(prefix) === 0;
    }).map(function (name) { return window.caches.delete(name); }));
  }).catch(function () { /* nothing kept, or storage blocked */ });
})();

/* "Select all on this page": a check box with data-select-all="NAME" ticks or clears every box
 * named NAME of the form named in data-form (its own form when none). Delegated from the
 * document, so rows swapped in by htmx follow too. Without JavaScript each row is ticked by hand. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target;
    if (!all.matches || !all.matches("input[data-select-all]")) return;
    var formId = all.getAttribute("data-form") || (all.form && all.form.id);
    var name = all.getAttribute("data-select-all");
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
      var owner = box.form ? box.form.id : "";
      if (!formId || owner === formId) box.checked = all.checked;
    });
  });
})();

/* A "Print" button (data-print) opens the browser's print dialog (print layouts: app.css). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });
})();
