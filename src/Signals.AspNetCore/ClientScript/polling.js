// Reality's polling adapter for the Signals browser client (served beside client.js, which re-exports it): a live query over
// periodic long-poll sync, for hosts where Server-Sent Events do not get through.

import { SignalQuery, checkMs } from './query.js';
import { sharedWatch } from './shared-watch.js';

/** @import { SignalsClient } from './client.js' */
/** @import { QueryOptions } from './query.js' */

/**
 * Reality's options, and the query's own (staleTime, dedupe, errorRetryInterval, refetchOnReconnect). `realityKey`: the signal key
 * (default: from the URL's path). `transform`: turns the fetched JSON into the data. `initial`: the data until the first fetch (the
 * query's fallback). `syncOnFocus`, `syncOnVisibility`: sync when the window regains focus or the page becomes visible (default true;
 * false for either turns both off). `interval`: the shortest time between two syncs, ms (default 1000). `wait`: how long each sync
 * may wait for a change, ms (default 25000; 0 syncs every interval without waiting).
 * @template T
 * @typedef {Omit<QueryOptions<T>, 'fetcher'|'fallback'|'refetchOnFocus'|'transport'|'pollIntervalMs'|'pollWaitMs'> & {
 *   realityKey?: string,
 *   transform?: (data: unknown) => T,
 *   initial?: T,
 *   syncOnFocus?: boolean,
 *   syncOnVisibility?: boolean,
 *   interval?: number,
 *   wait?: number,
 * }} PollingAdapterOptions
 */

/**
 * Reality's mapping from a URL to a key: the path, without its leading '/', with '/' as ':' ('/chat/room/1' → 'chat:room:1').
 * @param {string} url
 */
export const keyFromUrl = url => url.replace(/^https?:\/\/[^/]+/, '').replace(/[?#].*$/, '').replace(/^\//, '').replaceAll('/', ':');

/**
 * Reality's createPollingAdapter, as a drop-in for code that polled an endpoint with setInterval: onData gets the endpoint's data
 * now and again whenever its key changes, found by periodic long-poll sync over the client's sync endpoint (never an event stream;
 * adapters with the same interval and wait share one long-poll). It is also a SignalQuery: data, error, isLoading, isStale,
 * subscribe(), sync(), invalidate(). stop() ends it.
 * @template T
 * @extends {SignalQuery<T>}
 */
export class PollingAdapter extends SignalQuery {
  #shared;

  /**
   * @param {string|URL} url the endpoint the page polled; GET, JSON
   * @param {(data: T) => void} onData called with the data after each fetch that changed it
   * @param {SignalsClient} client
   * @param {PollingAdapterOptions<T>} [options]
   * @throws {TypeError} onData is not a function, or the key is not a non-empty string
   * @throws {RangeError} interval or wait is not a whole number of ms in range
   */
  constructor(url, onData, client, { realityKey, transform, initial, syncOnFocus = true, syncOnVisibility = true, interval = 1000,
    wait = 25_000, ...options } = {}) {
    if (typeof onData !== 'function') throw new TypeError('A polling adapter needs a function to call with the data.');
    checkMs('interval', interval, { zero: true });
    checkMs('wait', wait, { zero: true });
    const endpoint = new URL(url, location.href);
    const polling = { transport: /** @type {const} */ ('poll'), pollIntervalMs: interval, pollWaitMs: wait };
    super(client, realityKey ?? keyFromUrl(String(url)), {
      ...options,
      ...polling,
      fallback: initial,
      refetchOnFocus: syncOnFocus && syncOnVisibility,
      fetcher: async ({ signal }) => {
        const response = await fetch(endpoint, { headers: { accept: 'application/json' }, cache: 'no-store', signal });
        if (!response.ok) throw new Error(`GET ${endpoint.pathname} answered ${response.status}.`);
        const data = await response.json();
        return transform ? transform(data) : data;
      },
    });
    this.#shared = sharedWatch(client, polling);
    /** @type {T|undefined} */
    let delivered;
    this.subscribe(({ data, isLoading }) => {
      if (data === undefined || isLoading || data === delivered) return;
      delivered = data;
      onData(data);
    });
  }

  /** Stops polling and fetching (Reality's name for close()). */
  stop() { this.close(); }

  /** Whether the adapter has not been stopped. */
  isActive() { return !this.closed; }

  /** When a sync of the adapter's long-poll last answered (ms since the epoch), or null before the first. */
  getLastSyncTime() { return this.#shared.lastSyncAt; }
}
