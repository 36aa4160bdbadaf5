// /admin/assets/console.js, compiled into the binary: live audit events, the JIT
// switch, confirmations. Plain JavaScript, no framework; every value from the server
// goes into the page through textContent, never as markup.
#include "console/console_support.hpp"

namespace ssogate::gateway::console_detail {

std::string_view const console_js = R"js('use strict';
(function () {
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || '';

  // ---- Live audit log: EventSource on the admin session, resumes after the last seq.
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function actorOf(ev) {
    const a = ev.actor || {};
    if (!a.type && !a.id) return '—';
    return a.id ? (a.type || '') + ':' + a.id : a.type;
  }
  function row(dl, term, value, code) {
    if (value === undefined || value === null || value === '') return;
    dl.append(el('dt', null, term));
    const dd = el('dd');
    dd.append(code ? el('code', null, value) : document.createTextNode(String(value)));
    dl.append(dd);
  }
  function renderEvent(ev) {
    const status = (ev.result || {}).status || '';
    const li = el('li', 'event fresh');
    li.dataset.seq = ev.seq;
    li.dataset.actor = actorOf(ev);
    li.dataset.result = status;
    const details = el('details');
    const summary = el('summary');
    summary.append(el('span', 'seq', '#' + ev.seq), ' ', el('time', null, ev.time), ' ',
      el('span', 'action', ev.action), ' ', el('span', 'actor', actorOf(ev)), ' ',
      el('span', 'conn', ev.connection || ''), ' ', el('span', 'target', ev.target || ''), ' ',
      el('span', 'result ' + (status === 'success' ? 'ok' : status ? 'bad' : 'none'), status || '—'));
    const dl = el('dl');
    row(dl, 'Reason', (ev.result || {}).reason, true);
    row(dl, 'Trace ID', ev.trace_id, true);
    row(dl, 'Event ID', ev.id, true);
    row(dl, 'Source IP', (ev.source || {}).ip);
    row(dl, 'User agent', (ev.source || {}).user_agent);
    if (ev.changes !== null && ev.changes !== undefined) {
      dl.append(el('dt', null, 'Changes'));
      const dd = el('dd');
      dd.append(el('pre', null, JSON.stringify(ev.changes, null, 2)));
      dl.append(dd);
    }
    row(dl, 'Hash', ev.hash, true);
    row(dl, 'Previous hash', ev.prev_hash, true);
    details.append(summary, dl);
    li.append(details);
    return li;
  }

  const list = document.getElementById('events');
  if (list && window.EventSource) {
    const status = document.getElementById('live-status');
    const toggle = document.getElementById('live-toggle');
    const wantActor = list.dataset.actor || '';
    const wantResult = list.dataset.result || '';
    let lastSeq = Number(list.dataset.after || '0');
    let source = null;
    let paused = false;
    const say = (t) => { if (status) status.textContent = t; };

    function open() {
      const url = new URL(list.dataset.stream, window.location.href);
      url.searchParams.set('after', String(lastSeq));
      source = new EventSource(url.pathname + url.search);
      source.onopen = () => say('Live: new events appear at the top.');
      source.onerror = () => {
        if (source.readyState === EventSource.CLOSED) say('Disconnected (your admin session may have ended). Reload the page.');
        else say('Reconnecting…');
      };
      source.onmessage = (m) => {
        let ev;
        try { ev = JSON.parse(m.data); } catch (e) { return; }
        if (typeof ev.seq !== 'number' || ev.seq <= lastSeq) return; // never twice
        lastSeq = ev.seq;
        if (wantActor && wantActor !== ((ev.actor || {}).id || '') && wantActor !== actorOf(ev)) return;
        if (wantResult && wantResult !== ((ev.result || {}).status || '')) return;
        const empty = document.getElementById('events-empty');
        if (empty) empty.remove();
        list.prepend(renderEvent(ev));
      };
    }
    function close() { if (source) { source.close(); source = null; } }
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener('click', () => {
        paused = !paused;
        toggle.setAttribute('aria-pressed', String(paused));
        toggle.textContent = paused ? 'Resume' : 'Pause';
        if (paused) { close(); say('Paused after event #' + lastSeq + '.'); } else open();
      });
    }
    open();
  }

  // ---- Switches (JIT): role="switch" buttons that post their new state.
  for (const sw of document.querySelectorAll('button[role="switch"][data-url]')) {
    sw.addEventListener('click', async () => {
      if (sw.disabled) return;
      const on = sw.getAttribute('aria-checked') === 'true';
      const next = !on;
      const msg = document.getElementById(sw.dataset.message || '') || null;
      const body = new URLSearchParams({ enabled: String(next) });
      if (!next && sw.dataset.confirmOff) {
        if (!window.confirm(sw.dataset.confirmOff)) return;
        body.set('confirm', 'yes');
      }
      sw.disabled = true;
      try {
        const res = await fetch(sw.dataset.url, {
          method: 'POST', credentials: 'same-origin',
          headers: { 'X-CSRF-Token': csrf(), 'Accept': 'application/json',
                     'Content-Type': 'application/x-www-form-urlencoded' },
          body: body.toString(),
        });
        let data = {};
        try { data = await res.json(); } catch (e) { /* not JSON */ }
        if (res.ok) {
          sw.setAttribute('aria-checked', String(next));
          const label = document.getElementById(sw.dataset.label || '');
          if (label) label.textContent = next ? 'on' : 'off';
          if (msg) msg.textContent = data.message || ('JIT provisioning is now ' + (next ? 'on.' : 'off.'));
        } else if (msg) {
          msg.textContent = data.error || ('The change was refused (HTTP ' + res.status + ').');
        }
      } catch (e) {
        if (msg) msg.textContent = 'The change could not be sent: ' + e.message;
      } finally {
        sw.disabled = false;
        sw.focus();
      }
    });
  }

  // ---- Forms that ask first (revoke a token, apply an adoption).
  for (const f of document.querySelectorAll('form[data-confirm]')) {
    f.addEventListener('submit', (e) => { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
  }
})();
)js";

} // namespace ssogate::gateway::console_detail
