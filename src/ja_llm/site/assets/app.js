/* ja-llm catalog: client-side search and facets.
 *
 * An interpreter of the query spec that `ja_llm.search.query.spec` exports with data/entries.json: the
 * filters (each a value parser of a named kind and an entry test or a variant test with its op), the sort
 * keys, the text search and the vocabularies. It evaluates them on the entries' columns exactly as
 * `ja_llm.search.query.run_query` does, so that a URL such as ?q=llama&commercial=yes&sort=params lists the
 * same entries, in the same order, as `ja-llm search llama --commercial yes --sort params`. Nothing here
 * knows a filter by its name: a filter added in Python works here as it is.
 *
 * No libraries, no inline code, no HTML built from data: the page's rows are rendered by the generator and
 * only put in the list, taken out of it and reordered here: the list holds the rows shown and no other.
 *
 * At scale the page holds the first page of rows only, and the data comes in shards of `shard size` entries
 * in catalog order (ja_llm.site.build.SHARD_SIZE): data/entries.json has the spec and the shard count,
 * data/entries/<n>.json the columns of shard n (all fetched in parallel as the page loads: any filter's result
 * and facet counts need every entry), and data/rows/<lang>/<n>.html its rows as the generator rendered them
 * (fetched when a result shows a row the page does not have yet, parsed by a <template> element and kept
 * aside until a result shows them). Until they arrive the list shows the rows it has, with aria-busy on the
 * list; the update then runs again and only that one sets `data-ready` and window.__jaLlm.
 */
(function () {
  "use strict";

  var root = window;

  // --- text normalisation (model/text.normalize) ------------------------------------------------------

  // White space is what Python's str.isspace() says it is (JavaScript's \s is another set): the spec names
  // it (`white_space`, model.text.white_space_class: a character class's inside), and these patterns are
  // made from it when the spec arrives (useWhiteSpace, called by Index); nothing below runs before that.
  var WS, WS_RUN, WS_EDGES, WS_ONLY, INT_RE, FLOAT_RE;

  function useWhiteSpace(ws) {
    WS = ws;
    WS_RUN = new RegExp("[" + WS + "]+", "g");
    WS_EDGES = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");
    WS_ONLY = new RegExp("^[" + WS + "]*$");
    INT_RE = new RegExp("^[" + WS + "]*([+-]?[0-9]+)[" + WS + "]*$");
    FLOAT_RE = new RegExp("^[" + WS + "]*([+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:e[+-]?[0-9]+)?)[" + WS + "]*$", "i");
  }

  /** Python's str.strip() without arguments. */
  function pyStrip(text) {
    return String(text).replace(WS_EDGES, "");
  }

  /** NFKC, lower case, runs of white space to one space, trimmed: `ＳＢ  Intuitions` -> `sb intuitions`. */
  function normalize(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(WS_RUN, " ").replace(/^ | $/g, "");
  }

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

  /** query.parse_int: a whole number (commas and underscores ignored), or a number followed by k (times
   * `k`); null when it is not one. */
  function parseIntLike(value, k) {
    var raw = asciiDigits(pyStrip(String(value).normalize("NFKC")).replace(/[,_]/g, ""));
    if (raw.slice(-1).toLowerCase() === "k") {
      var f = FLOAT_RE.exec(raw.slice(0, -1));
      if (!f) return null;
      var number = parseFloat(f[1]) * k;
      return Number.isFinite(number) ? Math.trunc(number) : null;
    }
    var m = INT_RE.exec(raw);
    return m ? parseInt(m[1], 10) : null;
  }

  function isOn(value) {
    return value === true || value === 1 || value === "1" || value === "true" || value === "on";
  }

  function escapeClass(text) {
    return text.replace(/[\\\]\[^-]/g, "\\$&");
  }

  // --- value parsers, by kind (query.PARSERS) ------------------------------------------------------------
  // Each reads a raw value (never empty) with its parser's data; it gives {value, exact} or null (a value
  // the CLI would reject: marked invalid on its control and not applied).

  var PARSERS = {
    params: function (raw, data) {
      var units = data.units;
      if (!data.re) {
        data.re = new RegExp(
          "^[" + WS + "]*([0-9]+(?:\\.[0-9]+)?)[" + WS + "]*([" + escapeClass(Object.keys(units).join("")) + "])[" + WS + "]*$",
          "i"
        );
      }
      var match = data.re.exec(asciiDigits(String(raw).normalize("NFKC")));
      return match ? { value: parseFloat(match[1]) * units[match[2].toLowerCase()] } : null;
    },
    int: function (raw, data) {
      var value = parseIntLike(raw, data.k);
      return value === null ? null : { value: value };
    },
    year: function (raw, data) {
      var value = parseIntLike(raw, data.k);
      return value !== null && value >= data.min && value <= data.max ? { value: value } : null;
    },
    text: function (raw) {
      var value = normalize(raw);
      return value === "" ? null : { value: value };
    },
    choice: function (raw, data) {
      var text = raw === true ? data["default"] : pyStrip(raw).toLowerCase();
      return Object.prototype.hasOwnProperty.call(data.values, text) ? { value: new Set(data.values[text]) } : null;
    },
    section: function (raw, data, vocab) {
      var text = pyStrip(raw);
      return data.kinds.indexOf(text) >= 0 || vocab[data.vocabulary].has(text) ? { value: text } : null;
    },
    license: function (raw, data, vocab) {
      var text = pyStrip(raw);
      return vocab[data.vocabulary].has(text) ? { value: text } : null;
    },
    developer: function (raw, data, vocab) {
      var text = pyStrip(raw);
      if (vocab[data.vocabulary].has(text)) return { value: text, exact: true };
      return PARSERS.text(raw);
    },
    flag: function (raw) {
      return isOn(raw) ? { value: true } : null;
    }
  };

  var UNSET = { unset: true };

  /** A filter's raw value (a URL parameter) to {value, exact}; UNSET when it asks for no filtering. */
  function parseValue(ix, filter, raw) {
    if (raw === undefined || raw === null || raw === false || raw === "") return UNSET;
    var kind = filter.parser.kind;
    if (kind === "flag" && !isOn(raw)) return UNSET;
    var parse = PARSERS[kind];
    return parse ? parse(raw, filter.parser, ix.vocab) : null;
  }

  // --- ops (query._narrow_entries, query._narrow_variants) -------------------------------------------------

  /** An entry test: `column OP value`; a column value missing from the data fails. */
  var ENTRY_OPS = {
    eq: function (x, v) {
      return x === v;
    },
    ge: function (x, v) {
      return x != null && x >= v;
    },
    le: function (x, v) {
      return x != null && x <= v;
    },
    contains: function (x, v) {
      return x != null && x.includes(v); // a substring of a text, or an item of a list
    },
    intersects: function (x, v) {
      if (!Array.isArray(x)) return false;
      for (var k = 0; k < x.length; k++) if (v.has(x[k])) return true;
      return false;
    },
    in: function (x, v) {
      return x != null && v.has(x);
    }
  };

  /** A variant test on the variant's own value (never missing here: a missing one goes to the fallback). */
  var VARIANT_OPS = {
    eq: function (x, v) {
      return x === v;
    },
    ge: function (x, v) {
      return x >= v;
    },
    le: function (x, v) {
      return x <= v;
    },
    in: function (x, v) {
      return v.has(x);
    }
  };

  function hasValue(x) {
    return x !== null && x !== undefined && x === x; // NaN: no value
  }

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

  // --- the index of a data file --------------------------------------------------------------------------

  /** A shard's column as it is stored (build.entry_shards): the values themselves, or the distinct values
   * and the place of each among them. Equal values come out as one value (one string, one list). */
  function decodeColumn(stored, count) {
    if (stored === undefined || stored === null) return new Array(count).fill(null);
    if (Array.isArray(stored)) return stored;
    var values = stored.values;
    var codes = stored.codes;
    var out = new Array(codes.length);
    for (var k = 0; k < codes.length; k++) out[k] = values[codes[k]];
    return out;
  }

  /** The entries' columns (data: the spec and the shards in catalog order), each one array by entry
   * position, and the variants flattened: entry i owns positions vStart[i]..vStart[i+1]-1, and an entry
   * without variants has one blank position (no value in any field), judged by the fallbacks alone. */
  function Index(data) {
    var spec = data.spec;
    useWhiteSpace(spec.white_space);
    var shards = data.shards || [];
    var n = 0;
    var s;
    for (s = 0; s < shards.length; s++) n += shards[s].ids.length;
    this.spec = spec;
    this.n = n;
    this.filters = spec.filters;
    this.byName = new Map();
    for (var f = 0; f < spec.filters.length; f++) this.byName.set(spec.filters[f].name, spec.filters[f]);
    var vocabularies = spec.vocabularies || {};
    this.vocab = {};
    for (var key in vocabularies) this.vocab[key] = new Set(vocabularies[key]);
    this.ids = new Array(n);
    this.columns = new Map();
    this.ranks = new Map();
    this.masks = new Map(); // test results by key (Index.cached)
    var names = Object.keys(spec.columns || {});
    var columns = names.map(function () {
      return new Array(n);
    });
    var fields = Object.keys(spec.variant_fields);
    var values = fields.map(function () {
      return [];
    });
    var starts = new Int32Array(n + 1);
    var count = 0;
    var i = 0;
    var c, k;
    for (s = 0; s < shards.length; s++) {
      var shard = shards[s];
      var size = shard.ids.length;
      for (c = 0; c < names.length; c++) {
        var stored = decodeColumn(shard.columns[names[c]], size);
        var into = columns[c];
        for (k = 0; k < size; k++) into[i + k] = stored[k] === undefined ? null : stored[k];
      }
      var counts = shard.variants.counts;
      var total = 0;
      for (k = 0; k < size; k++) total += counts[k];
      var storedFields = [];
      for (c = 0; c < fields.length; c++) storedFields.push(decodeColumn(shard.variants.fields[fields[c]], total));
      var v = 0;
      for (k = 0; k < size; k++, i++) {
        this.ids[i] = String(shard.ids[k]);
        starts[i] = count;
        var own = counts[k];
        if (own === 0) {
          for (c = 0; c < fields.length; c++) values[c].push(null);
          count++;
          continue;
        }
        for (var r = 0; r < own; r++, v++, count++) {
          for (c = 0; c < fields.length; c++) {
            var x = storedFields[c][v];
            values[c].push(x == null ? null : x);
          }
        }
      }
    }
    starts[n] = count;
    for (c = 0; c < names.length; c++) this.columns.set(names[c], columns[c]);
    this.vStart = starts;
    this.vFields = new Map();
    for (c = 0; c < fields.length; c++) {
      var numeric = spec.variant_fields[fields[c]] === "number";
      this.vFields.set(
        fields[c],
        numeric
          ? Float64Array.from(values[c], function (x) {
              return x === null ? NaN : x;
            })
          : values[c]
      );
    }
  }

  /** The values of one entry column, by entry position (a column the data lacks: no value). */
  Index.prototype.col = function (name) {
    var values = this.columns.get(name);
    if (!values) {
      values = new Array(this.n).fill(null);
      this.columns.set(name, values);
    }
    return values;
  };

  /** The values of one variant field, by variant position. */
  Index.prototype.field = function (name) {
    return this.vFields.get(name);
  };

  /** Rank of every entry by a column of texts per language, in `lang` (else the first); equal texts share
   * a rank. */
  Index.prototype.textRanks = function (column, lang) {
    var cacheKey = column + "\u0000" + lang;
    var ranks = this.ranks.get(cacheKey);
    if (ranks) return ranks;
    var n = this.n;
    var keys = this.col(column).map(function (texts) {
      texts = texts || {};
      if (Object.prototype.hasOwnProperty.call(texts, lang)) return String(texts[lang]);
      var first = Object.keys(texts)[0];
      return first === undefined ? "" : String(texts[first]);
    });
    var order = [];
    for (var i = 0; i < n; i++) order.push(i);
    order.sort(function (a, b) {
      return compareCodePoints(keys[a], keys[b]) || a - b;
    });
    ranks = new Float64Array(n);
    var rank = 0;
    for (var k = 0; k < n; k++) {
      if (k > 0 && keys[order[k]] !== keys[order[k - 1]]) rank++;
      ranks[order[k]] = rank;
    }
    this.ranks.set(cacheKey, ranks);
    return ranks;
  };

  /** A parsed value as a key of the cache of test results. */
  function valueKey(v) {
    return v instanceof Set ? "set:" + Array.from(v).join("\u0000") : typeof v + ":" + String(v);
  }

  var KEPT_MASKS = 48; // test results kept for the next updates (each n or one per variant bytes)

  /** The result of a test, by its key: computed by `compute` unless kept from an earlier update (the most
   * recently used KEPT_MASKS of them are kept), so that a change of one filter tests that filter only. */
  Index.prototype.cached = function (key, compute) {
    var masks = this.masks;
    var hit = masks.get(key);
    if (hit !== undefined) {
      masks.delete(key);
    } else {
      hit = compute();
      if (masks.size >= KEPT_MASKS) masks.delete(masks.keys().next().value);
    }
    masks.set(key, hit);
    return hit;
  };

  /** Which entries pass an entry test for a parsed value: 1 or 0 by entry position. */
  function entryMask(ix, test, parsed) {
    var column = parsed.exact && test.exact ? test.exact : test.column;
    var v = parsed.value;
    return ix.cached("entry\u0001" + column + "\u0001" + test.op + "\u0001" + valueKey(v), function () {
      var col = ix.col(column);
      var op = ENTRY_OPS[test.op];
      var n = ix.n;
      var out = new Uint8Array(n);
      for (var i = 0; i < n; i++) if (op(col[i], v)) out[i] = 1;
      return out;
    });
  }

  /** The field (or column) a test reads: the alternative of the first switch that is on (`switched`), else
   * its own (query.switched). */
  function switched(name, alternatives, switches) {
    for (var k in alternatives || {}) if (Object.prototype.hasOwnProperty.call(alternatives, k) && switches[k]) return alternatives[k];
    return name;
  }

  /** Which variants pass a variant test for a value under the switches: 1 or 0 by variant position (a
   * variant without its own value is judged by the entry's fallback column). */
  function variantMask(ix, test, value, switches) {
    var field = switched(test.field, test.switched, switches);
    var fallback = test.fallback;
    var column = fallback ? switched(fallback.column, fallback.switched, switches) : null;
    var key = ["variant", field, test.op, column, fallback ? fallback.op : "", valueKey(value)].join("\u0001");
    return ix.cached(key, function () {
      var own = ix.field(field);
      var op = VARIANT_OPS[test.op];
      var col = column !== null ? ix.col(column) : null;
      var fop = column !== null ? ENTRY_OPS[fallback.op] : null;
      var vStart = ix.vStart;
      var out = new Uint8Array(vStart[ix.n]);
      for (var i = 0, n = ix.n; i < n; i++) {
        for (var j = vStart[i], end = vStart[i + 1]; j < end; j++) {
          var x = own[j];
          if (hasValue(x) ? op(x, value) : fop !== null && fop(col[i], value)) out[j] = 1;
        }
      }
      return out;
    });
  }

  // --- parsing a state into a query ------------------------------------------------------------------------

  /** A state (plain object of URL parameter values) to a parsed query. Unusable values are skipped and
   * listed in `invalid`. */
  function parseState(ix, state, lang) {
    var spec = ix.spec;
    var q = state.q == null ? "" : String(state.q);
    var pq = {
      text: q,
      needle: q !== "" && !WS_ONLY.test(q) ? normalize(q) : null,
      entry: [],
      variant: [],
      switches: {},
      desc: isOn(state.desc),
      sort: spec.default_sort,
      lang: lang,
      invalid: []
    };
    for (var s = 0; s < spec.switches.length; s++) pq.switches[spec.switches[s].name] = isOn(state[spec.switches[s].name]);
    var sort = state.sort == null || state.sort === "" ? spec.default_sort : pyStrip(state.sort);
    if (Object.prototype.hasOwnProperty.call(spec.sorts, sort)) pq.sort = sort;
    else pq.invalid.push("sort");
    for (var k = 0; k < ix.filters.length; k++) {
      var filter = ix.filters[k];
      var parsed = parseValue(ix, filter, state[filter.name]);
      if (parsed === UNSET) continue;
      if (parsed === null) pq.invalid.push(filter.name);
      else if (filter.entry) pq.entry.push({ name: filter.name, mask: entryMask(ix, filter.entry, parsed) });
      else pq.variant.push({ name: filter.name, mask: variantMask(ix, filter.variant, parsed.value, pq.switches) });
    }
    return pq;
  }

  // --- evaluation ---------------------------------------------------------------------------------------------

  /** `reduce(value, current)`: a value without a number (NaN) leaves the current one. */
  var REDUCE = {
    max: function (a, b) {
      return a !== a ? b : b !== b || a > b ? a : b;
    },
    min: function (a, b) {
      return a !== a ? b : b !== b || a < b ? a : b;
    }
  };

  /** A variant facet's state for one evaluation: what it reads under the query's switches (the field of a
   * range facet; the options of each variant of a keyed facet; the results of each option of any other). */
  function variantFacetRun(ix, facet, pq) {
    var test = facet.filter.variant;
    var field = switched(test.field, test.switched, pq.switches);
    var run = {
      facet: facet,
      mode: facet.mode === "range" ? 0 : facet.mode === "keyed" ? 1 : 2,
      q: -1,
      own: facet.mode === "range" ? ix.field(field) : null,
      reduce: facet.reduce || null,
      ge: test.op === "ge", // a range facet: ge or le (variantFacet)
      lists: facet.mode === "keyed" ? keyedLists(ix, facet, pq.switches) : null,
      others: -1,
      base: 0,
      ext: NaN,
      counts: new Int32Array(facet.size),
      stamp: new Int32Array(facet.size).fill(-1),
      masks: null
    };
    for (var q = 0; q < pq.variant.length; q++) if (pq.variant[q].name === facet.filter.name) run.q = q;
    if (facet.mode === "brute") {
      run.masks = facet.values.map(function (parsed) {
        return parsed === null ? null : variantMask(ix, test, parsed.value, pq.switches);
      });
    }
    return run;
  }

  /** For each variant, the options of a keyed facet its value passes (CSR lists: `start` by variant position
   * into `idx`): its own value looked up (eq: the options of that value; in: the options whose set holds it),
   * or, without one, the entry's fallback value or each item of its list. Kept on the facet, per field and
   * fallback column (the switches choose them). */
  function keyedLists(ix, facet, switches) {
    var test = facet.filter.variant;
    var field = switched(test.field, test.switched, switches);
    var fallback = test.fallback;
    var column = fallback ? switched(fallback.column, fallback.switched, switches) : null;
    var key = field + "\u0001" + column;
    var known = facet.lists.get(key);
    if (known) return known;
    var own = ix.field(field);
    var fcol = column !== null ? ix.col(column) : null;
    var map = facet.map;
    var vStart = ix.vStart;
    var start = new Int32Array(vStart[ix.n] + 1);
    var list = [];
    var stamp = new Int32Array(facet.size).fill(-1);
    function add(value, j) {
      var opts = map.get(value);
      if (!opts) return;
      for (var o = 0; o < opts.length; o++) {
        if (stamp[opts[o]] !== j) {
          stamp[opts[o]] = j;
          list.push(opts[o]);
        }
      }
    }
    for (var i = 0, n = ix.n; i < n; i++) {
      for (var j = vStart[i], end = vStart[i + 1]; j < end; j++) {
        start[j] = list.length;
        var x = own[j];
        if (hasValue(x)) {
          add(x, j);
        } else if (fcol !== null) {
          var value = fcol[i];
          if (Array.isArray(value)) for (var k = 0; k < value.length; k++) add(value[k], j);
          else if (value != null) add(value, j);
        }
      }
    }
    start[vStart[ix.n]] = list.length;
    var lists = { start: start, idx: Int32Array.from(list) };
    facet.lists.set(key, lists);
    return lists;
  }

  /** A variant that passes every other variant filter: the options of the facet it would pass. */
  function accumulate(run, j, i) {
    var o;
    if (run.mode === 0) {
      var x = run.own[j];
      if (x === x && x !== null) run.ext = run.reduce(x, run.ext);
      return;
    }
    var stamp = run.stamp;
    var counts = run.counts;
    if (run.mode === 1) {
      var idx = run.lists.idx;
      for (var p = run.lists.start[j], end = run.lists.start[j + 1]; p < end; p++) {
        o = idx[p];
        if (stamp[o] !== i) {
          stamp[o] = i;
          counts[o]++;
        }
      }
      return;
    }
    var masks = run.masks;
    for (o = 0; o < masks.length; o++) {
      if (masks[o] !== null && stamp[o] !== i && masks[o][j] === 1) {
        stamp[o] = i;
        counts[o]++;
      }
    }
  }

  /** The end of an entry's variants: a range facet counts the options its largest (ge) or smallest (le)
   * value passes. */
  function finish(run) {
    run.base++;
    var ext = run.ext;
    if (run.mode === 0 && ext === ext) {
      var numbers = run.facet.numbers;
      var counts = run.counts;
      var o;
      if (run.ge) {
        for (o = 0; o < numbers.length; o++) if (ext >= numbers[o]) counts[o]++;
      } else {
        for (o = 0; o < numbers.length; o++) if (ext <= numbers[o]) counts[o]++;
      }
    }
    run.ext = NaN;
  }

  /** Which entries' search text holds every word of the query (1 or 0 by entry position). */
  function textMask(ix, words) {
    return ix.cached("text\u0001" + words.join("\u0001"), function () {
      var texts = ix.col(ix.spec.text.column);
      var n = ix.n;
      var out = new Uint8Array(n);
      for (var i = 0; i < n; i++) {
        var text = texts[i];
        if (typeof text !== "string") continue;
        var all = 1;
        for (var w = 0; w < words.length && all === 1; w++) if (text.indexOf(words[w]) === -1) all = 0;
        out[i] = all;
      }
      return out;
    });
  }

  /** The entries that match (in catalog order), the variant sort key of each, and, when `plan` is given, the
   * facet counts: for each option, the entries that would match with that option chosen instead. Every
   * test's result is a mask (entryMask, variantMask, textMask), so the loops here only read bytes. */
  function evaluate(ix, pq, plan) {
    var n = ix.n;
    var needle = pq.needle;
    var words = needle === null ? [] : needle.split(ix.spec.text.split).filter(function (w, at, all) {
      return w !== "" && all.indexOf(w) === at;
    });
    var text = needle === null ? null : textMask(ix, words);
    var filters = pq.entry;
    var m = filters.length;
    var masks = new Array(m);
    var bits = new Int32Array(m);
    var entryFacets = plan ? plan.entry : [];
    var E = entryFacets.length;
    for (var k = 0; k < m; k++) {
      masks[k] = filters[k].mask;
      for (var f = 0; f < E; f++) if (entryFacets[f].name === filters[k].name) bits[k] = entryFacets[f].bit;
    }
    var vmasks = pq.variant.map(function (v) {
      return v.mask;
    });
    var V = vmasks.length;
    var runs = plan
      ? plan.variant.map(function (facet) {
          return variantFacetRun(ix, facet, pq);
        })
      : [];
    var R = runs.length;
    var sort = ix.spec.sorts[pq.sort];
    var sortField = null;
    var reduce = null;
    if (sort.kind === "variants") {
      sortField = ix.field(switched(sort.field, sort.switched, pq.switches));
      reduce = REDUCE[sort.reduce];
    }
    var vStart = ix.vStart;
    var eCounts = new Array(E);
    var eBase = new Int32Array(E);
    for (f = 0; f < E; f++) eCounts[f] = new Int32Array(entryFacets[f].size);

    var matched = [];
    var keySize = new Float64Array(n);

    var vMatch = new Int32Array(n); // the variants of each entry that pass the variant filters
    for (var i = 0; i < n; i++) {
      if (text !== null && text[i] === 0) continue;
      var fail = 0;
      var dead = false;
      for (k = 0; k < m; k++) {
        if (masks[k][i] === 0) {
          if (bits[k] === 0 || fail !== 0) {
            dead = true;
            break;
          }
          fail = bits[k];
        }
      }
      if (dead) continue;
      var facetsHere = R > 0 && fail === 0;
      var vPass = V === 0;
      var key = NaN;
      if (V > 0 || facetsHere || sortField !== null) {
        for (var j = vStart[i], end = vStart[i + 1]; j < end; j++) {
          var failed = 0;
          var which = -1;
          for (var q = 0; q < V; q++) {
            if (vmasks[q][j] === 0) {
              failed++;
              which = q;
              if (failed > 1) break;
            }
          }
          if (failed === 0) {
            vPass = true;
            vMatch[i]++;
            if (sortField !== null) key = reduce(sortField[j], key);
          }
          if (!facetsHere) continue;
          for (var g = 0; g < R; g++) {
            var run = runs[g];
            if (failed === 0 || (failed === 1 && which === run.q)) {
              run.others = i;
              accumulate(run, j, i);
            }
          }
        }
        if (facetsHere) for (g = 0; g < R; g++) if (runs[g].others === i) finish(runs[g]);
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
        keySize[i] = key;
      }
    }

    var result = { matched: matched, keySize: keySize, facets: null, variantMatches: V > 0 ? vMatch : null };
    if (plan) {
      var facets = new Map();
      for (f = 0; f < E; f++) facets.set(entryFacets[f].name, { base: eBase[f], counts: eCounts[f] });
      for (g = 0; g < R; g++) facets.set(runs[g].facet.filter.name, { base: runs[g].base, counts: runs[g].counts });
      result.facets = facets;
    }
    return result;
  }

  /** The matches in display order (query._sort): sorted (stable, missing values last), then exact name
   * matches first. */
  function displayOrder(ix, pq, matched, keySize) {
    var sort = ix.spec.sorts[pq.sort];
    var ordered;
    var k;
    if (sort.kind === "order") {
      ordered = pq.desc ? matched.slice().reverse() : matched.slice();
    } else {
      var key;
      if (sort.kind === "variants") {
        key = keySize;
      } else if (sort.kind === "lang") {
        key = ix.textRanks(sort.column, pq.lang);
      } else {
        var col = ix.col(sort.column);
        var missing = sort.missing === undefined ? null : sort.missing;
        key = new Float64Array(ix.n);
        for (k = 0; k < matched.length; k++) {
          var x = col[matched[k]];
          key[matched[k]] = x === null || x === missing ? NaN : x;
        }
      }
      var present = [];
      var absent = [];
      for (k = 0; k < matched.length; k++) {
        var i = matched[k];
        if (key[i] === key[i]) present.push(i);
        else absent.push(i);
      }
      var desc = pq.desc;
      present.sort(function (a, b) {
        var x = key[a];
        var z = key[b];
        if (x !== z) return (x < z) !== desc ? -1 : 1;
        return a - b; // ties keep catalog order, also when descending
      });
      ordered = present.concat(absent);
    }
    if (pq.text && pq.needle !== null) {
      var names = ix.col(ix.spec.text.exact);
      var exact = [];
      var rest = [];
      for (k = 0; k < ordered.length; k++) {
        if (ENTRY_OPS.contains(names[ordered[k]], pq.needle)) exact.push(ordered[k]);
        else rest.push(ordered[k]);
      }
      if (exact.length) ordered = exact.concat(rest);
    }
    return ordered;
  }

  // --- the page -----------------------------------------------------------------------------------------------

  function App(main, form, data) {
    this.main = main;
    this.form = form;
    this.lang = main.getAttribute("data-lang") || document.documentElement.lang || "ja";
    this.ix = new Index(data);
    var ix = this.ix;
    var names = ix.filters.map(function (f) {
      return f.name;
    });
    this.params = ["q"].concat(
      names,
      ["sort", "desc"],
      ix.spec.switches.map(function (s) {
        return s.name;
      })
    );
    this.controls = new Map();
    for (var k = 0; k < form.elements.length; k++) {
      var el = form.elements[k];
      if (!el.name || this.params.indexOf(el.name) < 0 || this.controls.has(el.name)) continue;
      var tag = el.tagName.toLowerCase();
      if (tag === "select" || (tag === "input" && el.type !== "button" && el.type !== "submit" && el.type !== "reset")) {
        this.controls.set(el.name, el);
      }
    }
    this.extras = new Map(); // filters without a control on the page: kept and applied, shown as chips
    this.timer = 0;

    // rows
    this.tbody = document.getElementById("entry-rows");
    var rowOf = new Array(ix.n).fill(null);
    var position = new Map();
    for (k = 0; k < ix.n; k++) position.set(ix.ids[k], k);
    // the list holds the rows shown and nothing else: a row that leaves it is detached (kept in rowOf for
    // later), so that no update touches, styles or lays out rows that do not show
    var domOrder = [];
    var attached = new Uint8Array(ix.n);
    if (this.tbody) {
      var rows = this.tbody.children;
      for (k = 0; k < rows.length; k++) {
        var row = rows[k];
        var id = row.getAttribute("data-id");
        if (id === null || !position.has(id)) continue;
        var i = position.get(id);
        if (rowOf[i] !== null) continue;
        rowOf[i] = row;
        domOrder.push(i);
        attached[i] = 1;
      }
    }
    this.rowOf = rowOf;
    this.position = position;
    this.domOrder = domOrder; // the entries of the attached rows, in list order
    this.attached = attached;
    this.slot = new Int32Array(ix.n); // scratch: an attached row's place in the list

    this.countEl = document.getElementById("result-count");
    // At most pageSize rows are shown at a time (laying out thousands of table rows takes the browser far
    // longer than finding them); "show all" lifts the limit for the current filters only.
    var tbody = document.getElementById("entry-rows");
    var size = tbody ? parseInt(tbody.getAttribute("data-page-size") || "", 10) : NaN;
    this.pageSize = size > 0 ? size : Infinity;
    // the rows the page does not hold: data/rows/<lang>/<n>.html has those of entries [n·shard, (n+1)·shard)
    this.rowsUrl = tbody ? tbody.getAttribute("data-rows") : null;
    var shard = tbody ? parseInt(tbody.getAttribute("data-shard-size") || "", 10) : NaN;
    this.shardSize = shard > 0 ? shard : 0;
    this.shardLoads = new Map(); // shard number -> its fetch (a promise)
    this.shardDone = new Map(); // shard number -> true (its rows inserted) or false (it could not be loaded)
    this.updates = 0; // the number of the latest update: a shard that arrives re-runs that one only
    this.showAllFor = null;
    this.moreBox = document.getElementById("more");
    this.showAllButton = document.getElementById("show-all");
    var app = this;
    if (this.showAllButton) {
      this.showAllButton.addEventListener("click", function () {
        app.showAllFor = app.queryString(app.state());
        app.update(performance.now(), "none");
      });
    }
    // where a checkbox filter's one count goes
    this.countOf = new Map();
    var targets = form.querySelectorAll("[data-count-of]");
    for (k = 0; k < targets.length; k++) this.countOf.set(targets[k].getAttribute("data-count-of"), targets[k]);
    this.removeHint = form.getAttribute("data-remove-label") || "";
    // every language link carries the filters along: its path and fragment, with the current query between
    this.langSwitches = [];
    var switches = document.querySelectorAll("a.lang-switch");
    for (k = 0; k < switches.length; k++) {
      var href = switches[k].getAttribute("href") || "";
      var hash = href.indexOf("#");
      var path = hash >= 0 ? href.slice(0, hash) : href;
      var query = path.indexOf("?");
      this.langSwitches.push({
        el: switches[k],
        path: query >= 0 ? path.slice(0, query) : path,
        hash: hash >= 0 ? href.slice(hash) : "",
      });
    }

    // the chips of filters without a control and the notice of values that cannot be used: both are on
    // the page from the start (hidden), so that showing them moves nothing that was not meant to move
    this.extraBox = form.querySelector(".extra-filters") || document.createElement("div");
    this.invalidNote = form.querySelector(".invalid-note");
    this.invalidTemplate = form.getAttribute("data-invalid") || "";
    try {
      this.labels = JSON.parse(form.getAttribute("data-labels") || "{}");
    } catch (err) {
      this.labels = {};
    }

    // entries picked for the compare page (2-4), kept in the address as `pick`
    this.picks = [];
    this.compareBar = document.getElementById("compare-bar");
    this.compareLink = document.getElementById("compare-link");
    this.compareUrl = main.getAttribute("data-compare") || "compare/";
    this.typing = false; // a run of typing is one history entry
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
    this.picks = search.getAll("pick").filter(function (id, at, all) {
      return all.indexOf(id) === at;
    }).slice(0, 4);
    this.writePicks();
    return added;
  };

  /** The pick boxes, and the link to the compare page once two entries are picked. */
  App.prototype.writePicks = function () {
    var picks = this.picks;
    var boxes = this.tbody ? this.tbody.querySelectorAll("input[name=pick]") : [];
    for (var k = 0; k < boxes.length; k++) {
      var on = picks.indexOf(boxes[k].value) >= 0;
      if (boxes[k].checked !== on) boxes[k].checked = on;
      boxes[k].disabled = !on && picks.length >= 4;
    }
    if (!this.compareBar || !this.compareLink) return;
    this.compareBar.hidden = picks.length < 2;
    var query = new URLSearchParams();
    picks.forEach(function (id) {
      query.append("id", id);
    });
    this.compareLink.setAttribute("href", this.compareUrl + "?" + query.toString());
    var template = this.compareLink.getAttribute("data-template") || "{n}";
    this.compareLink.textContent = template.split("{n}").join(String(picks.length));
  };

  App.prototype.renderExtras = function () {
    var box = this.extraBox;
    while (box.firstChild) box.removeChild(box.firstChild);
    var self = this;
    this.extras.forEach(function (value, name) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "extra-filter";
      var label = Object.prototype.hasOwnProperty.call(self.labels, name) ? self.labels[name] : name;
      button.textContent = label + ": " + value + " ";
      var cross = document.createElement("span");
      cross.setAttribute("aria-hidden", "true");
      cross.textContent = "\u00d7";
      button.appendChild(cross);
      if (self.removeHint) {
        var hint = document.createElement("span");
        hint.className = "sr-only";
        hint.textContent = self.removeHint;
        button.appendChild(hint);
      }
      button.addEventListener("click", function () {
        var started = performance.now();
        self.extras.delete(name);
        self.renderExtras();
        self.typing = false;
        self.update(started, "push");
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
      if (name === "sort" && value === this.ix.spec.default_sort) continue;
      var control = this.controls.get(name);
      if (control && control.type === "checkbox" && !isOn(value)) continue;
      out.append(name, value);
    }
    for (k = 0; k < (this.picks || []).length; k++) out.append("pick", this.picks[k]);
    return out.toString();
  };

  /** What the facet counts need, for every filter with a control (a select's options, or a checkbox's one
   * value): for an entry filter, the options each entry matches (CSR lists: entry filters do not depend on
   * the state); for a variant filter, the parsed option values, looked up by the variant's value (eq and in
   * tests), compared with the largest or smallest value (ge, le) or tested one by one. */
  App.prototype.buildPlan = function () {
    var ix = this.ix;
    var plan = { entry: [], variant: [] };
    var ui = [];
    var self = this;
    var bit = 0;
    ix.filters.forEach(function (filter) {
      var el = self.controls.get(filter.name);
      if (!el || (el.type !== "checkbox" && el.tagName.toLowerCase() !== "select")) return;
      var options = [];
      var values = [];
      if (el.type === "checkbox") {
        values.push(parseValue(ix, filter, "1"));
        options.push({ el: null, label: null, pos: 0, target: self.countOf.get(filter.name) || null, last: null });
      } else {
        facetOptions(el, options, function (value) {
          var parsed = parseValue(ix, filter, value);
          values.push(parsed === UNSET ? null : parsed);
          return values.length - 1;
        });
      }
      if (filter.entry) {
        if (bit >= 30) return;
        var csr = optionLists(ix, filter.entry, values);
        plan.entry.push({ name: filter.name, bit: 1 << bit, size: values.length, start: csr.start, idx: csr.idx });
        bit++;
      } else {
        plan.variant.push(variantFacet(filter, values));
      }
      ui.push({ name: filter.name, options: options });
    });
    this.plan = plan;
    this.last = null; // the result of the last update (App.update), with the facets of the plan it had
    this.facetUi = ui;
  };

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

  /** How the counts of a variant filter's options are found (see accumulate). */
  function variantFacet(filter, values) {
    var test = filter.variant;
    var facet = { filter: filter, size: values.length, values: values, mode: "brute", lists: new Map() };
    var fallback = test.fallback;
    if ((test.op === "ge" || test.op === "le") && !fallback) {
      facet.mode = "range";
      facet.reduce = REDUCE[test.op === "ge" ? "max" : "min"];
      facet.numbers = Float64Array.from(values, function (parsed) {
        return parsed === null ? NaN : parsed.value;
      });
    } else if (
      (test.op === "eq" || test.op === "in") &&
      (!fallback || fallback.op === "eq" || fallback.op === "contains" || fallback.op === "intersects")
    ) {
      // the options a value passes: eq, contains -> the options of that value; in, intersects -> the options
      // whose set holds it
      facet.mode = "keyed";
      facet.map = new Map();
      values.forEach(function (parsed, pos) {
        if (parsed === null) return;
        var keys = parsed.value instanceof Set ? Array.from(parsed.value) : [parsed.value];
        keys.forEach(function (key) {
          if (!facet.map.has(key)) facet.map.set(key, []);
          facet.map.get(key).push(pos);
        });
      });
    }
    return facet;
  }

  /** For each entry, the positions of the options of an entry filter it matches (CSR lists): eq and in, and
   * contains and intersects on a list column, are looked up by the entry's values; any other op is tested. */
  function optionLists(ix, test, values) {
    var n = ix.n;
    var types = ix.spec.columns;
    var groups = new Map(); // column -> {values, map: key -> positions, list: whether to look up each item}
    var brute = [];
    values.forEach(function (parsed, pos) {
      if (!parsed) return;
      var column = parsed.exact && test.exact ? test.exact : test.column;
      var isList = types[column] === "list";
      var scalar = test.op === "eq" || test.op === "in";
      var keyed = scalar || (isList && (test.op === "contains" || test.op === "intersects"));
      if (!keyed) {
        brute.push({ pos: pos, mask: entryMask(ix, test, parsed) });
        return;
      }
      if (!groups.has(column)) groups.set(column, { values: ix.col(column), map: new Map(), list: !scalar });
      var map = groups.get(column).map;
      var keys = parsed.value instanceof Set ? Array.from(parsed.value) : [parsed.value];
      keys.forEach(function (key) {
        if (!map.has(key)) map.set(key, []);
        map.get(key).push(pos);
      });
    });
    var start = new Int32Array(n + 1);
    var list = [];
    var stamp = new Int32Array(values.length).fill(-1);
    function add(opts, i) {
      for (var o = 0; o < opts.length; o++) {
        if (stamp[opts[o]] !== i) {
          stamp[opts[o]] = i;
          list.push(opts[o]);
        }
      }
    }
    var lookups = Array.from(groups.values());
    for (var i = 0; i < n; i++) {
      start[i] = list.length;
      for (var g = 0; g < lookups.length; g++) {
        var x = lookups[g].values[i];
        if (lookups[g].list) {
          if (!Array.isArray(x)) continue;
          for (var a = 0; a < x.length; a++) {
            var found = lookups[g].map.get(x[a]);
            if (found) add(found, i);
          }
        } else {
          var opts = lookups[g].map.get(x);
          if (opts) add(opts, i);
        }
      }
      for (g = 0; g < brute.length; g++) {
        if (stamp[brute[g].pos] !== i && brute[g].mask[i] === 1) {
          stamp[brute[g].pos] = i;
          list.push(brute[g].pos);
        }
      }
    }
    start[n] = list.length;
    return { start: start, idx: Int32Array.from(list) };
  }

  /** Show the filters and the list for the form's state. `how` the address follows: "push" (a change the
   * reader made: Back undoes it), "replace" (the page as it loads, a run of typing), "none" (Back/Forward). */
  App.prototype.update = function (started, how) {
    var ix = this.ix;
    var state = this.state();
    // the same state as the last update (the rows of a shard came in): the same result
    var key = JSON.stringify(state);
    var pq, result, order;
    if (this.last && this.last.key === key) {
      pq = this.last.pq;
      result = this.last.result;
      order = this.last.order;
    } else {
      pq = parseState(ix, state, this.lang);
      result = evaluate(ix, pq, this.plan);
      order = displayOrder(ix, pq, result.matched, result.keySize);
      this.last = { key: key, pq: pq, result: result, order: order };
    }
    var queried = performance.now();

    var qs = this.queryString(state);
    var limit = this.showAllFor === qs ? order.length : Math.min(order.length, this.pageSize);
    var token = ++this.updates;
    var missing = this.missingShards(limit < order.length ? order.slice(0, limit) : order);
    if (missing.length) this.loadShards(missing, token, started);
    var busy = missing.length > 0;
    if (this.tbody && busy !== (this.tbody.getAttribute("aria-busy") === "true")) {
      if (busy) this.tbody.setAttribute("aria-busy", "true");
      else this.tbody.removeAttribute("aria-busy");
    }
    this.writeRows(limit < order.length ? order.slice(0, limit) : order);
    this.writePicks(); // the pick boxes of the rows that came in
    if (this.moreBox) {
      this.moreBox.hidden = limit >= order.length;
      if (this.showAllButton && limit < order.length) {
        var more = this.showAllButton.getAttribute("data-template") || "{n}";
        this.showAllButton.textContent = more.split("{n}").join(String(order.length)).split("{shown}").join(String(limit));
      }
    }
    this.markVariants(limit < order.length ? order.slice(0, limit) : order, result.variantMatches);
    var rowsWritten = performance.now();
    this.writeFacets(result.facets);
    if (this.countEl) {
      var template = this.countEl.getAttribute(order.length === 1 ? "data-one" : "data-many");
      if (template !== null) this.countEl.textContent = template.split("{n}").join(String(order.length));
    }
    this.langSwitches.forEach(function (link) {
      link.el.setAttribute("href", link.path + (qs ? "?" + qs : "") + link.hash);
    });
    var invalid = pq.invalid;
    if (this.invalidNote) {
      var note = "";
      if (invalid.length && this.invalidTemplate) {
        var bad = invalid[0];
        var label = Object.prototype.hasOwnProperty.call(this.labels, bad) ? this.labels[bad] : bad;
        note = this.invalidTemplate.split("{value}").join(state[bad] || "").split("{label}").join(label);
      }
      if (this.invalidNote.textContent !== note) this.invalidNote.textContent = note;
      this.invalidNote.hidden = note === "";
    }
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
    if (search !== location.search && how !== "none") {
      var url = location.pathname + search + location.hash;
      try {
        if (how === "push") history.pushState({}, "", url);
        else history.replaceState(history.state, "", url);
      } catch (err) {
        // too many history calls (Safari limits them) or a file: URL: the page itself is right
      }
    }

    // the rows of a shard on their way: the update runs again when they are here, and only that one is done
    // (data-ready); the matches are known already
    if (busy) delete document.documentElement.dataset.ready;
    else document.documentElement.dataset.ready = "1";
    var ids = new Array(order.length);
    for (var k = 0; k < order.length; k++) ids[k] = ix.ids[order[k]];
    root.__jaLlm = {
      lastUpdateMs: elapsed,
      matches: ids,
      shown: limit,
      loading: busy,
      phases: { query: queried - started, rows: rowsWritten - queried, rest: started + elapsed - rowsWritten }
    };
  };

  /** Under a variant filter, an entry with several models says how many match ("2/5 models"). */
  App.prototype.markVariants = function (shown, matches) {
    var template = this.tbody ? this.tbody.getAttribute("data-variant-match") : null;
    var marked = this.marked || (this.marked = new Map());
    var next = new Map();
    var vStart = this.ix.vStart;
    for (var k = 0; matches && template && k < shown.length; k++) {
      var i = shown[k];
      var total = vStart[i + 1] - vStart[i];
      if (total > 1 && matches[i] < total) next.set(i, template.split("{n}").join(String(matches[i])).split("{total}").join(String(total)));
    }
    var rowOf = this.rowOf;
    marked.forEach(function (text, i) {
      if (!next.has(i) && rowOf[i]) {
        var old = rowOf[i].querySelector(".variant-match");
        if (old) old.parentNode.removeChild(old);
      }
    });
    next.forEach(function (text, i) {
      var row = rowOf[i];
      if (!row || marked.get(i) === text) return;
      var cell = row.querySelector("td.params");
      if (!cell) return;
      var mark = cell.querySelector(".variant-match");
      if (!mark) {
        mark = document.createElement("span");
        mark.className = "variant-match";
        cell.appendChild(mark);
      }
      mark.textContent = text;
    });
    this.marked = next;
  };

  /** The shards whose rows `shown` needs and that are neither on the page nor failed to load. */
  App.prototype.missingShards = function (shown) {
    var out = [];
    if (!this.rowsUrl || !this.shardSize) return out;
    for (var k = 0; k < shown.length; k++) {
      if (this.rowOf[shown[k]] !== null) continue;
      var n = Math.floor(shown[k] / this.shardSize);
      if (!this.shardDone.has(n) && out.indexOf(n) < 0) out.push(n);
    }
    return out;
  };

  /** Fetch the row shards `numbers` (each once); when all are in, update `token` runs again unless a later
   * update came meanwhile (it waits for the shards it needs itself). */
  App.prototype.loadShards = function (numbers, token, started) {
    var self = this;
    Promise.all(
      numbers.map(function (n) {
        return self.rowShard(n);
      })
    ).then(function () {
      if (token === self.updates) self.update(started, "none");
    });
  };

  App.prototype.rowShard = function (n) {
    var known = this.shardLoads.get(n);
    if (known) return known;
    var self = this;
    var url = this.rowsUrl + n + ".html";
    var load = fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
        return response.text();
      })
      .then(function (html) {
        self.insertRows(html);
        self.shardDone.set(n, true);
      })
      .catch(function (err) {
        // the list goes on without those rows (the paged lists still have them)
        self.shardDone.set(n, false);
        if (root.console) root.console.warn("ja-llm: rows unavailable:", err);
      });
    this.shardLoads.set(n, load);
    return load;
  };

  /** Take in a shard's rows (the generator's markup, parsed by a <template>: nothing here builds HTML),
   * detached: writeRows puts in the list those it shows. A row already known is left out. */
  App.prototype.insertRows = function (html) {
    if (!this.tbody) return;
    var template = document.createElement("template");
    template.innerHTML = html;
    var rows = template.content.querySelectorAll("tr[data-id]");
    for (var k = 0; k < rows.length; k++) {
      var row = rows[k];
      var i = this.position.get(row.getAttribute("data-id"));
      if (i === undefined || this.rowOf[i] !== null) continue;
      if (row.hidden) row.hidden = false;
      this.rowOf[i] = row;
    }
  };

  /** Make the list's rows those of `order` (the ones at hand: a row whose shard is on its way is left out),
   * in that order, moving as few rows as possible: the rows that leave are detached; among the rows that
   * stay, those whose places form the longest increasing run keep them; every other row is inserted (or
   * moved) before the next one. Only the rows shown are touched: the cost follows the page, not the
   * catalog. */
  App.prototype.writeRows = function (order) {
    var rowOf = this.rowOf;
    var attached = this.attached;
    var shown = [];
    var k;
    for (k = 0; k < order.length; k++) if (rowOf[order[k]] !== null) shown.push(order[k]);
    var tbody = this.tbody;
    if (!tbody) return shown;
    var dom = this.domOrder;
    var same = dom.length === shown.length;
    for (k = 0; same && k < shown.length; k++) same = dom[k] === shown[k];
    if (same) return shown;
    var slot = this.slot;
    var stamp = (this.stamp = (this.stamp || 0) + 1);
    var wanted = this.wanted || (this.wanted = new Int32Array(attached.length));
    for (k = 0; k < shown.length; k++) wanted[shown[k]] = stamp;
    var staying = 0;
    for (k = 0; k < dom.length; k++) {
      var i = dom[k];
      if (wanted[i] === stamp) {
        slot[i] = staying++;
      } else {
        tbody.removeChild(rowOf[i]);
        attached[i] = 0;
      }
    }
    var candidates = [];
    for (k = 0; k < shown.length; k++) if (attached[shown[k]] === 1) candidates.push(k);
    var sequence = new Int32Array(candidates.length);
    for (k = 0; k < candidates.length; k++) sequence[k] = slot[shown[candidates[k]]];
    var run = increasingRun(sequence);
    var stays = new Uint8Array(shown.length);
    for (k = 0; k < candidates.length; k++) if (run[k] === 1) stays[candidates[k]] = 1;
    // rows placed from the last: each goes before the row after it (null: at the end)
    var move = typeof tbody.moveBefore === "function"; // an atomic move (Chrome 133+) keeps the row's state
    var before = null;
    for (k = shown.length - 1; k >= 0; k--) {
      var row = rowOf[shown[k]];
      if (stays[k] === 0) {
        if (move && attached[shown[k]] === 1) tbody.moveBefore(row, before);
        else tbody.insertBefore(row, before);
        attached[shown[k]] = 1;
      }
      before = row;
    }
    this.domOrder = shown;
    return shown;
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
    // the ranks of the sorts by a text, computed before any change is timed
    var sorts = this.ix.spec.sorts;
    for (var key in sorts) if (sorts[key].kind === "lang") this.ix.textRanks(sorts[key].column, this.lang);
    function typed(el) {
      return el && el.tagName.toLowerCase() === "input" && el.type !== "checkbox" && el.type !== "radio";
    }
    // a run of typing is one history entry: its first update pushes one, the others replace it
    function typedUpdate() {
      self.update(performance.now(), self.typing ? "replace" : "push");
      self.typing = true;
    }
    function later() {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () {
        self.timer = 0;
        typedUpdate();
      }, 120);
    }
    function now() {
      clearTimeout(self.timer);
      self.timer = 0;
      self.typing = false;
      self.update(performance.now(), "push");
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
        if (self.timer) {
          clearTimeout(self.timer);
          self.timer = 0;
          typedUpdate();
        }
        return;
      }
      now();
    });
    this.form.addEventListener("focusout", function (event) {
      if (typed(event.target)) self.typing = false;
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
        self.typing = false;
        self.reset();
        self.update(started, "push");
      });
    }
    if (this.tbody) {
      this.tbody.addEventListener("change", function (event) {
        var box = event.target;
        if (!box || box.name !== "pick") return;
        var at = self.picks.indexOf(box.value);
        if (box.checked && at < 0 && self.picks.length < 4) self.picks.push(box.value);
        if (!box.checked && at >= 0) self.picks.splice(at, 1);
        self.writePicks();
        self.typing = false;
        self.update(performance.now(), "push");
      });
    }
    root.addEventListener("popstate", function () {
      var started = performance.now();
      clearTimeout(self.timer);
      self.timer = 0;
      self.typing = false;
      if (self.readUrl()) self.buildPlan();
      self.update(started, "none");
    });
    // the reading position comes back when Back returns here from an entry page
    function keepScroll() {
      try {
        history.replaceState({ scrollY: root.scrollY }, "", location.href);
      } catch (err) {
        // nothing to keep
      }
    }
    root.addEventListener("pagehide", keepScroll);
    this.main.addEventListener("click", function (event) {
      var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
      if (link) keepScroll();
    });
    this.update(performance.now(), "replace");
    var saved = history.state && typeof history.state.scrollY === "number" ? history.state.scrollY : null;
    if (saved !== null && saved > 0) root.scrollTo(0, saved);
  };

  function getJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
      return response.json();
    });
  }

  /** The spec and the columns of every shard, fetched in parallel (the shard count is on the page, so
   * that they need not wait for the spec), in catalog order. */
  function loadData(main) {
    var url = main.getAttribute("data-entries");
    var base = main.getAttribute("data-entry-shards");
    var count = parseInt(main.getAttribute("data-shards") || "", 10);
    function shards(n) {
      var requests = [];
      for (var k = 0; k < n; k++) requests.push(getJson(base + k + ".json"));
      return Promise.all(requests);
    }
    var spec = getJson(url);
    var parts = base !== null && count >= 0 ? shards(count) : spec.then(function (data) {
      return base !== null && data.shards > 0 ? shards(data.shards) : [];
    });
    return Promise.all([spec, parts]).then(function (both) {
      var data = both[0];
      var total = 0;
      both[1].forEach(function (part) {
        if (part.start !== total || !Array.isArray(part.ids)) throw new Error("a shard of the entries data is out of place");
        total += part.ids.length;
      });
      if (typeof data.total === "number" && data.total !== total) throw new Error("entries data incomplete");
      return { spec: data.spec, shards: both[1] };
    });
  }

  function init() {
    var main = document.querySelector("main[data-entries]");
    var form = document.getElementById("facets");
    if (!main || !form) return;
    loadData(main)
      .then(function (data) {
        new App(main, form, data).start();
      })
      .catch(function (err) {
        // the page keeps working without the facets: its first page of entries and the paged lists
        if (root.console) root.console.warn("ja-llm: facets unavailable:", err);
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
