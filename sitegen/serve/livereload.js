(function () {
  // sitegen serve: reload this page when the files behind it change; show build errors on top of it.
  // the banner's words, lang and dir: the site's default language, filled in by serve/server.py
  var UI = __SITEGEN_UI__;
  var KEY = "sitegen-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(KEY);
  if (saved) {
    sessionStorage.removeItem(KEY);
    var xy = JSON.parse(saved);
    var restore = function () { window.scrollTo(xy[0], xy[1]); };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restore);
    else restore();
    window.addEventListener("load", restore);
  }
  function here() {
    var p = location.pathname;
    try { p = decodeURI(p); } catch (e) {}
    return p.replace(/index\.html$/, "");
  }
  function whenReady(fn) {
    if (document.body) fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  function clearOverlay() {
    var old = document.getElementById("sitegen-overlay");
    if (old) old.remove();
  }
  function el(tag, text, style) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;  // text only, never HTML: messages quote the user's files
    if (style) node.setAttribute("style", style);
    return node;
  }
  function showOverlay(problems) {
    whenReady(function () {
      clearOverlay();
      var box = el("div", "", "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);" +
        "color:#fff;font:15px/1.5 system-ui,sans-serif;padding:2em;text-align:start");
      box.id = "sitegen-overlay";
      box.lang = UI.lang;  // the banner's own words; the page under it may be in another language
      box.dir = UI.dir;
      box.setAttribute("role", "alert");
      box.appendChild(el("h2", UI.failed, "margin:0 0 .5em;color:#ff8a80"));
      box.appendChild(el("p", UI.fix, "margin:0 0 1em"));
      problems.forEach(function (p) {
        var item = el("div", "", "margin:0 0 1em;padding:.6em .8em;border-inline-start:4px solid #ff8a80;background:#2a2a2a");
        var where = el("div", "", "font-family:monospace;font-weight:bold");
        where.className = "sitegen-where";
        var path = el("bdi", (p.file || "site") + (p.line ? ":" + p.line : ""));
        path.dir = "ltr";  // a path reads left to right, even in a right-to-left banner
        where.appendChild(path);
        item.appendChild(where);
        var msg = el("div", p.message);
        msg.dir = "auto";  // sitegen's messages are English, and quote the site's text as it is
        msg.className = "sitegen-message";
        item.appendChild(msg);
        if (p.hint) {
          var hint = el("div", UI.hint + ": ", "color:#bbb");
          var said = el("bdi", p.hint);
          said.dir = "auto";
          hint.appendChild(said);
          item.appendChild(hint);
        }
        box.appendChild(item);
      });
      var close = el("button", UI.hide, "position:absolute;top:1em;inset-inline-end:1em");
      close.onclick = clearOverlay;
      box.appendChild(close);
      document.body.appendChild(box);
    });
  }
  var source = new EventSource("/__sitegen/events");
  source.addEventListener("reload", function (e) {
    var d = JSON.parse(e.data);
    clearOverlay();
    if (d.all || d.urls.indexOf(here()) >= 0) {
      sessionStorage.setItem(KEY, JSON.stringify([window.scrollX, window.scrollY]));
      location.reload();
    }
  });
  source.addEventListener("problem", function (e) { showOverlay(JSON.parse(e.data)); });
})();
