// Small progressive enhancements; every page works without them.
"use strict";

// Live recipient count on the broadcast form.
function watchAudience() {
  const form = document.getElementById("compose");
  const out = document.getElementById("recipient-count");
  if (!form || !out) return;
  const update = async () => {
    const data = new URLSearchParams({
      audience: form.audience.value,
      value: form.audience_value.value,
    });
    const response = await fetch("/dashboard/broadcasts/count?" + data.toString());
    if (response.ok) out.textContent = (await response.json()).count;
  };
  form.audience.addEventListener("change", update);
  form.audience_value.addEventListener("change", update);
  update();
}

// Live progress of a running broadcast.
function watchProgress() {
  const box = document.getElementById("progress");
  if (!box) return;
  const url = box.dataset.url;
  const tick = async () => {
    const response = await fetch(url);
    if (!response.ok) return;
    const p = await response.json();
    document.getElementById("p-status").textContent = p.status_label;
    document.getElementById("p-done").textContent = p.done;
    document.getElementById("p-total").textContent = p.total;
    document.getElementById("p-sent").textContent = p.sent;
    document.getElementById("p-failed").textContent = p.failed;
    document.getElementById("p-eta").textContent = p.eta;
    const bar = document.getElementById("p-bar");
    bar.max = Math.max(p.total, 1);
    bar.value = p.done;
    if (!p.running) {
      const stop = document.getElementById("stop");
      if (stop) stop.remove();
    }
    if (p.running || p.status === "scheduled") setTimeout(tick, 1000);
  };
  tick();
}

document.addEventListener("DOMContentLoaded", () => {
  watchAudience();
  watchProgress();
});
