// The log form on a phone without a connection: a log is kept on the phone (localStorage)
// and sent when the phone is back online. Each log carries the client id the page was
// served with (a fresh one for each further log), so a log sent twice is counted once.
// The form also works without this file: it is then an ordinary form post.
(function () {
  "use strict";
  var KEY = "coprod-log-queue";
  var opened = Date.now();
  var form = document.querySelector("form.log-work");
  var status = document.getElementById("log-status");

  function queue() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function say(name) {
    if (status && form && form.getAttribute(name)) { status.textContent = form.getAttribute(name); }
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }
  function drop(item) {
    save(queue().filter(function (x) { return x.fields.client_id !== item.fields.client_id; }));
  }
  var sending = false;
  function flush() {
    var items = queue();
    if (sending || !items.length || !navigator.onLine) { return; }
    var item = items[0];
    sending = true;
    fetch(item.url, {
      method: "POST", body: new URLSearchParams(item.fields), credentials: "same-origin"
    }).then(function (answer) {
      sending = false;
      if (answer.ok) {
        drop(item);
        say("data-sent");
        if (!queue().length && form && item.url === form.getAttribute("action")) {
          window.location.assign(item.url + "?done=1");
          return;
        }
      } else if (answer.status >= 400 && answer.status < 500) {
        drop(item);  // refused for good (a bad value, signed out): never resent
        say("data-refused");
      }
      flush();
    }).catch(function () { sending = false; });  // still offline: try again later
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      var seconds = form.querySelector("input[name=seconds_to_log]");
      if (seconds) { seconds.value = String(Math.max(1, Math.round((Date.now() - opened) / 1000))); }
      if (navigator.onLine) { return; }  // an ordinary post
      event.preventDefault();
      var fields = {};
      new FormData(form).forEach(function (value, name) { fields[name] = String(value); });
      var items = queue();
      items.push({ url: form.getAttribute("action"), fields: fields });
      save(items);
      say("data-queued");
      form.querySelector("input[name=client_id]").value = newId();
      form.querySelector("input[name=hours]").value = "";
      opened = Date.now();
    });
  }
  window.addEventListener("online", flush);
  window.setInterval(flush, 5000);  // a phone does not always say it is back online
  flush();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { return null; });
  }
})();
