// The operator's page: plain JS, no build step. Talks to /api (Bearer token) and /api/events.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  token: sessionStorage.getItem("gda-token") || "",
  me: null, status: null, queue: [], ws: null, retry: 500,
  scan: null, outputItem: null, extras: {}, editing: null,   // {item_id, scan_number, command, columns: [{name, role}], num_points, points: [], status}
  drawPending: false,
};

async function api(method, path, body) {
  const opts = { method, headers: { Authorization: "Bearer " + state.token } };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (!r.ok) {
    let detail = data && data.detail !== undefined ? data.detail : r.statusText;
    if (Array.isArray(detail)) detail = detail.map((e) => (e.loc || []).slice(1).join(".") + ": " + e.msg).join("; ");
    const err = new Error(r.status + ": " + detail);
    err.status = r.status;
    throw err;
  }
  return data;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function itemText(item) {
  if (item.kind === "script") return "script: " + item.text.split("\n")[0].slice(0, 80);
  if (item.kind === "macro") return "macro " + [item.text, ...(item.args || [])].join(" ");
  return item.text;
}

// --- login ---------------------------------------------------------------------------------------
async function login(token) {
  state.token = token.trim();
  try {
    state.me = await api("GET", "/api/whoami");
  } catch (e) {
    $("login-error").textContent = e.status === 401 ? "That token is not known to this server." : e.message;
    return false;
  }
  sessionStorage.setItem("gda-token", state.token);
  $("login-error").textContent = "";
  $("login-panel").hidden = true;
  $("main").hidden = false;
  $("whoami").textContent = state.me.name + " (" + state.me.role + ")";
  $("stop-all").hidden = state.me.role !== "admin";
  $("item-detail").hidden = true;
  connect();
  await Promise.all([loadHistory(), loadCurrentScan()]);
  return true;
}

function logout() {
  // nothing of the previous user stays on the page: not the token, not what they saw
  sessionStorage.removeItem("gda-token");
  state.token = ""; state.me = null;
  if (state.ws) { state.ws.onclose = null; state.ws.close(); state.ws = null; }
  state.status = null; state.queue = []; state.scan = null; state.outputItem = null;
  $("token").value = "";
  for (const id of ["queue", "history", "points"]) {
    for (const part of $(id).querySelectorAll("tbody")) part.replaceChildren();
  }
  $("points").querySelector("thead").replaceChildren();
  for (const id of ["output", "output-head", "last-scan", "scan-line", "baton-holder", "control-error", "submit-error"]) {
    $(id).textContent = "";
  }
  $("current").textContent = "nothing is running";
  $("submit-text").value = "";
  $("plot-y").replaceChildren(); $("plot-x").textContent = "-";
  draw();  // with no scan: an empty plot
  $("main").hidden = true; $("login-panel").hidden = false; $("whoami").textContent = "";
  setConnected(false);
}

// --- live events -------------------------------------------------------------------------------
function setConnected(on) {
  $("connection").textContent = on ? "live" : "offline";
  $("connection").className = "badge " + (on ? "on" : "off");
}

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(proto + "//" + location.host + "/api/events");
  state.ws = ws;
  ws.onopen = () => { ws.send(JSON.stringify({ token: state.token })); state.retry = 500; };
  ws.onmessage = (m) => onEvent(JSON.parse(m.data));
  ws.onclose = () => {
    setConnected(false);
    if (state.me) setTimeout(connect, state.retry);   // reconnect with back-off
    state.retry = Math.min(state.retry * 2, 10000);
  };
}

function onEvent(ev) {
  switch (ev.type) {
    case "status": setConnected(true); renderStatus(ev.status); break;
    case "queue": state.queue = ev.queue; renderQueue(); break;
    case "item": if (["completed", "failed", "aborted", "interrupted"].includes(ev.item.status)) loadHistory();
      if (ev.item.status === "running") showOutputOf(ev.item.id, false);
      break;
    case "output": if (ev.item_id === state.outputItem) appendOutput(ev.lines); break;
    case "scan_start":
      state.scan = { ...ev, points: [], status: null };
      state.extras = {};
      setupScan(); break;
    case "scan_points":   // one point, or a page of them from a fast scan
      if (state.scan && ev.scan_number === state.scan.scan_number) {
        for (const p of ev.points) { state.scan.points.push(p.data); noteScanExtras(p); }
        addRows(ev.points.map((p) => p.data));
        renderScanLine(); scheduleDraw();
      }
      break;
    case "scan_suspended": case "scan_resumed": noteScanExtras(ev); renderScanLine(); break;
    case "scan_stop":
      if (state.scan) { state.scan.status = ev.status; showLastScan(); scheduleDraw(); }
      break;
    case "dropped": loadCurrentScan(); break;
    case "error": $("login-error").textContent = ev.detail; logout(); break;
  }
}

async function showOutputOf(id, fetchEarlier) {
  // the running item's output: what it printed before we looked, then the live lines
  if (state.outputItem === id) return;
  state.outputItem = id;
  $("output").textContent = "";
  $("output-head").textContent = "output of #" + id;
  if (!fetchEarlier) return;
  try {
    const item = await api("GET", "/api/items/" + id);
    if (state.outputItem === id && !$("output").textContent) appendOutput(item.output || []);
  } catch (e) { /* it may have finished and gone: nothing to show */ }
}

function appendOutput(newLines) {
  // the last 400 lines are shown
  if (!newLines.length) return;
  const out = $("output");
  const lines = (out.textContent + newLines.join("\n") + "\n").split("\n");
  out.textContent = lines.slice(Math.max(0, lines.length - 400)).join("\n");
  out.scrollTop = out.scrollHeight;
}

// --- status ---------------------------------------------------------------------
function renderStatus(s) {
  state.status = s;
  const total = s.queue_estimated_seconds;
  $("queue-total").textContent = total == null ? "" : "(its scans: about " + duration(total) + ")";
  $("baton-holder").textContent = s.baton.holder || "free";
  const mine = state.me && s.baton.holder === state.me.name;
  const canControl = state.me && state.me.role !== "observer";
  $("baton-take").disabled = !canControl || mine;
  $("baton-take").hidden = !canControl || (s.baton.holder && !mine);
  $("baton-release").disabled = !mine;
  $("baton-steal").hidden = !(state.me && state.me.role === "admin" && s.baton.holder && !mine);
  $("current").textContent = s.current ? "#" + s.current.id + "  " + itemText(s.current) : "nothing is running";
  $("current-time").replaceChildren(...(s.current && s.current.started ? timeCell(s.current).childNodes : []));
  noteScanExtras(s.scan);
  renderScanLine();
  if (s.current) showOutputOf(s.current.id, true);
  for (const id of ["pause", "resume", "finish-early", "abort"]) $(id).disabled = !mine || !s.current;
  $("submit").disabled = !mine;
  $("queue-held").hidden = !s.queue_held;
  $("hold-queue").hidden = s.queue_held;
  $("hold-queue").disabled = !mine;
  $("release-queue").disabled = !mine;
  renderQueue();
}

async function submit(ev) {
  ev.preventDefault();
  const kind = $("submit-kind").value;
  const text = $("submit-text").value.trim();
  if (!text) return;
  let body;
  if (kind === "command") body = { kind, command: text };
  else if (kind === "script") body = { kind, text };
  else { const [name, ...args] = text.split(/\s+/); body = { kind, name, args }; }
  try {
    await api("POST", "/api/queue", body);
    $("submit-error").textContent = "";
  } catch (e) { $("submit-error").textContent = e.message; }
}

async function control(action) {
  try { await api("POST", action); $("control-error").textContent = ""; }
  catch (e) { $("control-error").textContent = e.message; }
}

// --- wiring --------------------------------------------------------------------------------------
$("login-form").addEventListener("submit", (e) => { e.preventDefault(); login($("token").value); });
$("logout").addEventListener("click", logout);
$("submit-form").addEventListener("submit", submit);
$("baton-take").addEventListener("click", () => control("/api/baton/take"));
$("baton-release").addEventListener("click", () => control("/api/baton/release"));
$("baton-steal").addEventListener("click", () => { if (confirm("Take the baton from " + state.status.baton.holder + "?")) control("/api/baton/steal"); });
$("hold-queue").addEventListener("click", () => control("/api/queue/hold"));
$("release-queue").addEventListener("click", () => control("/api/queue/release"));
$("detail-close").addEventListener("click", () => { $("item-detail").hidden = true; });
setInterval(tick, 1000);
for (const a of ["pause", "resume", "finish-early", "abort"]) $(a).addEventListener("click", () => control("/api/scan/" + a));
$("stop-all").addEventListener("click", () => { if (confirm("Stop every device and hold the queue?")) control("/api/stop-all"); });
$("plot-y").addEventListener("change", () => { scheduleDraw(); if (state.scan && state.scan.status) showLastScan(); });
if (state.token) login(state.token);
