/* sitegen "Cite this": the article's .bib and .ris made in the browser, byte for byte what cite_files.py writes
 * (bibtex, ris; escaping as cite_escape.py), from the page's tags and the list's data-cite for the rest
 * (cite_files.script_data). Page text only goes into a Blob, never into markup. Links with an href (a site's own
 * templates/cite.bib or cite.ris, as a data: URL) are left alone; the list stays hidden unless every link
 * got its file. Tests: tests/test_cite_js.py (under node), tests/test_research.py (Chromium). */
(function (root) {
  "use strict";

  var TYPES = { bib: "application/x-bibtex;charset=utf-8", ris: "application/x-research-info-systems;charset=utf-8" };
  // cite_files.BIBTEX_LANGS and i18n.NAMES_IN["en"] (tests/test_cite_js.py compares them)
  var BIBTEX_LANGS = { ar: "arabic", en: "english", fr: "french", fa: "persian", tr: "turkish", ku: "kurdish" };
  var NAMES_EN = { ar: "Arabic", en: "English", fr: "French", fa: "Persian", ku: "Kurdish", tr: "Turkish" };

  // cite_escape.CONTROL; SPACE is what Python's str.isspace() calls space, for str.strip() (JavaScript's
  // trim() would also take U+FEFF and leave U+0085)
  var CONTROL = /[\x00-\x1f\x7f\u2028\u2029]+/g;
  var SPACE = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
  var BIB_SPECIALS = {
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "%": "\\%", "&": "\\&",
    "$": "\\$", "#": "\\#", "_": "\\_", "^": "\\^{}", "~": "\\~{}"
  };
  var BIB_RE = /[\\{}%&$#_^~]/g;
  // what bib_url's quote() keeps: its always-safe characters and the `safe` it is given
  var URL_SAFE = /[A-Za-z0-9_.\-~:/?#[\]@!$&'()*+,;=%]/;

  function strip(text) {
    var i = 0, j = text.length;
    while (i < j && SPACE.test(text[i])) i++;
    while (j > i && SPACE.test(text[j - 1])) j--;
    return text.slice(i, j);
  }

  function oneLine(text) {
    return strip(text.replace(CONTROL, " "));
  }

  function bibText(text) {
    return oneLine(text).replace(BIB_RE, function (c) { return BIB_SPECIALS[c]; });
  }

  function bibUrl(url) {
    var out = "";
    for (var ch of url.replace(CONTROL, "")) out += URL_SAFE.test(ch) ? ch : encodeURIComponent(ch);
    return out;
  }

  function notes(c) {
    var parts = [], s = c.source;
    if (c.from) {
      var by = c.translator ? " by " + c.translator : "";
      parts.push("Translated from " + (NAMES_EN[c.from.lang] || c.from.lang) + by + ": " + c.from.url + ".");
    }
    if (s.name || s.url) parts.push("Original source: " + [s.name, s.url].filter(Boolean).join(", ") + ".");
    if (s.accessed) parts.push("Accessed " + s.accessed + ".");
    if (s.archive) parts.push("Archived copy: " + s.archive + ".");
    if (s.sha256) parts.push("SHA-256 of the original: " + s.sha256 + ".");
    return parts.join(" ");
  }

  function bibtex(c) {
    var fields = [];
    if (c.authors.length) {
      fields.push(["author", c.authors.map(function (a) { return "{" + bibText(a) + "}"; }).join(" and ")]);
    }
    var url = bibUrl(c.url), langid = BIBTEX_LANGS[c.lang] || c.lang;
    fields.push(
      ["title", "{" + bibText(c.title) + "}"],
      ["date", c.date],
      ["year", String(parseInt(c.date.slice(0, 4), 10))],  // date: isoformat(), YYYY-MM-DD
      ["month", String(parseInt(c.date.slice(5, 7), 10))],
      ["publisher", bibText(c.site)],
      ["howpublished", "\\url{" + url + "}"],
      ["url", url],
      ["language", langid],
      ["langid", langid]
    );
    if (c.summary) fields.push(["abstract", bibText(c.summary)]);
    if (c.keywords.length) fields.push(["keywords", bibText(c.keywords.join(", "))]);
    if (c.translator) fields.push(["translator", "{" + bibText(c.translator) + "}"]);
    var note = notes(c);
    if (note) fields.push(["note", bibText(note)]);
    var body = fields.map(function (f) { return "  " + f[0] + " = {" + f[1] + "}"; }).join(",\n");
    return "@misc{" + c.key + ",\n" + body + "\n}\n";
  }

  function ris(c) {
    var rows = [["TY", "NEWS"], ["TI", c.title]];
    c.authors.forEach(function (a) { rows.push(["AU", a]); });
    rows.push(["PY", String(parseInt(c.date.slice(0, 4), 10))], ["DA", c.slashed], ["T2", c.site],
              ["PB", c.site], ["LA", c.lang], ["UR", c.url]);
    if (c.translator) rows.push(["A4", c.translator]);
    if (c.summary) rows.push(["AB", c.summary]);
    c.keywords.forEach(function (k) { rows.push(["KW", k]); });
    var note = notes(c);
    if (note) rows.push(["N1", note]);
    rows.push(["ER", ""]);
    return rows.map(function (r) { return r[0] + "  - " + oneLine(r[1]) + "\r\n"; }).join("");
  }

  /* What the page states (tests/support.py page_facts reads the same): its NewsArticle JSON-LD, the
   * description article.html writes just before the citation tags (a site's base.html may add its own)
   * and two citation_* tags. */
  function pageFacts(doc) {
    var ld = null;
    Array.prototype.forEach.call(doc.querySelectorAll('script[type="application/ld+json"]'), function (el) {
      var one = null;
      try { one = JSON.parse(el.textContent); } catch (e) { /* a site's own script: not ours */ }
      if (!ld && one && one["@type"] === "NewsArticle") ld = one;
    });
    var meta = function (name) {
      var el = doc.querySelector('meta[name="' + name + '"]');
      return el ? el.getAttribute("content") : null;
    };
    var title = doc.querySelector('meta[name="citation_title"]');
    var described = title && title.previousElementSibling;
    if (!ld || !described || described.getAttribute("name") !== "description") {
      throw new Error("sitegen cite.js: this page does not have the tags of sitegen's article.html");
    }
    return {
      ld: ld,
      description: described.getAttribute("content"),
      keywords: meta("citation_keywords"),
      slashed: meta("citation_publication_date")
    };
  }

  /* cite.Citation, from pageFacts, data-cite and the entry key (the download's name: `<slug>-<lang>`). */
  function citation(page, data, key) {
    var ld = page.ld, based = ld.isBasedOn || {}, from = ld.translationOfWork;
    return {
      key: key,
      lang: ld.inLanguage,
      title: ld.headline,
      authors: (ld.author || []).map(function (a) { return a.name; }),
      date: ld.datePublished,
      slashed: page.slashed,
      site: ld.publisher.name,
      url: ld["@id"],
      // without a summary the description is the title: data-cite says so (s: "")
      summary: "s" in data ? data.s : page.description,
      keywords: data.k || (page.keywords === null ? [] : page.keywords.split("; ")),
      translator: ld.translator ? ld.translator.name : "",
      from: from ? { lang: from.inLanguage, url: from["@id"] } : null,
      source: {
        name: based.publisher ? based.publisher.name : "",
        url: based.url || "",
        accessed: data.d || "",
        archive: based.archivedAt || data.r || "",
        sha256: data.h || ""
      }
    };
  }

  /* The file of the download named `name` (`<slug>-<lang>.bib` or `.ris`): its text and media type. */
  function file(page, data, name) {
    var dot = name.lastIndexOf("."), ext = name.slice(dot + 1), c = citation(page, data, name.slice(0, dot));
    if (ext === "bib") return { text: bibtex(c), type: TYPES.bib };
    if (ext === "ris") return { text: ris(c), type: TYPES.ris };
    return null;
  }

  function start(doc) {
    var list = doc.querySelector("ul.cite-downloads[data-cite]");
    var links = list ? list.querySelectorAll("a[download]:not([href])") : [];
    if (!links.length) return;
    var page = pageFacts(doc), data = JSON.parse(list.getAttribute("data-cite") || "{}");
    Array.prototype.forEach.call(links, function (a) {
      var made = file(page, data, a.getAttribute("download"));
      if (made) a.href = root.URL.createObjectURL(new root.Blob([made.text], { type: made.type }));
    });
    if (list.querySelector("a[download]:not([href])")) return;  // a file it cannot make: no dead link shown
    Array.prototype.forEach.call(list.parentNode.querySelectorAll(".cite-downloads[hidden]"), function (el) {
      el.hidden = false;
    });
  }

  var api = {
    oneLine: oneLine, bibText: bibText, bibUrl: bibUrl, bibtex: bibtex, ris: ris, file: file,
    BIBTEX_LANGS: BIBTEX_LANGS, NAMES_EN: NAMES_EN
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else start(root.document);
})(typeof window !== "undefined" ? window : globalThis);
