// The state a query or a mutation shows (served beside client.js): a frozen object, replaced on every change, and its subscribers.

/**
 * Holds a state object and tells subscribers when it changes.
 * @template {object} S
 */
export class StateStore {
  /** @type {Set<(state: S) => void>} */
  #listeners = new Set();
  #state;

  /** @param {S} state the first state */
  constructor(state) {
    this.#state = Object.freeze(state);
  }

  get state() { return this.#state; }

  /**
   * Calls listener with the state now and after every change of it, until the returned function is called.
   * @param {(state: S) => void} listener
   * @returns {() => void} unsubscribes
   */
  subscribe(listener) {
    if (typeof listener !== 'function') throw new TypeError('subscribe() needs a function.');
    this.#listeners.add(listener);
    this.#tell(listener);
    return () => { this.#listeners.delete(listener); };
  }

  /**
   * Replaces the state and tells the subscribers, unless every field is the same (Object.is) as in the current state.
   * @param {S} next
   */
  set(next) {
    const current = /** @type {Record<string, unknown>} */ (this.#state);
    if (Object.entries(next).every(([name, value]) => Object.is(value, current[name]))) return;
    this.#state = Object.freeze(next);
    for (const listener of [...this.#listeners]) this.#tell(listener);
  }

  /** Removes every subscriber. */
  clear() {
    this.#listeners.clear();
  }

  /** @param {(state: S) => void} listener */
  #tell(listener) {
    try {
      listener(this.#state);
    } catch (error) {
      // A subscriber's error is reported, and the others are still told.
      queueMicrotask(() => { throw error; });
    }
  }
}
