// The shared watch of the Signals browser client's queries (served beside client.js): one watch per client and transport for all
// the queries on it, so a page with many queries holds one event stream and syncs once when the window regains focus.

import { isPermanent } from './watch.js';

/** @import { SignalsClient, SignalChange, SyncAnswer } from './client.js' */
/** @import { Watch, WatchOptions } from './watch.js' */
/** @import { SignalQuery } from './query.js' */

/**
 * What a query registers with its client's shared watch.
 * @typedef {object} Follower
 * @property {SignalQuery<unknown>} query
 * @property {boolean} refetchOnFocus
 * @property {boolean} refetchOnReconnect
 * @property {(change: SignalChange) => void} onVersion
 * @property {() => void} onResync called after the sync a focus or online event caused
 * @property {(error: unknown) => void} onFailed the watch gave up: the server refuses it for good
 */

/**
 * One watch per client and transport, shared by all the queries on it: one event stream, and one sync per focus or online event.
 * Rebuilt (in a microtask, so queries opened together cost one rebuild) when the set of keys changes; closed when no query is left.
 */
class SharedWatch {
  #client; #options;
  /** @type {Map<string, Set<Follower>>} */
  #followers = new Map();
  /** @type {Map<string, number>} the latest version of each followed key: what a rebuilt watch starts from */
  #versions = new Map();
  /** @type {Watch|null} */
  #watch = null;
  #rebuildDue = false;
  /** @type {Promise<void>|null} */
  #syncing = null;
  /** @type {{keys: Set<string>, answer: Promise<SyncAnswer>}|null} the first sync of the queries that start in this task */
  #batch = null;

  /**
   * @param {SignalsClient} client
   * @param {WatchOptions} options
   */
  constructor(client, options) {
    this.#client = client;
    this.#options = options;
  }

  /** When the watch's sync last answered (ms since the epoch), or null. */
  get lastSyncAt() { return this.#watch?.lastSyncAt ?? null; }

  /**
   * The keys' versions for a query's first fetch: those the watch has when it follows all of them already, else the server's, asked
   * in one sync with the keys of the other queries that start in the same task. When the server refuses that sync for good, each
   * query asks again alone, so that a bad key fails only its own query.
   * @param {readonly string[]} keys
   * @returns {Promise<Record<string, number>>}
   * @throws the sync's error
   */
  async versionsFor(keys) {
    const known = this.#versionsOf(keys);
    if (known) return known;
    const batch = this.#batch ??= this.#startBatch();
    for (const key of keys) batch.keys.add(key);
    /** @param {SyncAnswer} answer */
    const versions = ({ changed }) => Object.fromEntries(keys.map(key => [key, changed[key]?.version ?? 0]));
    try {
      return versions(await batch.answer);
    } catch (error) {
      if (!isPermanent(error) || batch.keys.size === keys.length) throw error;
      return versions(await this.#client.sync(Object.fromEntries(keys.map(key => [key, 0]))));
    }
  }

  #startBatch() {
    /** @type {Set<string>} */
    const keys = new Set();
    // Sent in a microtask, once the queries of this task have added their keys.
    const answer = Promise.resolve().then(() => {
      this.#batch = null;
      return this.#client.sync(Object.fromEntries([...keys].map(key => [key, 0])));
    });
    return { keys, answer };
  }

  /**
   * The versions of the keys, when all of them are followed already; else null.
   * @param {readonly string[]} keys
   */
  #versionsOf(keys) {
    if (!keys.every(key => this.#versions.has(key))) return null;
    return Object.fromEntries(keys.map(key => [key, this.#versions.get(key) ?? 0]));
  }

  /**
   * The queries that follow one of the keys.
   * @param {readonly string[]} keys
   */
  queriesOf(keys) {
    return keys.flatMap(key => [...this.#followers.get(key) ?? []].map(follower => follower.query));
  }

  /**
   * Starts following the query's keys from the versions it has; returns the versions to label its first data with (the newer of
   * its own and those the watch has seen).
   * @param {Follower} follower
   * @param {Record<string, number>} versions
   * @returns {Record<string, number>}
   */
  follow(follower, versions) {
    if (!this.#followers.size) this.#listen(true);
    for (const key of follower.query.keys) {
      let followers = this.#followers.get(key);
      if (!followers) {
        this.#followers.set(key, followers = new Set());
        this.#scheduleRebuild();
      }
      followers.add(follower);
      this.#versions.set(key, Math.max(versions[key] ?? 0, this.#versions.get(key) ?? 0));
    }
    return /** @type {Record<string, number>} */ (this.#versionsOf(follower.query.keys));
  }

  /** @param {Follower} follower */
  unfollow(follower) {
    for (const key of follower.query.keys) {
      const followers = this.#followers.get(key);
      if (!followers?.delete(follower) || followers.size) continue;
      // Forget the version too: a query that follows the key later must ask the server, not trust an old answer.
      this.#followers.delete(key);
      this.#versions.delete(key);
      this.#scheduleRebuild();
    }
    if (!this.#followers.size) this.#listen(false);
  }

  #scheduleRebuild() {
    if (this.#rebuildDue) return;
    this.#rebuildDue = true;
    queueMicrotask(() => {
      this.#rebuildDue = false;
      this.#watch?.close();
      this.#watch = null;
      if (!this.#followers.size) return;
      // Known versions for every key: the new watch reports only what moved since, and never a version a query has already seen.
      const known = Object.fromEntries([...this.#followers.keys()].map(key => [key, this.#versions.get(key) ?? 0]));
      this.#watch = this.#client.watch(Object.keys(known), change => this.#report(change), {
        ...this.#options,
        known,
        onStatus: (status, error) => {
          if (status === 'failed') for (const follower of this.#all()) follower.onFailed(error);
        },
      });
    });
  }

  /** @param {SignalChange} change */
  #report(change) {
    this.#versions.set(change.key, change.version);
    for (const follower of this.#followers.get(change.key) ?? []) follower.onVersion(change);
  }

  /** @returns {Set<Follower>} */
  #all() {
    return new Set([...this.#followers.values()].flatMap(followers => [...followers]));
  }

  /**
   * One sync of every followed key (a focus and a visibilitychange at the same moment share it), then each query that asked for
   * it refetches if its data is stale.
   * @param {'focus'|'online'} trigger
   */
  #resync(trigger) {
    const followers = [...this.#all()].filter(follower => trigger === 'focus' ? follower.refetchOnFocus : follower.refetchOnReconnect);
    if (!followers.length) return;
    // Without a watch a rebuild is due, and the new watch syncs first anyway.
    const syncing = this.#watch ? this.#syncing ??= this.#watch.sync().catch(() => {}).finally(() => { this.#syncing = null; }) : null;
    Promise.resolve(syncing).then(() => { for (const follower of followers) follower.onResync(); });
  }

  #onFocus = () => { if (document.visibilityState === 'visible') this.#resync('focus'); };
  #onOnline = () => this.#resync('online');

  /** @param {boolean} on */
  #listen(on) {
    if (typeof window === 'undefined') return;
    if (on) {
      window.addEventListener('focus', this.#onFocus);
      document.addEventListener('visibilitychange', this.#onFocus);
      window.addEventListener('online', this.#onOnline);
    } else {
      window.removeEventListener('focus', this.#onFocus);
      document.removeEventListener('visibilitychange', this.#onFocus);
      window.removeEventListener('online', this.#onOnline);
    }
  }
}

/** @type {WeakMap<SignalsClient, Map<string, SharedWatch>>} */
const sharedWatches = new WeakMap();

/**
 * The shared watch of a client for one set of transport options.
 * @param {SignalsClient} client
 * @param {WatchOptions} options transport, pollIntervalMs, pollWaitMs
 */
export function sharedWatch(client, { transport = 'auto', pollIntervalMs, pollWaitMs }) {
  let watches = sharedWatches.get(client);
  if (!watches) sharedWatches.set(client, watches = new Map());
  const id = JSON.stringify([transport, pollIntervalMs, pollWaitMs]);
  let shared = watches.get(id);
  if (!shared) watches.set(id, shared = new SharedWatch(client, { transport, pollIntervalMs, pollWaitMs }));
  return shared;
}

/**
 * The open queries of a client that follow one of the keys.
 * @param {SignalsClient} client
 * @param {readonly string[]} keys
 * @returns {SignalQuery<unknown>[]}
 */
export function queriesOf(client, keys) {
  return [...new Set([...sharedWatches.get(client)?.values() ?? []].flatMap(shared => shared.queriesOf(keys)))];
}

/**
 * Refetches the open queries of a client that follow one of the keys.
 * @param {SignalsClient} client
 * @param {readonly string[]} keys
 * @returns {Promise<void>}
 */
export async function invalidateQueries(client, keys) {
  await Promise.all(queriesOf(client, keys).map(query => query.invalidate()));
}
