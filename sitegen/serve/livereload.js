(function () {
  // sitegen serve: reload this page when the files behind it change; show build errors on top of it.
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
        "color:#fff;font:15px/1.5 system-ui,sans-serif;padding:2em;direction:ltr;text-align:left");
      box.id = "sitegen-overlay";
      box.setAttribute("role", "alert");
      box.appendChild(el("h2", "The site could not be rebuilt", "margin:0 0 .5em;color:#ff8a80"));
      box.appendChild(el("p", "Fix the problem below and save: this page reloads by itself. " +
        "Until then the last good version of the site is shown.", "margin:0 0 1em"));
      problems.forEach(function (p) {
        var item = el("div", "", "margin:0 0 1em;padding:.6em .8em;border-left:4px solid #ff8a80;background:#2a2a2a");
        var where = el("div", (p.file || "site") + (p.line ? ":" + p.line : ""), "font-family:monospace;font-weight:bold");
        where.className = "sitegen-where";
        item.appendChild(where);
        var msg = el("div", p.message, "unicode-bidi:plaintext");
        msg.className = "sitegen-message";
        item.appendChild(msg);
        if (p.hint) item.appendChild(el("div", "hint: " + p.hint, "color:#bbb;unicode-bidi:plaintext"));
        box.appendChild(item);
      });
      var close = el("button", "hide", "position:absolute;top:1em;right:1em");
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
