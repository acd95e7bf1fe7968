// The queue (move, edit, remove), the history, one item's details (output and scan files) and the
// times of items. Loaded before app.js, which owns `state`, `$`, `api` and `el`.
"use strict";

// --- times ---------------------------------------------------------------------------------------
function clock(t) {
  if (t === null || t === undefined) return "";
  const d = new Date(t * 1000), now = new Date();
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  return d.toDateString() === now.toDateString() ? time : d.toLocaleDateString() + " " + time;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "";
  const s = Math.max(0, seconds);
  if (s < 60) return (s < 10 ? s.toFixed(1) : Math.round(s)) + " s";
  const m = Math.floor(s / 60), rest = Math.round(s % 60);
  if (m < 60) return m + " min " + String(rest).padStart(2, "0") + " s";
  return Math.floor(m / 60) + " h " + String(m % 60).padStart(2, "0") + " min";
}

function timeCell(item) {
  // queued: when it was submitted; running: since when, and for how long (kept ticking)
  if (item.status === "queued") {
    const about = item.estimated_seconds == null ? "" : " \u00b7 about " + duration(item.estimated_seconds);
    return el("td", { class: "time", title: "submitted " + clock(item.submitted) }, clock(item.submitted) + about);
  }
  if (item.status === "running" && item.started) {
    return el("td", { class: "time", title: "started " + clock(item.started) }, clock(item.started) + " ",
      el("span", { class: "elapsed", "data-since": item.started }, "(" + duration(Date.now() / 1000 - item.started) + ")"));
  }
  return el("td", { class: "time" }, "");
}

function tick() {
  for (const span of document.querySelectorAll("[data-since]")) {
    span.textContent = "(" + duration(Date.now() / 1000 - Number(span.dataset.since)) + ")";
  }
}

// --- the queue -------------------------------------------------------------------------------------
function mayChange(item) {
  const me = state.me;
  const mine = me && state.status && state.status.baton.holder === me.name;
  return mine && item.status === "queued" && (item.owner === me.name || me.role === "admin");
}

function renderQueue() {
  const body = $("queue").tBodies[0];
  const typing = state.editing && state.editing.form.contains(document.activeElement) ? document.activeElement : null;
  const caret = typing && typing.selectionStart !== undefined ? [typing.selectionStart, typing.selectionEnd] : null;
  body.replaceChildren();
  const queued = state.queue.filter((i) => i.status === "queued");
  if (state.editing && !queued.some((i) => i.id === state.editing.id)) state.editing = null;  // it started
  for (const item of state.queue) {
    const pos = queued.indexOf(item);
    const actions = el("td", { class: "actions" });
    if (mayChange(item)) {
      actions.append(
        el("button", { type: "button", title: "move up", "data-action": "up", onclick: () => move(item.id, Math.max(0, pos - 1)) }, "\u2191"),
        el("button", { type: "button", title: "move down", "data-action": "down", onclick: () => move(item.id, pos + 1) }, "\u2193"),
        el("button", { type: "button", title: "edit", "data-action": "edit", onclick: () => startEdit(item) }, "\u270E"),
        el("button", { type: "button", title: "remove", "data-action": "remove", onclick: () => removeItem(item.id) }, "\u2715"));
    }
    const what = state.editing && state.editing.id === item.id && mayChange(item)
      ? state.editing.form : el("code", { class: "item" }, itemText(item));
    body.append(el("tr", { "data-id": item.id },
      el("td", {}, item.id), el("td", { class: "status-" + item.status }, item.status), el("td", {}, item.owner),
      el("td", {}, what), timeCell(item), actions));
  }
  if (!state.queue.length) body.append(el("tr", {}, el("td", { colspan: 6 }, "the queue is empty")));

  if (typing && typing.isConnected) {   // a live update re-rendered the queue under the editor's cursor
    typing.focus();
    if (caret) typing.setSelectionRange(...caret);
  }
}

async function move(id, position) {
  try { state.queue = await api("POST", "/api/queue/" + id + "/move", { position }); renderQueue(); }
  catch (e) { $("submit-error").textContent = e.message; }
}

async function removeItem(id) {
  try { state.queue = await api("DELETE", "/api/queue/" + id); renderQueue(); }
  catch (e) { $("submit-error").textContent = e.message; }
}

function startEdit(item) {
  // the form is kept across re-renders of the queue, so live updates do not lose what is typed
  const words = item.kind === "macro" ? [item.text, ...(item.args || [])].join(" ") : item.text;
  const text = el("textarea", { class: "edit-text", rows: Math.min(8, words.split("\n").length + 1) });
  text.value = words;
  const error = el("div", { class: "error" });
  const form = el("form", { class: "edit-form" }, text,
    el("button", { type: "submit", "data-action": "save" }, "Save"), " ",
    el("button", { type: "button", "data-action": "cancel", onclick: () => { state.editing = null; renderQueue(); } }, "Cancel"),
    error);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    let body = { text: text.value.trim() };
    if (item.kind === "macro") { const [name, ...args] = body.text.split(/\s+/); body = { text: name, args }; }
    try {
      await api("PATCH", "/api/queue/" + item.id, body);
      state.editing = null;
      state.queue = await api("GET", "/api/queue");
      renderQueue();
    } catch (e) { error.textContent = e.message; }
  });
  state.editing = { id: item.id, form };
  renderQueue();
  text.focus();
}

// --- the history and one item's details -------------------------------------------------------------
async function loadHistory() {
  try {
    const items = await api("GET", "/api/history?limit=20");
    const body = $("history").tBodies[0];
    body.replaceChildren(...items.map((i) => el("tr", { "data-id": i.id, class: "clickable", title: "show its output and files", onclick: () => showItem(i.id) },
      el("td", {}, i.id), el("td", { class: "status-" + i.status }, i.status), el("td", {}, i.owner),
      el("td", { title: i.error || "" }, el("code", { class: "item" }, itemText(i))), el("td", {}, (i.scan_numbers || []).join(", ")),
      el("td", { class: "time" }, clock(i.started || i.finished)),
      el("td", { class: "time duration" }, i.started && i.finished ? duration(i.finished - i.started) : ""))));
  } catch (e) { /* shown on the next status */ }
}

async function showItem(id) {
  const box = $("item-detail");
  let item, files = [];
  try {
    item = await api("GET", "/api/items/" + id);
    if ((item.scan_numbers || []).length) files = await api("GET", "/api/items/" + id + "/files").catch(() => []);
  } catch (e) { box.hidden = false; $("detail-head").textContent = e.message; return; }
  box.hidden = false;
  $("detail-head").textContent = "#" + item.id + " " + item.status + " \u2014 " + itemText(item);
  const times = ["submitted " + clock(item.submitted)];
  if (item.started) times.push("started " + clock(item.started));
  if (item.finished) times.push("finished " + clock(item.finished));
  if (item.started && item.finished) times.push("took " + duration(item.finished - item.started));
  $("detail-times").textContent = item.owner + "; " + times.join(", ");
  $("detail-error").textContent = item.error || "";
  $("detail-files").replaceChildren(...files.map((f) => el("li", {}, ...(f.size === null
    ? [el("span", { class: "missing" }, "scan " + f.scan_number + ": " + f.name + " is not in the data folder")]
    : [el("a", { href: "#", "data-scan": f.scan_number, onclick: (ev) => { ev.preventDefault(); download(f); } },
      "scan " + f.scan_number + ": " + f.name + " (" + size(f.size) + ")"), " ",
    el("a", { href: "#", "data-timeline": f.scan_number, title: "where the scan's time went (docs/timeline.md)",
      onclick: (ev) => { ev.preventDefault(); showTimeline(f); } }, "timeline")]))));
  $("detail-output").textContent = (item.output || []).join("\n");
}

function size(bytes) {
  return bytes < 1024 ? bytes + " B" : bytes < 1048576 ? (bytes / 1024).toFixed(1) + " kB" : (bytes / 1048576).toFixed(1) + " MB";
}

async function showTimeline(file) {
  // fetched with the token, then shown in a tab of its own (noopener: it gets no access to this page)
  try {
    const r = await fetch(file.url + "/timeline", { headers: { Authorization: "Bearer " + state.token } });
    if (!r.ok) { let d = r.statusText; try { d = (await r.json()).detail; } catch (e) { /* not JSON */ } throw new Error(r.status + ": " + d); }
    const url = URL.createObjectURL(new Blob([await r.text()], { type: "text/html" }));
    window.open(url, "_blank", "noopener");
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    $("detail-error").textContent = "";
  } catch (e) { $("detail-error").textContent = e.message; }
}

async function download(file) {
  // fetched with the token (a plain link could not send it), then saved under the file's name
  try {
    const r = await fetch(file.url, { headers: { Authorization: "Bearer " + state.token } });
    if (!r.ok) { let d = r.statusText; try { d = (await r.json()).detail; } catch (e) { /* not JSON */ } throw new Error(r.status + ": " + d); }
    const url = URL.createObjectURL(await r.blob());
    const a = el("a", { href: url, download: file.name });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    $("detail-error").textContent = "";
  } catch (e) { $("detail-error").textContent = e.message; }
}
