/* Searchable selects (core/widgets.py SearchSelect): a text box that asks the field's scoped
 * search endpoint for matches and submits the picked row's id in a hidden input.
 *
 * Without this script the text box itself is submitted and the server reads the typed name.
 * With it: the box keeps its name off the form (a hidden input carries the value: the picked
 * id, or while nothing is picked the typed text, which the server then resolves the same way);
 * the list follows the ARIA combobox pattern: arrow keys move, Enter picks, Escape closes.
 * Searches are POSTed, so nothing typed (a badge number, say) lands in a URL or access log. */
(function () {
  "use strict";

  function csrfToken(root) {
    var field = root.form && root.form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function setUp(root) {
    var input = root.querySelector("input[type=text]");
    var list = root.querySelector("[role=listbox]");
    if (!input || !list || root.hasAttribute("data-ready")) return;
    root.setAttribute("data-ready", "");
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = input.name;
    hidden.id = input.id + "_value";  // a filter form's htmx trigger listens here: "change from:#id_org_value"
    hidden.value = input.getAttribute("data-chosen") || input.value;
    input.removeAttribute("name");
    input.parentNode.insertBefore(hidden, input);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var timer = null;
    var asked = 0;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll("[data-value]"));
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function pick(option) {
      hidden.value = option.getAttribute("data-value");
      input.value = option.getAttribute("data-label");
      close();
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function search() {
      var text = input.value.trim();
      if (!text) {
        close();
        return;
      }
      var mine = ++asked;
      var body = new URLSearchParams(root.getAttribute("data-params") || "");
      body.set("q", text);
      fetch(root.getAttribute("data-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(input), "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString()
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (html) {
        if (mine !== asked) return;  // a later keystroke's answer wins
        list.innerHTML = html;
        list.querySelectorAll("li").forEach(function (item, i) {
          item.id = list.id + "_" + i;
          if (item.hasAttribute("data-value")) {
            item.setAttribute("role", "option");
            item.setAttribute("aria-selected", "false");
          } else {
            item.setAttribute("role", "presentation");
          }
        });
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        active = -1;
      }).catch(function () { /* offline: the typed text is still submitted */ });
    }

    input.addEventListener("input", function () {
      hidden.value = input.value;  // until something is picked, the server reads the text
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) search();
        else highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) highlight(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        pick(options()[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    // The box emptied: nothing is chosen any more (a filter shows everything again).
    input.addEventListener("change", function () {
      if (!input.value.trim()) hidden.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
    // mousedown, not click: a click would blur the box and close the list first.
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[data-value]");
      if (option) {
        event.preventDefault();
        pick(option);
      }
    });
  }

  function setUpAll(scope) {
    (scope || document).querySelectorAll("[data-search-select]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  else setUpAll();
  // Forms swapped in by htmx get theirs too.
  document.addEventListener("htmx:afterSwap", function (event) { setUpAll(event.target); });
})();
