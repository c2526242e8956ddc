// The list of Releases: filters on the API's own parameters (labelSelector, phase, limit,
// continue), kept live by the event stream: a row changes in place when its Release's status does.
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, authHeaders } from './api.js';
import { duration, PHASE_CLASS, stepText } from './format.js';
import { follow } from './sse.js';

const PHASES = ['Pending', 'Progressing', 'Paused', 'Healthy', 'Degraded', 'Aborted', 'Stalled', 'Invalid', 'Orphaned'];
const PAGE = 200;

function queryOf(filters) {
  const q = new URLSearchParams();
  if (filters.labelSelector) q.set('labelSelector', filters.labelSelector);
  if (filters.phase) q.set('phase', filters.phase);
  return q;
}

export function Weights({ weights }) {
  if (!weights) return html`<span class="muted">–</span>`;
  return html`<div class="weights" role="img" title=${`blue ${weights.blue}% / green ${weights.green}%`} aria-label=${`blue ${weights.blue}%, green ${weights.green}%`}>
    <span class="blue" style=${`width:${weights.blue}%`}>${weights.blue > 12 ? `${weights.blue}` : ''}</span><span class="green" style=${`width:${weights.green}%`}>${weights.green > 12 ? `${weights.green}` : ''}</span>
  </div>`;
}

export function Phase({ phase }) {
  return html`<span class=${`phase ${PHASE_CLASS[phase] ?? 'idle'}`}>${phase}</span>`;
}

export function ReleaseList({ navigate, initial }) {
  const [filters, setFilters] = useState(initial);
  const [draft, setDraft] = useState(initial);
  const [rows, setRows] = useState(() => new Map());
  const [next, setNext] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [stream, setStream] = useState('connecting');
  const loading = useRef(0);

  const load = async (after) => {
    const q = queryOf(filters);
    q.set('limit', String(PAGE));
    if (after) q.set('continue', after);
    const mine = ++loading.current;
    try {
      const page = await api(`/api/v1/releases?${q}`);
      if (mine !== loading.current) return;
      setRows((old) => {
        const fresh = after ? new Map(old) : new Map();
        for (const r of page.releases) fresh.set(r.name, r);
        return fresh;
      });
      setNext(page.continue);
      setError(undefined);
    } catch (err) {
      setError(`${err.code ?? 'Error'}: ${err.message}`);
    }
  };

  useEffect(() => {
    const q = queryOf(filters);
    const stop = follow(`/api/v1/events?${q}`, {
      headers: authHeaders,
      onState: setStream,
      onEvent: ({ event, data }) => {
        if (event === 'reset') void load();
        else if (event === 'release')
          setRows((old) => new Map(old).set(data.name, data));
        else if (event === 'remove')
          setRows((old) => {
            if (!old.has(data.name)) return old;
            const fresh = new Map(old);
            fresh.delete(data.name);
            return fresh;
          });
      },
    });
    return stop;
  }, [filters.labelSelector, filters.phase]);

  const shown = useMemo(() => {
    const text = filters.text.trim().toLowerCase();
    return [...rows.values()].filter((r) => !text || r.name.toLowerCase().includes(text)).sort((a, b) => (a.name < b.name ? -1 : 1));
  }, [rows, filters.text]);

  const apply = (e) => {
    e.preventDefault();
    setFilters(draft);
    const q = queryOf(draft);
    if (draft.text) q.set('q', draft.text);
    history.replaceState(null, '', `/ui/${q.size ? `?${q}` : ''}`);
  };

  return html`<section aria-labelledby="releases-title">
    <h1 id="releases-title">Releases</h1>
    <form class="filters" onSubmit=${apply} role="search">
      <label>Labels <input name="labelSelector" placeholder="team=aep,env!=dev" value=${draft.labelSelector} onInput=${(e) => setDraft({ ...draft, labelSelector: e.currentTarget.value })} /></label>
      <label>Phase <select name="phase" value=${draft.phase} onChange=${(e) => setDraft({ ...draft, phase: e.currentTarget.value })}>
        <option value="">any</option>
        ${PHASES.map((p) => html`<option value=${p}>${p}</option>`)}
      </select></label>
      <label>Name <input name="text" type="search" value=${draft.text} onInput=${(e) => setDraft({ ...draft, text: e.currentTarget.value })} /></label>
      <button type="submit">Filter</button>
      <span class=${`stream ${stream === 'live' ? 'live' : 'down'}`} role="status">${stream === 'live' ? '● live' : stream}</span>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    <table class="releases">
      <thead><tr><th scope="col">Name</th><th scope="col">Phase</th><th scope="col">Step</th><th scope="col">Weights (blue / green)</th><th scope="col">Stable → desired</th><th scope="col">Blocked</th><th scope="col">Since</th></tr></thead>
      <tbody>
        ${shown.map(
          (r) => html`<tr key=${r.name} data-release=${r.name}>
            <th scope="row"><a href=${`/ui/releases/${encodeURIComponent(r.name)}`} onClick=${(e) => navigate(e, `/ui/releases/${encodeURIComponent(r.name)}`)}>${r.name}</a></th>
            <td><${Phase} phase=${r.phase} /></td>
            <td class="step">${stepText(r.step, r.steps)}</td>
            <td><${Weights} weights=${r.weights} /></td>
            <td class="revisions">${r.stableRevision ?? '–'}${r.desiredRevision && r.desiredRevision !== r.stableRevision ? html` → <strong>${r.desiredRevision}</strong>` : ''}</td>
            <td>${r.blockedRevision ? html`<span class="blocked">${r.blockedRevision}</span>` : ''}</td>
            <td title=${r.lastTransitionTime ?? ''}>${duration(r.ageSeconds)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${shown.length === 0 && !error && html`<p class="muted">No Release matches.</p>`}
    ${next && html`<button type="button" onClick=${() => load(next)}>Load more</button>`}
  </section>`;
}
