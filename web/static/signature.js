// Refurb: the hand-out page's signature pad. The beneficiary signs with a finger, a stylus or
// the mouse (pointer events); the drawing is sent as a PNG data: URL with the form, and the
// confirm button stays off until something is drawn. The server checks again that the image
// is a PNG with ink on it.
"use strict";
(function () {
  var form = document.querySelector("form[data-signature]");
  if (!form) { return; }
  var canvas = form.querySelector("canvas");
  var input = form.querySelector("input[name=signature]");
  var clear = form.querySelector("button[data-clear]");
  var submit = form.querySelector("button[type=submit]");
  var ctx = canvas.getContext("2d");
  var drawing = false, drawn = false, last = null;

  function style() {
    ctx.lineWidth = 4;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    ctx.fillStyle = "#111";
  }
  // The canvas keeps its 600x200 drawing size whatever size it is shown at.
  function pos(e) {
    var r = canvas.getBoundingClientRect();
    return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
  }
  function update() { submit.disabled = !drawn; }

  style();
  canvas.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    if (canvas.setPointerCapture) { canvas.setPointerCapture(e.pointerId); }
    drawing = true;
    last = pos(e);
    ctx.beginPath();
    ctx.arc(last.x, last.y, 2, 0, 2 * Math.PI);
    ctx.fill();
  });
  canvas.addEventListener("pointermove", function (e) {
    if (!drawing) { return; }
    e.preventDefault();
    var p = pos(e);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
    drawn = true;
    update();
  });
  function end() { drawing = false; }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  clear.addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    update();
  });
  form.addEventListener("submit", function (e) {
    if (!drawn) { e.preventDefault(); return; }
    input.value = canvas.toDataURL("image/png");
  });
  update();
})();
