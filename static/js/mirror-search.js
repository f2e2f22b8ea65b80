// Search page of a static copy made by `manage.py export_site`: Pagefind's UI
// over the index built into the copy. The index is split into bundles
// (site_config/export/search.py); pagefind/bundles.json lists them, and the UI
// loads the first and merges the others (Pagefind's mergeIndex). A query in
// ?q= (the header's search box submits there) is searched at once.
(function () {
  "use strict";
  var element = document.getElementById("mirror-search");
  if (!element || typeof window.PagefindUI !== "function") { return; }
  var folder = element.dataset.folder;
  var base = element.dataset.base;

  function unavailable() {
    var note = document.createElement("p");
    note.textContent = "The search index of this copy could not be loaded.";
    element.replaceChildren(note);
  }

  function start(bundles) {
    // Each merged index needs the base URL too: its results' links are its own.
    var merged = bundles.slice(1).map(function (name) {
      return { bundlePath: folder + name + "/", baseUrl: base };
    });
    var ui = new window.PagefindUI({
      element: "#mirror-search",
      bundlePath: folder + bundles[0] + "/",
      mergeIndex: merged,
      baseUrl: base,
      showImages: false,
      showSubResults: true,
      resetStyles: false
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) { ui.triggerSearch(query); }
    var box = document.getElementById("site-search-q");
    if (box && query) { box.value = query; }
  }

  // Revalidated on each visit: every export that changes the index rewrites it.
  fetch(folder + "bundles.json", { cache: "no-cache" })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.statusText); }
      return response.json();
    })
    .then(function (list) {
      if (!list.bundles || !list.bundles.length) { throw new Error("no bundles"); }
      start(list.bundles);
    })
    .catch(unavailable);
}());
