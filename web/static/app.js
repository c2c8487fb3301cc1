// Refurb: progressive enhancement only. Every page works without this file.
"use strict";
(function () {
  var box = document.querySelector("[data-scan] input, [data-bench] input[name=code]");
  if (box) {
    // A scanner types wherever the focus is: bring it back to the scan box, and select what is
    // there so the next scan replaces it (also after the back button).
    var refocus = function () { box.focus(); box.select(); };
    window.addEventListener("pageshow", refocus);
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (t === document.body || t === document.documentElement) { refocus(); }
    });
  }

  var audio;
  function cue(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tones = ok ? [[880, 0, 0.12]] : [[220, 0, 0.15], [220, 0.22, 0.15]];
      tones.forEach(function (t) {
        var o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = t[0];
        g.gain.value = 0.2;
        o.connect(g); g.connect(audio.destination);
        o.start(audio.currentTime + t[1]);
        o.stop(audio.currentTime + t[1] + t[2]);
      });
    } catch (err) { /* no sound on this browser */ }
    if (navigator.vibrate) { navigator.vibrate(ok ? 60 : [200, 100, 200]); }
  }

  // Bench mode: post each scan in the background, show the new result, beep, keep the focus.
  var bench = document.querySelector("[data-bench]");
  if (bench && window.fetch && window.DOMParser) {
    var busy = false;
    bench.addEventListener("submit", function (e) {
      e.preventDefault();
      var input = bench.querySelector("input[name=code]");
      if (busy || !input.value.trim()) { return; }
      busy = true;
      var code = input.value, body = new URLSearchParams(new FormData(bench));
      input.value = "";
      fetch(bench.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("bench"), old = document.getElementById("bench");
          if (!fresh || !old) { window.location.reload(); return; }
          old.querySelector(".armed").replaceWith(fresh.querySelector(".armed"));
          var list = old.querySelector("ol.log"), next = fresh.querySelector("ol.log");
          list.innerHTML = next.innerHTML;
          var empty = old.querySelector("ol.log + p.muted");
          if (empty && next.children.length) { empty.remove(); }
          // Each scan is a request of its own: take the key of the next one from the answer
          // (a form sent again keeps its key, and gets the first answer instead of a second move).
          var key = bench.querySelector("input[name=idempotency_key]"), nextKey = fresh.querySelector("input[name=idempotency_key]");
          if (key && nextKey) { key.value = nextKey.value; }
          var latest = list.querySelector("[data-latest]");
          if (latest) { cue(latest.getAttribute("data-latest") === "ok"); }
        })
        .catch(function () { input.value = code; bench.submit(); })
        .then(function () { busy = false; input.focus(); });
    });
  }
})();
