// Mutations for the Signals browser client (served beside client.js, which re-exports them): the app's own API call, shown at once
// on live queries, rolled back if it fails.

import { SignalQuery, applyForMutation } from './query.js';
import { queriesOf } from './shared-watch.js';
import { StateStore } from './state-store.js';

/** @import { SignalsClient } from './client.js' */

/**
 * An optimistic update of one query for a mutation.
 * @template A, D
 * @typedef {{query: SignalQuery<D>, update: (data: D, argument: A) => D}} OptimisticUpdate
 */
/**
 * @template A, R
 * @typedef {object} MutationOptions
 * @property {OptimisticUpdate<A, any>|OptimisticUpdate<A, any>[]} [optimistic] shown on the queries as soon as the mutation starts:
 *   rolled back if it fails, replaced by the refetched data if it succeeds
 * @property {Array<SignalQuery<any>|string>} [invalidates] more queries, or the keys of the client's queries, to bring up to date
 *   after the call, besides the optimistic ones
 * @property {(result: R, argument: A) => void} [onSuccess] called after the call succeeded, before the queries are refetched
 * @property {(error: unknown, argument: A) => void} [onError] called after the call failed and the updates were rolled back
 */
/**
 * A mutation's state: a new frozen object after every change.
 * @template R
 * @typedef {object} MutationState
 * @property {boolean} isPending a run is in progress (until the affected queries are up to date)
 * @property {unknown} error why the last run failed; null once a run starts
 * @property {R|undefined} result what the last run that succeeded returned
 */

/**
 * A mutation (Reality's useMutation without React; SignalMutation in the .NET client): calls the app's own API, showing optimistic
 * updates on live queries at once.
 *
 * mutate(argument) applies the optimistic updates, then calls the API. On success: onSuccess, then every affected query (the
 * optimistic ones, and those `invalidates` names) is refetched, whatever its version — the app's data already holds the change
 * even if its signal has not arrived yet — and the optimistic data is swapped for the fetched data in one change. On failure: the
 * updates are rolled back at once, onError runs, the affected queries are synced (refetched only if a key moved), and mutate
 * rejects with the error. Runs may overlap.
 * @template A, R
 */
export class SignalMutation {
  #mutate; #client; #onSuccess; #onError;
  /** @type {OptimisticUpdate<A, any>[]} */
  #optimistic;
  /** @type {SignalQuery<any>[]} */
  #queries;
  /** @type {string[]} */
  #keys;
  #pending = 0;
  /** @type {unknown} */
  #error = null;
  /** @type {R|undefined} */
  #result;
  /** @type {StateStore<MutationState<R>>} */
  #store = new StateStore(/** @type {MutationState<R>} */ ({ isPending: false, error: null, result: undefined }));

  /**
   * @param {(argument: A) => Promise<R>|R} mutate calls the app's API; what it throws is the mutation's failure
   * @param {MutationOptions<A, R>} [options]
   * @param {SignalsClient} [client] the client whose queries keys in `invalidates` name
   * @throws {TypeError} mutate is not a function, an optimistic entry is not {query, update}, or `invalidates` holds something
   *   else than queries and keys (keys need a client)
   */
  constructor(mutate, { optimistic = [], invalidates = [], onSuccess, onError } = {}, client) {
    if (typeof mutate !== 'function') throw new TypeError('A mutation needs a function that calls the app\'s API.');
    const updates = Array.isArray(optimistic) ? optimistic : [optimistic];
    if (!updates.every(entry => entry?.query instanceof SignalQuery && typeof entry.update === 'function')) {
      throw new TypeError('optimistic takes {query, update} objects: a SignalQuery and a function (data, argument) => data.');
    }
    if (!Array.isArray(invalidates) || !invalidates.every(entry => entry instanceof SignalQuery || (typeof entry === 'string' && entry && client))) {
      throw new TypeError('invalidates takes queries, and keys (non-empty strings) of the queries of the mutation\'s client.');
    }
    this.#mutate = mutate;
    this.#client = client;
    this.#onSuccess = onSuccess;
    this.#onError = onError;
    this.#optimistic = updates;
    this.#queries = [...updates.map(({ query }) => query), ...invalidates.filter(entry => entry instanceof SignalQuery)];
    this.#keys = invalidates.filter(entry => typeof entry === 'string');
  }

  /** Whether a run is in progress (until the affected queries are up to date). */
  get isPending() { return this.#pending > 0; }
  /** Why the last run failed; null once a run starts. */
  get error() { return this.#error; }
  /** What the last run that succeeded returned. */
  get result() { return this.#result; }

  /** The current state, as subscribers get it. */
  getState() { return this.#store.state; }

  /**
   * Calls listener with the state now and after every change of it, until the returned function is called.
   * @param {(state: MutationState<R>) => void} listener
   * @returns {() => void} unsubscribes
   */
  subscribe(listener) {
    return this.#store.subscribe(listener);
  }

  /**
   * Runs the mutation (see the class for the order of events).
   * @param {A} argument passed to the API call and the optimistic updates
   * @returns {Promise<R>} the call's result, once the affected queries show it; rejects with what the call threw, after the rollback
   */
  async mutate(argument) {
    this.#pending++;
    this.#error = null;
    this.#notify();
    /** @type {Array<{rollback: () => void, releaseAfterNextFetch: () => void}>} */
    const applied = [];
    try {
      /** @type {R} */
      let result;
      try {
        for (const { query, update } of this.#optimistic) applied.push(query[applyForMutation](data => update(data, argument)));
        result = await this.#mutate(argument);
      } catch (error) {
        for (const update of applied) update.rollback();
        this.#error = error;
        this.#notify();
        this.#onError?.(error, argument);
        // The server may have changed something all the same: a query whose key moved refetches. Its own failure is not ours.
        await Promise.all(this.#affected().map(query => query.sync().catch(() => {})));
        throw error;
      }
      // Released first, so that the queries' fetches go on whatever onSuccess does.
      for (const update of applied) update.releaseAfterNextFetch();
      this.#result = result;
      this.#notify();
      this.#onSuccess?.(result, argument);
      await Promise.all(this.#affected().map(query => query.invalidate()));
      return result;
    } finally {
      this.#pending--;
      this.#notify();
    }
  }

  /** The queries to bring up to date after a run: the optimistic ones, those named, and the client's queries of the named keys. */
  #affected() {
    const byKey = this.#client && this.#keys.length ? queriesOf(this.#client, this.#keys) : [];
    return [...new Set([...this.#queries, ...byKey])].filter(query => !query.closed);
  }

  #notify() {
    this.#store.set({ isPending: this.isPending, error: this.#error, result: this.#result });
  }
}
