// Search page of a static copy made by `manage.py export_site`: Pagefind's UI
// over the index built into the copy. A query in ?q= (the header's search box
// submits there) is searched at once.
(function () {
  "use strict";
  var element = document.getElementById("mirror-search");
  if (!element || typeof window.PagefindUI !== "function") { return; }
  var ui = new window.PagefindUI({
    element: "#mirror-search",
    bundlePath: element.dataset.bundle,
    baseUrl: element.dataset.base,
    showImages: false,
    showSubResults: true,
    resetStyles: false
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
  var box = document.getElementById("site-search-q");
  if (box && query) { box.value = query; }
}());
