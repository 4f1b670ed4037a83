// emostream supervisor live view: plain JS, no dependencies. State comes from the server-sent event stream
// /dashboard/api/events: a "snapshot" of every call first, then "window", "stats", "alert" and "removed" updates
// (docs/dashboard.md). EventSource reconnects by itself; each new connection starts with a fresh snapshot.
'use strict';

const API = 'api/events';
const MAX_WINDOWS = 500; // the server bounds this too (emostream.dashboard.max-windows-per-speaker)
const MAX_ALERT_FEED = 100;
const SPEAKER_ORDER = ['AGENT', 'CUSTOMER', 'UNKNOWN'];

const calls = new Map();   // callId -> call (the shape of GET /dashboard/api/calls/{id})
let alertFeed = [];        // newest first
let renderQueued = false;

// ---- state -------------------------------------------------------------------------------------------------

function ensureCall(data) {
  let call = calls.get(data.callId);
  if (!call) {
    call = { callId: data.callId, firstSeen: data.updatedAt, speakers: {}, alerts: [] };
    calls.set(data.callId, call);
  }
  call.ended = data.ended;
  call.escalation = data.escalation;
  call.updatedAt = data.updatedAt;
  return call;
}

function ensureSpeaker(call, role) {
  if (!call.speakers[role]) {
    call.speakers[role] = { windows: [], current: null, stats: null, escalation: false, ended: false };
  }
  return call.speakers[role];
}

const handlers = {
  snapshot(data) {
    calls.clear();
    alertFeed = [];
    for (const call of data.calls) {
      calls.set(call.callId, call);
      for (const alert of call.alerts) alertFeed.push(alert);
    }
    alertFeed.sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt));
    alertFeed = alertFeed.slice(0, MAX_ALERT_FEED);
  },
  window(data) {
    const call = ensureCall(data);
    call.modelId = data.modelId;
    call.modelVersion = data.modelVersion;
    const speaker = ensureSpeaker(call, data.speaker);
    const w = data.window;
    const at = speaker.windows.findIndex((x) => x.index >= w.index);
    if (at < 0) speaker.windows.push(w);
    else if (speaker.windows[at].index === w.index) speaker.windows[at] = w;
    else speaker.windows.splice(at, 0, w);
    if (speaker.windows.length > MAX_WINDOWS) speaker.windows.splice(0, speaker.windows.length - MAX_WINDOWS);
    speaker.current = speaker.windows[speaker.windows.length - 1];
  },
  stats(data) {
    const call = ensureCall(data);
    const speaker = ensureSpeaker(call, data.speaker);
    speaker.stats = data.stats;
    speaker.ended = data.stats.final;
    speaker.escalation = data.stats.escalation && !data.stats.final;
  },
  alert(data) {
    const call = ensureCall(data);
    call.alerts.push(data.alert);
    alertFeed.unshift(data.alert);
    alertFeed = alertFeed.slice(0, MAX_ALERT_FEED);
  },
  removed(data) {
    calls.delete(data.callId);
  },
};

// ---- rendering ---------------------------------------------------------------------------------------------

function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function num(value, digits = 2) {
  return value === null || value === undefined ? '–' : Number(value).toFixed(digits);
}

function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : '';
}

function seconds(ms) {
  return ms === null || ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`;
}

/** A speaker's conversation metrics (CallEmotionStats talkMs, silenceMs, overTalkMs, turns; docs/dashboard.md). */
function conversation(st, long) {
  if (!st) return '<span class="conversation muted">–</span>';
  const turns = st.turns ?? 0;
  return `<span class="conversation" data-talk-ms="${st.talkMs ?? 0}" data-silence-ms="${st.silenceMs ?? 0}" data-over-talk-ms="${st.overTalkMs ?? 0}" data-turns="${turns}"
    title="talk: speech and short pauses · silence: the rest · over-talk: both speaking at once · turns: times taking the floor">talk ${seconds(st.talkMs)}${long ? ` · silence ${seconds(st.silenceMs)}` : ''} · over-talk ${seconds(st.overTalkMs)} · ${turns} turn${turns === 1 ? '' : 's'}</span>`;
}

function labelChip(window) {
  if (!window) return '<span class="chip no_speech">–</span>';
  const conf = window.speech ? ` ${Math.round(window.confidence * 100)}%` : '';
  return `<span class="chip ${esc(window.label)}" data-label="${esc(window.label)}">${esc(window.label.replace('_', ' '))}${conf}</span>`;
}

function timeline(windows) {
  return '<div class="timeline">' + windows.map((w) =>
    `<span class="window ${esc(w.label)}" data-index="${w.index}" title="window ${w.index} (${(w.startOffsetMs / 1000).toFixed(0)}–${(w.endOffsetMs / 1000).toFixed(0)} s): ${esc(w.label)}${w.speech ? ' ' + num(w.confidence) : ''}"></span>`
  ).join('') + '</div>';
}

/** Valence and arousal in [-1, 1] over the window offsets, as an inline SVG. */
function chart(windows, width, height, axes) {
  const pad = axes ? 22 : 2;
  const n = windows.length;
  const endMs = n ? windows[n - 1].endOffsetMs : 1;
  const startMs = n ? windows[0].startOffsetMs : 0;
  const span = Math.max(1, endMs - startMs);
  const x = (w) => pad + ((w.startOffsetMs + w.endOffsetMs) / 2 - startMs) / span * (width - pad - 2);
  const y = (v) => 2 + (1 - v) / 2 * (height - 4);
  const line = (key) => {
    let d = '';
    let pen = 'M';
    for (const w of windows) {
      if (w[key] === null || w[key] === undefined) { pen = 'M'; continue; }
      d += `${pen}${x(w).toFixed(1)},${y(w[key]).toFixed(1)} `;
      pen = 'L';
    }
    return d.trim();
  };
  const labels = axes
    ? `<text x="2" y="10">+1</text><text x="2" y="${height / 2 + 3}">0</text><text x="2" y="${height - 2}">−1</text>`
    : '';
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" height="${height}" role="img" aria-label="valence and arousal">
    <line class="zero" x1="${pad}" x2="${width}" y1="${y(0)}" y2="${y(0)}"></line>${labels}
    <path class="valence" d="${line('valence')}"></path><path class="arousal" d="${line('arousal')}"></path></svg>`;
}

function speakers(call) {
  return Object.keys(call.speakers).sort((a, b) => SPEAKER_ORDER.indexOf(a) - SPEAKER_ORDER.indexOf(b));
}

function statusBadges(call) {
  return (call.ended ? '<span class="badge ended" data-state="ended">ended</span>' : '<span class="badge live" data-state="live">live</span>')
    + (call.escalation ? ' <span class="badge escalation" data-escalation="true">escalation</span>' : '');
}

function card(call) {
  const rows = speakers(call).map((role) => {
    const s = call.speakers[role];
    return `<div class="speaker" data-speaker="${esc(role)}">
      <span class="who">${esc(role)}${s.escalation ? ' ⚠' : ''}</span>
      <span class="current">${labelChip(s.current)}</span>
      ${timeline(s.windows.slice(-60))}
      ${chart(s.windows.slice(-60), 170, 28, false)}
      ${conversation(s.stats, false)}
    </div>`;
  }).join('');
  return `<div class="card${call.escalation ? ' escalated' : ''}${call.ended ? ' ended' : ''}" data-call-id="${esc(call.callId)}">
    <div class="card-head"><a href="#/call/${encodeURIComponent(call.callId)}">${esc(call.callId)}</a> ${statusBadges(call)}
      <span class="muted">${call.alerts.length ? call.alerts.length + ' alert' + (call.alerts.length > 1 ? 's' : '') : ''}</span></div>
    ${rows}
  </div>`;
}

function alertItem(alert, withCall) {
  const call = withCall ? `<a href="#/call/${encodeURIComponent(alert.callId)}">${esc(alert.callId)}</a> · ` : '';
  return `<li class="alert ${esc(alert.type)}" data-type="${esc(alert.type)}" data-call-id="${esc(alert.callId)}">
    <div class="type">${esc(alert.type.replaceAll('_', ' '))}</div>
    <div>${call}${esc(alert.message)}</div>
    <div class="when">${time(alert.raisedAt)} · ${esc(alert.speaker.toLowerCase())}, windows ${alert.fromWindowIndex}–${alert.toWindowIndex}
      (${(alert.windowStartOffsetMs / 1000).toFixed(0)}–${(alert.windowEndOffsetMs / 1000).toFixed(0)} s)</div>
  </li>`;
}

function summaryTable(call) {
  const rows = speakers(call).map((role) => {
    const st = call.speakers[role].stats;
    if (!st) return '';
    const shares = Object.entries(st.labelSpeechShare || {}).map(([label, share]) =>
      `<span class="share"><span class="chip ${esc(label)}">${esc(label)}</span> ${Math.round(share * 100)}%</span>`).join('');
    return `<tr data-speaker="${esc(role)}" data-final="${st.final}">
      <th>${esc(role)}</th><td>${st.final ? 'final' : 'running'}</td><td>${st.windowsTotal} (${st.windowsWithSpeech} speech)</td>
      <td>${st.dominantLabel ? `<span class="chip ${esc(st.dominantLabel)}">${esc(st.dominantLabel)}</span>` : '–'}</td>
      <td>${shares}</td><td>${num(st.meanValence)} / ${num(st.meanArousal)}</td><td>${num(st.valenceTrend, 3)}</td>
      <td>${st.escalation ? 'yes, from window ' + st.escalationWindowIndex : 'no'}</td>
      <td>${st.gaps} / ${st.duplicates} / ${st.lateChunks}</td>
      <td class="talk" data-talk-ms="${st.talkMs ?? 0}" data-silence-ms="${st.silenceMs ?? 0}">${seconds(st.talkMs)} / ${seconds(st.silenceMs)}</td>
      <td class="over-talk" data-over-talk-ms="${st.overTalkMs ?? 0}">${seconds(st.overTalkMs)}</td>
      <td class="turns" data-turns="${st.turns ?? 0}">${st.turns ?? 0}</td></tr>`;
  }).join('');
  return `<table class="summary"><thead><tr><th>speaker</th><th>state</th><th>windows</th><th>dominant</th><th>speech share</th>
    <th>mean valence / arousal</th><th>valence trend</th><th>escalation</th><th>gaps / duplicates / late</th>
    <th title="talk: speech frames and the short pauses between them (the hangover); silence: the rest">talk / silence</th>
    <th title="time in which both parties spoke at once">over-talk</th><th title="times the speaker took the floor">turns</th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}

function detail(call) {
  if (!call) return '<p class="muted">This call is not on the dashboard (never seen, or dropped after its retention).</p>';
  const perSpeaker = speakers(call).map((role) => {
    const s = call.speakers[role];
    return `<div class="detail-speaker" data-speaker="${esc(role)}">
      <h3>${esc(role.toLowerCase())} ${labelChip(s.current)} ${s.escalation ? '<span class="badge escalation">escalation</span>' : ''}</h3>
      <p>${conversation(s.stats, true)}</p>
      ${timeline(s.windows)}
      <div class="legend muted"><span class="v">— valence</span> · <span class="a">— arousal</span> (−1 to +1, by window)</div>
      ${chart(s.windows, 800, 120, true)}
    </div>`;
  }).join('');
  const final = call.ended;
  return `<div class="detail" data-call-id="${esc(call.callId)}">
    <h2>${esc(call.callId)} ${statusBadges(call)}</h2>
    <p class="muted">model ${esc(call.modelId || '')} ${esc(call.modelVersion || '')} · first seen ${time(call.firstSeen)} · last update ${time(call.updatedAt)}</p>
    ${perSpeaker}
    <h2>${final ? 'Final summary' : 'Running statistics'}</h2>
    <div id="summary" data-final="${final}">${summaryTable(call)}</div>
    <h2>Alerts</h2>
    ${call.alerts.length ? '<ol class="alerts">' + call.alerts.slice().reverse().map((a) => alertItem(a, false)).join('') + '</ol>' : '<p class="muted">None.</p>'}
  </div>`;
}

function route() {
  const m = location.hash.match(/^#\/call\/(.+)$/);
  return m ? decodeURIComponent(m[1]) : null;
}

function render() {
  renderQueued = false;
  const callId = route();
  document.getElementById('list-view').hidden = callId !== null;
  document.getElementById('detail-view').hidden = callId === null;
  const list = [...calls.values()].sort((a, b) => (a.ended - b.ended) || Date.parse(b.firstSeen) - Date.parse(a.firstSeen));
  const live = list.filter((c) => !c.ended).length;
  document.getElementById('counts').textContent = `${live} live · ${list.length - live} ended · ${alertFeed.length} alerts`;
  if (callId !== null) {
    document.getElementById('detail').innerHTML = detail(calls.get(callId));
    return;
  }
  document.getElementById('empty').hidden = list.length > 0;
  document.getElementById('calls').innerHTML = list.map(card).join('');
  document.getElementById('no-alerts').hidden = alertFeed.length > 0;
  document.getElementById('alerts').innerHTML = alertFeed.map((a) => alertItem(a, true)).join('');
}

function queueRender() {
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(render);
  }
}

// ---- connection --------------------------------------------------------------------------------------------

function setConnection(state, text) {
  const el = document.getElementById('connection');
  el.className = 'connection ' + state;
  el.textContent = text;
}

function connect() {
  const source = new EventSource(API);
  source.onopen = () => setConnection('live', 'live');
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // The browser gives up on an HTTP error (e.g. 503 while the dashboard is off): try again ourselves.
      setConnection('down', 'disconnected');
      setTimeout(connect, 5000);
    } else {
      setConnection('connecting', 'reconnecting…'); // network error: EventSource retries by itself
    }
  };
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (e) => {
      handle(JSON.parse(e.data));
      queueRender();
    });
  }
}

window.addEventListener('hashchange', queueRender);
connect();
queueRender();
