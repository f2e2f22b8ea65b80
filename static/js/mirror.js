// Filters of list pages in a static copy made by `manage.py export_site`.
//
// The copy has a page for every single filter value (/publications/year=2024/,
// made by the server like the live page). Two or more values at once are
// combined here: the copy's filters.json lists, for each value, the ids of the
// items it shows; the intersection is taken, the pages of the most selective
// value are fetched, and only the items of the intersection are kept. The counts
// in the filter choices are recomputed the same way. No inline script: the CSP
// of the live site holds for the copy too.
(function () {
  "use strict";
  var form = document.querySelector("form[data-mirror-filters]");
  if (!form) { return; }
  var action = new URL(form.getAttribute("action"), window.location.href).pathname;
  // The words filter needs the server; the copy has its own search page.
  var words = form.querySelector("input[name=q]");
  if (words && words.closest("label")) { words.closest("label").style.display = "none"; }
  var OFF = ["", "0", "false", "off", "no"];

  function fields() {
    return Array.prototype.slice.call(
      form.querySelectorAll("select[name], input[type=checkbox][name]")
    );
  }

  function byName(a, b) { return a[0] < b[0] ? -1 : (a[0] > b[0] ? 1 : 0); }

  function fromQuery(params) {
    var values = [];
    fields().forEach(function (field) {
      var value = params.get(field.name) || "";
      if (field.type === "checkbox") {
        value = OFF.indexOf(value.toLowerCase()) === -1 ? (field.value || "on") : "";
      }
      if (value) { values.push([field.name, value]); }
    });
    return values.sort(byName);
  }

  function fromForm() {
    var values = [];
    fields().forEach(function (field) {
      var value = field.type === "checkbox" ? (field.checked ? (field.value || "on") : "") : field.value;
      if (value) { values.push([field.name, value]); }
    });
    return values.sort(byName);
  }

  function pageUrl(name, value, page) {
    var path = action + encodeURIComponent(name) + "=" + encodeURIComponent(value) + "/";
    return page > 1 ? path + "page=" + page + "/" : path;
  }

  function go(values) {
    if (values.length === 0) { window.location.assign(action); return; }
    if (values.length === 1) { window.location.assign(pageUrl(values[0][0], values[0][1], 1)); return; }
    window.location.assign(action + "?" + values.map(function (pair) {
      return encodeURIComponent(pair[0]) + "=" + encodeURIComponent(pair[1]);
    }).join("&"));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    go(fromForm());
  });

  function setForm(values) {
    var chosen = {};
    values.forEach(function (pair) { chosen[pair[0]] = pair[1]; });
    fields().forEach(function (field) {
      if (field.type === "checkbox") { field.checked = Boolean(chosen[field.name]); }
      else { field.value = chosen[field.name] || ""; }
    });
  }

  function intersect(lists) {
    if (lists.length === 0) { return null; }
    lists = lists.slice().sort(function (a, b) { return a.length - b.length; });
    var keep = new Set(lists[0]);
    lists.slice(1).forEach(function (list) {
      var other = new Set(list);
      keep.forEach(function (id) { if (!other.has(id)) { keep.delete(id); } });
    });
    return keep;
  }

  function entry(index, name, value) {
    return (index[name] || {})[value] || { ids: [], pages: 0 };
  }

  function relabel(text, count) {
    return /\(\d+\)\s*$/.test(text) ? text.replace(/\(\d+\)\s*$/, "(" + count + ")") : text;
  }

  function updateCounts(index, values) {
    fields().forEach(function (field) {
      var others = values.filter(function (pair) { return pair[0] !== field.name; })
        .map(function (pair) { return entry(index, pair[0], pair[1]).ids; });
      var rest = intersect(others);
      function count(value) {
        var ids = entry(index, field.name, value).ids;
        return rest === null ? ids.length : ids.filter(function (id) { return rest.has(id); }).length;
      }
      if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          if (option.value) { option.textContent = relabel(option.textContent, count(option.value)); }
        });
      } else {
        var label = field.closest("label");
        var node = label && label.lastChild;
        if (node && node.nodeType === Node.TEXT_NODE) {
          node.textContent = relabel(node.textContent, count(field.value || "on"));
        }
      }
    });
  }

  function keepOnly(root, keep) {
    root.querySelectorAll("li[id]").forEach(function (item) {
      if (!keep.has(item.id)) { item.remove(); }
    });
    root.querySelectorAll("ol, ul").forEach(function (list) {
      if (list.querySelector("li[id]") || list.closest("nav")) { return; }
      if (!list.querySelector("li")) {
        var heading = list.previousElementSibling;
        if (heading && /^H[1-6]$/.test(heading.tagName)) { heading.remove(); }
        list.remove();
      }
    });
    root.querySelectorAll("section").forEach(function (section) {
      if (!section.querySelector("li[id]")) { section.remove(); }
    });
  }

  function show(texts, keep, values) {
    var main = document.querySelector("main");
    var parser = new DOMParser();
    var first = null;
    texts.forEach(function (text) {
      var fetched = parser.parseFromString(text, "text/html").querySelector("main");
      if (!fetched) { return; }
      keepOnly(fetched, keep);
      if (first === null) {
        first = fetched;
        return;
      }
      fetched.querySelectorAll("section").forEach(function (section) {
        var key = section.getAttribute("aria-labelledby");
        var into = key && first.querySelector('section[aria-labelledby="' + key + '"]');
        if (into) {
          Array.prototype.slice.call(section.children, 1).forEach(function (child) { into.appendChild(child); });
        } else {
          (first.querySelector(".pager") || first.lastElementChild).before(section);
        }
      });
    });
    if (first === null) { return; }
    first.querySelectorAll(".pager").forEach(function (pager) { pager.remove(); });
    var fetchedForm = first.querySelector("form[data-mirror-filters]");
    if (fetchedForm) { fetchedForm.replaceWith(form); }
    var summary = first.querySelector(".result-summary");
    var message = keep.size === 0 ? "Nothing matches these filters." :
      keep.size + (keep.size === 1 ? " item matches" : " items match") + " these filters.";
    if (summary) { summary.textContent = message; }
    if (keep.size === 0 && !first.querySelector(".empty")) {
      var empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = message;
      form.after(empty);
    }
    main.replaceChildren.apply(main, Array.prototype.slice.call(first.childNodes));
    setForm(values);
    main.removeAttribute("aria-busy");
  }

  function combine(values) {
    var main = document.querySelector("main");
    main.setAttribute("aria-busy", "true");
    setForm(values);
    fetch(form.dataset.mirrorFilters).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + response.url); }
      return response.json();
    }).then(function (index) {
      var entries = values.map(function (pair) { return entry(index, pair[0], pair[1]); });
      var keep = intersect(entries.map(function (found) { return found.ids; }));
      var narrowest = 0;
      entries.forEach(function (found, i) { if (found.ids.length < entries[narrowest].ids.length) { narrowest = i; } });
      var pair = values[narrowest];
      var urls = [];
      for (var page = 1; page <= entries[narrowest].pages; page += 1) { urls.push(pageUrl(pair[0], pair[1], page)); }
      return Promise.all(urls.map(function (url) {
        return fetch(url).then(function (response) { return response.text(); });
      })).then(function (texts) {
        show(texts, keep, values);
        updateCounts(index, values);
      });
    }).catch(function (error) {
      main.removeAttribute("aria-busy");
      var note = document.createElement("p");
      note.className = "notice notice--error";
      note.setAttribute("role", "alert");
      note.textContent = "These filters could not be combined here (" + error.message + ").";
      form.after(note);
    });
  }

  if (window.location.pathname === action && window.location.search) {
    var values = fromQuery(new URLSearchParams(window.location.search));
    if (values.length === 1) { window.location.replace(pageUrl(values[0][0], values[0][1], 1)); }
    else if (values.length > 1) { combine(values); }
  }
}());
