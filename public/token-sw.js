// The token app's service worker: once set up, the token opens and shows codes offline.
// Network first (a deploy is seen at once), falling back to what it served before; the API
// is never cached. Scope: /token only, the banking pages are left alone.
const CACHE = "netbank-token-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(async () => {
        const cached = await caches.match(request);
        if (cached) return cached;
        // Every token page is the same document: any cached one will do.
        if (request.mode === "navigate") {
          return (await caches.match("/token/codes")) || (await caches.match("/token")) || Response.error();
        }
        return Response.error();
      }),
  );
});
