// Live regions of the explorer. A <tbody data-live="URL" data-after="N"> asks URL?after=N every
// second; the server answers rows it has rendered (and escaped) and X-Live-After, the next
// cursor. New rows go on top; the region keeps at most data-keep rows. X-Live-Reset (the chain
// went back: a sandbox revert or reset) reloads the page. The script inserts only
// the server's own HTML, never a value of its own making.
(function () {
  "use strict";
  function poll(region) {
    var after = region.getAttribute("data-after");
    var url = region.getAttribute("data-live") + "?after=" + encodeURIComponent(after);
    fetch(url, { headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("live update: HTTP " + response.status); }
        if (response.headers.get("X-Live-Reset")) { window.location.reload(); return ["", null]; }
        var next = response.headers.get("X-Live-After");
        return response.text().then(function (html) { return [html, next]; });
      })
      .then(function (result) {
        var html = result[0], next = result[1];
        if (html.trim()) {
          var holder = document.createElement("tbody");
          holder.innerHTML = html;
          var rows = Array.prototype.slice.call(holder.children);
          for (var i = rows.length - 1; i >= 0; i--) {
            rows[i].classList.add("fresh");
            region.insertBefore(rows[i], region.firstChild);
          }
          var keep = parseInt(region.getAttribute("data-keep") || "25", 10);
          while (region.children.length > keep) { region.removeChild(region.lastElementChild); }
        }
        if (next) {
          region.setAttribute("data-after", next);
          var counter = document.getElementById(region.getAttribute("data-counter") || "");
          if (counter) { counter.textContent = next; }
        }
      })
      .catch(function (error) { console.warn(error); })
      .then(function () { setTimeout(function () { poll(region); }, 1000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live]").forEach(function (region) {
      setTimeout(function () { poll(region); }, 1000);
    });
  });
})();
