// Light / dark / system switch. Loaded in <head> without defer so the stored
// choice is on <html> before the first paint (no flash); an external file, so
// the Content Security Policy needs no 'unsafe-inline'. Without scripts the
// switch stays hidden and the stylesheet follows prefers-color-scheme.
(function () {
  "use strict";
  var KEY = "labsite-theme";
  var root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (error) { return null; }
  }
  function apply(choice) {
    if (choice === "light" || choice === "dark") {
      root.setAttribute("data-theme", choice);
    } else {
      root.removeAttribute("data-theme");
    }
  }
  function remember(choice) {
    try {
      if (choice === "light" || choice === "dark") {
        window.localStorage.setItem(KEY, choice);
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (error) { /* private mode: the choice lasts for this page only */ }
  }

  apply(stored());

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-theme-switch]");
    var select = box && box.querySelector("select");
    if (!select) { return; }
    select.value = stored() || "system";
    box.hidden = false;
    select.addEventListener("change", function () {
      remember(select.value);
      apply(select.value);
    });
  });
  // Another tab changed the choice: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) { apply(event.newValue); }
  });
})();
