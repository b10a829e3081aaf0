// Helpers shared by the sample pages, and their top bar. Each page imports the Signals browser client from /signals/client.js itself.

export const $ = selector => document.querySelector(selector);

/** Escapes a family argument as SignalKey does, so a key built here matches the server's: ':', '%' and control characters as %XX. */
export const keyArgument = value => value.replace(/[%:\u0000-\u001f\u007f-\u009f]/g,
  c => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));

const statusLabels = {
  connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', polling: 'live (polling)',
  offline: 'offline, retrying…', failed: 'failed', closed: 'closed',
};

/**
 * The options every page passes to watch(): the status pill, and ?transport=poll to try the long-poll fallback by hand.
 */
export const watchOptions = {
  onStatus(status, error) {
    const pill = $('#status');
    pill.dataset.status = status;
    pill.textContent = statusLabels[status] ?? status;
    pill.title = error?.message ?? '';
  },
  transport: new URLSearchParams(location.search).get('transport') ?? 'auto',
};

/** Calls the app's JSON API; throws with the server's message on an error status. */
export async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(Object.values(problem.errors ?? {}).flat()[0] ?? problem.detail ?? problem.title ?? `${method} ${url}: ${response.status}`);
  }
  return response.status === 204 ? null : response.json();
}

/** Wraps a request so that only the answer to the latest call is rendered: a slow, older answer never overwrites a newer one. */
export function latest(render) {
  let last = 0;
  return async request => {
    const call = ++last;
    const result = await request();
    if (call === last) render(result);
  };
}

/** The top bar of every page: the sample pages, the current one marked, and the status pill that watchOptions keeps up to date. */
const pages = [['/', 'Chat'], ['/counter.html', 'Counter'], ['/clock.html', 'Clock']];
const topbar = Object.assign(document.createElement('header'), { className: 'topbar' });
topbar.innerHTML = `<span class="brand">Signals samples</span>
  <nav>${pages.map(([href, text]) => `<a href="${href}"${href === location.pathname ? ' aria-current="page"' : ''}>${text}</a>`).join('')}</nav>
  <span id="status" data-status="connecting">${statusLabels.connecting}</span>`;
document.body.prepend(topbar);
