/* ja-llm catalog: the compare page (compare/?id=models/a/b&id=models/c/d).
 *
 * The ids come from the query string (repeated `id`, in order; duplicates dropped; the first four kept).
 * Each entry's facts are fetched from `api/entries/<id>.json` (the JSON export the site build writes: the
 * record `ja-llm search --json` prints, plus the entry as stored) under the `#compare` element's data-root;
 * its page is the id under the page's language home (data-home),
 * and shown side by side: one column per entry, one row per fact. An id that is malformed or has no file
 * gets a polite line; with fewer than two entries to show, the page says so and links to the list.
 *
 * "Remove" drops an entry from the address (history.pushState) and the table follows it; Back restores it.
 * The words come from the element's data-w-* attributes (the template writes them, escaped). No libraries,
 * no inline code, no markup built from data: every node is made with createElement and textContent.
 * After each render `#compare` has data-ready="1" and window.__jaLlmCompare = {ids, missing}.
 */
(function () {
  "use strict";

  var MIN = 2;
  var MAX = 4;
  var MANY_VARIANTS = 6; // more than this: the variants of an entry are folded in a <details>
  // An entry id: path segments of letters, digits, marks, `.`, `_`, `-` (the shipped ids are ASCII; the
  // catalog allows other letters, e.g. models/雲研究所/小型モデル); never `..`, a scheme, a query or a fragment.
  var ID_RE = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}._\/-]*$/u;
  var REPO_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
  var PAGE_RE = /^[^\/\\:?#][^\\:?#]*$/; // a page path relative to the site root
  var CLASSES = { yes: "\u2713", conditional: "\u25b3", no: "\u2717", unknown: "?" };

  var area = document.getElementById("compare");
  if (!area) return;
  var lang = area.getAttribute("data-lang") || "";
  var dataRoot = area.getAttribute("data-root") || "";
  var siteRoot = area.getAttribute("data-site-root") || "";
  var home = area.getAttribute("data-home") || siteRoot || "./";
  var cache = {}; // id -> Promise of the entry's data (null: no such entry)
  var generation = 0;

  // --- words and values ----------------------------------------------------------------------------------

  function word(key) {
    return area.getAttribute("data-w-" + key) || "";
  }

  /** A word with `{name}` placeholders filled (a function replacement: `$` in a value stays literal). */
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  /** A catalog text ({lang: text} or a plain string) in the page's language, else the first language that
   * has it. */
  function text(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "string") return value;
    if (typeof value !== "object") return "";
    if (typeof value[lang] === "string" && value[lang]) return value[lang];
    for (var key in value) {
      if (Object.prototype.hasOwnProperty.call(value, key) && typeof value[key] === "string" && value[key]) {
        return value[key];
      }
    }
    return "";
  }

  function isNumber(value) {
    return typeof value === "number" && isFinite(value) && value > 0;
  }

  /** model.units.format_params: 7B, 1.5B, 350M. */
  function formatParams(value) {
    var units = [
      ["T", 1e12],
      ["B", 1e9],
      ["M", 1e6],
      ["K", 1e3]
    ];
    for (var i = 0; i < units.length; i++) {
      if (value >= units[i][1]) {
        return (value / units[i][1]).toFixed(2).replace(/0+$/, "").replace(/\.$/, "") + units[i][0];
      }
    }
    return String(Math.round(value));
  }

  /** 4,096 (the grouping the entry pages use). */
  function formatCount(value) {
    return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  /** `7B` or `1B–13B`: the smallest and the largest of the values ("" when there is none). */
  function range(values, format) {
    if (!values.length) return "";
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    return low === high ? format(high) : format(low) + "\u2013" + format(high);
  }

  function variantsOf(entry) {
    return Array.isArray(entry.variants)
      ? entry.variants.filter(function (v) {
          return v && typeof v === "object";
        })
      : [];
  }

  /** The parameter range over the variants; for mixtures of experts with the active range
   * (`9.3B–73B (2.9B–22B active)`). */
  function paramsText(entry) {
    var totals = [];
    var actives = [];
    var mixture = false;
    variantsOf(entry).forEach(function (v) {
      if (!isNumber(v.params)) return;
      var active = isNumber(v.active) ? v.active : v.params;
      totals.push(v.params);
      actives.push(active);
      if (active !== v.params) mixture = true;
    });
    var total = range(totals, formatParams);
    if (!total || !mixture) return total;
    return fill(word("active_params"), { total: total, n: range(actives, formatParams) });
  }

  function variantParams(v) {
    if (!isNumber(v.params)) return "";
    var total = formatParams(v.params);
    if (isNumber(v.active) && v.active !== v.params) {
      return fill(word("active_params"), { total: total, n: formatParams(v.active) });
    }
    return total;
  }

  function variantContext(entry, v) {
    if (isNumber(v.context)) return v.context;
    return isNumber(entry.context_length) ? entry.context_length : null;
  }

  function contextText(entry) {
    var variants = variantsOf(entry);
    var values = [];
    variants.forEach(function (v) {
      var value = variantContext(entry, v);
      if (value) values.push(value);
    });
    if (!variants.length && isNumber(entry.context_length)) values.push(entry.context_length);
    return range(values, formatCount);
  }

  function licensesOf(entry) {
    return Array.isArray(entry.licenses)
      ? entry.licenses.filter(function (lic) {
          return lic && typeof lic === "object";
        })
      : [];
  }

  function classOf(value) {
    return Object.prototype.hasOwnProperty.call(CLASSES, value) ? value : "unknown";
  }

  // --- DOM -------------------------------------------------------------------------------------------------

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  function add(parent, child) {
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    return parent;
  }

  /** The commercial-use class as words, with a decorative symbol: ✓ commercial use, ✗ non-commercial. */
  function badge(value) {
    var cls = classOf(value);
    var span = el("span", "commercial-" + cls);
    var symbol = el("span", "symbol", CLASSES[cls]);
    symbol.setAttribute("aria-hidden", "true");
    span.appendChild(symbol);
    add(span, " " + word("commercial_class_" + cls));
    return span;
  }

  function list(items, className) {
    var ul = el("ul", "compare-list" + (className ? " " + className : ""));
    items.forEach(function (item) {
      var li = el("li");
      (Array.isArray(item) ? item : [item]).forEach(function (part) {
        add(li, part);
      });
      ul.appendChild(li);
    });
    return ul;
  }

  function external(href, label) {
    var a = el("a", null, label);
    a.href = href;
    a.rel = "noopener noreferrer";
    return a;
  }

  // --- the facts: one row each ---------------------------------------------------------------------------

  function licenseCell(entry) {
    var licenses = licensesOf(entry);
    if (!licenses.length) {
      // no license named: the classes the search gives the entry (`unknown` for an API model)
      var classes = Array.isArray(entry.commercial) ? entry.commercial : [];
      return classes.length ? list(classes.map(badge)) : null;
    }
    return list(
      licenses.map(function (lic) {
        var parts = [];
        var scope = text(lic.scope);
        if (scope) parts.push(el("span", "scope", scope + ": "));
        parts.push(text(lic.name) || String(lic.id || ""), " ", badge(lic.commercial));
        if (lic.uncertain) parts.push(" ", el("small", null, word("uncertain")));
        return parts;
      })
    );
  }

  function conditionsCell(entry) {
    var items = [];
    licensesOf(entry).forEach(function (lic) {
      var conditions = text(lic.conditions);
      if (conditions) items.push([el("span", "scope", (text(lic.name) || String(lic.id || "")) + ": "), conditions]);
    });
    return items.length ? list(items) : null;
  }

  function variantsCell(entry) {
    var variants = variantsOf(entry);
    if (!variants.length) return null;
    var names = {};
    licensesOf(entry).forEach(function (lic) {
      if (typeof lic.id === "string") names[lic.id] = text(lic.name) || lic.id;
    });
    var several = Object.keys(names).length > 1;
    var items = variants.map(function (v, i) {
      var label = String(v.label || v.size || v.repo || "#" + (i + 1));
      var parts = [el("span", "variant-label", label)];
      var facts = [];
      var params = variantParams(v);
      if (params && params.toLowerCase() !== label.toLowerCase()) facts.push(params); // not `7b 7B`
      var context = variantContext(entry, v);
      if (context) facts.push(formatCount(context));
      if (facts.length) parts.push(" ", el("span", "variant-facts", facts.join(" \u00b7 ")));
      if (v.commercial) {
        parts.push(" ");
        if (several && typeof v.license === "string" && names[v.license]) parts.push(names[v.license] + " ");
        parts.push(badge(v.commercial));
      }
      return parts;
    });
    var ul = list(items, "variants");
    if (variants.length <= MANY_VARIANTS) return ul;
    var details = el("details");
    details.appendChild(el("summary", null, word("variants") + " (" + variants.length + ")"));
    details.appendChild(ul);
    return details;
  }

  function reposCell(entry) {
    var repos = Array.isArray(entry.repos)
      ? entry.repos.filter(function (r) {
          return typeof r === "string" && r;
        })
      : [];
    if (!repos.length) return null;
    return list(
      repos.map(function (repo) {
        return REPO_RE.test(repo) ? external("https://huggingface.co/" + repo, repo) : repo;
      }),
      "repos"
    );
  }

  // [word of the row header, the cell of an entry (text, node or ""/null: none), shown only when some entry
  // has a value]
  var ROWS = [
    [
      "kind",
      function (e) {
        return typeof e.kind === "string" ? word("kind_" + e.kind) || e.kind : "";
      },
      false
    ],
    [
      "developer",
      function (e) {
        return (Array.isArray(e.developers) ? e.developers : [])
          .map(function (d) {
            return d && typeof d === "object" ? text(d.name) || String(d.id || "") : "";
          })
          .filter(Boolean)
          .join(", ");
      },
      false
    ],
    [
      "year",
      function (e) {
        return isNumber(e.year) ? String(e.year) : "";
      },
      false
    ],
    ["params", paramsText, false],
    [
      "architecture",
      function (e) {
        return text(e.architecture);
      },
      true
    ],
    [
      "base_model",
      function (e) {
        return text(e.base_model);
      },
      true
    ],
    ["context", contextText, false],
    ["licenses", licenseCell, false],
    ["conditions", conditionsCell, true],
    ["variants", variantsCell, false],
    ["repos", reposCell, false]
  ];

  // --- the page ----------------------------------------------------------------------------------------------

  function validId(id) {
    return typeof id === "string" && id.length <= 400 && ID_RE.test(id) && id.indexOf("..") < 0;
  }

  /** The ids of the address: repeated `id`, in order, duplicates dropped, the first MAX kept. */
  function readIds(search) {
    var seen = {};
    var ids = [];
    new URLSearchParams(search).getAll("id").forEach(function (id) {
      if (ids.length < MAX && !Object.prototype.hasOwnProperty.call(seen, id)) {
        seen[id] = true;
        ids.push(id);
      }
    });
    return ids;
  }

  function load(id) {
    if (!Object.prototype.hasOwnProperty.call(cache, id)) {
      if (!validId(id)) {
        cache[id] = Promise.resolve(null);
      } else {
        var url = dataRoot + id.split("/").map(encodeURIComponent).join("/") + ".json";
        cache[id] = fetch(url, { credentials: "same-origin" })
          .then(function (response) {
            return response.ok ? response.json() : null;
          })
          .then(function (data) {
            return data && typeof data === "object" && data.id === id ? data : null;
          })
          .catch(function () {
            delete cache[id]; // a network failure: try again next time
            return null;
          });
      }
    }
    return cache[id];
  }

  function pageHref(entry) {
    var path = typeof entry.id === "string" ? entry.id + "/" : "";
    return path && PAGE_RE.test(path) ? home + path : null;
  }

  function nameOf(entry) {
    return text(entry.name) || entry.id;
  }

  function shorten(value) {
    return value.length > 120 ? value.slice(0, 119) + "\u2026" : value;
  }

  function headCell(entry, position) {
    var th = el("th");
    th.scope = "col";
    var name = nameOf(entry);
    var href = pageHref(entry);
    var title = el(href ? "a" : "span", "compare-name", name);
    if (href) title.href = href;
    th.appendChild(title);
    var button = el("button", "compare-remove", word("compare_remove"));
    button.type = "button";
    button.setAttribute("aria-label", word("compare_remove") + ": " + name);
    button.setAttribute("data-id", entry.id);
    button.addEventListener("click", function () {
      remove(entry.id, position);
    });
    th.appendChild(button);
    return th;
  }

  function table(entries) {
    var wrap = el("div", "table-wrap compare-wrap");
    var tbl = el("table", "compare cols-" + entries.length);
    tbl.appendChild(el("caption", "sr-only", word("compare_title") + ": " + entries.map(nameOf).join(", ")));
    var thead = el("thead");
    var head = el("tr");
    head.appendChild(el("td", "corner"));
    entries.forEach(function (entry, i) {
      head.appendChild(headCell(entry, i));
    });
    thead.appendChild(head);
    tbl.appendChild(thead);
    var tbody = el("tbody");
    ROWS.forEach(function (row) {
      var cells = entries.map(function (entry) {
        return row[1](entry);
      });
      var some = cells.some(function (c) {
        return c !== null && c !== "";
      });
      if (row[2] && !some) return;
      var tr = el("tr", "row-" + row[0].replace(/_/g, "-"));
      var th = el("th", null, word(row[0]));
      th.scope = "row";
      tr.appendChild(th);
      cells.forEach(function (cell) {
        var td = el("td");
        if (cell === null || cell === "") {
          td.className = "none";
          td.appendChild(el("span", null, "\u2014"));
        } else {
          add(td, cell);
        }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    tbl.appendChild(tbody);
    wrap.appendChild(tbl);
    return wrap;
  }

  function render(ids, found, focusAt) {
    var entries = [];
    var missing = [];
    ids.forEach(function (id, i) {
      if (found[i]) entries.push(found[i]);
      else missing.push(id);
    });
    while (area.firstChild) area.removeChild(area.firstChild);
    if (missing.length) {
      var box = el("div", "compare-missing");
      box.setAttribute("role", "status");
      missing.forEach(function (id) {
        box.appendChild(el("p", null, fill(word("compare_missing"), { id: shorten(id) })));
      });
      area.appendChild(box);
    }
    var target = null;
    if (entries.length < MIN) {
      var empty = el("p", "compare-empty", word("compare_empty") + " ");
      empty.tabIndex = -1;
      var link = el("a", null, word("home"));
      link.href = home;
      empty.appendChild(link);
      area.appendChild(empty);
      target = empty;
    } else {
      area.appendChild(table(entries));
      var buttons = area.querySelectorAll("button.compare-remove");
      target = buttons[Math.min(focusAt || 0, buttons.length - 1)];
    }
    if (typeof focusAt === "number" && target) target.focus();
    window.__jaLlmCompare = {
      ids: entries.map(function (e) {
        return e.id;
      }),
      missing: missing
    };
  }

  /** Show the entries of the address; focusAt: after a removal, the column whose button gets the focus. */
  function update(focusAt) {
    var current = ++generation;
    var ids = readIds(location.search);
    area.removeAttribute("data-ready");
    area.setAttribute("aria-busy", "true");
    Promise.all(ids.map(load)).then(function (found) {
      if (current !== generation) return; // a newer address is being shown
      render(ids, found, focusAt);
      area.removeAttribute("aria-busy");
      area.setAttribute("data-ready", "1");
    });
  }

  function remove(id, position) {
    var params = new URLSearchParams(location.search);
    var kept = readIds(location.search).filter(function (other) {
      return other !== id;
    });
    params.delete("id");
    kept.forEach(function (other) {
      params.append("id", other);
    });
    var query = params.toString().replace(/%2F/gi, "/");
    history.pushState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    update(position);
  }

  window.addEventListener("popstate", function () {
    update(null);
  });
  update(null);
})();
