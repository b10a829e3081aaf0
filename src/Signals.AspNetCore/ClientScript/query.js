// Live queries for the Signals browser client (served beside client.js, which re-exports them): data the app loads with its own
// fetcher, refetched when a signal version moves, over one shared watch per client.

import { isPermanent } from './watch.js';
import { sharedWatch } from './shared-watch.js';
import { StateStore } from './state-store.js';
import { OptimisticLayers } from './optimistic.js';

/** @import { SignalsClient, SignalChange } from './client.js' */
/** @import { Follower } from './shared-watch.js' */

/**
 * What a fetcher is called with.
 * @typedef {object} FetchContext
 * @property {readonly string[]} keys the query's keys
 * @property {Readonly<Record<string, number>>} versions the keys' versions the data is fetched for (at least these)
 * @property {AbortSignal} signal aborted when the query is closed
 */
/**
 * @template T
 * @typedef {object} QueryOptions
 * @property {(context: FetchContext) => Promise<T>|T} fetcher loads the app's data, e.g. from its own API; one call at a time
 * @property {T} [fallback] the data until the first fetch succeeds (default undefined)
 * @property {number|null} [staleTime] ms fetched data counts as fresh even though no key moved (default: until a key moves)
 * @property {number} [dedupe] ms: the shortest time between the starts of two refetches caused by version changes (default 0)
 * @property {number|null} [errorRetryInterval] ms after a failed fetch before trying again (default 5000; null: on a change only)
 * @property {boolean} [refetchOnFocus] sync when the window regains focus or the page becomes visible (default true)
 * @property {boolean} [refetchOnReconnect] sync when the browser comes back online (default true)
 * @property {'auto'|'poll'} [transport] how the shared watch follows the keys ('poll': long-poll sync, never an event stream)
 * @property {number} [pollIntervalMs] the shortest time between two syncs while polling (default 1 s)
 * @property {number} [pollWaitMs] the long-poll wait of each sync while polling (default 25 s; 0 syncs without waiting)
 */
/**
 * A query's state: a new frozen object after every change.
 * @template T
 * @typedef {object} QueryState
 * @property {T|undefined} data the fetched data with the optimistic updates on top; the fallback until the first fetch succeeds
 * @property {unknown} error why the last fetch failed (null once one succeeds), or the server's refusal of the keys
 * @property {boolean} isLoading no data yet, and fetching it
 * @property {boolean} isSyncing a fetch or a sync() is running
 * @property {boolean} isStale a key has a newer version than the data, or the data is older than staleTime
 * @property {Readonly<Record<string, number>>} versions the keys' versions the data was fetched for
 */
/** @typedef {{promise: Promise<void>, resolve: () => void}} Deferred */

/** @returns {Deferred} */
const deferred = () => {
  /** @type {() => void} */
  let resolve = () => {};
  const promise = new Promise(done => { resolve = () => done(undefined); });
  return { promise, resolve };
};

/**
 * Throws a RangeError unless value is a whole number of milliseconds that setTimeout can wait (null/undefined pass when optional).
 * @param {string} name
 * @param {unknown} value
 * @param {{zero?: boolean, optional?: boolean}} [allowed]
 */
export function checkMs(name, value, { zero = false, optional = false } = {}) {
  if (optional && value == null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (zero ? 0 : 1) || value > 2_147_483_647) {
    throw new RangeError(`${name} must be ${zero ? 'zero or more' : 'one or more'} whole milliseconds (at most 2147483647); got ${String(value)}.`);
  }
}

/** Applies an optimistic update for a mutation, which settles it: rolled back, or released with a refetch. */
export const applyForMutation = Symbol('applyForMutation');

/**
 * A live query (Reality's useReality without React; SignalQuery<T> in the .NET client): data the app loads with its own fetcher,
 * refetched when the version of one of its keys changes — never on a timer, never for other keys.
 *
 * On creation it learns the keys' versions (one sync for all the queries created in the same task, none when the client's queries
 * follow them already), fetches, and follows the keys over its client's shared watch. A newer version makes the data stale and refetches it. One fetch runs at a
 * time: refetches asked for in the same task share one request, versions that arrive during a fetch are coalesced into one
 * refetch after it, and `dedupe` spaces version-driven refetches further. A failed fetch keeps the previous data, sets `error` and
 * is tried again after `errorRetryInterval`. When the window regains focus or the browser comes back online, the shared watch
 * syncs all its keys once, and each query refetches only if its data is stale. Optimistic updates are layers over the fetched data;
 * while a mutation's update waits for its call, fetches wait too (the server's data may hold the change already, and the layer on top
 * would show it twice), and the mutation's own refetch follows.
 * @template T
 */
export class SignalQuery {
  #client; #fetcher; #fallback; #staleTime; #dedupe; #errorRetryInterval; #refetchOnFocus; #refetchOnReconnect; #shared;
  #abort = new AbortController();
  /** @type {T|undefined} */
  #fetched;
  #hasData = false;
  /** @type {T|undefined} */
  #data;
  #dataDirty = true;
  /** @type {unknown} */
  #error = null;
  /** @type {Readonly<Record<string, number>>} */
  #versions = Object.freeze({});
  /** @type {Map<string, number>} the newest version of each key the query has heard of */
  #latest = new Map();
  #expired = false;
  #ready = false;      // the first versions are known: fetches may start
  #refused = false;    // the server refused the keys for good: nothing will be fetched
  #fetching = false;
  #syncing = 0;
  #requested = true;
  #forced = true;
  /** @type {Deferred|null} settles when the next fetch to start has finished */
  #next = null;
  /** @type {{versions: Readonly<Record<string, number>>, done: Deferred}|null} */
  #current = null;
  #lastStart = -Infinity;
  /** @type {number|undefined} */ #staleTimer;
  /** @type {number|undefined} */ #retryTimer;
  /** @type {number|undefined} */ #dedupeTimer;
  /** @type {OptimisticLayers<T>} */
  #layers = new OptimisticLayers();
  #unfollow = () => {};
  /** @type {StateStore<QueryState<T>>} */
  #store;

  /**
   * @param {SignalsClient} client the client whose endpoints tell the keys' versions
   * @param {string|string[]} keys the signal key or keys the data follows
   * @param {QueryOptions<T>} options
   * @throws {TypeError} no client, no key, a key that is not a non-empty string, or no fetcher
   * @throws {RangeError} a time option that is not a whole number of ms in range
   */
  constructor(client, keys, { fetcher, fallback, staleTime = null, dedupe = 0, errorRetryInterval = 5000, refetchOnFocus = true,
    refetchOnReconnect = true, transport = 'auto', pollIntervalMs, pollWaitMs } = /** @type {QueryOptions<T>} */ ({})) {
    if (typeof client?.sync !== 'function') throw new TypeError('A query needs a SignalsClient (createClient(), or the module\'s own).');
    const list = typeof keys === 'string' ? [keys] : keys;
    if (!Array.isArray(list) || !list.length || !list.every(key => typeof key === 'string' && key.length > 0)) {
      throw new TypeError(`A query needs one or more signal keys, each a non-empty string; got ${JSON.stringify(keys)}.`);
    }
    if (typeof fetcher !== 'function') throw new TypeError('A query needs a fetcher: a function that loads its data.');
    checkMs('staleTime', staleTime, { optional: true });
    checkMs('dedupe', dedupe, { zero: true });
    checkMs('errorRetryInterval', errorRetryInterval, { optional: true });
    checkMs('pollIntervalMs', pollIntervalMs, { zero: true, optional: true });
    checkMs('pollWaitMs', pollWaitMs, { zero: true, optional: true });
    if (transport !== 'auto' && transport !== 'poll') throw new TypeError(`transport must be 'auto' or 'poll'; got ${String(transport)}.`);

    /** @type {readonly string[]} */
    this.keys = Object.freeze([...new Set(list)]);
    this.#refetchOnFocus = refetchOnFocus;
    this.#refetchOnReconnect = refetchOnReconnect;
    this.#client = client;
    this.#fetcher = fetcher;
    this.#fallback = fallback;
    this.#staleTime = staleTime;
    this.#dedupe = dedupe;
    this.#errorRetryInterval = errorRetryInterval;
    this.#shared = sharedWatch(client, { transport, pollIntervalMs, pollWaitMs });
    this.#recompute();
    this.#store = new StateStore(this.#snapshot());
    this.#start();
  }

  /** The data: the fetched data with the optimistic updates on top, or the fallback until the first fetch succeeds. */
  get data() { return this.#data; }
  /** Why the last fetch failed (null once one succeeds), or the server's refusal of the keys. */
  get error() { return this.#error; }
  /** Whether there is no data yet and it is being fetched. */
  get isLoading() { return !this.#hasData && (this.#fetching || this.#requested) && !this.#refused; }
  /** Whether a fetch or a sync() is running. */
  get isSyncing() { return this.#fetching || this.#syncing > 0; }
  /** Whether a key has a newer version than the data, or the data is older than staleTime: a refetch is due. */
  get isStale() {
    return this.#hasData && (this.#expired || this.keys.some(key => (this.#latest.get(key) ?? 0) > (this.#versions[key] ?? 0)));
  }
  /** The keys' versions the data was fetched for. */
  get versions() { return this.#versions; }
  get closed() { return this.#abort.signal.aborted; }

  /** The current state, as subscribers get it (Reality's getState()). */
  getState() { return this.#store.state; }

  /**
   * Calls listener with the state now and after every change of it, until the returned function is called or the query closed.
   * @param {(state: QueryState<T>) => void} listener
   * @returns {() => void} unsubscribes
   */
  subscribe(listener) {
    return this.#store.subscribe(listener);
  }

  /**
   * Asks the server for the keys' versions now, and refetches if the data is stale (a key moved, or staleTime passed).
   * @returns {Promise<void>} settles when the data is current; rejects when the server cannot be asked (a failed fetch does not
   *   reject: see error)
   */
  async sync() {
    if (this.closed) return;
    this.#syncing++;
    this.#notify();
    try {
      const known = Object.fromEntries(this.keys.map(key => [key, this.#latest.get(key) ?? 0]));
      const { changed } = await this.#client.sync(known, { signal: this.#abort.signal });
      for (const change of Object.values(changed)) this.#onVersion(change);
      await this.#refresh();
    } finally {
      this.#syncing--;
      this.#notify();
    }
  }

  /**
   * Refetches whatever the versions (e.g. after the app changed data that has no signal). Calls in the same task share one fetch.
   * @returns {Promise<void>} settles when a fetch that started after this call has finished (a failed fetch does not reject)
   */
  invalidate() {
    const fetched = this.#requestFetch(true);
    this.#notify();
    return fetched;
  }

  /**
   * Shows update(data) at once, and over every refetched data until rolled back. Not applied while there is no data and no
   * fallback; an update that throws on later data is dropped.
   * @param {(data: T) => T} update computes the optimistic data; must not change its argument
   * @returns {() => void} rolls the update back
   */
  applyOptimisticUpdate(update) {
    return this.#addLayer(update, false).rollback;
  }

  /**
   * Applies a mutation's update, pending until its call answers: fetches wait for it to settle.
   * @param {(data: T) => T} update
   * @returns {{rollback: () => void, releaseAfterNextFetch: () => void}} releaseAfterNextFetch keeps the update until the next
   *   fetch that starts after the call has finished, then drops it with that fetch's result, so the data changes once
   */
  [applyForMutation](update) {
    return this.#addLayer(update, true);
  }

  /**
   * @param {(data: T) => T} update
   * @param {boolean} pending
   */
  #addLayer(update, pending) {
    if (typeof update !== 'function') throw new TypeError('An optimistic update must be a function of the data.');
    // Run it once now, so an update that does not fit the data throws to the caller instead of being dropped silently.
    if (this.#data !== undefined) update(this.#data);
    const layer = this.#layers.add(update, pending);
    this.#dataDirty = true;
    this.#notify();
    return {
      rollback: () => {
        if (this.#layers.remove([layer])) this.#dataDirty = true;
        this.#notify();
        this.#pump();
      },
      releaseAfterNextFetch: () => {
        layer.pending = false;
        layer.releasing = true;
      },
    };
  }

  /** Stops following the keys and fetching; removes every listener. Idempotent. */
  close() {
    if (this.closed) return;
    this.#abort.abort();
    this.#unfollow();
    clearTimeout(this.#staleTimer);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#dedupeTimer);
    this.#store.clear();
    this.#next?.resolve();
    this.#next = null;
  }

  async #start() {
    /** @type {Record<string, number>} */
    let versions;
    try {
      versions = await this.#shared.versionsFor(this.keys);
    } catch (error) {
      if (this.closed) return;
      if (isPermanent(error)) {
        // The server refuses the keys (malformed, unknown, forbidden): there is nothing to follow or fetch.
        this.#refused = true;
        this.#error = error;
        this.#next?.resolve();
        this.#notify();
        return;
      }
      // Offline: fetch anyway; once the watch reaches the server it reports the keys' real versions.
      versions = {};
    }
    if (this.closed) return;
    /** @type {Follower} */
    const follower = {
      query: /** @type {SignalQuery<unknown>} */ (/** @type {unknown} */ (this)),
      refetchOnFocus: this.#refetchOnFocus,
      refetchOnReconnect: this.#refetchOnReconnect,
      onVersion: change => this.#onVersion(change),
      onResync: () => { void this.#refresh(); },
      onFailed: error => { this.#error = error; this.#notify(); },
    };
    for (const [key, version] of Object.entries(this.#shared.follow(follower, versions))) this.#latest.set(key, version);
    this.#unfollow = () => this.#shared.unfollow(follower);
    this.#ready = true;
    this.#pump();
  }

  /** @param {SignalChange} change */
  #onVersion({ key, version }) {
    if (this.closed || version <= (this.#latest.get(key) ?? 0)) return;
    this.#latest.set(key, version);
    this.#requestFetch(false);
    this.#notify();
  }

  /** Refetches unless the data is current; a running fetch of the latest versions is shared. Settles when the data is current. */
  #refresh() {
    const current = this.#current;
    // A running fetch of the latest versions brings fresh data, also when staleTime has passed.
    if (current && this.keys.every(key => current.versions[key] === this.#latest.get(key))) return current.done.promise;
    if (this.#hasData && !this.isStale) return Promise.resolve();
    return this.invalidate();
  }

  /**
   * @param {boolean} force skip the dedupe interval
   * @returns {Promise<void>} settles when the next fetch to start has finished
   */
  #requestFetch(force) {
    if (this.closed || this.#refused) return Promise.resolve();
    this.#requested = true;
    this.#forced ||= force;
    const next = this.#next ??= deferred();
    // In a microtask, so that the requests of one task share one fetch.
    queueMicrotask(() => this.#pump());
    return next.promise;
  }

  #pump() {
    if (this.closed || !this.#ready || this.#fetching || !this.#requested || this.#layers.pending) return;
    clearTimeout(this.#dedupeTimer);
    const wait = this.#forced ? 0 : this.#lastStart + this.#dedupe - performance.now();
    if (wait > 0) this.#dedupeTimer = setTimeout(() => this.#pump(), wait);
    else this.#fetch();
  }

  async #fetch() {
    const done = this.#next ?? deferred();
    const versions = Object.freeze(Object.fromEntries(this.keys.map(key => [key, this.#latest.get(key) ?? 0])));
    const released = this.#layers.released();
    this.#next = null;
    this.#current = { versions, done };
    this.#requested = this.#forced = false;
    this.#fetching = true;
    this.#lastStart = performance.now();
    this.#notify();

    let ok = false;
    /** @type {T|undefined} */
    let data;
    /** @type {unknown} */
    let error;
    try {
      data = await this.#fetcher({ keys: this.keys, versions, signal: this.#abort.signal });
      ok = true;
    } catch (failure) {
      error = failure;
    }

    this.#current = null;
    this.#fetching = false;
    if (!this.closed) {
      clearTimeout(this.#retryTimer);
      if (ok) {
        this.#fetched = data;
        this.#hasData = true;
        this.#dataDirty = true;
        this.#error = null;
        this.#versions = versions;
        this.#expired = false;
        clearTimeout(this.#staleTimer);
        if (this.#staleTime != null) this.#staleTimer = setTimeout(() => { this.#expired = true; this.#notify(); }, this.#staleTime);
      } else {
        this.#error = error;
        if (this.#errorRetryInterval != null) {
          this.#retryTimer = setTimeout(() => {
            this.#requestFetch(false);
            this.#notify();
          }, this.#errorRetryInterval);
        }
      }
      // The layers a mutation released leave with this fetch's result (or its failure): the data changes once.
      if (this.#layers.remove(released)) this.#dataDirty = true;
      this.#notify();
    }
    done.resolve();
    this.#pump();
  }

  /** Recomputes the data (only when the fetched data or the layers changed: a new object would look like a change to listeners). */
  #recompute() {
    if (!this.#dataDirty) return;
    this.#dataDirty = false;
    const data = this.#hasData ? this.#fetched : this.#fallback;
    this.#data = data === undefined ? data : this.#layers.apply(data);
  }

  /** Tells the subscribers the new state, if anything they see changed. */
  #notify() {
    this.#recompute();
    this.#store.set(this.#snapshot());
  }

  /** @returns {QueryState<T>} */
  #snapshot() {
    return {
      data: this.#data, error: this.#error, isLoading: this.isLoading, isSyncing: this.isSyncing, isStale: this.isStale,
      versions: this.#versions,
    };
  }
}
