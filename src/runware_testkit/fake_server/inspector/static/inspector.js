// The Inspector: every read and every action is an ordinary control-API call.
"use strict";
const BASE = document.body.dataset.base;
const TOKEN = new URLSearchParams(location.search).get("token");
const $ = (sel) => document.querySelector(sel);
const view = { rows: [], drawn: "", now: 0, manual: false, selected: null, lastSeq: 0, tab: "tasks" };

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function api(path, method = "GET", body) {
  const headers = {};
  if (TOKEN) headers["X-Testkit-Token"] = TOKEN;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
  const answer = await fetch(BASE + path, init);
  const data = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    const error = (data.errors || [])[0] || {};
    throw new Error(`${error.code || answer.status}: ${error.message || "request failed"}`);
  }
  return data;
}

function say(text, bad = false) {
  const line = $("#message");
  line.textContent = text;
  line.className = bad ? "bad" : "";
}

async function act(label, call) {
  try {
    const result = await call();
    say(`${label}: done`);
    await refreshAll();
    return result;
  } catch (error) {
    say(`${label}: ${error.message}`, true);
  }
}

// -- tasks ----------------------------------------------------------------------------------

function age(row) {
  const seconds = Math.max(0, view.now - row.created_at);
  return seconds < 90 ? `${seconds.toFixed(1)} s` : `${(seconds / 60).toFixed(1)} min`;
}

function fillSelect(select, values) {
  const chosen = select.value;
  const known = [...select.options].map((o) => o.value);
  for (const value of values) {
    if (value && !known.includes(value)) select.add(new Option(value, value));
  }
  select.value = chosen;
}

function renderTasks() {
  const status = $("#filter-status").value;
  const model = $("#filter-model").value;
  const key = $("#filter-key").value;
  fillSelect($("#filter-model"), view.rows.map((r) => r.model));
  fillSelect($("#filter-key"), view.rows.map((r) => r.key));
  const shown = view.rows.filter(
    (r) => (!status || r.status === status) && (!model || r.model === model) &&
      (!key || r.key === key));
  const rows = shown.map((r) => `<tr data-uuid="${esc(r.taskUUID)}"
    data-status="${esc(r.status)}" class="${r.taskUUID === view.selected ? "sel" : ""}">
    <td><span class="badge ${esc(r.status)}">${esc(r.status)}</span>${r.status === "processing" &&
      r.progress ? ` ${r.progress}%` : ""}</td><td>${esc(r.model)}</td><td>${esc(r.taskType)}</td>
    <td>${esc(r.key ?? "")}</td><td>${r.cost == null ? "" : "$" + r.cost}</td>
    <td>${age(r)}</td><td class="uuid">${esc(r.taskUUID)}</td></tr>`).join("");
  if (rows !== view.drawn) {
    $("#tasks tbody").innerHTML = rows;
    view.drawn = rows;
  }
  $("#task-count").textContent = `${shown.length} of ${view.rows.length} tasks`;
  const task = view.rows.find((r) => r.taskUUID === view.selected);
  const open = task && task.status === "processing";
  $("#act-complete").disabled = !open;
  $("#act-fail").disabled = !open;
}

function takeRows(payload) {
  view.rows = payload.tasks;
  view.now = payload.now;
  view.manual = payload.manual;
  view.lastSeq = payload.last_seq;
  $("#clock").textContent = `clock ${Number(payload.now).toFixed(2)}${payload.manual ? " (manual)" : ""}`;
  $("#act-advance").disabled = !payload.manual;
  renderTasks();
}

async function loadTasks() {
  takeRows(await api("/inspector/tasks"));
}

// -- one task -------------------------------------------------------------------------------

function dotted(path) {
  return String(path).replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
}

function renderValue(value, path, blamed) {
  if (value !== null && typeof value === "object") {
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return keys.map((k) => renderParam(k, value[k], path ? `${path}.${k}` : String(k), blamed))
      .join("");
  }
  return "";
}

function renderParam(key, value, path, blamed) {
  const why = blamed.get(path);
  const scalar = value === null || typeof value !== "object";
  return `<div class="param${why ? " blamed" : ""}" data-path="${esc(path)}"${why ?
    ` title="${esc(why.join("; "))}"` : ""}><span class="k">${esc(key)}</span>: ${scalar ?
    `<span class="v">${esc(JSON.stringify(value))}</span>` : ""}${why ?
    `<span class="why">${esc(why.join("; "))}</span>` : ""}${renderValue(value, path, blamed)}</div>`;
}

function has(request, path) {
  let node = request;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object" || !(part in node)) return false;
    node = node[part];
  }
  return true;
}

function renderRequest(request, errors) {
  const blamed = new Map();
  for (const error of errors) {
    if (!error.parameter) continue;
    const path = dotted(error.parameter);
    blamed.set(path, [...(blamed.get(path) || []), `${error.code}: ${error.message}`]);
  }
  let html = renderValue(request || {}, "", blamed);
  for (const [path, why] of blamed) {
    if (!has(request || {}, path)) {
      html += `<div class="param blamed missing" data-path="${esc(path)}"><span class="k">
        ${esc(path)}</span>: <span class="v dim">(not sent)</span><span class="why">
        ${esc(why.join("; "))}</span></div>`;
    }
  }
  $("#request").innerHTML = html || '<span class="dim">not seen</span>';
}

function summary(event) {
  const d = event.detail || {};
  if (event.label === "answer") {
    const error = (d.errors || [])[0];
    return error ? `${esc(error.code)}: ${esc(error.message)}` : `HTTP ${esc(event.http_status ?? "")}`;
  }
  if (event.label === "webhook" || event.label === "upload") {
    return `attempt ${esc(d.attempt)} → ${esc(d.status ?? d.error ?? "")}${d.retry_in ?
      `, retry in ${esc(d.retry_in)} s` : ""}`;
  }
  if (event.label === "scenario") return esc(JSON.stringify(d));
  if (event.label === "finished") return d.code ? `${esc(d.code)}: ${esc(d.message)}` : "";
  return esc(event.transport || "");
}

function renderTimeline(events) {
  const start = events.length ? events[0].time : 0;
  $("#timeline").innerHTML = events.map((e) => `<li data-label="${esc(e.label)}"
    data-status="${esc(e.status ?? "")}"><span class="t">+${(e.time - start).toFixed(2)} s</span>
    <span class="badge ${esc(e.label)}">${esc(e.label)}</span>${e.status ?
      ` <span class="badge ${esc(e.status)}">${esc(e.status)}</span>` : ""} ${summary(e)}
    <details><summary>${e.seq === null ? "engine" : `entry #${e.seq}`}</summary><pre>${esc(JSON.stringify(e.detail, null, 2))}
    </pre></details></li>`).join("");
}

function renderMedia(media) {
  $("#media").innerHTML = media.map((m) => {
    if (m.gone) return `<figure><figcaption>${esc(m.kind)} ${esc(m.uuid)}: ${esc(m.gone)}</figcaption></figure>`;
    const player = m.kind === "video"
      ? `<video src="${esc(m.url)}" controls muted loop autoplay playsinline></video>`
      : `<img src="${esc(m.url)}" alt="result image">`;
    const facts = [m.format, `${m.width}×${m.height}`, m.duration ? `${m.duration} s` : ""];
    return `<figure data-uuid="${esc(m.uuid)}">${player}<figcaption>${esc(facts.filter(Boolean)
      .join(" · "))} · <span class="size">…</span> · <a href="${esc(m.url)}">${esc(m.uuid)}</a>
      </figcaption></figure>`;
  }).join("");
  for (const m of media) {
    if (m.gone) continue;
    fetch(m.url, { method: "HEAD" }).then((answer) => {
      const size = Number(answer.headers.get("content-length"));
      const cell = document.querySelector(`figure[data-uuid="${m.uuid}"] .size`);
      if (cell) cell.textContent = size ? `${(size / 1024).toFixed(1)} KB` : "size unknown";
    }).catch(() => {});
  }
}

let shownMedia = "";

async function loadTimeline() {
  if (!view.selected) return;
  const data = await api(`/tasks/${encodeURIComponent(view.selected)}/timeline`);
  if (data.taskUUID !== view.selected) return;
  $("#detail").hidden = false;
  $("#detail-uuid").textContent = data.taskUUID;
  renderTimeline(data.events);
  renderRequest(data.request, data.errors);
  $("#errors").innerHTML = data.errors.length ? data.errors.map((e) => `<div class="rt-error"
    data-parameter="${esc(e.parameter ?? "")}"><b>${esc(e.code)}</b>${e.parameter ?
      ` at <code>${esc(e.parameter)}</code>` : ""}<pre>${esc(JSON.stringify(e, null, 2))}</pre>
    </div>`).join("") : '<span class="dim">none</span>';
  $("#details").textContent = data.details ? JSON.stringify(data.details, null, 2)
    : "(the server holds no task: it was refused before one existed)";
  const mediaKey = JSON.stringify(data.media);
  if (mediaKey !== shownMedia) {
    shownMedia = mediaKey;
    renderMedia(data.media);
  }
}

function select(uuid) {
  view.selected = uuid;
  shownMedia = "";
  renderTasks();
  loadTimeline().catch((error) => say(error.message, true));
}

// -- other tabs -----------------------------------------------------------------------------

async function loadModels() {
  const { models } = await api("/models");
  $("#models tbody").innerHTML = models.map((m) => `<tr data-air="${esc(m.air)}">
    <td><b>${esc(m.title)}</b><br><code>${esc(m.air)}</code></td><td>${esc(m.taskType)}</td>
    <td><span class="source-kind">${esc(m.source_kind)}</span><br><span class="dim">
    ${esc(m.origin === "shipped" ? m.source : m.origin)}</span></td>
    <td><details><summary>${m.parameters.length} parameters</summary><code>
    ${m.parameters.map(esc).join("<br>")}</code></details></td>
    <td>${Object.entries(m.links).map(([name, url]) =>
      `<a href="${esc(url)}">${esc(name)}</a>`).join("<br>")}</td></tr>`).join("");
}

function brief(entry) {
  const { kind, seq, time, ...rest } = entry;
  return rest;
}

async function loadJournal() {
  const kind = $("#journal-kind").value;
  const uuid = $("#journal-task").value.trim();
  const limit = Math.max(1, Number($("#journal-limit").value) || 200);
  const since = Math.max(0, view.lastSeq - (uuid ? 5000 : limit));
  const query = new URLSearchParams({ since });
  if (kind) query.set("kind", kind);
  const { entries } = await api(`/journal?${query}`);
  const shown = entries.filter((e) => !uuid || JSON.stringify(e).includes(uuid)).slice(-limit)
    .reverse();
  fillSelect($("#journal-kind"), entries.map((e) => e.kind));
  $("#journal tbody").innerHTML = shown.map((e) => `<tr><td>${e.seq}</td>
    <td>${Number(e.time).toFixed(3)}</td><td>${esc(e.kind)}</td><td><details><summary>
    ${esc(JSON.stringify(brief(e)).slice(0, 120))}</summary><pre>${esc(JSON.stringify(e, null, 2))}
    </pre></details></td></tr>`).join("");
}

async function loadSpend() {
  const { keys } = await api("/spend");
  $("#spend tbody").innerHTML = keys.map((k) => `<tr><td>${esc(k.key)}</td><td>${k.tasks}</td>
    <td>${k.succeeded}</td><td>${k.failed}</td><td>$${k.cost}</td></tr>`).join("");
}

async function loadControls() {
  const { scenarios } = await api("/scenarios");
  $("#scenarios").innerHTML = scenarios.map((s, i) => `<li><code>${esc(JSON.stringify(s))}
    </code> <button data-remove="${i}">remove</button></li>`).join("") ||
    '<li class="dim">none pending</li>';
  const { names } = await api("/sink");
  $("#sinks").innerHTML = Object.entries(names).map(([name, count]) =>
    `<li><code>${esc(name)}</code>: ${count} received</li>`).join("");
}

const loaders = { models: loadModels, journal: loadJournal, spend: loadSpend, controls: loadControls };

async function refreshAll() {
  await loadTasks();
  await loadTimeline();
  if (loaders[view.tab]) await loaders[view.tab]();
}

function showTab(name) {
  view.tab = name;
  for (const button of document.querySelectorAll("#tabs button")) {
    button.classList.toggle("on", button.dataset.tab === name);
  }
  for (const section of document.querySelectorAll(".tab")) {
    section.classList.toggle("on", section.id === `tab-${name}`);
  }
  if (loaders[name]) loaders[name]().catch((error) => say(error.message, true));
}

// -- live updates ---------------------------------------------------------------------------

let timelineQueued = false;

function connect() {
  const source = new EventSource(BASE + "/events" + (TOKEN ? `?token=${encodeURIComponent(TOKEN)}` : ""));
  source.addEventListener("open", () => $("#live").classList.remove("off"));
  source.addEventListener("error", () => $("#live").classList.add("off"));
  source.addEventListener("tasks", (event) => takeRows(JSON.parse(event.data)));
  source.addEventListener("journal", (event) => {
    view.lastSeq = JSON.parse(event.data).last_seq;
    if (view.selected && !timelineQueued) {
      timelineQueued = true;
      setTimeout(() => {
        timelineQueued = false;
        loadTimeline().catch(() => {});
      }, 50);
    }
    if (view.tab === "journal") loadJournal().catch(() => {});
    if (view.tab === "spend") loadSpend().catch(() => {});
  });
}

// -- wiring ---------------------------------------------------------------------------------

$("#tabs").addEventListener("click", (event) => {
  if (event.target.dataset.tab) showTab(event.target.dataset.tab);
});
for (const id of ["#filter-status", "#filter-model", "#filter-key"]) {
  $(id).addEventListener("change", renderTasks);
}
for (const id of ["#journal-kind", "#journal-task", "#journal-limit"]) {
  $(id).addEventListener("change", () => loadJournal().catch((e) => say(e.message, true)));
}
$("#tasks tbody").addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-uuid]");
  if (row) select(row.dataset.uuid);
});
$("#act-complete").addEventListener("click", () =>
  act("complete", () => api(`/tasks/${view.selected}/complete`, "POST")));
$("#act-fail").addEventListener("click", () =>
  act("fail", () => api(`/tasks/${view.selected}/fail`, "POST", { code: $("#fail-code").value })));
$("#act-advance").addEventListener("click", () =>
  act("advance clock", () =>
    api("/clock/advance", "POST", { seconds: Number($("#clock-seconds").value) })));
$("#act-reset").addEventListener("click", () => {
  view.selected = null;
  $("#detail").hidden = true;
  act("reset", () => api("/reset", "POST"));
});
$("#act-add-scenario").addEventListener("click", () => {
  let body;
  try {
    body = JSON.parse($("#scenario-json").value);
  } catch (error) {
    say(`scenario: not JSON (${error.message})`, true);
    return;
  }
  act("add scenario", () => api("/scenarios", "POST", body));
});
$("#scenarios").addEventListener("click", (event) => {
  const index = event.target.dataset.remove;
  if (index !== undefined) act("remove scenario", () => api(`/scenarios/${index}`, "DELETE"));
});
$("#act-sink-fail").addEventListener("click", () => {
  const name = encodeURIComponent($("#sink-name").value.trim());
  const body = { times: Number($("#sink-times").value), status: Number($("#sink-status").value) };
  act("receiver fails", () => api(`/sink/${name}/fail`, "POST", body));
});

connect();
loadTasks().catch((error) => say(error.message, true));
api("/errors").then(({ errors }) => {
  $("#fail-code").innerHTML = errors.map((e) =>
    `<option value="${esc(e.code)}">${esc(e.code)} (${e.status})</option>`).join("");
  $("#fail-code").value = "timeoutProvider";
}).catch((error) => say(error.message, true));
