// The operator dashboard: polls /ops/api/status and renders it. No framework and no build step.
// Every value goes into the page through textContent, never innerHTML, so an id or a reason
// can never become markup.
'use strict';

const POLL_MS = 2000;
const HISTORY = 30;
const history = new Map(); // stage -> recent lag values, for the trend sparkline

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return node;
}

function fmtInt(n) { return n == null ? '–' : Number(n).toLocaleString('en-US'); }
function fmtRate(r) { return r == null ? '–' : r < 10 ? r.toFixed(1) : Math.round(r).toLocaleString('en-US'); }
function fmtTime(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '–'; }
function ago(iso) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

function sparkline(values) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 120 24');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('aria-hidden', 'true');
  if (values.length > 1) {
    const max = Math.max(1, ...values);
    const pts = values.map((v, i) => `${(i / (values.length - 1)) * 120},${22 - (v / max) * 20}`).join(' ');
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', pts);
    svg.append(line);
  }
  return svg;
}

function trend(values) {
  if (values.length < 2) return { text: '', cls: '' };
  const d = values[values.length - 1] - values[values.length - 2];
  return d > 0 ? { text: `▲ +${fmtInt(d)}`, cls: 'up' } : d < 0 ? { text: `▼ ${fmtInt(d)}`, cls: 'down' } : { text: '=', cls: 'flat' };
}

function renderStages(stages) {
  const body = document.querySelector('#stages tbody');
  body.replaceChildren(...stages.map((s) => {
    const h = history.get(s.processor) || [];
    if (!s.error) { h.push(s.lag); if (h.length > HISTORY) h.shift(); }
    history.set(s.processor, h);
    const t = trend(h);
    // A stage with no members is not running: red when records wait for it, grey when idle.
    const stateCls = s.members > 0 ? 'running' : s.lag > 0 ? 'stopped' : 'idle';
    const perPartition = s.partitions.map((p) => `p${p.partition}: ${fmtInt(p.lag)}`).join(', ');
    return el('tr', { 'data-stage': s.processor },
      el('td', { class: 'stage' }, s.processor),
      el('td', { class: 'topic' }, s.topic),
      // Paused on a refused credential: records wait, nothing is dead-lettered (docs/failure-answers.md).
      el('td', { class: s.paused && s.paused.length ? 'stopped' : stateCls }, s.error ? 'error' : s.paused && s.paused.length ? `paused (${s.paused.join(', ')})` : s.members === 0 ? `not running (${s.state})` : s.state),
      el('td', { class: 'num' }, s.members),
      el('td', { class: `num lag ${s.lag > 0 ? 'behind' : ''}`, id: `lag-${s.processor}`, 'data-lag': s.error ? '' : String(s.lag), title: s.error || perPartition }, s.error ? s.error : fmtInt(s.lag)),
      el('td', { class: `trend ${t.cls}` }, sparkline(h), el('span', {}, t.text)),
      el('td', { class: 'num' }, fmtRate(s.recordsPerSecond)),
      el('td', { title: s.lastCommitAt || '' }, s.lastCommitAt ? `${ago(s.lastCommitAt)}${s.lastCommitSource === 'observed' ? ' (observed)' : ''}` : '–'),
    );
  }));
}

function renderThroughput(perMinute) {
  const box = document.getElementById('throughput');
  const max = Math.max(1, ...perMinute);
  box.replaceChildren(...perMinute.map((n, i) => {
    const bar = el('div', { class: 'bar', 'data-count': String(n), title: `${n} at −${perMinute.length - 1 - i} min` });
    // Through the CSSOM: the page's CSP (style-src 'self') ignores a style attribute in markup,
    // which left every bar at its 1 px minimum, but allows a property set from this script
    // (https://www.w3.org/TR/CSP3/#directive-style-src).
    bar.style.height = `${(n / max) * 100}%`;
    return bar;
  }));
  box.setAttribute('aria-label', `import outcomes per minute: ${perMinute.join(', ')}`);
}

function renderToday(today) {
  document.getElementById('today-date').textContent = today ? `(${today.date} UTC)` : '';
  const dl = document.getElementById('today');
  if (!today) { dl.replaceChildren(el('dt', {}, 'outcomes'), el('dd', {}, 'not available')); return; }
  const known = ['imported', 'partial', 'duplicate', 'parked', 'failed', 'rejected', 'unmapped', 'noted'];
  const order = [...known.filter((k) => k in today.counts), ...Object.keys(today.counts).filter((k) => !known.includes(k))];
  // Problem kinds turn red only when there is something to look at.
  dl.replaceChildren(...order.flatMap((k) => { const cls = today.counts[k] > 0 ? k : ''; return [el('dt', { class: cls }, k), el('dd', { class: cls, 'data-kind': k }, fmtInt(today.counts[k]))]; }),
    // Imported copies by what they are: message versions, joins/leaves/moderators, space updates, transcripts.
    ...Object.entries(today.importedByKind ?? {}).flatMap(([k, n]) => [el('dt', {}, `imported ${k}`), el('dd', { 'data-imported-kind': k }, fmtInt(n))]));
}

function renderCrawler(c) {
  const dl = document.getElementById('crawler');
  const rows = c ? [
    ['last run started', c.lastRunStartedAt ? `${fmtTime(c.lastRunStartedAt)} (${ago(c.lastRunStartedAt)})` : 'never'],
    ['last checkpoint', c.lastCheckpointAt ? `${fmtTime(c.lastCheckpointAt)} (${ago(c.lastCheckpointAt)})` : 'none'],
    ['events crawled up to', c.events ? `${fmtTime(c.events.cursor)}${c.events.complete ? ' · run complete' : ' · in progress or interrupted'}` : 'no checkpoint yet'],
    ['published by events run', c.events ? fmtInt(c.events.published) : '–'],
    ['backfill rooms done', fmtInt(c.backfill.roomsDone)],
  ] : [['crawler', 'checkpoints not readable']];
  dl.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function renderIssues(issues) {
  const body = document.querySelector('#issues tbody');
  if (issues.length === 0) { body.replaceChildren(el('tr', {}, el('td', { colspan: '7', class: 'empty' }, 'None today.'))); return; }
  body.replaceChildren(...issues.map((i) => el('tr', { class: i.kind },
    el('td', {}, fmtTime(i.at)),
    el('td', { class: `kind ${i.kind}` }, i.kind),
    el('td', {}, i.processor),
    el('td', { class: 'id', title: `message ${i.webexMessageId} · room ${i.roomId}` }, i.itemId),
    el('td', {}, i.mailbox || i.participantEmail || '–'),
    el('td', { class: 'reason' }, i.reason),
    el('td', {}, i.redrive ? el('code', { class: 'cmd' }, i.redrive) : ''),
  )));
}

function renderDeadLetters(d) {
  document.getElementById('dead-total').textContent = d ? `(${fmtInt(d.total)} in the topic)` : '(not readable)';
  const body = document.querySelector('#dead-letters tbody');
  if (!d || d.latest.length === 0) { body.replaceChildren(el('tr', {}, el('td', { colspan: '6', class: 'empty' }, d ? 'None.' : 'The dead-letter topic is not readable.'))); return; }
  body.replaceChildren(...d.latest.map((x) => el('tr', { 'data-offset': `${x.topic}/${x.partition}/${x.offset}` },
    el('td', {}, fmtTime(x.at)),
    el('td', {}, x.processor),
    el('td', { class: 'id' }, `${x.topic} p${x.partition} @${x.offset}`),
    el('td', { class: 'id', title: x.webexMessageId ? `message ${x.webexMessageId}` : '' }, x.itemId || x.webexMessageId || '–'),
    el('td', { class: 'reason' }, `${x.errorCode}: ${x.reason} (${x.attempts} attempts)`),
    el('td', {}, el('code', { class: 'cmd' }, x.redrive)),
  )));
}

function stateCell(text) { return el('td', { class: `state ${text.split(' ')[0]}` }, text); }

function renderTrace(r) {
  const box = document.getElementById('trace');
  if (!r.found) { box.replaceChildren(el('p', { class: 'empty' }, `Nothing in Kafka names ${r.query}.`)); return; }
  const head = el('p', { class: 'id' }, `message ${r.webexMessageId} · room ${r.roomId || '?'} · ${r.versions.length} version(s) · ${r.deliveries.length} webhook delivery(ies)`);
  const versions = r.versions.map((v) => {
    const rows = [];
    for (const s of v.stages) {
      for (const p of s.positions) {
        rows.push(el('tr', { 'data-topic': s.topic }, el('td', {}, s.topic), el('td', { class: 'id' }, `p${p.partition} @${p.offset}`), el('td', {}, fmtTime(p.writtenAt)),
          stateCell(p.consumed == null ? '' : p.consumed ? `done by ${p.consumedBy}` : `waiting for ${p.consumedBy}`)));
      }
    }
    if (v.staged) {
      const b = v.staged.blob;
      rows.push(el('tr', { 'data-topic': 'blob' }, el('td', {}, 'blob'), el('td', { class: 'id' }, `${v.staged.container}/${v.staged.blobName}`),
        el('td', { class: 'id' }, `${fmtInt(v.staged.size)} bytes · sha256 ${v.staged.sha256}`),
        stateCell(!b ? 'not checked' : !b.present ? 'missing' : b.matches ? 'present, matches' : 'different')));
    }
    for (const m of v.mailboxes) {
      for (const p of m.parked) {
        rows.push(el('tr', { 'data-parked': m.mailbox }, el('td', {}, 'parked'), el('td', { class: 'id' }, `${p.topic} p${p.partition} @${p.offset}`),
          el('td', {}, `${p.errorCode} · park ${p.parks} · due ${fmtTime(p.dueAt)}`), stateCell(p.consumed == null ? '' : p.consumed ? 'sent back' : 'waiting')));
      }
      const last = m.outcomes[m.outcomes.length - 1];
      rows.push(el('tr', { 'data-mailbox': m.mailbox }, el('td', {}, 'mailbox'), el('td', {}, m.mailbox),
        el('td', {}, last ? `${fmtTime(last.at)}${last.reason ? ` · ${last.reason}` : ''}${m.outcomes.length > 1 ? ` · ${m.outcomes.map((o) => o.kind).join(' → ')}` : ''}` : ''),
        stateCell(m.state)));
    }
    for (const o of v.otherOutcomes) rows.push(el('tr', {}, el('td', {}, 'outcome'), el('td', {}, o.participantEmail || o.processor), el('td', { class: 'reason' }, `${fmtTime(o.at)} · ${o.reason}`), stateCell(o.kind)));
    for (const d of v.deadLetters) rows.push(el('tr', {}, el('td', {}, 'dead letter'), el('td', {}, d.processor), el('td', { class: 'reason' }, `${d.errorCode}: ${d.reason}`), el('td', {}, el('code', { class: 'cmd' }, d.redrive))));
    return el('div', { class: 'version', 'data-item': v.itemId },
      el('h3', {}, `${v.event} ${fmtTime(v.versionAt)} `, el('small', { class: 'id' }, `item ${v.itemId} · via ${v.sources.join(', ')}`)),
      el('table', {}, el('tbody', {}, ...rows)));
  });
  box.replaceChildren(head, ...versions);
}

function renderRecovery(r) {
  const p = document.getElementById('recovery');
  if (!r) { p.replaceChildren(); return; }
  const waiting = r.waiting
    ? r.waiting.map((w) => el('span', { class: 'waiting', 'data-topic': w.topic }, `${fmtInt(w.records)} on ${w.topic}`))
    : [el('span', {}, 'retry topics not readable')];
  p.replaceChildren(
    el('span', {}, `Today: ${fmtInt(r.failedToday)} failed, ${fmtInt(r.parkedToday)} parked. Parked now: `), ...waiting.flatMap((w, i) => (i ? [', ', w] : [w])),
    el('br', {}), 'List them: ', el('code', { class: 'cmd' }, r.commands.listDeadLetters), ' · ', el('code', { class: 'cmd' }, r.commands.listParked),
  );
}

async function trace(id) {
  const state = document.getElementById('trace-state');
  state.textContent = 'reading every topic…';
  try {
    const res = await fetch(`/ops/api/trace?id=${encodeURIComponent(id)}`, { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) { location.href = '/ops/login'; return; }
    if (!res.ok) throw new Error(`status ${res.status}`);
    renderTrace(await res.json());
    state.textContent = '';
  } catch (e) {
    state.textContent = `Could not trace: ${e.message}`;
  }
}

document.getElementById('trace-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const id = document.getElementById('trace-id').value.trim();
  if (id) void trace(id);
});

async function poll() {
  const err = document.getElementById('error');
  try {
    const res = await fetch('/ops/api/status', { credentials: 'same-origin', cache: 'no-store' });
    if (res.status === 401) { location.href = '/ops/login'; return; }
    if (!res.ok) throw new Error(`status ${res.status}`);
    const s = await res.json();
    renderStages(s.stages);
    renderThroughput(s.importsPerMinute.length ? s.importsPerMinute : new Array(15).fill(0));
    renderToday(s.today);
    renderCrawler(s.crawler);
    renderIssues(s.recentIssues);
    renderDeadLetters(s.deadLetters);
    renderRecovery(s.recovery);
    document.getElementById('updated').textContent = `updated ${fmtTime(s.generatedAt)} UTC`;
    document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
    err.hidden = true;
  } catch (e) {
    err.textContent = `Could not load status: ${e.message}. Retrying…`;
    err.hidden = false;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
