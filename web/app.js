// The keelson dashboard: a list of Releases and a page per Release, routed by path under /ui/.
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { setToken, takeTokenFromFragment, token } from './api.js';
import { ReleaseList } from './list.js';
import { ReleasePage } from './release.js';

takeTokenFromFragment();

function route(pathname) {
  const found = /^\/ui\/releases\/([^/]+)$/.exec(pathname);
  return found ? { page: 'release', name: decodeURIComponent(found[1]) } : { page: 'list' };
}

function SignIn({ onChange }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  if (token()) {
    return html`<div class="signin"><span>Signed in with a token</span> <button type="button" onClick=${() => { setToken(''); onChange(); }}>Sign out</button></div>`;
  }
  if (!open) return html`<div class="signin"><button type="button" onClick=${() => setOpen(true)}>Sign in</button></div>`;
  return html`<form class="signin" onSubmit=${(e) => { e.preventDefault(); setToken(value.trim()); setValue(''); setOpen(false); onChange(); }}>
    <label>API token <input type="password" autocomplete="off" value=${value} onInput=${(e) => setValue(e.currentTarget.value)} /></label>
    <button type="submit">Sign in</button>
  </form>`;
}

function App() {
  const [where, setWhere] = useState(() => route(location.pathname));
  const [session, setSession] = useState(0);
  useEffect(() => {
    const back = () => setWhere(route(location.pathname));
    addEventListener('popstate', back);
    return () => removeEventListener('popstate', back);
  }, []);
  const navigate = (e, to) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey || e.button === 1) return;
    e.preventDefault();
    history.pushState(null, '', to);
    setWhere(route(new URL(to, location.href).pathname));
    scrollTo(0, 0);
  };
  const params = new URLSearchParams(location.search);
  const initial = { labelSelector: params.get('labelSelector') ?? '', phase: params.get('phase') ?? '', text: params.get('q') ?? '' };
  return html`
    <header class="top">
      <a class="brand" href="/ui/" onClick=${(e) => navigate(e, '/ui/')}>keelson</a>
      <${SignIn} onChange=${() => setSession(session + 1)} />
    </header>
    <main key=${session}>
      ${where.page === 'release' ? html`<${ReleasePage} key=${where.name} name=${where.name} navigate=${navigate} />` : html`<${ReleaseList} initial=${initial} navigate=${navigate} />`}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
