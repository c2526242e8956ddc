// One Release: its steps as a progress line, charts from its trail, the gates it waits at, the
// evidence of its last revert, its history, and the actions the user may take on it.
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, authHeaders, rolesFor } from './api.js';
import { HealthCharts, WeightsChart } from './charts.js';
import { describeStep, stepText, time } from './format.js';
import { Phase, Weights } from './list.js';
import { follow } from './sse.js';

const UNDER_WAY = new Set(['Progressing', 'Paused']);
const BLOCKED = new Set(['Degraded', 'Aborted', 'Stalled']);

const ACTIONS = [
  { verb: 'promote', role: 'operator', label: 'Promote', help: 'Move the rollout on to its next step now.', when: (s) => UNDER_WAY.has(s.phase) },
  { verb: 'abort', role: 'operator', label: 'Abort', help: 'Stop the rollout and send all traffic back to the stable revision.', when: (s) => UNDER_WAY.has(s.phase) },
  { verb: 'retry', role: 'operator', label: 'Retry', help: 'Roll the blocked revision out again.', when: (s) => BLOCKED.has(s.phase) || Boolean(s.blockedRevision) },
  { verb: 'approve', role: 'approver', label: 'Approve', help: 'Approve the revision waiting at the approval gate.', when: (s) => Boolean(s.approvals?.waiting) },
];

function Steps({ steps, status }) {
  if (!steps) return html`<p class="muted">${status.rollout ? 'This strategy has no steps.' : 'No steps known for this Release.'}</p>`;
  const current = status.currentStepIndex;
  const state = (i) => (current === null || current === undefined ? (status.phase === 'Healthy' ? 'done' : 'pending') : i < current ? 'done' : i === current ? 'current' : 'pending');
  return html`<ol class="steps" aria-label="Rollout steps">
    ${steps.map((step, i) => {
      const d = describeStep(step);
      const s = state(i);
      return html`<li class=${`${s} ${d.kind}`} aria-current=${s === 'current' ? 'step' : undefined}>
        <span class="dot" aria-hidden="true"></span><span class="label">${i + 1}. ${d.text}</span><span class="visually-hidden"> (${s})</span>
      </li>`;
    })}
  </ol>`;
}

function Revert({ revert }) {
  if (!revert) return null;
  return html`<section aria-labelledby="revert-title" class="panel bad">
    <h2 id="revert-title">Last revert</h2>
    <dl>
      <dt>Revision</dt><dd>${revert.revision}</dd>
      <dt>Condition</dt><dd>${revert.condition}</dd>
      ${revert.value !== undefined && revert.value !== null && html`<dt>Value</dt><dd>${revert.value}${revert.threshold ? ` (threshold ${revert.threshold})` : ''}</dd>`}
      ${revert.failFor && html`<dt>Failing for</dt><dd>${revert.failFor}${revert.failingSince ? ` since ${time(revert.failingSince)}` : ''}</dd>`}
      <dt>Reverted at</dt><dd>${time(revert.revertedAt)}</dd>
      ${revert.job && html`<dt>Job</dt><dd>${revert.job.name}: ${revert.job.state}${revert.job.exitCode !== undefined && revert.job.exitCode !== null ? ` (exit ${revert.job.exitCode})` : ''}</dd>`}
    </dl>
    ${revert.stoppedTasks?.length > 0 && html`<ul class="tasks">${revert.stoppedTasks.map((t) => html`<li><code>${t.taskArn.split('/').at(-1)}</code> ${t.stoppedReason ?? ''}${(t.containers ?? []).map((c) => ` ${c.name}: ${c.reason ?? ''}${c.exitCode !== undefined && c.exitCode !== null ? ` exit ${c.exitCode}` : ''}`)}</li>`)}</ul>`}
  </section>`;
}

function Gates({ status }) {
  const waiting = status.approvals?.waiting;
  const window = status.window;
  const jobs = status.jobs ?? [];
  if (!waiting && !window && jobs.length === 0) return null;
  return html`<section aria-labelledby="gates-title" class="panel">
    <h2 id="gates-title">Gates and jobs</h2>
    ${waiting && html`<p class="gate waiting"><strong>Approval:</strong> ${waiting.received}/${waiting.required} for ${status.approvals.revision}${waiting.group ? ` (group ${waiting.group})` : ''}${waiting.approvers.length ? `; approved by ${waiting.approvers.join(', ')}` : ''}</p>`}
    ${window && html`<p class=${`gate ${window.state === 'open' ? '' : 'waiting'}`}><strong>Deployment window:</strong> ${window.state}${window.holding ? ', holding the rollout' : ''}. ${window.message}${window.nextOpenAt ? ` Opens ${time(window.nextOpenAt)}.` : ''}</p>`}
    ${jobs.length > 0 && html`<table class="jobs"><caption>Jobs</caption><thead><tr><th scope="col">Job</th><th scope="col">Hook</th><th scope="col">Revision</th><th scope="col">State</th><th scope="col">Started</th></tr></thead><tbody>
      ${jobs.slice(0, 10).map((j) => html`<tr><td>${j.name}</td><td>${j.hook}</td><td>${j.revision}</td><td class=${j.state === 'Failed' ? 'bad-text' : ''}>${j.state}${j.exitCode !== undefined && j.exitCode !== null ? ` (exit ${j.exitCode})` : ''}</td><td>${time(j.startedAt)}</td></tr>`)}
    </tbody></table>`}
  </section>`;
}

function History({ entries }) {
  if (!entries) return null;
  return html`<section aria-labelledby="history-title">
    <h2 id="history-title">History</h2>
    ${entries.length === 0 ? html`<p class="muted">Nothing yet.</p>` : html`<table class="history"><thead><tr><th scope="col">At</th><th scope="col">By</th><th scope="col">What</th><th scope="col">Revision</th><th scope="col">Detail</th></tr></thead><tbody>
      ${[...entries].reverse().slice(0, 50).map((e) => html`<tr key=${e.seq}><td>${time(e.at)}</td><td>${e.by}</td><td>${e.what}</td><td>${e.revision ?? ''}</td><td>${e.detail}</td></tr>`)}
    </tbody></table>`}
  </section>`;
}

function Actions({ name, status, roles, onDone }) {
  const dialog = useRef(null);
  const [asking, setAsking] = useState(undefined);
  const [result, setResult] = useState(undefined);
  const allowed = ACTIONS.filter((a) => roles.includes(a.role) && a.when(status));
  if (allowed.length === 0 && !result) return null;
  const ask = (action) => {
    setAsking(action);
    setResult(undefined);
    dialog.current.showModal();
  };
  const confirm = async () => {
    dialog.current.close();
    const action = asking;
    const body = action.verb === 'approve' && status.approvals?.revision ? { revision: status.approvals.revision } : {};
    try {
      const answer = await api(`/api/v1/releases/${encodeURIComponent(name)}/${action.verb}`, { method: 'POST', body });
      setResult({ ok: true, text: `${action.verb} requested (operation ${answer.operation.seq})` });
      onDone();
    } catch (err) {
      setResult({ ok: false, text: `${action.verb} refused: ${err.code}: ${err.message}` });
    }
  };
  return html`<section aria-labelledby="actions-title" class="actions">
    <h2 id="actions-title" class="visually-hidden">Actions</h2>
    ${allowed.map((a) => html`<button type="button" class=${a.verb} title=${a.help} aria-label=${`${a.label} ${name}`} onClick=${() => ask(a)}>${a.label}</button>`)}
    ${result && html`<p class=${result.ok ? 'ok-text' : 'error'} role=${result.ok ? 'status' : 'alert'}>${result.text}</p>`}
    <dialog ref=${dialog} aria-labelledby="confirm-title">
      <form method="dialog" onSubmit=${(e) => { e.preventDefault(); void confirm(); }}>
        <h2 id="confirm-title">${asking ? `${asking.label} ${name}?` : ''}</h2>
        <p>${asking?.help}</p>
        <div class="buttons"><button type="button" onClick=${() => dialog.current.close()}>Cancel</button> <button type="submit" class="primary">${asking?.label ?? 'Confirm'}</button></div>
      </form>
    </dialog>
  </section>`;
}

export function ReleasePage({ name, navigate }) {
  const [detail, setDetail] = useState(undefined);
  const [trail, setTrail] = useState(undefined);
  const [history, setHistory] = useState(undefined);
  const [roles, setRoles] = useState([]);
  const [error, setError] = useState(undefined);
  const reloadTimer = useRef(undefined);
  const path = `/api/v1/releases/${encodeURIComponent(name)}`;

  const reload = async () => {
    try {
      const [d, t, h] = await Promise.all([api(path), api(`${path}/trail`), api(`${path}/history`)]);
      setDetail(d);
      setTrail(t);
      setHistory(h.entries);
      setError(undefined);
    } catch (err) {
      setError(`${err.code ?? 'Error'}: ${err.message}`);
    }
  };
  const soon = () => {
    clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => void reload(), 150);
  };

  useEffect(() => {
    void reload();
    rolesFor(name).then((r) => setRoles(r.roles), () => setRoles([]));
    const stop = follow('/api/v1/events', {
      headers: authHeaders,
      onState: () => {},
      onEvent: ({ event, data }) => {
        if (event === 'reset' || data?.name === name) soon();
      },
    });
    return () => {
      stop();
      clearTimeout(reloadTimer.current);
    };
  }, [name]);

  const status = detail?.status;
  return html`<section aria-labelledby="release-title">
    <p><a href="/ui/" onClick=${(e) => navigate(e, '/ui/')}>← All Releases</a></p>
    <h1 id="release-title">${name} ${status && html`<${Phase} phase=${status.phase} />`}</h1>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${status && html`
      <p class="message">${status.message ?? ''}</p>
      <dl class="facts">
        <dt>Step</dt><dd class="step">${stepText(status.currentStepIndex, trail?.steps?.length)}</dd>
        <dt>Weights</dt><dd><${Weights} weights=${status.weights} /></dd>
        <dt>Stable</dt><dd>${status.stableRevision ?? '–'}</dd>
        <dt>Desired</dt><dd>${status.desiredRevision ?? '–'}</dd>
        ${status.blockedRevision && html`<dt>Blocked</dt><dd class="blocked">${status.blockedRevision}</dd>`}
        ${status.stableSince && html`<dt>Stable since</dt><dd>${time(status.stableSince)}</dd>`}
        ${detail.pendingOperations.length > 0 && html`<dt>Pending</dt><dd>${detail.pendingOperations.map((o) => o.kind).join(', ')}</dd>`}
      </dl>
      <${Actions} name=${name} status=${status} roles=${roles} onDone=${soon} />
      <section aria-labelledby="steps-title"><h2 id="steps-title">Steps</h2><${Steps} steps=${trail?.steps} status=${status} /></section>
      <${Gates} status=${status} />
      <${Revert} revert=${status.lastRevert} />
      <section aria-labelledby="charts-title">
        <h2 id="charts-title">Trail</h2>
        <p class="muted">Sampled in the controller's memory as status is written (at most ${trail?.limits.samples ?? ''} samples; gone after a restart).</p>
        ${trail && trail.samples.length > 0 ? html`<div class="charts"><${WeightsChart} samples=${trail.samples} /><${HealthCharts} samples=${trail.samples} /></div>` : html`<p class="muted">No samples yet.</p>`}
      </section>
      <${History} entries=${history} />
      ${status.health?.length > 0 && html`<p class="muted">Health now: ${status.health.map((h) => `${h.name} ${h.state}${h.value !== undefined && h.value !== null ? ` (${h.value})` : ''}`).join(' · ')}</p>`}
    `}
  </section>`;
}
