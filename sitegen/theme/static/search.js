/* sitegen search page: Pagefind's Default UI, with the query normalized exactly as the index was
 * (sitegen/arabic.py; keep the two in step: tests/test_search_normalize.py runs both over one table),
 * and result excerpts rebuilt from the words as written.
 * Loaded by search.html after pagefind-ui.js; also require()d by the tests under node. */
(function (root) {
  "use strict";

  var TATWEEL = "\u0640";
  var LETTER = "[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06fc]";
  var SEP = "[ .\\-_*\u00b7\u2022]{1,3}";
  var INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\u00ad\ufeff]/g;
  var OBFUSCATION = new RegExp("(?<=" + LETTER + ")(?:" + TATWEEL + "+" + SEP + TATWEEL + "*|" + SEP +
                               TATWEEL + "+)(?=" + LETTER + ")", "g");
  var TASHKEEL = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]/g;
  var PRESENTATION = /[\ufb50-\ufdff\ufe70-\ufefe]+/g;
  var LETTERS = {
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  // أ إ آ ٱ → ا
    "\u0649": "\u064a", "\u06cc": "\u064a",                                      // ى ی → ي
    "\u0629": "\u0647",                                                          // ة → ه
    "\u06a9": "\u0643",                                                          // ک → ك
    "\u00a0": " "
  };
  for (var i = 0; i < 10; i++) {
    LETTERS[String.fromCharCode(0x0660 + i)] = String(i);
    LETTERS[String.fromCharCode(0x06f0 + i)] = String(i);
  }
  var LETTER_KEYS = new RegExp("[" + Object.keys(LETTERS).join("") + "]", "g");
  // must match SENTINEL in sitegen/search.py: where the normalized extra words start in a page's content
  var SENTINEL = "\u2042sitegen\u2042";

  function normalize(text) {
    text = text.replace(INVISIBLE, "");
    text = text.replace(PRESENTATION, function (m) { return m.normalize("NFKC"); });
    text = text.replace(LETTER_KEYS, function (c) { return LETTERS[c]; });
    text = text.replace(TASHKEEL, "");
    text = text.replace(OBFUSCATION, "");
    return text.split(TATWEEL).join("");
  }

  function key(word) {
    return normalize(word).replace(/[^\p{L}\p{N}]/gu, "").toLowerCase();
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* An excerpt of `length` words of the page as written, around the first word that matches a query
   * term once normalized; the matches are marked. Without a match, the page's first words. */
  function excerpt(content, query, length) {
    var end = content.indexOf(SENTINEL);
    var words = (end < 0 ? content : content.slice(0, end)).split(/\s+/).filter(Boolean);
    var terms = query.split(/\s+/).map(key).filter(Boolean);
    var keys = words.map(key);
    var split = words.map(function (w, i) {   // a word cut by obfuscation with a space: القـ ـصف
      return i + 1 < words.length && (/\u0640\W?$/.test(w) || /^\W?\u0640/.test(words[i + 1]));
    });
    var hit = function (i) {
      return terms.some(function (t) {
        return keys[i].indexOf(t) >= 0 || (split[i] && (keys[i] + keys[i + 1]).indexOf(t) >= 0) ||
               (i > 0 && split[i - 1] && (keys[i - 1] + keys[i]).indexOf(t) >= 0);
      });
    };
    var first = -1;
    for (var i = 0; i < words.length && first < 0; i++) if (hit(i)) first = i;
    var start = first < 0 ? 0 : Math.max(0, first - Math.floor(length / 3));
    var out = [];
    for (var j = start; j < Math.min(words.length, start + length); j++) {
      out.push(first >= 0 && hit(j) ? "<mark>" + escapeHtml(words[j]) + "</mark>" : escapeHtml(words[j]));
    }
    return out.join(" ");
  }

  /* The index is one Pagefind bundle: it is built in shards (bounded memory) and merged into one index
   * at build time (sitegen/search/merge.py), so it ranks as one Pagefind index does. */
  function start(element) {
    draw(element, element.getAttribute("data-bundle"));
  }

  function draw(element, bundle) {
    var lastQuery = "";
    var length = 30;
    new root.PagefindUI({
      element: element,
      bundlePath: bundle,
      baseUrl: element.getAttribute("data-base-url"),
      showSubResults: false,
      showImages: false,
      excerptLength: length,
      translations: { placeholder: element.getAttribute("data-placeholder") },
      processTerm: function (term) {
        lastQuery = normalize(term);
        return lastQuery;
      },
      processResult: function (result) {
        // the UI lists every meta key under its raw (English) name: keep the title, show the date under
        // the page language's label, drop the summary (the excerpt already starts with it)
        if (result.meta) {
          var meta = { title: result.meta.title };
          // the date as the page shows it (CLDR, the page's language); the ISO one only if that is missing
          var shown = result.meta.date_text || result.meta.date;
          if (shown) meta[element.getAttribute("data-date-label") || "date"] = shown;
          result.meta = meta;
        }
        // only pages with normalized extra words need it; elsewhere Pagefind's own excerpt is as written
        if (result.content && result.content.indexOf(SENTINEL) >= 0) {
          result.excerpt = excerpt(result.content, lastQuery, length);
        }
        return result;
      }
    });
    // Pagefind's input has only a placeholder and a title; give it a real accessible name (screen readers,
    // axe "label") once the UI has drawn it
    var named = function () {
      var input = element.querySelector("input");
      if (!input) return false;
      input.setAttribute("aria-label", element.getAttribute("data-label") || element.getAttribute("data-placeholder"));
      return true;
    };
    if (!named() && root.MutationObserver) {
      var watcher = new root.MutationObserver(function () { if (named()) watcher.disconnect(); });
      watcher.observe(element, { childList: true, subtree: true });
    }
  }

  var api = { normalize: normalize, excerpt: excerpt, SENTINEL: SENTINEL };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    root.sitegenSearch = api;
    root.addEventListener("DOMContentLoaded", function () {
      var element = root.document.querySelector("[data-sitegen-search]");
      if (element && root.PagefindUI) start(element);
    });
  }
})(typeof window !== "undefined" ? window : globalThis);
