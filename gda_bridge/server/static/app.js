// The operator's page: plain JS, no build step. Talks to /api (Bearer token) and /api/events.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  token: sessionStorage.getItem("gda-token") || "",
  me: null, status: null, queue: [], ws: null, retry: 500,
  scan: null, outputItem: null,   // {item_id, scan_number, command, columns: [{name, role}], num_points, points: [], status}
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
    case "output": if (ev.item_id === state.outputItem) appendOutput(ev.line); break;
    case "scan_start":
      state.scan = { ...ev, points: [], status: null };
      setupScan(); break;
    case "scan_point":
      if (state.scan && ev.scan_number === state.scan.scan_number) { state.scan.points.push(ev.data); addRow(ev.data); renderScanLine(); scheduleDraw(); }
      break;
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
    if (state.outputItem === id && !$("output").textContent) for (const line of item.output || []) appendOutput(line);
  } catch (e) { /* it may have finished and gone: nothing to show */ }
}

function appendOutput(line) {
  const out = $("output");
  const lines = (out.textContent + line + "\n").split("\n");
  out.textContent = lines.slice(Math.max(0, lines.length - 400)).join("\n");
  out.scrollTop = out.scrollHeight;
}

// --- status, queue, history ---------------------------------------------------------------------
function renderStatus(s) {
  state.status = s;
  $("baton-holder").textContent = s.baton.holder || "free";
  const mine = state.me && s.baton.holder === state.me.name;
  const canControl = state.me && state.me.role !== "observer";
  $("baton-take").disabled = !canControl || mine;
  $("baton-release").disabled = !mine;
  $("current").textContent = s.current ? "#" + s.current.id + "  " + itemText(s.current) : "nothing is running";
  renderScanLine();
  if (s.current) showOutputOf(s.current.id, true);
  for (const id of ["pause", "resume", "finish-early", "abort"]) $(id).disabled = !mine || !s.current;
  $("submit").disabled = !mine;
  $("queue-held").hidden = !s.queue_held;
  $("release-queue").disabled = !mine;
  renderQueue();
}

function renderScanLine() {
  const s = state.status && state.status.scan;
  let done = s ? s.points_done : 0;
  if (s && state.scan && state.scan.scan_number === s.scan_number) done = Math.max(done, state.scan.points.length);
  $("scan-line").textContent = s ? "scan " + s.scan_number + " " + s.state + ": " + done + "/" + s.num_points + " points" : "";
}

function renderQueue() {
  const body = $("queue").tBodies[0];
  body.replaceChildren();
  const me = state.me;
  const mine = me && state.status && state.status.baton.holder === me.name;
  const queued = state.queue.filter((i) => i.status === "queued");
  for (const item of state.queue) {
    const mayEdit = mine && item.status === "queued" && (item.owner === me.name || me.role === "admin");
    const pos = queued.indexOf(item);
    const actions = el("td", {});
    if (mayEdit) {
      actions.append(
        el("button", { type: "button", title: "move up", "data-action": "up", onclick: () => move(item.id, Math.max(0, pos - 1)) }, "\u2191"),
        el("button", { type: "button", title: "move down", "data-action": "down", onclick: () => move(item.id, pos + 1) }, "\u2193"),
        el("button", { type: "button", title: "remove", "data-action": "remove", onclick: () => removeItem(item.id) }, "\u2715"));
    }
    body.append(el("tr", { "data-id": item.id },
      el("td", {}, item.id), el("td", { class: "status-" + item.status }, item.status), el("td", {}, item.owner),
      el("td", {}, el("code", { class: "item" }, itemText(item))), actions));
  }
  if (!state.queue.length) body.append(el("tr", {}, el("td", { colspan: 5 }, "the queue is empty")));
}

async function loadHistory() {
  try {
    const items = await api("GET", "/api/history?limit=10");
    const body = $("history").tBodies[0];
    body.replaceChildren(...items.map((i) => el("tr", { "data-id": i.id },
      el("td", {}, i.id), el("td", { class: "status-" + i.status }, i.status), el("td", {}, i.owner),
      el("td", { title: i.error || "" }, el("code", { class: "item" }, itemText(i))), el("td", {}, (i.scan_numbers || []).join(", ")))));
  } catch (e) { /* shown on the next status */ }
}

async function move(id, position) {
  try { state.queue = await api("POST", "/api/queue/" + id + "/move", { position }); renderQueue(); }
  catch (e) { $("submit-error").textContent = e.message; }
}

async function removeItem(id) {
  try { state.queue = await api("DELETE", "/api/queue/" + id); renderQueue(); }
  catch (e) { $("submit-error").textContent = e.message; }
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

// --- the live scan: table and plot ---------------------------------------------------------------
async function loadCurrentScan() {
  try {
    state.scan = await api("GET", "/api/scan/current");
  } catch (e) {
    return;   // 404: no scan yet
  }
  setupScan();
  for (const p of state.scan.points) addRow(p);
  if (state.scan.status) showLastScan();
}

function axisColumn() {
  const c = state.scan.columns.find((c) => c.role === "axis");
  return c ? c.name : null;
}

function setupScan() {
  const s = state.scan;
  const head = $("points").tHead;
  head.replaceChildren(el("tr", {}, ...s.columns.map((c) => el("th", {}, c.name))));
  $("points").tBodies[0].replaceChildren();
  const select = $("plot-y");
  const previous = select.value;
  const ys = s.columns.filter((c) => c.role !== "axis").map((c) => c.name);
  select.replaceChildren(...ys.map((n) => el("option", { value: n }, n)));
  const detector = s.columns.find((c) => c.role === "detector");
  select.value = ys.includes(previous) ? previous : (detector ? detector.name : ys[0] || "");
  $("plot-x").textContent = axisColumn() || "point";
  scheduleDraw();
}

function fmt(v) {
  if (v === null || v === undefined) return "-";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(+v.toPrecision(6));
  return String(v);
}

function addRow(data) {
  const body = $("points").tBodies[0];
  body.append(el("tr", {}, ...state.scan.columns.map((c) => el("td", {}, fmt(data[c.name])))));
  const wrap = body.closest(".table-wrap");
  wrap.scrollTop = wrap.scrollHeight;
}

function scheduleDraw() {
  if (state.drawPending) return;
  state.drawPending = true;
  requestAnimationFrame(() => { state.drawPending = false; draw(); });
}

function series() {
  const s = state.scan;
  const xName = axisColumn();
  const yName = $("plot-y").value;
  const xs = [], ys = [];
  s.points.forEach((p, i) => {
    const x = xName ? p[xName] : i, y = p[yName];
    if (typeof x === "number" && typeof y === "number") { xs.push(x); ys.push(y); }
  });
  return { xs, ys, xName: xName || "point", yName };
}

function draw() {
  const canvas = $("plot"), g = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height, L = 60, R = 30, T = 15, B = 35;
  g.clearRect(0, 0, W, H);
  if (!state.scan) return;
  const { xs, ys } = series();
  g.strokeStyle = "#889"; g.lineWidth = 1;
  g.strokeRect(L, T, W - L - R, H - T - B);
  if (!xs.length) return;
  let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
  const px = (x) => L + (x - x0) / (x1 - x0) * (W - L - R);
  const py = (y) => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  g.fillStyle = "#334"; g.font = "11px sans-serif";
  for (let k = 0; k <= 4; k++) {
    const xv = x0 + (x1 - x0) * k / 4, yv = y0 + (y1 - y0) * k / 4;
    g.textAlign = "center"; g.fillText(String(+xv.toPrecision(3)), px(xv), H - B + 14);
    g.textAlign = "right"; g.fillText(String(+yv.toPrecision(3)), L - 4, py(yv) + 4);
    g.strokeStyle = "#eef"; g.beginPath(); g.moveTo(L, py(yv)); g.lineTo(W - R, py(yv)); g.stroke();
  }
  g.strokeStyle = "#1565c0"; g.lineWidth = 1.5; g.beginPath();
  xs.forEach((x, i) => (i ? g.lineTo(px(x), py(ys[i])) : g.moveTo(px(x), py(ys[i]))));
  g.stroke();
  g.fillStyle = "#1565c0";
  xs.forEach((x, i) => { g.beginPath(); g.arc(px(x), py(ys[i]), 2.5, 0, 2 * Math.PI); g.fill(); });
}

function showLastScan() {
  const s = state.scan;
  const { xs, ys, xName, yName } = series();
  let text = "scan " + s.scan_number + ": " + s.command + " \u2014 " + (s.status || "running") + ", " + s.points.length + "/" + s.num_points + " points";
  if (ys.length) {
    let best = 0;
    ys.forEach((y, i) => { if (y > ys[best]) best = i; });
    const total = ys.reduce((a, b) => a + b, 0);
    const centroid = total ? xs.reduce((a, x, i) => a + x * ys[i], 0) / total : NaN;
    text += "; peak " + yName + " = " + fmt(ys[best]) + " at " + xName + " = " + fmt(xs[best]) + "; centroid " + fmt(centroid);
  }
  $("last-scan").textContent = text;
}

// --- wiring --------------------------------------------------------------------------------------
$("login-form").addEventListener("submit", (e) => { e.preventDefault(); login($("token").value); });
$("logout").addEventListener("click", logout);
$("submit-form").addEventListener("submit", submit);
$("baton-take").addEventListener("click", () => control("/api/baton/take"));
$("baton-release").addEventListener("click", () => control("/api/baton/release"));
$("release-queue").addEventListener("click", () => control("/api/queue/release"));
for (const a of ["pause", "resume", "finish-early", "abort"]) $(a).addEventListener("click", () => control("/api/scan/" + a));
$("stop-all").addEventListener("click", () => { if (confirm("Stop every device and hold the queue?")) control("/api/stop-all"); });
$("plot-y").addEventListener("change", () => { scheduleDraw(); if (state.scan && state.scan.status) showLastScan(); });
if (state.token) login(state.token);
