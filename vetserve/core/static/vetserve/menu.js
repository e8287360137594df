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
