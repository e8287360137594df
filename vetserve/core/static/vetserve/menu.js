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
