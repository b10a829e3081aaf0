// Signals browser client: an ES module served by MapSignals() at {prefix}/client.js. No build step, no dependencies.
//
//   import { watch, sync, getValue } from '/signals/client.js';
//   const subscription = watch(['chat:room:general'], ({ key, version }) => refetch(key));
//
// The endpoints are found next to this file (sync, events, values), so the module works under any prefix.

const scriptBase = new URL('./', import.meta.url);

/** An error answer from a Signals endpoint: `status` and, for problem+json bodies, `type` and `detail`. */
export class SignalsError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail ?? problem.title ?? `Signals answered ${status}.`);
    this.name = 'SignalsError';
    this.status = status;
    this.type = problem.type;
    this.detail = problem.detail;
  }

  /** A 4xx other than 408 and 429 says the request itself is wrong: asking again cannot help. */
  get isPermanent() {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }

  static async from(response) {
    const problem = await response.json().catch(() => ({}));
    return new SignalsError(response.status, problem);
  }
}

export class SignalsClient {
  /**
   * @param {object} [options]
   * @param {string|URL} [options.baseUrl] where the endpoints are mapped (default: the folder this module was loaded from)
   * @param {string} [options.eventType] the SSE event name the server sends (default 'signal'; 'update' in Reality mode)
   */
  constructor({ baseUrl = scriptBase, eventType = 'signal' } = {}) {
    this.baseUrl = new URL(baseUrl, location.href);
    if (!this.baseUrl.pathname.endsWith('/')) this.baseUrl.pathname += '/';
    this.eventType = eventType;
  }

  /**
   * POST {prefix}/sync: which of the known keys have another version on the server.
   * @param {Record<string, number>|Map<string, number>} known key → the version the caller has (0 = never seen)
   * @param {object} [options]
   * @param {number} [options.wait] long-poll: hold the request up to this many ms until one of the keys changes (capped by the server)
   * @param {AbortSignal} [options.signal] cancels the request
   * @returns {Promise<{changed: Record<string, {key: string, version: number, hash: string|null, updatedAt: number}>, mesh: object, serverTime: number}>}
   */
  async sync(known, { wait = 0, signal } = {}) {
    const body = { known: known instanceof Map ? Object.fromEntries(known) : known };
    if (wait > 0) body.wait = Math.round(wait);
    const response = await fetch(new URL('sync', this.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
      signal,
    });
    if (!response.ok) throw await SignalsError.from(response);
    return response.json();
  }

  /**
   * GET {prefix}/values/{key}: a value signal's value and version.
   * @returns {Promise<object|null>} the server's answer, or null when the key holds no value
   */
  async getValue(key, { signal } = {}) {
    const response = await fetch(new URL(`values/${encodeURIComponent(key)}`, this.baseUrl), { cache: 'no-store', signal });
    if (response.status === 404) return null;
    if (!response.ok) throw await SignalsError.from(response);
    return response.json();
  }

  /**
   * Calls onVersion({key, version, hash, updatedAt}) once for every key when the watch starts (version 0 when the key never
   * changed), then for every change, never with a version it already reported. Over Server-Sent Events; falls back to long-poll
   * sync while EventSource is missing or keeps failing.
   * @param {string[]} keys
   * @param {(change: {key: string, version: number, hash?: string|null, updatedAt?: number}) => void} onVersion
   * @param {object} [options]
   * @param {Record<string, number>} [options.known] versions the caller already has: only keys that differ are reported at start
   * @param {(status: 'connecting'|'live'|'reconnecting'|'polling'|'offline'|'failed'|'closed', error?: Error) => void} [options.onStatus]
   * @param {'auto'|'poll'} [options.transport] 'poll' never opens an EventSource
   * @param {number} [options.maxFailures] consecutive stream errors before falling back to polling (default 3)
   * @param {number} [options.fallbackMs] how long to poll before trying the stream again (default 30 s)
   * @param {number} [options.pollWaitMs] the long-poll wait sent with each sync (default 25 s)
   * @param {number} [options.pollIntervalMs] the shortest time between two syncs, for servers that answer at once (default 1 s)
   * @returns {Watch} call close() to stop
   */
  watch(keys, onVersion, options = {}) {
    return new Watch(this, keys, onVersion, options);
  }
}

/** Waits ms milliseconds, or until signal aborts. */
const sleep = (ms, signal) => new Promise(resolve => {
  const done = () => {
    clearTimeout(timer);
    signal.removeEventListener('abort', done);
    resolve();
  };
  const timer = setTimeout(done, Math.max(0, ms));
  signal.addEventListener('abort', done);
});

export class Watch {
  #client; #onVersion; #onStatus; #options;
  #versions = new Map();  // key → the last version reported
  #cursor = '';           // the id of the last event the stream sent (opaque): a new EventSource resumes after it
  #events = null;
  #failures = 0;
  #abort = new AbortController();
  status = 'connecting';

  constructor(client, keys, onVersion, { known, onStatus, ...options } = {}) {
    if (!keys.length) throw new TypeError('watch() needs at least one key.');
    this.#client = client;
    this.#onVersion = onVersion;
    this.#onStatus = onStatus;
    this.#options = { transport: 'auto', maxFailures: 3, fallbackMs: 30_000, pollWaitMs: 25_000, pollIntervalMs: 1_000, ...options };
    for (const key of keys) this.#versions.set(key, known?.[key] ?? 0);
    this.#start(known === undefined);
  }

  get closed() { return this.#abort.signal.aborted; }

  close() {
    if (this.closed) return;
    this.#abort.abort();
    this.#events?.close();
    this.#setStatus('closed');
  }

  async #start(reportAll) {
    // One sync first: it gives every key's current version, so a page can load everything from onVersion alone.
    if (!await this.#retry(() => this.#reconcile({ reportAll }))) return;
    const streaming = this.#options.transport !== 'poll' && typeof EventSource === 'function';
    if (streaming) this.#stream(); else this.#poll(Infinity);
  }

  #stream() {
    const url = new URL('events', this.#client.baseUrl);
    for (const key of this.#versions.keys()) url.searchParams.append('key', key);
    if (this.#cursor) url.searchParams.set('lastEventId', this.#cursor);
    const events = this.#events = new EventSource(url);
    let reconnected = false;

    events.addEventListener('open', () => {
      this.#failures = 0;
      this.#setStatus('live');
      // After a reconnect, ask sync whether the server went back (restored, or restarted without its data): the stream cannot say.
      if (reconnected) this.#resync();
    });
    events.addEventListener(this.#client.eventType, event => {
      this.#failures = 0;
      // EventSource resends the id itself when it reconnects; keep it for a new EventSource.
      if (event.lastEventId) this.#cursor = event.lastEventId;
      const change = JSON.parse(event.data);
      if (change.version > (this.#versions.get(change.key) ?? Infinity)) this.#report(change);
    });
    // The server no longer has our resume point: start over from a full sync.
    events.addEventListener('reset', () => this.#restart());
    events.addEventListener('error', () => {
      if (events !== this.#events || this.closed) return;
      reconnected = true;
      this.#failures++;
      if (events.readyState === EventSource.CLOSED || this.#failures >= this.#options.maxFailures) {
        events.close();
        this.#events = null;
        this.#poll(Date.now() + this.#options.fallbackMs);
      } else {
        this.#setStatus('reconnecting');
      }
    });
  }

  async #resync() {
    try {
      if (await this.#reconcile()) this.#restart();
    } catch (error) {
      if (!this.closed) this.#setStatus('reconnecting', error);
    }
  }

  async #restart() {
    this.#events?.close();
    this.#events = null;
    this.#cursor = '';
    if (await this.#retry(() => this.#reconcile())) this.#stream();
  }

  async #poll(until) {
    const { pollWaitMs, pollIntervalMs } = this.#options;
    while (!this.closed && Date.now() < until) {
      const started = Date.now();
      this.#setStatus('polling');
      if (!await this.#retry(() => this.#reconcile({ wait: pollWaitMs }))) return;
      await sleep(pollIntervalMs - (Date.now() - started), this.#abort.signal);
    }
    if (!this.closed) this.#stream();
  }

  /** Runs a sync until it succeeds (backing off while offline); false when closed or the server refuses the request for good. */
  async #retry(attempt) {
    for (let delay = 500; !this.closed; delay = Math.min(delay * 2, 15_000)) {
      try {
        await attempt();
        return !this.closed;
      } catch (error) {
        if (this.closed) return false;
        if (error instanceof SignalsError && error.isPermanent) {
          this.#setStatus('failed', error);
          return false;
        }
        this.#setStatus('offline', error);
        // Jittered to half or more of the delay, so pages that lost the same server do not all come back at once.
        await sleep(delay * (0.5 + Math.random() / 2), this.#abort.signal);
      }
    }
    return false;
  }

  /**
   * Syncs the keys' versions and reports the ones that differ, lower ones included: sync is the server's word. Returns whether the
   * server went back (a key's version or its cursor is below ours: restored, or restarted without its data); the stream's resume
   * point is then forgotten, as it would hide the server's new, lower versions.
   */
  async #reconcile({ reportAll = false, wait = 0 } = {}) {
    const sent = Object.fromEntries(this.#versions);
    const { changed, mesh } = await this.#client.sync(sent, { wait, signal: this.#abort.signal });
    // An event id is 'C' or 'C-H'; the server has every change up to serverVersion, so one below C means it lost changes.
    let wentBack = mesh?.serverVersion < (Number.parseInt(this.#cursor, 10) || 0);
    for (const [key, version] of Object.entries(sent)) {
      // A change the stream reported while the sync was on its way is newer than the sync's answer.
      if (this.closed || this.#versions.get(key) !== version) continue;
      const change = changed[key];
      if (change) {
        wentBack ||= change.version < version;
        this.#report(change);
      } else if (reportAll) {
        this.#report({ key, version, hash: null, updatedAt: null });
      }
    }
    if (wentBack) this.#cursor = '';
    return wentBack;
  }

  #report(change) {
    this.#versions.set(change.key, change.version);
    try {
      this.#onVersion(change);
    } catch (error) {
      queueMicrotask(() => { throw error; });
    }
  }

  #setStatus(status, error) {
    if (status === this.status && !error) return;
    this.status = status;
    this.#onStatus?.(status, error);
  }
}

/**
 * An EventSource-shaped object for pages written against Reality's RealityEventSource: same constructor (url, client, options),
 * readyState, onopen / onmessage / onerror, addEventListener, close(). Each change of the key is a 'message' event whose data is
 * transform(await fetcher(key, change)) with a fetcher, else transform(change).
 */
export class RealityEventSource extends EventTarget {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 2;
  CONNECTING = 0;
  OPEN = 1;
  CLOSED = 2;
  readyState = 0;
  withCredentials = false;
  lastEventId = '';
  onopen = null;
  onmessage = null;
  onerror = null;
  #watch;

  /**
   * @param {string|URL} url the SSE URL the page used; its path names the key as Reality does ('/chat/room/1' → 'chat:room:1')
   * @param {SignalsClient} [client]
   * @param {{realityKey?: string, transform?: (data: unknown) => string, fetcher?: (key: string, change: object) => Promise<unknown>}} [options]
   */
  constructor(url, client = defaultClient(), { realityKey, transform = JSON.stringify, fetcher } = {}) {
    super();
    this.url = String(url);
    this.realityKey = realityKey ?? keyFromUrl(this.url);
    let latest = 0;
    this.#watch = client.watch([this.realityKey], async change => {
      const call = ++latest;
      let data;
      try {
        data = transform(fetcher ? await fetcher(this.realityKey, change) : change);
      } catch {
        if (call === latest && this.readyState !== this.CLOSED) this.#emit(new Event('error'));
        return;
      }
      // A slow fetch finishing after a newer one must not overwrite it.
      if (call !== latest || this.readyState === this.CLOSED) return;
      this.#open();
      this.lastEventId = String(change.version);
      this.#emit(new MessageEvent('message', { data, lastEventId: this.lastEventId, origin: location.origin }));
    }, {
      onStatus: status => {
        if (status === 'live' || status === 'polling') this.#open();
        else if (status === 'reconnecting' || status === 'offline' || status === 'failed') {
          this.readyState = status === 'failed' ? this.CLOSED : this.CONNECTING;
          this.#emit(new Event('error'));
        }
      },
    });
  }

  close() {
    this.readyState = this.CLOSED;
    this.#watch.close();
  }

  #open() {
    if (this.readyState === this.OPEN) return;
    this.readyState = this.OPEN;
    this.#emit(new Event('open'));
  }

  #emit(event) {
    this[`on${event.type}`]?.call(this, event);
    this.dispatchEvent(event);
  }
}

/** Reality's mapping from an SSE URL to a key: the path, without its leading '/', with '/' as ':'. */
const keyFromUrl = url => url.replace(/^https?:\/\/[^/]+/, '').replace(/[?#].*$/, '').replace(/^\//, '').replaceAll('/', ':');

/** Creates a client; the module's own functions use one whose endpoints are next to this file. */
export const createClient = options => new SignalsClient(options);

/** Reality's helper names, so imports written against '@rootlodge/reality/compat' keep working. */
export const createEventSource = (url, client, options) => new RealityEventSource(url, client, options);
export const createEventSourceFactory = client => class extends RealityEventSource {
  constructor(url, options) { super(url, client, options); }
};

let shared;
const defaultClient = () => (shared ??= new SignalsClient());

export const sync = (known, options) => defaultClient().sync(known, options);
export const watch = (keys, onVersion, options) => defaultClient().watch(keys, onVersion, options);
export const getValue = (key, options) => defaultClient().getValue(key, options);
