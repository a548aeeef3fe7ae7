// The one-line embed: <script src=".../widget/widget.js" data-api="…" data-ws="…" data-lang="ko" async>.
// A classic script (so the snippet needs no type="module"); it reads its data attributes and loads the
// widget's ES modules from its own directory. No eval, no inline code: works under script-src 'self'.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__livechatWidget) return;
  window.__livechatWidget = true;
  var base = new URL(".", script.src).href;
  var options = {
    base: base,
    api: new URL(script.getAttribute("data-api") || "/api", document.baseURI).href.replace(/\/$/, ""),
    ws: script.getAttribute("data-ws") || "",
    lang: script.getAttribute("data-lang") || "",
  };
  import(base + "app.js")
    .then(function (module) { module.mount(options); })
    .catch(function (error) { console.error("livechat widget:", error); });
})();
