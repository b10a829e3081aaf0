// The optimistic updates of a query's data (served beside client.js): layers over the fetched data, applied in order.

/**
 * An optimistic update. `pending`: a mutation's, whose call has not answered yet; `releasing`: a mutation's that succeeded, to be
 * dropped with the result of the next fetch.
 * @template T
 * @typedef {{update: (data: T) => T, pending: boolean, releasing: boolean}} Layer
 */

/** @template T */
export class OptimisticLayers {
  /** @type {Layer<T>[]} */
  #layers = [];

  /** Whether a mutation's update is waiting for its call. */
  get pending() { return this.#layers.some(layer => layer.pending); }

  /**
   * @param {(data: T) => T} update
   * @param {boolean} pending
   * @returns {Layer<T>}
   */
  add(update, pending) {
    const layer = { update, pending, releasing: false };
    this.#layers.push(layer);
    return layer;
  }

  /**
   * Removes layers; returns whether one of them was there.
   * @param {Layer<T>[]} layers
   */
  remove(layers) {
    const before = this.#layers.length;
    this.#layers = this.#layers.filter(layer => !layers.includes(layer));
    return this.#layers.length !== before;
  }

  /** The layers a fetch starting now drops with its result. */
  released() {
    return this.#layers.filter(layer => layer.releasing);
  }

  /**
   * The data with every layer applied. A layer that throws no longer fits the data (it was checked on the data of its time): it
   * is dropped.
   * @param {T} data
   */
  apply(data) {
    for (const layer of [...this.#layers]) {
      try {
        data = layer.update(data);
      } catch {
        this.remove([layer]);
      }
    }
    return data;
  }
}
