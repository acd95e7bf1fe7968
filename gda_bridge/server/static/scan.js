// The live scan: its progress line (with a suspension and the time left when the server sends
// them), the table of points and the plot. Loaded before app.js, which owns `state` and `$`.
"use strict";

async function loadCurrentScan() {
  try {
    state.scan = await api("GET", "/api/scan/current");
  } catch (e) {
    return;   // 404: no scan yet
  }
  setupScan();
  addRows(state.scan.points);
  if (state.scan.status) showLastScan();
}

// --- suspension and time left: shown when the events carry them --------------------------------
function secondsLeft(source) {
  if (!source) return null;
  let v = source.time_left !== undefined ? source.time_left : source.estimate;
  if (v && typeof v === "object") v = v.time_left !== undefined ? v.time_left : (v.seconds !== undefined ? v.seconds : v.remaining);
  return typeof v === "number" && isFinite(v) ? v : null;
}

function noteScanExtras(source) {
  // source: the status's scan (null: no scan, nothing to show), a point of a scan_points event, scan_suspended or
  // scan_resumed event; a key it does not carry leaves what an earlier message said
  if (!source) { state.extras = {}; return; }
  const x = state.extras || {};
  if (source.suspended !== undefined) x.suspended = !!source.suspended;
  if (source.state === "suspended" || source.type === "scan_suspended") x.suspended = true;
  if (source.type === "scan_resumed") x.suspended = false;
  if (source.reason !== undefined && source.reason !== null) x.reason = String(source.reason);
  const left = secondsLeft(source);
  if (left !== null) x.timeLeft = left;
  state.extras = x;
}

function renderScanLine() {
  const s = state.status && state.status.scan;
  let done = s ? s.points_done : 0;
  if (s && state.scan && state.scan.scan_number === s.scan_number) done = Math.max(done, state.scan.points.length);
  $("scan-line").textContent = s ? "scan " + s.scan_number + " " + s.state + ": " + done + "/" + s.num_points + " points" : "";
  const x = (s && state.extras) || {};
  $("scan-suspended").hidden = !x.suspended;
  $("suspend-reason").textContent = x.reason || "no reason given";
  $("scan-estimate").hidden = !s || x.timeLeft === undefined;
  $("scan-estimate").textContent = x.timeLeft !== undefined ? "about " + duration(x.timeLeft) + " left" : "";
}

// --- the table and the plot ------------------------------------------------------------------------
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

function addRows(rows) {
  const body = $("points").tBodies[0];
  const rowsEl = document.createDocumentFragment();
  for (const data of rows) rowsEl.append(el("tr", {}, ...state.scan.columns.map((c) => el("td", {}, fmt(data[c.name])))));
  body.append(rowsEl);
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
