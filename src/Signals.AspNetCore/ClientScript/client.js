// Signals browser client: an ES module served by MapSignals() at {prefix}/client.js. No build step, no dependencies.
//
//   import { watch, query } from '/signals/client.js';
//   const subscription = watch(['chat:room:general'], ({ key, version }) => refetch(key));
//   const messages = query('chat:room:general', { fetcher: () => fetch('/api/rooms/general/messages').then(r => r.json()) });
//
// The endpoints are found next to this file (sync, events, values), so the module works under any prefix. The modules it imports
// (watch.js, query.js, mutation.js, polling.js and their helpers) are served from the same folder; this one re-exports what they offer.

import { Watch } from './watch.js';
import { SignalQuery } from './query.js';
import { invalidateQueries } from './shared-watch.js';
import { SignalMutation } from './mutation.js';
import { PollingAdapter, keyFromUrl } from './polling.js';

/** @import { WatchOptions } from './watch.js' */
/** @import { QueryOptions } from './query.js' */
/** @import { MutationOptions } from './mutation.js' */
/** @import { PollingAdapterOptions } from './polling.js' */

/**
 * A key's version as sync and the event stream report it.
 * @typedef {{key: string, version: number, hash?: string|null, updatedAt?: number|null}} SignalChange
 */
/**
 * A value signal's key, as the builders of keys.js (beside this file) return it: a string branded with the value's type (at compile
 * time only; at run time it is the plain string).
 * @template T
 * @typedef {string & {readonly __signalValue: T}} ValueKey
 */
/**
 * A value signal's value and version, as GET {prefix}/values/{key} answers.
 * @template T
 * @typedef {{key: string, version: number, hash: string|null, updatedAt: number, value: T}} SignalValueAnswer
 */
/**
 * The sync endpoint's answer. `cursor` (Signals' native endpoints only) offers the cursor form of sync: pass it to changes() to be told
 * only what changed since. `reset` (cursor form only): the server could not answer from the cursor, so `changed` holds every key's
 * version (0 = never changed) to replace what the caller knew.
 * @typedef {{changed: Record<string, SignalChange>, mesh?: {peers?: object, serverVersion?: number}, serverTime: number,
 *   cursor?: string, reset?: boolean}} SyncAnswer
 */

const scriptBase = new URL('./', import.meta.url);

/** An error answer from a Signals endpoint: `status` and, for problem+json bodies, `type` and `detail`. */
export class SignalsError extends Error {
  /**
   * @param {number} status the HTTP status
   * @param {{type?: string, title?: string, detail?: string}} [problem] the RFC 9457 problem the server sent
   */
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

  /** @param {Response} response an answer that is not ok */
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
   * @param {{wait?: number, signal?: AbortSignal}} [options] `wait`: long-poll, holding the request up to this many ms until one of
   *   the keys changes (capped by the server); `signal` cancels the request
   * @returns {Promise<SyncAnswer>}
   */
  async sync(known, { wait = 0, signal } = {}) {
    /** @type {{known: Record<string, number>, wait?: number}} */
    const body = { known: known instanceof Map ? Object.fromEntries(known) : known };
    if (wait > 0) body.wait = Math.round(wait);
    return this.#postSync('sync', body, signal);
  }

  /**
   * POST {prefix}/changes, the cursor form of sync: which of the keys changed since the cursor of an earlier answer (its `cursor`,
   * or an event id of the stream). Offered when a sync answer carries a `cursor`.
   * @param {string[]} keys the keys to watch
   * @param {string|null} cursor the `cursor` of the last answer, as it was; null for none (every key that ever changed)
   * @param {{wait?: number, signal?: AbortSignal}} [options] `wait`: long-poll up to this many ms until one of the keys changes
   * @returns {Promise<SyncAnswer>} the changed keys and the next `cursor`; `reset` when the server could not answer from the cursor
   */
  async changes(keys, cursor, { wait = 0, signal } = {}) {
    /** @type {{keys: string[], cursor?: string, waitMs?: number}} */
    const body = { keys };
    if (cursor) body.cursor = cursor;
    if (wait > 0) body.waitMs = Math.round(wait);
    return this.#postSync('changes', body, signal);
  }

  /**
   * POSTs a sync request (either form) as JSON, never from the browser's cache.
   * @param {string} path the endpoint, relative to the prefix
   * @param {object} body
   * @param {AbortSignal} [signal]
   * @returns {Promise<SyncAnswer>}
   */
  async #postSync(path, body, signal) {
    const response = await fetch(new URL(path, this.baseUrl), {
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
   * GET {prefix}/values/{key}: a value signal's value and version. With a key from keys.js (`keys.app.theme()`), `value` has the
   * value signal's type.
   * @template [T=unknown]
   * @param {string | ValueKey<T>} key
   * @param {{signal?: AbortSignal}} [options]
   * @returns {Promise<SignalValueAnswer<T>|null>} the server's answer, or null when the key holds no value
   */
  async getValue(key, { signal } = {}) {
    const response = await fetch(new URL(`values/${encodeURIComponent(key)}`, this.baseUrl), { cache: 'no-store', signal });
    if (response.status === 404) return null;
    if (!response.ok) throw await SignalsError.from(response);
    return response.json();
  }

  /**
   * PUT {prefix}/values/{key}: stores a value signal's value (the server maps writes with MapSignalValueWrites()). With `ifMatch`
   * (the version the value was read at; 0 for "only if nothing is stored") the server stores it only if the key is still at that
   * version, and otherwise rejects with a SignalsError of status 412 and type …/version-conflict, storing nothing.
   * @template [T=unknown]
   * @param {string | ValueKey<T>} key
   * @param {T} value
   * @param {{ifMatch?: number, signal?: AbortSignal}} [options]
   * @returns {Promise<SignalValueAnswer<T>>} the stored value and its version
   */
  async setValue(key, value, { ifMatch, signal } = {}) {
    /** @type {Record<string, string>} */
    const headers = { 'content-type': 'application/json' };
    if (ifMatch !== undefined) {
      if (!Number.isSafeInteger(ifMatch) || ifMatch < 0) throw new RangeError(`ifMatch must be a version (an integer ≥ 0), not ${ifMatch}.`);
      headers['if-match'] = `"${ifMatch}"`;
    }
    const response = await fetch(new URL(`values/${encodeURIComponent(key)}`, this.baseUrl), {
      method: 'PUT', headers, body: JSON.stringify(value), cache: 'no-store', signal,
    });
    if (!response.ok) throw await SignalsError.from(response);
    return response.json();
  }

  /**
   * A functional update: reads the value and its version, stores update(current) with ifMatch, and starts over from the new value
   * after a short jittered wait when another writer got there first (412), so concurrent updaters lose no update. `update` may run
   * once per attempt: keep it free of side effects.
   * @template [T=unknown]
   * @param {string | ValueKey<T>} key
   * @param {(current: T) => T} update
   * @param {{defaultValue: T, signal?: AbortSignal, maxAttempts?: number}} options `defaultValue`: what update gets when nothing is
   *   stored; `maxAttempts` (default 100): after that many lost attempts the last 412 SignalsError is thrown
   * @returns {Promise<SignalValueAnswer<T>>} the stored value and its version
   */
  async updateValue(key, update, { defaultValue, signal, maxAttempts = 100 }) {
    for (let attempt = 1; ; attempt++) {
      const current = await this.getValue(key, { signal });
      try {
        return await this.setValue(key, update(current ? current.value : defaultValue), { ifMatch: current?.version ?? 0, signal });
      } catch (error) {
        if (!(error instanceof SignalsError) || error.status !== 412 || attempt >= maxAttempts) throw error;
      }
      const wait = Math.min(250, 10 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      await new Promise(resolve => setTimeout(resolve, wait));
      signal?.throwIfAborted();
    }
  }

  /**
   * Calls onVersion({key, version, hash, updatedAt}) once for every key when the watch starts (version 0 when the key never
   * changed), then for every change, never with a version it already reported. Over Server-Sent Events; falls back to long-poll
   * sync while EventSource is missing or keeps failing.
   * @param {string[]} keys
   * @param {(change: SignalChange) => void} onVersion
   * @param {WatchOptions} [options]
   * @returns {Watch} call close() to stop
   */
  watch(keys, onVersion, options = {}) {
    return new Watch(this, keys, onVersion, options);
  }

  /**
   * A live query: data the app loads with its own fetcher, refetched when one of the keys' versions changes (see SignalQuery).
   * @template T
   * @param {string|string[]} keys the signal key or keys the data follows
   * @param {QueryOptions<T>} options the fetcher, and optionally fallback, staleTime, dedupe, …
   * @returns {SignalQuery<T>} call close() to stop
   */
  query(keys, options) {
    return new SignalQuery(this, keys, options);
  }

  /**
   * A mutation: calls the app's API with optimistic updates on queries, rolled back if it fails (see SignalMutation).
   * @template A, R
   * @param {(argument: A) => Promise<R>|R} mutate calls the app's API
   * @param {MutationOptions<A, R>} [options]
   * @returns {SignalMutation<A, R>}
   */
  mutation(mutate, options) {
    return new SignalMutation(mutate, options, this);
  }

  /**
   * Refetches every open query of this client that follows one of the keys, whatever their versions (e.g. after the app changed
   * data that has no signal).
   * @param {string|string[]} keys
   * @returns {Promise<void>} settles when those refetches have finished
   */
  invalidate(keys) {
    return invalidateQueries(this, typeof keys === 'string' ? [keys] : keys);
  }
}

/** @typedef {((this: RealityEventSource, event: Event) => void) | null} EventHandler */

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
  /** @type {EventHandler} */
  onopen = null;
  /** @type {((this: RealityEventSource, event: MessageEvent) => void) | null} */
  onmessage = null;
  /** @type {EventHandler} */
  onerror = null;
  #watch;

  /**
   * @param {string|URL} url the SSE URL the page used; its path names the key as Reality does ('/chat/room/1' → 'chat:room:1')
   * @param {SignalsClient} [client]
   * @param {{realityKey?: string, transform?: (data: unknown) => string, fetcher?: (key: string, change: SignalChange) => Promise<unknown>}} [options]
   */
  constructor(url, client = defaultClient(), { realityKey, transform = JSON.stringify, fetcher } = {}) {
    super();
    this.url = String(url);
    const key = this.realityKey = realityKey ?? keyFromUrl(this.url);
    let latest = 0;
    this.#watch = client.watch([key], async change => {
      const call = ++latest;
      let data;
      try {
        data = transform(fetcher ? await fetcher(key, change) : change);
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

  /** @param {Event} event */
  #emit(event) {
    if (event instanceof MessageEvent) this.onmessage?.call(this, event);
    else (event.type === 'open' ? this.onopen : this.onerror)?.call(this, event);
    this.dispatchEvent(event);
  }
}

/**
 * Creates a client; the module's own functions use one whose endpoints are next to this file.
 * @param {ConstructorParameters<typeof SignalsClient>[0]} [options]
 */
export const createClient = options => new SignalsClient(options);

/**
 * Reality's helper names, so imports written against '@rootlodge/reality/compat' keep working.
 * @type {(...args: ConstructorParameters<typeof RealityEventSource>) => RealityEventSource}
 */
export const createEventSource = (url, client, options) => new RealityEventSource(url, client, options);
/** @param {SignalsClient} client */
export const createEventSourceFactory = client => class extends RealityEventSource {
  /**
   * @param {string|URL} url
   * @param {ConstructorParameters<typeof RealityEventSource>[2]} [options]
   */
  constructor(url, options) { super(url, client, options); }
};

/**
 * Reality's polling adapter, as a drop-in: createPollingAdapter(url, onData, client?, options?) calls onData with the data at url
 * (GET, JSON) now and whenever the key changes, over periodic long-poll sync, never an event stream. See PollingAdapter.
 * @template [T=unknown]
 * @param {string|URL} url the endpoint the page polled; its path names the key as Reality does, unless options.realityKey does
 * @param {(data: T) => void} onData
 * @param {SignalsClient} [client]
 * @param {PollingAdapterOptions<T>} [options]
 * @returns {PollingAdapter<T>}
 */
export const createPollingAdapter = (url, onData, client = defaultClient(), options = {}) => new PollingAdapter(url, onData, client, options);

/** @type {SignalsClient|undefined} */
let shared;
const defaultClient = () => (shared ??= new SignalsClient());

/** @type {SignalsClient['sync']} */
export const sync = (known, options) => defaultClient().sync(known, options);
/** @type {SignalsClient['changes']} */
export const changes = (keys, cursor, options) => defaultClient().changes(keys, cursor, options);
/** @type {SignalsClient['watch']} */
export const watch = (keys, onVersion, options) => defaultClient().watch(keys, onVersion, options);
/** @type {SignalsClient['getValue']} */
export const getValue = (key, options) => defaultClient().getValue(key, options);
/** @type {SignalsClient['setValue']} */
export const setValue = (key, value, options) => defaultClient().setValue(key, value, options);
/** @type {SignalsClient['updateValue']} */
export const updateValue = (key, update, options) => defaultClient().updateValue(key, update, options);
/** @type {SignalsClient['query']} */
export const query = (keys, options) => defaultClient().query(keys, options);
/** @type {SignalsClient['mutation']} */
export const mutation = (mutate, options) => defaultClient().mutation(mutate, options);
/** @type {SignalsClient['invalidate']} */
export const invalidate = keys => defaultClient().invalidate(keys);

export { Watch, SignalQuery, SignalMutation, PollingAdapter };
