// The watch of the Signals browser client (served beside client.js, which re-exports it): a set of keys followed over Server-Sent
// Events, with a resume cursor, long-poll fallback and back-off.

/** @import { SignalsClient, SignalChange } from './client.js' */

/** @typedef {'connecting'|'live'|'reconnecting'|'polling'|'offline'|'failed'|'closed'} WatchStatus */
/**
 * @typedef {object} WatchOptions
 * @property {Record<string, number>} [known] versions the caller already has: keys it names are reported at start only when they differ
 * @property {(status: WatchStatus, error?: unknown) => void} [onStatus] told every change of the watch's status
 * @property {'auto'|'poll'} [transport] 'poll' never opens an EventSource
 * @property {number} [maxFailures] consecutive stream errors before falling back to polling (default 3)
 * @property {number} [fallbackMs] how long to poll before trying the stream again (default 30 s)
 * @property {number} [pollWaitMs] the long-poll wait sent with each sync (default 25 s; 0 syncs without waiting)
 * @property {number} [pollIntervalMs] the shortest time between two syncs, for servers that answer at once (default 1 s)
 */

/**
 * Whether an error says the request itself is wrong, so asking again cannot help (SignalsError.isPermanent).
 * @param {unknown} error
 */
export const isPermanent = error => typeof error === 'object' && error !== null && /** @type {{isPermanent?: unknown}} */ (error).isPermanent === true;

/**
 * Waits ms milliseconds, or until one of the signals aborts.
 * @param {number} ms
 * @param {...AbortSignal} signals
 * @returns {Promise<void>}
 */
const sleep = (ms, ...signals) => new Promise(resolve => {
  const done = () => {
    clearTimeout(timer);
    for (const signal of signals) signal.removeEventListener('abort', done);
    resolve();
  };
  const timer = setTimeout(done, Math.max(0, ms));
  for (const signal of signals) signal.addEventListener('abort', done);
});

/**
 * Follows a set of keys (see SignalsClient.watch): one sync, then Server-Sent Events resumed with their cursor, falling back to
 * long-poll sync; reports each key's versions, never one it already reported. close() stops it. When the server offers the cursor
 * form of sync (its sync answer carries a `cursor`), long-polls send the keys and that cursor (or the stream's last event id) and are
 * told only what changed since; a 404/405 from it returns the watch to the key-list form.
 */
export class Watch {
  #client; #onVersion; #onStatus; #options;
  /** @type {Map<string, number>} key → the last version reported */
  #versions = new Map();
  #cursor = '';           // the id of the last event the stream sent (opaque): a new EventSource resumes after it
  /** @type {string|null} the cursor of the cursor form of sync while the server offers it (the last answer's, or an event id) */
  #pollCursor = null;
  /** @type {EventSource|null} */
  #events = null;
  #failures = 0;
  #abort = new AbortController();
  #wake = new AbortController();   // aborted (and replaced) by sync(): ends the current back-off or polling pause
  /** @type {WatchStatus} */
  status = 'connecting';
  /** @type {number|null} when a sync last answered (ms since the epoch), or null before the first */
  lastSyncAt = null;

  /**
   * @param {SignalsClient} client
   * @param {string[]} keys
   * @param {(change: SignalChange) => void} onVersion
   * @param {WatchOptions} [options]
   */
  constructor(client, keys, onVersion, { known, onStatus, transport = 'auto', maxFailures = 3, fallbackMs = 30_000, pollWaitMs = 25_000,
    pollIntervalMs = 1_000 } = {}) {
    if (!keys.length) throw new TypeError('watch() needs at least one key.');
    this.#client = client;
    this.#onVersion = onVersion;
    this.#onStatus = onStatus;
    this.#options = { transport, maxFailures, fallbackMs, pollWaitMs, pollIntervalMs };
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

  /**
   * Syncs the keys now and reports what changed (e.g. when the window regains focus or the browser comes back online, as the
   * query layer does); also ends a back-off or polling pause, so a watch that lost the server tries again at once.
   * @returns {Promise<void>} settles once the sync answered and its changes were reported; rejects with its error (the watch goes on)
   */
  async sync() {
    if (this.closed) return;
    this.#wake.abort();
    this.#wake = new AbortController();
    // In polling mode the next long-poll starts from the reported versions; a stream must be reopened without its resume point.
    if (await this.#reconcile() && this.#events) this.#restart();
  }

  /** @param {boolean} reportAll */
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
      const message = /** @type {MessageEvent<string>} */ (event);
      // EventSource resends the id itself when it reconnects; keep it for a new EventSource.
      if (message.lastEventId) this.#cursor = message.lastEventId;
      if (message.lastEventId && this.#pollCursor !== null) this.#pollCursor = message.lastEventId;
      /** @type {SignalChange} */
      const change = JSON.parse(message.data);
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

  /** @param {number} until when to try the stream again (ms since the epoch; Infinity never) */
  async #poll(until) {
    const { pollWaitMs, pollIntervalMs } = this.#options;
    while (!this.closed && Date.now() < until) {
      const started = Date.now();
      this.#setStatus('polling');
      if (!await this.#retry(() => this.#pollCursor !== null ? this.#changesSince(pollWaitMs) : this.#reconcile({ wait: pollWaitMs }))) return;
      await sleep(pollIntervalMs - (Date.now() - started), this.#abort.signal, this.#wake.signal);
    }
    if (!this.closed) this.#stream();
  }

  /**
   * Runs a sync until it succeeds (backing off while offline); false when closed or the server refuses the request for good.
   * @param {() => Promise<unknown>} attempt
   */
  async #retry(attempt) {
    for (let delay = 500; !this.closed; delay = Math.min(delay * 2, 15_000)) {
      try {
        await attempt();
        return !this.closed;
      } catch (error) {
        if (this.closed) return false;
        if (isPermanent(error)) {
          this.#setStatus('failed', error);
          return false;
        }
        this.#setStatus('offline', error);
        // Jittered to half or more of the delay, so pages that lost the same server do not all come back at once.
        await sleep(delay * (0.5 + Math.random() / 2), this.#abort.signal, this.#wake.signal);
      }
    }
    return false;
  }

  /**
   * Syncs the keys' versions and reports the ones that differ, lower ones included: sync is the server's word. Returns whether the
   * server went back (a key's version or its cursor is below ours: restored, or restarted without its data); the stream's resume
   * point is then forgotten, as it would hide the server's new, lower versions.
   * @param {{reportAll?: boolean, wait?: number}} [options]
   */
  async #reconcile({ reportAll = false, wait = 0 } = {}) {
    const sent = Object.fromEntries(this.#versions);
    const { changed, mesh, cursor } = await this.#client.sync(sent, { wait, signal: this.#abort.signal });
    this.lastSyncAt = Date.now();
    this.#pollCursor = cursor ?? null;
    // An event id is 'C' or 'C-H'; the server has every change up to serverVersion, so one below C means it lost changes.
    let wentBack = (mesh?.serverVersion ?? Infinity) < (Number.parseInt(this.#cursor, 10) || 0);
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

  /**
   * Long-polls the cursor form of sync and reports what changed since the cursor; after a reset (the server could not answer from
   * the cursor), every key the server's version of which differs, lower ones included, as #reconcile does.
   * @param {number} wait
   */
  async #changesSince(wait) {
    let answer;
    try {
      answer = await this.#client.changes([...this.#versions.keys()], this.#pollCursor, { wait, signal: this.#abort.signal });
    } catch (error) {
      const status = /** @type {{status?: unknown}} */ (error)?.status;
      if (status !== 404 && status !== 405) throw error;
      this.#pollCursor = null; // offered but not reachable (a proxy that forwards only sync): the key-list form from now on
      return;
    }
    this.lastSyncAt = Date.now();
    this.#pollCursor = answer.cursor ?? null;
    if (answer.reset) this.#cursor = '';
    for (const [key, change] of Object.entries(answer.changed)) {
      const known = this.#versions.get(key);
      if (this.closed || known === undefined) continue;
      if (answer.reset ? change.version !== known : change.version > known) this.#report(change);
    }
  }

  /** @param {SignalChange} change */
  #report(change) {
    this.#versions.set(change.key, change.version);
    try {
      this.#onVersion(change);
    } catch (error) {
      queueMicrotask(() => { throw error; });
    }
  }

  /**
   * @param {WatchStatus} status
   * @param {unknown} [error]
   */
  #setStatus(status, error) {
    if (status === this.status && !error) return;
    this.status = status;
    this.#onStatus?.(status, error);
  }
}
