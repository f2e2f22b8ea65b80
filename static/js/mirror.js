// Filters of list pages in a static copy made by `manage.py export_site`.
//
// The copy holds the unfiltered list's pages (/publications/,
// /publications/page=2/) and filters.json, made by the server
// (publications.selectors.publication_filter_index): the items on each page and
// the items each filter value keeps; words typed are matched against
// words.json (publications.selectors.publication_word_index), what the live
// words filter searches. A filtered address
// (/publications/?type=article&year=2024) is shown here: the values' item sets
// are intersected, the pages holding those items are fetched, and only those
// items are kept. The counts in the filter choices are recomputed the same way.
// No inline script: the CSP of the live site holds for the copy too.
(function () {
  "use strict";
  // The Cite block's style is chosen by the server (?style=); the copy has the
  // site's default style only, so the choice is removed.
  document.querySelectorAll("form.cite-block__style").forEach(function (choice) {
    choice.remove();
  });
  var form = document.querySelector("form[data-mirror-filters]");
  if (!form) { return; }
  var action = new URL(form.getAttribute("action"), window.location.href).pathname;
  var OFF = ["", "0", "false", "off", "no"];
  var WORDS = "q";
  var PAGE = "page";

  function fields() {
    return Array.prototype.slice.call(
      form.querySelectorAll("select[name], input[type=checkbox][name], input[name=" + WORDS + "]")
    );
  }

  // As site_config.core.text.fold folds: accents, case and punctuation gone.
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "")
      .replace(/ß/g, "ss").replace(/[łŁ]/g, "l").replace(/[øØ]/g, "o").replace(/æ/g, "ae")
      .toLowerCase().replace(/[^\p{L}\p{N}_]+/gu, " ").trim();
  }

  // As site_config.core.text.words_of reads a query: each word once, at most 8.
  function wordsOf(query) {
    var found = [], seen = {};
    (query.slice(0, 200).match(/[\p{L}\p{N}_][\p{L}\p{N}_.+'’-]*/gu) || []).forEach(function (word) {
      var key = fold(word);
      if (key && !seen[key]) { seen[key] = true; found.push(key); }
    });
    return found.slice(0, 8);
  }

  // The items whose text (words.json: what the live filter searches, folded
  // one value a line) holds every word typed.
  function matchingWords(texts, query) {
    var words = wordsOf(query);
    return Object.keys(texts).filter(function (pk) {
      return words.every(function (word) { return texts[pk].indexOf(word) !== -1; });
    });
  }

  function byName(a, b) { return a[0] < b[0] ? -1 : (a[0] > b[0] ? 1 : 0); }

  function fromQuery(params) {
    var values = [];
    fields().forEach(function (field) {
      // As the live form reads a query: the last of repeated values, trimmed.
      var all = params.getAll(field.name);
      var value = all.length ? all[all.length - 1].trim() : "";
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

  function pageUrl(page) {
    return page > 1 ? action + "page=" + page + "/" : action;
  }

  function go(values) {
    if (values.length === 0) { window.location.assign(action); return; }
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

  // The li ids ("pub-12") of the items one filter value keeps.
  function entry(index, name, value) {
    var pks = name === WORDS ? matchingWords(index.words || {}, value) :
      ((index.values[name] || {})[value] || []);
    return pks.map(function (pk) { return "pub-" + pk; });
  }

  function relabel(text, count) {
    return /\(\d+\)\s*$/.test(text) ? text.replace(/\(\d+\)\s*$/, "(" + count + ")") : text;
  }

  function updateCounts(index, values) {
    fields().forEach(function (field) {
      var others = values.filter(function (pair) { return pair[0] !== field.name; })
        .map(function (pair) { return entry(index, pair[0], pair[1]); });
      var rest = intersect(others);
      function count(value) {
        var ids = entry(index, field.name, value);
        return rest === null ? ids.length : ids.filter(function (id) { return rest.has(id); }).length;
      }
      if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          if (!option.value) { return; }
          var n = count(option.value);
          option.textContent = relabel(option.textContent, n);
          // As the live page does: a value that would list nothing is disabled.
          option.disabled = n === 0 && !option.selected;
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
    first.querySelectorAll(".pager, .chart").forEach(function (node) { node.remove(); });
    downloads(first, values);
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
    showNotes();
    setForm(values);
    main.removeAttribute("aria-busy");
  }

  // A person's or a theme's list has downloads of its own (their pages link
  // them); any other filter's would need the server, so the whole list's are
  // offered, and labelled so.
  function downloads(root, values) {
    var row = root.querySelector(".list-downloads");
    if (!row) { return; }
    var own = values.length === 1 && (values[0][0] === "person" || values[0][0] === "theme");
    if (!own) {
      var label = row.querySelector(".list-downloads__label");
      if (label) { label.textContent = "Download the whole list:"; }
      return;
    }
    var folder = encodeURIComponent(values[0][0]) + "=" + encodeURIComponent(values[0][1]) + "/";
    row.querySelectorAll("a[href]").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      if (url.pathname.indexOf(action) === 0) {
        link.setAttribute("href", action + folder + url.pathname.slice(action.length));
      }
    });
  }

  // As the live list does, a value no choice has (a year with no
  // publication, a mistyped type) is left out with a note, and the other
  // filters still apply; an old slug of a theme or person (filters.json's
  // "renamed") stands for its slug now.
  function known(index, values) {
    var kept = [];
    values.forEach(function (pair) {
      // A theme's or person's old slug picks them, as the live form takes it.
      var now = ((index.renamed || {})[pair[0]] || {})[pair[1]];
      if (now) { pair = [pair[0], now]; }
      if (pair[0] === WORDS || Object.prototype.hasOwnProperty.call(index.values[pair[0]] || {}, pair[1])) {
        kept.push(pair);
        return;
      }
      var field = form.querySelector("[name=" + pair[0] + "]");
      var label = field && field.labels && field.labels.length ? field.labels[0].textContent.trim() : pair[0];
      var note = document.createElement("p");
      note.className = "notice";
      note.setAttribute("role", "status");
      note.textContent = "No choice “" + pair[1] + "” under " + label.replace(/\s*\(\d+\)\s*$/, "") +
        " here; it is left out.";
      notes.push(note);
    });
    return kept;
  }

  var notes = [];

  function combine(values) {
    var main = document.querySelector("main");
    main.setAttribute("aria-busy", "true");
    setForm(values);
    function json(url) {
      return fetch(url).then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.url); }
        return response.json();
      });
    }
    // words.json is fetched only when words are typed: it holds every item's text.
    var typed = values.some(function (pair) { return pair[0] === WORDS; });
    Promise.all([
      json(form.dataset.mirrorFilters),
      typed ? json(form.dataset.mirrorWords) : Promise.resolve({})
    ]).then(function (loaded) {
      var index = loaded[0];
      index.words = loaded[1].words;
      values = known(index, values);
      if (values.length === 0) {
        main.removeAttribute("aria-busy");
        setForm(values);
        showNotes();
        return;
      }
      var keep = intersect(values.map(function (pair) { return entry(index, pair[0], pair[1]); }));
      var urls = [];
      index.pages.forEach(function (pks, i) {
        if (pks.some(function (pk) { return keep.has("pub-" + pk); })) { urls.push(pageUrl(i + 1)); }
      });
      // Nothing matches: the first page still gives the page its frame.
      if (urls.length === 0) { urls.push(pageUrl(1)); }
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

  function showNotes() {
    notes.forEach(function (note) { form.after(note); });
  }

  if (window.location.pathname === action && window.location.search) {
    var params = new URLSearchParams(window.location.search);
    var values = fromQuery(params);
    var page = parseInt(params.get(PAGE), 10);
    if (values.length > 0) {
      combine(values);
    } else if (page > 1) {
      // An unfiltered list's page is a folder of its own in the copy.
      window.location.replace(pageUrl(page));
    }
  }
}());
