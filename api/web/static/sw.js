// Keeps a group's log pages openable without a connection: each page under /my/ and the
// files it needs are answered from the network when there is one (and kept), else from the
// copy kept last time. Nothing else of the site is touched.
"use strict";
var CACHE = "coprod-log-v1";
var FILES = ["/static/coprod.css", "/static/log.js", "/static/favicon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(FILES); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  var mine = url.origin === self.location.origin &&
    (url.pathname.indexOf("/my/") === 0 || FILES.indexOf(url.pathname) >= 0);
  if (request.method !== "GET" || !mine) { return; }
  event.respondWith(
    fetch(request).then(function (answer) {
      if (answer.ok) {
        var copy = answer.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return answer;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: true }).then(function (kept) {
        return kept || Response.error();
      });
    })
  );
});
