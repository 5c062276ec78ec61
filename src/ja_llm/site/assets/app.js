/* ja-llm catalog: client-side search and facets.
 *
 * Mirrors `ja_llm.query.run_query` (same normalisation, same filters, same sort) on the columns of
 * data/entries.json, so that a URL such as ?q=llama&commercial=yes&sort=params lists the same entries, in
 * the same order, as `ja-llm search llama --commercial yes --sort params`.
 *
 * No libraries, no inline code, no HTML built from data: the page's rows are rendered by the generator and
 * only shown, hidden and reordered here. The pure part is exposed as `window.jaLlmQuery` for tests.
 */
(function () {
  "use strict";

  var root = typeof window !== "undefined" ? window : globalThis;

  // --- text normalisation (textnorm.normalize) --------------------------------------------------------

  // Python's str.isspace() characters, which is what `\s` means in Python's re (JavaScript's \s differs:
  // it lacks \x1c-\x1f and \x85 and has \ufeff).
  var WS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var WS_RUN = new RegExp("[" + WS + "]+", "g");
  var WS_EDGES = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");
  var WS_ONLY = new RegExp("^[" + WS + "]*$");

  /** Python's str.strip() without arguments. */
  function pyStrip(text) {
    return String(text).replace(WS_EDGES, "");
  }

  /** NFKC, lower case, runs of white space to one space, trimmed: `ＳＢ  Intuitions` -> `sb intuitions`. */
  function normalize(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(WS_RUN, " ").replace(/^ | $/g, "");
  }

  // --- value parsers (query.parse_params, query.parse_int) --------------------------------------------

  var ND = /\p{Nd}/u;
  var ND_ALL = /\p{Nd}/gu;
  var NON_ASCII = /[^\x00-\x7f]/;

  /** Any decimal digit (Unicode category Nd, as Python's \d, int() and float() accept) to its ASCII digit.
   * Unicode encodes every decimal digit set as a contiguous run starting at zero. */
  function asciiDigits(text) {
    if (!NON_ASCII.test(text)) return text;
    return text.replace(ND_ALL, function (ch) {
      var cp = ch.codePointAt(0);
      if (cp < 0x80) return ch;
      var start = cp;
      while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
      return String((cp - start) % 10);
    });
  }

  var PARAMS_RE = new RegExp("^[" + WS + "]*([0-9]+(?:\\.[0-9]+)?)[" + WS + "]*([kmbt])[" + WS + "]*$", "i");
  var UNITS = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

  /** A size text (7b, 1.4B, 500m, 110M) to a number of parameters; NaN when it is not one. */
  function parseParams(text) {
    if (typeof text === "number") return text;
    var match = PARAMS_RE.exec(asciiDigits(String(text).normalize("NFKC")));
    if (!match) return NaN;
    return parseFloat(match[1]) * UNITS[match[2].toLowerCase()];
  }

  var INT_RE = new RegExp("^[" + WS + "]*([+-]?[0-9]+)[" + WS + "]*$");
  var FLOAT_RE = new RegExp("^[" + WS + "]*([+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:e[+-]?[0-9]+)?)[" + WS + "]*$", "i");

  /** query.parse_int: a whole number (commas and underscores ignored), or a number followed by k (*1024).
   * null when it is not one. */
  function parseIntLike(value) {
    if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : null;
    var raw = asciiDigits(pyStrip(String(value).normalize("NFKC")).replace(/[,_]/g, ""));
    if (raw.slice(-1).toLowerCase() === "k") {
      var f = FLOAT_RE.exec(raw.slice(0, -1));
      if (!f) return null;
      var number = parseFloat(f[1]) * 1024;
      return Number.isFinite(number) ? Math.trunc(number) : null;
    }
    var m = INT_RE.exec(raw);
    return m ? parseInt(m[1], 10) : null;
  }

  function parseYear(value) {
    var year = parseIntLike(value);
    return year !== null && year >= 1000 && year <= 9999 ? year : null;
  }

  function isOn(value) {
    return value === true || value === 1 || value === "1" || value === "true" || value === "on";
  }

  // --- the index of a data file --------------------------------------------------------------------------

  var VARIANT_FILTERS = ["commercial", "license", "min_params", "max_params"];
  var SORT_KEYS = ["catalog", "params", "year", "name"];

  /** Code-point order (Python's str comparison), not UTF-16 code-unit order. */
  function compareCodePoints(a, b) {
    var n = Math.min(a.length, b.length);
    for (var k = 0; k < n; k++) {
      var x = a.charCodeAt(k);
      var y = b.charCodeAt(k);
      if (x !== y) {
        var xs = x >= 0xd800 && x <= 0xdfff;
        var ys = y >= 0xd800 && y <= 0xdfff;
        if (xs !== ys) return xs ? 1 : -1; // a surrogate stands for a code point above U+FFFF
        return x < y ? -1 : 1;
      }
    }
    return a.length - b.length;
  }

  function Index(data) {
    var entries = (data && data.entries) || [];
    var n = entries.length;
    this.data = data;
    this.n = n;
    this.entries = entries;
    this.ids = new Array(n);
    this.text = new Array(n);
    this.names = new Array(n);
    this.year = new Array(n);
    this.entryLic = new Array(n);
    this.devIds = new Set((data && data.developer_ids) || []);
    this.filters = ((data && data.filters) || []).filter(function (f) {
      return f && f.name && f.column && VARIANT_FILTERS.indexOf(f.name) < 0;
    });
    this.columns = new Map();
    this.ranks = new Map();
    var starts = new Int32Array(n + 1);
    var params = [];
    var active = [];
    var license = [];
    var yes = [];
    var any = [];
    this.maxParams = new Float64Array(n);
    this.maxActive = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      var e = entries[i];
      this.ids[i] = String(e.id);
      this.text[i] = typeof e.text === "string" ? e.text : "";
      this.names[i] = Array.isArray(e.names) ? e.names : [];
      this.year[i] = typeof e.year === "number" ? e.year : null;
      this.entryLic[i] = Array.isArray(e.entry_licenses) ? e.entry_licenses : [];
      var groups = Array.isArray(e.commercial) ? e.commercial : [];
      var entryYes = groups.indexOf("yes") >= 0;
      var entryAny = entryYes || groups.indexOf("conditional") >= 0;
      var variants = Array.isArray(e.variants) && e.variants.length ? e.variants : [[null, null, null, null]];
      starts[i] = params.length;
      var maxP = NaN;
      var maxA = NaN;
      for (var v = 0; v < variants.length; v++) {
        var row = variants[v] || [];
        var p = typeof row[0] === "number" ? row[0] : NaN;
        var a = typeof row[1] === "number" ? row[1] : NaN;
        var own = row[2] == null ? null : row[2];
        params.push(p);
        active.push(a);
        license.push(row[3] == null ? null : row[3]);
        // a variant's own class decides; a variant without one follows the entry's license groups
        yes.push(own !== null ? (own === "yes" ? 1 : 0) : (entryYes ? 1 : 0));
        any.push(own !== null ? (own === "yes" || own === "conditional" ? 1 : 0) : (entryAny ? 1 : 0));
        if (p === p && !(p <= maxP)) maxP = p;
        if (a === a && !(a <= maxA)) maxA = a;
      }
      this.maxParams[i] = maxP;
      this.maxActive[i] = maxA;
    }
    starts[n] = params.length;
    this.vStart = starts;
    this.vParams = Float64Array.from(params);
    this.vActive = Float64Array.from(active);
    this.vLic = license;
    this.vYes = Uint8Array.from(yes);
    this.vAny = Uint8Array.from(any);
  }

  /** The values of one entry field, by entry position. */
  Index.prototype.col = function (name) {
    var values = this.columns.get(name);
    if (!values) {
      values = this.entries.map(function (e) {
        return e[name];
      });
      this.columns.set(name, values);
    }
    return values;
  };

  Index.prototype.filter = function (name) {
    for (var k = 0; k < this.filters.length; k++) if (this.filters[k].name === name) return this.filters[k];
    return null;
  };

  /** Rank of every entry by its sort name in `lang` (equal names share a rank). */
  Index.prototype.nameRanks = function (lang) {
    var ranks = this.ranks.get(lang);
    if (ranks) return ranks;
    var n = this.n;
    var keys = this.entries.map(function (e) {
      var names = e.sort_name || {};
      var value = names[lang];
      if (!value) {
        var first = Object.keys(names)[0];
        value = first === undefined ? "" : names[first];
      }
      return String(value || "");
    });
    var order = [];
    for (var i = 0; i < n; i++) order.push(i);
    order.sort(function (a, b) {
      return compareCodePoints(keys[a], keys[b]) || a - b;
    });
    ranks = new Int32Array(n);
    var rank = 0;
    for (var k = 0; k < n; k++) {
      if (k > 0 && keys[order[k]] !== keys[order[k - 1]]) rank++;
      ranks[order[k]] = rank;
    }
    this.ranks.set(lang, ranks);
    return ranks;
  };

  var indexes = typeof WeakMap !== "undefined" ? new WeakMap() : null;

  function indexFor(data) {
    if (data instanceof Index) return data;
    var ix = indexes && indexes.get(data);
    if (!ix) {
      ix = new Index(data);
      if (indexes) indexes.set(data, ix);
    }
    return ix;
  }

  // --- parsing a state into a query ------------------------------------------------------------------------

  var UNSET = { unset: true };

  function isArrayColumn(values) {
    for (var i = 0; i < values.length; i++) if (values[i] != null) return Array.isArray(values[i]);
    return false;
  }

  function isBooleanColumn(values) {
    for (var i = 0; i < values.length; i++) if (values[i] != null) return typeof values[i] === "boolean";
    return false;
  }

  /** What an entry filter compares, given its raw value: {mode: eq|ge|in, col, value}; UNSET when the
   * value means "no filter"; null when the value cannot be used (the CLI would reject it). */
  function entryMatcher(ix, spec, raw) {
    if (raw === undefined || raw === null || raw === false || raw === "") return UNSET;
    var name = spec.name;
    var mode = spec.op === "eq" ? "eq" : spec.op === "ge" ? "ge" : spec.op === "contains" ? "in" : null;
    if (mode === null) return null;
    var value;
    if (name === "year" || name === "since") {
      value = parseYear(raw);
    } else if (name === "min_context") {
      value = parseIntLike(raw);
    } else if (name === "hf") {
      if (!isOn(raw)) return UNSET;
      value = true;
    } else if (name === "section") {
      value = pyStrip(raw);
      if (value === "") value = null;
    } else if (name === "developer") {
      var id = pyStrip(raw);
      if (ix.devIds.has(id)) return { mode: "in", col: "developer_ids", value: id };
      value = normalize(raw);
      if (value === "") value = null;
    } else if (mode === "in") {
      value = normalize(raw);
      if (value === "") value = null;
    } else {
      var values = ix.col(spec.column);
      if (isBooleanColumn(values)) {
        if (!isOn(raw)) return UNSET;
        value = true;
      } else {
        value = parseIntLike(raw);
      }
    }
    if (value === null || value === undefined) return null;
    return { mode: mode, col: spec.column, value: value };
  }

  function matcherTest(ix, d) {
    var col = ix.col(d.col);
    var v = d.value;
    if (d.mode === "eq") {
      return function (i) {
        var x = col[i];
        return (x == null ? 0 : x) === v;
      };
    }
    if (d.mode === "ge") {
      return function (i) {
        var x = col[i];
        return (x == null ? 0 : x) >= v;
      };
    }
    return function (i) {
      var x = col[i];
      return x != null && typeof x.includes === "function" && x.includes(v);
    };
  }

  function parseCommercial(raw) {
    if (raw === true) return "yes";
    var text = pyStrip(raw).toLowerCase();
    return text === "yes" || text === "any" ? text : null;
  }

  /** A state (plain object of URL parameter values) to a parsed query. Unusable values are skipped and
   * listed in `invalid`. */
  function parseState(ix, state, lang) {
    var q = state.q == null ? "" : String(state.q);
    var pq = {
      text: q,
      needle: q !== "" && !WS_ONLY.test(q) ? normalize(q) : null,
      entryFilters: [],
      commercial: null,
      license: null,
      minParams: null,
      maxParams: null,
      active: isOn(state.active),
      desc: isOn(state.desc),
      sort: "catalog",
      lang: lang || state.lang || "ja",
      invalid: []
    };
    var sort = state.sort == null || state.sort === "" ? "catalog" : pyStrip(state.sort);
    if (SORT_KEYS.indexOf(sort) >= 0) pq.sort = sort;
    else pq.invalid.push("sort");
    for (var k = 0; k < ix.filters.length; k++) {
      var spec = ix.filters[k];
      var d = entryMatcher(ix, spec, state[spec.name]);
      if (d === UNSET) continue;
      if (d === null) pq.invalid.push(spec.name);
      else pq.entryFilters.push({ name: spec.name, test: matcherTest(ix, d) });
    }
    var raw = state.commercial;
    if (raw != null && raw !== "" && raw !== false) {
      pq.commercial = parseCommercial(raw);
      if (pq.commercial === null) pq.invalid.push("commercial");
    }
    raw = state.license;
    if (raw != null && raw !== "" && raw !== false) {
      pq.license = pyStrip(raw);
      if (pq.license === "") {
        pq.license = null;
        pq.invalid.push("license");
      }
    }
    ["min_params", "max_params"].forEach(function (name) {
      var value = state[name];
      if (value == null || value === "" || value === false) return;
      var number = parseParams(value);
      if (number === number) pq[name === "min_params" ? "minParams" : "maxParams"] = number;
      else pq.invalid.push(name);
    });
    return pq;
  }

  // --- evaluation ---------------------------------------------------------------------------------------------

  /** The entries that match (in catalog order), the size each sorts by, and, when `plan` is given, the
   * facet counts: for each option, the entries that would match with that option chosen instead. */
  function evaluate(ix, pq, plan) {
    var n = ix.n;
    var needle = pq.needle;
    var texts = ix.text;
    var filters = pq.entryFilters;
    var m = filters.length;
    var tests = new Array(m);
    var bits = new Int32Array(m);
    var entryFacets = plan ? plan.entry : [];
    var E = entryFacets.length;
    for (var k = 0; k < m; k++) {
      tests[k] = filters[k].test;
      for (var f = 0; f < E; f++) if (entryFacets[f].name === filters[k].name) bits[k] = entryFacets[f].bit;
    }
    var vc = pq.commercial;
    var vl = pq.license;
    var vmin = pq.minParams;
    var vmax = pq.maxParams;
    var hasVF = vc !== null || vl !== null || vmin !== null || vmax !== null;
    var sizes = pq.active ? ix.vActive : ix.vParams;
    var maxSizes = pq.active ? ix.maxActive : ix.maxParams;
    var cArr = vc === "any" ? ix.vAny : ix.vYes;
    var vStart = ix.vStart;
    var vLic = ix.vLic;
    var vYes = ix.vYes;
    var vAny = ix.vAny;
    var entryLic = ix.entryLic;

    var pc = plan ? plan.commercial : null;
    var pl = plan ? plan.license : null;
    var pmin = plan ? plan.minParams : null;
    var pmax = plan ? plan.maxParams : null;
    var variantFacets = !!(pc || pl || pmin || pmax);
    var cCounts = { base: 0, yes: 0, any: 0 };
    var lCounts = pl ? new Int32Array(pl.size) : null;
    var lStamp = pl ? new Int32Array(pl.size).fill(-1) : null;
    var lBase = 0;
    var minCounts = pmin ? new Int32Array(pmin.values.length) : null;
    var maxCounts = pmax ? new Int32Array(pmax.values.length) : null;
    var minBase = 0;
    var maxBase = 0;
    var eCounts = new Array(E);
    var eBase = new Int32Array(E);
    for (f = 0; f < E; f++) eCounts[f] = new Int32Array(entryFacets[f].size);

    var matched = [];
    var keySize = new Float64Array(n);

    for (var i = 0; i < n; i++) {
      if (needle !== null && texts[i].indexOf(needle) === -1) continue;
      var fail = 0;
      var dead = false;
      for (k = 0; k < m; k++) {
        if (!tests[k](i)) {
          if (bits[k] === 0 || fail !== 0) {
            dead = true;
            break;
          }
          fail = bits[k];
        }
      }
      if (dead) continue;
      var vPass = true;
      var kmax = NaN;
      var start = vStart[i];
      var end = vStart[i + 1];
      var facetsHere = variantFacets && fail === 0;
      if (hasVF || facetsHere) {
        vPass = false;
        var othersC = false, cY = 0, cA = 0;
        var othersL = false;
        var othersMin = false, maxS = NaN;
        var othersMax = false, minS = NaN;
        for (var j = start; j < end; j++) {
          var sz = sizes[j];
          var okC = vc === null || cArr[j] === 1;
          var okL = vl === null || (vLic[j] !== null ? vLic[j] === vl : entryLic[i].indexOf(vl) >= 0);
          var okMin = vmin === null || sz >= vmin;
          var okMax = vmax === null || sz <= vmax;
          if (okC && okL && okMin && okMax) {
            vPass = true;
            if (sz === sz && !(sz <= kmax)) kmax = sz;
          }
          if (!facetsHere) continue;
          if (okL && okMin && okMax) {
            othersC = true;
            if (vYes[j] === 1) cY = 1;
            if (vAny[j] === 1) cA = 1;
          }
          if (pl && okC && okMin && okMax) {
            othersL = true;
            var own = vLic[j];
            if (own !== null) {
              var opts = pl.map.get(own);
              if (opts) {
                for (var o = 0; o < opts.length; o++) {
                  if (lStamp[opts[o]] !== i) {
                    lStamp[opts[o]] = i;
                    lCounts[opts[o]]++;
                  }
                }
              }
            } else {
              var lics = entryLic[i];
              for (var q = 0; q < lics.length; q++) {
                var lopts = lics[q] == null ? undefined : pl.map.get(lics[q]);
                if (!lopts) continue;
                for (o = 0; o < lopts.length; o++) {
                  if (lStamp[lopts[o]] !== i) {
                    lStamp[lopts[o]] = i;
                    lCounts[lopts[o]]++;
                  }
                }
              }
            }
          }
          if (okC && okL && okMax) {
            othersMin = true;
            if (sz === sz && !(sz <= maxS)) maxS = sz;
          }
          if (okC && okL && okMin) {
            othersMax = true;
            if (sz === sz && !(sz >= minS)) minS = sz;
          }
        }
        if (facetsHere) {
          if (othersC) {
            cCounts.base++;
            cCounts.yes += cY;
            cCounts.any += cA;
          }
          if (othersL) lBase++;
          if (pmin && othersMin) {
            minBase++;
            if (maxS === maxS) for (o = 0; o < pmin.values.length; o++) if (maxS >= pmin.values[o]) minCounts[o]++;
          }
          if (pmax && othersMax) {
            maxBase++;
            if (minS === minS) for (o = 0; o < pmax.values.length; o++) if (minS <= pmax.values[o]) maxCounts[o]++;
          }
        }
      } else {
        kmax = maxSizes[i];
      }
      if (!vPass) continue;
      for (f = 0; f < E; f++) {
        var F = entryFacets[f];
        if (fail !== 0 && fail !== F.bit) continue;
        eBase[f]++;
        var counts = eCounts[f];
        var idx = F.idx;
        for (var p = F.start[i], pe = F.start[i + 1]; p < pe; p++) counts[idx[p]]++;
      }
      if (fail === 0) {
        matched.push(i);
        keySize[i] = kmax;
      }
    }

    var result = { matched: matched, keySize: keySize, facets: null };
    if (plan) {
      var facets = new Map();
      for (f = 0; f < E; f++) facets.set(entryFacets[f].name, { base: eBase[f], counts: eCounts[f] });
      if (pc) {
        var cc = new Int32Array(pc.modes.length);
        for (o = 0; o < pc.modes.length; o++) cc[o] = pc.modes[o] === "yes" ? cCounts.yes : pc.modes[o] === "any" ? cCounts.any : 0;
        facets.set("commercial", { base: cCounts.base, counts: cc });
      }
      if (pl) facets.set("license", { base: lBase, counts: lCounts });
      if (pmin) facets.set("min_params", { base: minBase, counts: minCounts });
      if (pmax) facets.set("max_params", { base: maxBase, counts: maxCounts });
      result.facets = facets;
    }
    return result;
  }

  /** The matches in display order: sorted (stable, missing values last), then exact name matches first. */
  function displayOrder(ix, pq, matched, keySize) {
    var ordered;
    if (pq.sort === "catalog") {
      ordered = pq.desc ? matched.slice().reverse() : matched.slice();
    } else {
      var key;
      if (pq.sort === "params") {
        key = keySize;
      } else if (pq.sort === "year") {
        key = new Float64Array(ix.n);
        for (var k = 0; k < matched.length; k++) {
          var y = ix.year[matched[k]];
          key[matched[k]] = y === null ? NaN : y;
        }
      } else {
        key = ix.nameRanks(pq.lang);
      }
      var present = [];
      var missing = [];
      for (k = 0; k < matched.length; k++) {
        var i = matched[k];
        if (key[i] === key[i]) present.push(i);
        else missing.push(i);
      }
      var desc = pq.desc;
      present.sort(function (a, b) {
        var x = key[a];
        var z = key[b];
        if (x !== z) return (x < z) !== desc ? -1 : 1;
        return a - b; // ties keep catalog order, also when descending
      });
      ordered = present.concat(missing);
    }
    if (pq.text && pq.needle !== null) {
      var needle = pq.needle;
      var exact = [];
      var rest = [];
      for (k = 0; k < ordered.length; k++) {
        if (ix.names[ordered[k]].indexOf(needle) >= 0) exact.push(ordered[k]);
        else rest.push(ordered[k]);
      }
      if (exact.length) ordered = exact.concat(rest);
    }
    return ordered;
  }

  /** A state given by a test: a query string, URLSearchParams, or an object of parameter values (a nested
   * `filters` object and `text` for `q` are accepted too). */
  function coerceState(input) {
    var state = {};
    if (input == null) return state;
    if (typeof input === "string") input = new URLSearchParams(input.replace(/^\?/, ""));
    if (typeof URLSearchParams !== "undefined" && input instanceof URLSearchParams) {
      input.forEach(function (value, key) {
        if (!(key in state)) state[key] = value;
      });
      return state;
    }
    Object.keys(input).forEach(function (key) {
      if (key !== "filters") state[key] = input[key];
    });
    if (input.filters && typeof input.filters === "object") {
      Object.keys(input.filters).forEach(function (key) {
        state[key] = input.filters[key];
      });
    }
    if (state.q == null && state.text != null) state.q = state.text;
    Object.keys(state).forEach(function (key) {
      var value = state[key];
      if (typeof value === "number" && key !== "min_params" && key !== "max_params") state[key] = String(value);
    });
    return state;
  }

  /** The ids of the entries matching `state`, in display order (run_query without a limit). */
  function run(data, state) {
    var ix = indexFor(data);
    var s = coerceState(state);
    var pq = parseState(ix, s, s.lang);
    var result = evaluate(ix, pq, null);
    return displayOrder(ix, pq, result.matched, result.keySize).map(function (i) {
      return ix.ids[i];
    });
  }

  root.jaLlmQuery = {
    normalize: normalize,
    parseParams: parseParams,
    parseInt: parseIntLike,
    run: run
  };

  // --- the page -----------------------------------------------------------------------------------------------

  if (typeof document === "undefined") return;

  function App(main, form, data) {
    this.main = main;
    this.form = form;
    this.lang = main.getAttribute("data-lang") || document.documentElement.lang || "ja";
    this.ix = indexFor(data);
    var ix = this.ix;
    var names = ix.filters.map(function (f) {
      return f.name;
    });
    VARIANT_FILTERS.forEach(function (name) {
      if (names.indexOf(name) < 0) names.push(name);
    });
    this.filterNames = names;
    this.params = ["q"].concat(names, ["sort", "desc", "active"]);
    this.controls = new Map();
    for (var k = 0; k < form.elements.length; k++) {
      var el = form.elements[k];
      if (!el.name || this.params.indexOf(el.name) < 0 || this.controls.has(el.name)) continue;
      var tag = el.tagName.toLowerCase();
      if (tag === "select" || (tag === "input" && el.type !== "button" && el.type !== "submit" && el.type !== "reset")) {
        this.controls.set(el.name, el);
      }
    }
    this.extras = new Map(); // parameters without a control on the page (since, base_model): kept and applied
    this.timer = 0;

    // rows
    this.tbody = document.getElementById("entry-rows");
    var rowOf = new Array(ix.n).fill(null);
    var position = new Map();
    for (k = 0; k < ix.n; k++) position.set(ix.ids[k], k);
    var domOrder = [];
    var rowIndex = new Map();
    var visible = new Uint8Array(ix.n);
    if (this.tbody) {
      var rows = this.tbody.children;
      for (k = 0; k < rows.length; k++) {
        var row = rows[k];
        var id = row.getAttribute("data-id");
        if (id === null || !position.has(id)) continue;
        var i = position.get(id);
        if (rowOf[i] !== null) continue;
        rowOf[i] = row;
        rowIndex.set(row, i);
        domOrder.push(i);
        visible[i] = row.hidden ? 0 : 1;
      }
    }
    this.rowOf = rowOf;
    this.domOrder = domOrder;
    this.rowIndex = rowIndex;
    this.visible = visible;
    this.fragment = document.createDocumentFragment();

    this.countEl = document.getElementById("result-count");
    // At most pageSize rows are shown at a time (laying out thousands of table rows takes the browser far
    // longer than finding them); "show all" lifts the limit for the current filters only.
    var tbody = document.getElementById("entry-rows");
    var size = tbody ? parseInt(tbody.getAttribute("data-page-size") || "", 10) : NaN;
    this.pageSize = size > 0 ? size : Infinity;
    this.showAllFor = null;
    this.moreBox = document.getElementById("more");
    this.showAllButton = document.getElementById("show-all");
    var app = this;
    if (this.showAllButton) {
      this.showAllButton.addEventListener("click", function () {
        app.showAllFor = app.queryString(app.state());
        app.update(performance.now());
      });
    }
    this.hfCountEl = document.getElementById("hf-count");
    if (this.hfCountEl && this.hfCountEl.querySelector("input, select, textarea")) {
      // a label wrapping its checkbox: write the count into a span of its own
      var span = this.hfCountEl.querySelector(".count");
      if (!span) {
        span = document.createElement("span");
        span.className = "count";
        this.hfCountEl.appendChild(document.createTextNode(" "));
        this.hfCountEl.appendChild(span);
      }
      this.hfCountEl = span;
    }
    this.langSwitch = document.getElementById("lang-switch");
    if (this.langSwitch) {
      var href = this.langSwitch.getAttribute("href") || "";
      var hash = href.indexOf("#");
      this.switchHash = hash >= 0 ? href.slice(hash) : "";
      var path = hash >= 0 ? href.slice(0, hash) : href;
      var query = path.indexOf("?");
      this.switchPath = query >= 0 ? path.slice(0, query) : path;
    }

    this.extraBox = document.createElement("div");
    this.extraBox.className = "extra-filters";
    this.extraBox.hidden = true;
    var searchRow = form.querySelector(".search-row");
    if (searchRow && searchRow.parentNode === form) form.insertBefore(this.extraBox, searchRow.nextSibling);
    else form.insertBefore(this.extraBox, form.firstChild);
  }

  /** Set the controls from the URL; a select value not among the options gets an option of its own. */
  App.prototype.readUrl = function () {
    var search = new URLSearchParams(location.search);
    var added = false;
    this.extras.clear();
    for (var k = 0; k < this.params.length; k++) {
      var name = this.params[k];
      var value = search.get(name);
      var el = this.controls.get(name);
      if (!el) {
        if (value !== null && value !== "") this.extras.set(name, value);
        continue;
      }
      if (el.type === "checkbox") {
        el.checked = isOn(value);
      } else if (el.tagName.toLowerCase() === "select") {
        if (value === null || value === "") {
          el.selectedIndex = 0;
        } else {
          var found = false;
          for (var o = 0; o < el.options.length; o++) {
            if (el.options[o].value === value) {
              el.selectedIndex = o;
              found = true;
              break;
            }
          }
          if (!found) {
            var option = document.createElement("option");
            option.value = value;
            option.textContent = value;
            if (name !== "sort") option.setAttribute("data-label", value);
            el.appendChild(option);
            option.selected = true;
            added = true;
          }
        }
      } else {
        el.value = value === null ? "" : value;
      }
    }
    this.renderExtras();
    return added;
  };

  App.prototype.renderExtras = function () {
    var box = this.extraBox;
    while (box.firstChild) box.removeChild(box.firstChild);
    var self = this;
    this.extras.forEach(function (value, name) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "extra-filter";
      button.textContent = name + ": " + value + " ";
      var cross = document.createElement("span");
      cross.setAttribute("aria-hidden", "true");
      cross.textContent = "\u00d7";
      button.appendChild(cross);
      var hint = document.createElement("span");
      hint.className = "sr-only";
      hint.textContent = self.lang === "ja" ? "（解除）" : "(remove)";
      button.appendChild(hint);
      button.addEventListener("click", function () {
        var started = performance.now();
        self.extras.delete(name);
        self.renderExtras();
        self.update(started);
        // the button is gone: keep the keyboard focus in the form
        var target = self.extraBox.querySelector("button") || self.controls.get("q");
        if (target) target.focus();
      });
      box.appendChild(button);
    });
    box.hidden = this.extras.size === 0;
  };

  App.prototype.state = function () {
    var state = {};
    for (var k = 0; k < this.params.length; k++) {
      var name = this.params[k];
      var el = this.controls.get(name);
      var value;
      if (el) value = el.type === "checkbox" ? (el.checked ? "1" : "") : el.value;
      else value = this.extras.has(name) ? this.extras.get(name) : "";
      if (value !== "") state[name] = value;
    }
    return state;
  };

  App.prototype.queryString = function (state) {
    var out = new URLSearchParams();
    for (var k = 0; k < this.params.length; k++) {
      var name = this.params[k];
      var value = state[name];
      if (value === undefined || value === "") continue;
      if (name === "q" && WS_ONLY.test(value)) continue;
      if (name === "sort" && value === "catalog") continue;
      if ((name === "desc" || name === "active" || name === "hf") && this.controls.has(name) && !isOn(value)) continue;
      out.append(name, value);
    }
    return out.toString();
  };

  /** What the facet counts need: for entry facets, the options each entry matches (CSR lists); for the
   * variant facets, the option values. */
  App.prototype.buildPlan = function () {
    var ix = this.ix;
    var plan = { entry: [], commercial: null, license: null, minParams: null, maxParams: null };
    var ui = [];
    var self = this;
    var bit = 0;
    ix.filters.forEach(function (spec) {
      var el = self.controls.get(spec.name);
      if (!el || bit >= 30 || (el.type !== "checkbox" && el.tagName.toLowerCase() !== "select")) return;
      var options = [];
      var matchers = [];
      if (el.type === "checkbox") {
        // a flag filter (hf): its one count goes to #hf-count
        if (spec.name !== "hf") return;
        var d1 = entryMatcher(ix, spec, "1");
        matchers.push(d1 === UNSET ? null : d1);
        options.push({ el: null, label: null, pos: 0, target: self.hfCountEl || null, last: null });
      } else {
        facetOptions(el, options, function (value) {
          var d = entryMatcher(ix, spec, value);
          matchers.push(d === UNSET ? null : d);
          return matchers.length - 1;
        });
      }
      var csr = optionLists(ix, matchers);
      plan.entry.push({ name: spec.name, bit: 1 << bit, size: matchers.length, start: csr.start, idx: csr.idx });
      bit++;
      ui.push({ name: spec.name, options: options });
    });
    VARIANT_FILTERS.forEach(function (name) {
      var el = self.controls.get(name);
      if (!el || el.tagName.toLowerCase() !== "select") return;
      var options = [];
      var values = [];
      facetOptions(el, options, function (value) {
        values.push(value);
        return values.length - 1;
      });
      if (name === "commercial") {
        plan.commercial = { modes: values.map(parseCommercial) };
      } else if (name === "license") {
        var map = new Map();
        values.forEach(function (value, pos) {
          var id = pyStrip(value);
          if (!map.has(id)) map.set(id, []);
          map.get(id).push(pos);
        });
        plan.license = { size: values.length, map: map };
      } else {
        var numbers = Float64Array.from(values.map(parseParams));
        if (name === "min_params") plan.minParams = { values: numbers };
        else plan.maxParams = { values: numbers };
      }
      ui.push({ name: name, options: options });
    });
    this.plan = plan;
    this.facetUi = ui;
  };

  /** For each entry, the positions of the options it matches (entry filters are independent of the state). */
  /** The options of a facet select, for its counts: the "any" option (value "") has no position of its own;
   * every other option gets the position that `place(value)` gives it. */
  function facetOptions(el, options, place) {
    for (var o = 0; o < el.options.length; o++) {
      var option = el.options[o];
      var label = option.getAttribute("data-label");
      var pos = option.value === "" ? -1 : place(option.value);
      options.push({ el: option, label: label, pos: pos, last: null, empty: null });
    }
  }

  function optionLists(ix, matchers) {
    var n = ix.n;
    var eqGroups = new Map();
    var inGroups = new Map();
    var brute = [];
    matchers.forEach(function (d, pos) {
      if (!d) return;
      var values = ix.col(d.col);
      var groups = d.mode === "eq" ? eqGroups : d.mode === "in" && isArrayColumn(values) ? inGroups : null;
      if (groups === null) {
        brute.push({ pos: pos, test: matcherTest(ix, d) });
        return;
      }
      if (!groups.has(d.col)) groups.set(d.col, { values: values, map: new Map() });
      var map = groups.get(d.col).map;
      if (!map.has(d.value)) map.set(d.value, []);
      map.get(d.value).push(pos);
    });
    var start = new Int32Array(n + 1);
    var list = [];
    var stamp = new Int32Array(matchers.length).fill(-1);
    function add(opts, i) {
      for (var o = 0; o < opts.length; o++) {
        if (stamp[opts[o]] !== i) {
          stamp[opts[o]] = i;
          list.push(opts[o]);
        }
      }
    }
    var eqList = Array.from(eqGroups.values());
    var inList = Array.from(inGroups.values());
    for (var i = 0; i < n; i++) {
      start[i] = list.length;
      for (var g = 0; g < eqList.length; g++) {
        var x = eqList[g].values[i];
        var opts = eqList[g].map.get(x == null ? 0 : x);
        if (opts) add(opts, i);
      }
      for (g = 0; g < inList.length; g++) {
        var arr = inList[g].values[i];
        if (!Array.isArray(arr)) continue;
        for (var a = 0; a < arr.length; a++) {
          var found = inList[g].map.get(arr[a]);
          if (found) add(found, i);
        }
      }
      for (g = 0; g < brute.length; g++) {
        if (stamp[brute[g].pos] !== i && brute[g].test(i)) {
          stamp[brute[g].pos] = i;
          list.push(brute[g].pos);
        }
      }
    }
    start[n] = list.length;
    return { start: start, idx: Int32Array.from(list) };
  }

  App.prototype.update = function (started) {
    var ix = this.ix;
    var state = this.state();
    var pq = parseState(ix, state, this.lang);
    var result = evaluate(ix, pq, this.plan);
    var order = displayOrder(ix, pq, result.matched, result.keySize);
    var queried = performance.now();

    var qs = this.queryString(state);
    var limit = this.showAllFor === qs ? order.length : Math.min(order.length, this.pageSize);
    this.writeRows(limit < order.length ? order.slice(0, limit) : order);
    if (this.moreBox) {
      this.moreBox.hidden = limit >= order.length;
      if (this.showAllButton && limit < order.length) {
        var more = this.showAllButton.getAttribute("data-template") || "{n}";
        this.showAllButton.textContent = more.split("{n}").join(String(order.length)).split("{shown}").join(String(limit));
      }
    }
    var rowsWritten = performance.now();
    this.writeFacets(result.facets);
    if (this.countEl) {
      var template = this.countEl.getAttribute(order.length === 1 ? "data-one" : "data-many");
      if (template !== null) this.countEl.textContent = template.split("{n}").join(String(order.length));
    }
    if (this.langSwitch) this.langSwitch.setAttribute("href", this.switchPath + (qs ? "?" + qs : "") + this.switchHash);
    var invalid = pq.invalid;
    this.controls.forEach(function (el, name) {
      var bad = invalid.indexOf(name) >= 0;
      if (bad !== (el.getAttribute("aria-invalid") === "true")) {
        if (bad) el.setAttribute("aria-invalid", "true");
        else el.removeAttribute("aria-invalid");
      }
    });
    var elapsed = performance.now() - started;

    // The address last: it is no DOM write, and Chrome brings the styles up to date when it changes, work
    // the next frame would do anyway (lastUpdateMs ends with the DOM writes).
    var search = qs ? "?" + qs : "";
    if (search !== location.search) {
      try {
        history.replaceState(history.state, "", location.pathname + search + location.hash);
      } catch (err) {
        // too many replaceState calls (Safari limits them) or a file: URL: the page itself is right
      }
    }

    document.documentElement.dataset.ready = "1";
    var ids = new Array(order.length);
    for (var k = 0; k < order.length; k++) ids[k] = ix.ids[order[k]];
    root.__jaLlm = {
      lastUpdateMs: elapsed,
      matches: ids,
      shown: limit,
      phases: { query: queried - started, rows: rowsWritten - queried, rest: started + elapsed - rowsWritten }
    };
  };

  App.prototype.writeRows = function (order) {
    var rowOf = this.rowOf;
    var visible = this.visible;
    var n = this.ix.n;
    var next = new Uint8Array(n);
    var shown = [];
    var k, i;
    for (k = 0; k < order.length; k++) {
      next[order[k]] = 1;
      if (rowOf[order[k]] !== null) shown.push(order[k]);
    }
    // hide first, reorder, show last: a row moved while hidden has no layout to tear down
    for (i = 0; i < n; i++) if (visible[i] === 1 && next[i] === 0 && rowOf[i] !== null) rowOf[i].hidden = true;
    this.reorder(shown, next, visible);
    for (i = 0; i < n; i++) if (visible[i] === 0 && next[i] === 1 && rowOf[i] !== null) rowOf[i].hidden = false;
    this.visible = next;
  };

  /** Put the shown rows in display order, moving as few rendered rows as possible: among the rows that
   * were already visible, those whose current positions form the longest increasing run stay where they
   * are; every other shown row is moved (in runs, through one reused DocumentFragment) before the next
   * row that stays. Hidden rows keep their places: their order does not show. */
  App.prototype.reorder = function (shown, next, visible) {
    var dom = this.domOrder;
    var k;
    var p = 0;
    var same = true;
    for (k = 0; k < dom.length; k++) {
      if (next[dom[k]] === 0) continue;
      if (dom[k] !== shown[p]) {
        same = false;
        break;
      }
      p++;
    }
    if (same || !this.tbody) return;
    var tbody = this.tbody;
    var rowOf = this.rowOf;
    var position = new Int32Array(this.ix.n);
    for (k = 0; k < dom.length; k++) position[dom[k]] = k;
    var candidates = [];
    for (k = 0; k < shown.length; k++) if (visible[shown[k]] === 1) candidates.push(k);
    var sequence = new Int32Array(candidates.length);
    for (k = 0; k < candidates.length; k++) sequence[k] = position[shown[candidates[k]]];
    var run = increasingRun(sequence);
    var stays = new Uint8Array(shown.length);
    for (k = 0; k < candidates.length; k++) if (run[k] === 1) stays[candidates[k]] = 1;
    var row;
    if (typeof tbody.moveBefore === "function") {
      // an atomic move (Chrome 133+) keeps the row's state and costs about half a remove and insert
      var before = null;
      for (k = shown.length - 1; k >= 0; k--) {
        row = rowOf[shown[k]];
        if (stays[k] === 0) tbody.moveBefore(row, before);
        before = row;
      }
    } else {
      var fragment = this.fragment;
      var pending = false;
      for (k = 0; k < shown.length; k++) {
        row = rowOf[shown[k]];
        if (stays[k] === 0) {
          fragment.appendChild(row);
          pending = true;
        } else if (pending) {
          tbody.insertBefore(fragment, row);
          pending = false;
        }
      }
      if (pending) tbody.appendChild(fragment);
    }
    var now = [];
    var rowIndex = this.rowIndex;
    for (var el = tbody.firstElementChild; el !== null; el = el.nextElementSibling) {
      var index = rowIndex.get(el);
      if (index !== undefined) now.push(index);
    }
    this.domOrder = now;
  };

  /** The longest strictly increasing subsequence of `sequence` (patience sorting), as a mask. */
  function increasingRun(sequence) {
    var n = sequence.length;
    var tails = new Int32Array(n);
    var previous = new Int32Array(n);
    var length = 0;
    for (var i = 0; i < n; i++) {
      var x = sequence[i];
      var lo = 0;
      var hi = length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (sequence[tails[mid]] < x) lo = mid + 1;
        else hi = mid;
      }
      previous[i] = lo > 0 ? tails[lo - 1] : -1;
      tails[lo] = i;
      if (lo === length) length++;
    }
    var mask = new Uint8Array(n);
    for (var k = length > 0 ? tails[length - 1] : -1; k >= 0; k = previous[k]) mask[k] = 1;
    return mask;
  }

  App.prototype.writeFacets = function (facets) {
    if (!facets) return;
    for (var f = 0; f < this.facetUi.length; f++) {
      var facet = this.facetUi[f];
      var counts = facets.get(facet.name);
      if (!counts) continue;
      for (var o = 0; o < facet.options.length; o++) {
        var option = facet.options[o];
        var count = option.pos < 0 ? counts.base : counts.counts[option.pos];
        if (option.target !== undefined) {
          if (option.target !== null && option.last !== count) {
            option.target.textContent = String(count);
            option.last = count;
          }
          continue;
        }
        if (option.label === null) continue;
        var text = option.label + " (" + count + ")";
        if (option.last !== text) {
          option.el.textContent = text;
          option.last = text;
        }
        var empty = count === 0;
        if (option.empty !== empty) {
          option.el.classList.toggle("empty", empty);
          option.empty = empty;
        }
      }
    }
  };

  App.prototype.reset = function () {
    this.controls.forEach(function (el) {
      if (el.type === "checkbox") el.checked = false;
      else if (el.tagName.toLowerCase() === "select") el.selectedIndex = 0;
      else el.value = "";
    });
    this.extras.clear();
    this.renderExtras();
  };

  App.prototype.start = function () {
    var self = this;
    this.readUrl();
    this.buildPlan();
    this.ix.nameRanks(this.lang); // the name sort's ranks, computed before any change is timed
    this.form.hidden = false;
    function typed(el) {
      return el && el.tagName.toLowerCase() === "input" && el.type !== "checkbox" && el.type !== "radio";
    }
    function later() {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () {
        self.timer = 0;
        self.update(performance.now());
      }, 120);
    }
    function now() {
      clearTimeout(self.timer);
      self.timer = 0;
      self.update(performance.now());
    }
    this.form.addEventListener("input", function (event) {
      // typing: debounced, and not in the middle of an IME composition (kana to kanji)
      if (typed(event.target) && !event.isComposing) later();
    });
    this.form.addEventListener("compositionend", function (event) {
      if (typed(event.target)) later();
    });
    this.form.addEventListener("change", function (event) {
      if (typed(event.target)) {
        if (self.timer) now();
        return;
      }
      now();
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      now();
    });
    var reset = document.getElementById("reset-filters");
    if (reset) {
      reset.addEventListener("click", function () {
        var started = performance.now();
        clearTimeout(self.timer);
        self.timer = 0;
        self.reset();
        self.update(started);
      });
    }
    root.addEventListener("popstate", function () {
      var started = performance.now();
      clearTimeout(self.timer);
      self.timer = 0;
      if (self.readUrl()) self.buildPlan();
      self.update(started);
    });
    this.update(performance.now());
  };

  function init() {
    var main = document.querySelector("main[data-entries]");
    var form = document.getElementById("facets");
    if (!main || !form) return;
    var url = main.getAttribute("data-entries");
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
        return response.json();
      })
      .then(function (data) {
        new App(main, form, data).start();
      })
      .catch(function (err) {
        // the page keeps working without the facets: every entry stays listed
        if (root.console) root.console.warn("ja-llm: facets unavailable:", err);
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
