// The TypeScript declarations of client.js beside this file: the sync and event-stream client, the query layer, mutations, the
// polling adapter and the Reality compatibility helpers, typed with the key builders and value types of keys.d.ts (which this file
// re-exports). Save client.js, client.d.ts, keys.js and keys.d.ts together (the *.js modules client.js imports too, to run it) and write
//   import { query, mutation, setValue } from './client.js';
//   import { keys } from './keys.js';
// keys.js stays a module of its own, so a page that builds no key never loads the catalog.

import type { ValueKey } from './keys.js';

export type * from './keys.js';

/** A key's version as sync and the event stream report it. */
export type SignalChange = { key: string; version: number; hash?: string | null; updatedAt?: number | null };

/** A value signal's value and version, as `GET {prefix}/values/{key}` answers. */
export type SignalValueAnswer<T> = { key: string; version: number; hash: string | null; updatedAt: number; value: T };

/**
 * The sync endpoint's answer. `cursor` (Signals' native endpoints only) offers the cursor form of sync: pass it to `changes()` to be
 * told only what changed since. `reset` (cursor form only): the server could not answer from the cursor, so `changed` holds every
 * key's version (0 = never changed) to replace what the caller knew.
 */
export type SyncAnswer = {
  changed: Record<string, SignalChange>;
  mesh?: { peers?: object; serverVersion?: number };
  serverTime: number;
  cursor?: string;
  reset?: boolean;
};

/** The status of a watch. */
export type WatchStatus = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'offline' | 'failed' | 'closed';

/** How a watch follows its keys. */
export type WatchOptions = {
  /** Versions the caller already has: keys it names are reported at start only when they differ. */
  known?: Record<string, number>;
  /** Told every change of the watch's status. */
  onStatus?: (status: WatchStatus, error?: unknown) => void;
  /** `'poll'` never opens an EventSource. */
  transport?: 'auto' | 'poll';
  /** Consecutive stream errors before falling back to polling (default 3). */
  maxFailures?: number;
  /** How long to poll before trying the stream again, in ms (default 30 s). */
  fallbackMs?: number;
  /** The long-poll wait sent with each sync, in ms (default 25 s; 0 syncs without waiting). */
  pollWaitMs?: number;
  /** The shortest time between two syncs, in ms, for servers that answer at once (default 1 s). */
  pollIntervalMs?: number;
};

/** What a query's fetcher is called with. */
export type FetchContext = {
  /** The query's keys. */
  readonly keys: readonly string[];
  /** The keys' versions the data is fetched for (at least these). */
  readonly versions: Readonly<Record<string, number>>;
  /** Aborted when the query is closed. */
  readonly signal: AbortSignal;
};

/** A query's fetcher and options. */
export type QueryOptions<T> = {
  /** Loads the app's data, e.g. from its own API; one call at a time. */
  fetcher: (context: FetchContext) => Promise<T> | T;
  /** The data until the first fetch succeeds (default undefined). */
  fallback?: T;
  /** Ms fetched data counts as fresh even though no key moved (default: until a key moves). */
  staleTime?: number | null;
  /** Ms: the shortest time between the starts of two refetches caused by version changes (default 0). */
  dedupe?: number;
  /** Ms after a failed fetch before trying again (default 5000; null: on a change only). */
  errorRetryInterval?: number | null;
  /** Sync when the window regains focus or the page becomes visible (default true). */
  refetchOnFocus?: boolean;
  /** Sync when the browser comes back online (default true). */
  refetchOnReconnect?: boolean;
  /** How the shared watch follows the keys (`'poll'`: long-poll sync, never an event stream). */
  transport?: 'auto' | 'poll';
  /** The shortest time between two syncs while polling, in ms (default 1 s). */
  pollIntervalMs?: number;
  /** The long-poll wait of each sync while polling, in ms (default 25 s; 0 syncs without waiting). */
  pollWaitMs?: number;
};

/** A query's state, as subscribers get it: a new frozen object after every change. */
export type QueryState<T> = {
  /** The fetched data with the optimistic updates on top; the fallback until the first fetch succeeds. */
  data: T | undefined;
  /** Why the last fetch failed (null once one succeeds), or the server's refusal of the keys. */
  error: unknown;
  /** No data yet, and fetching it. */
  isLoading: boolean;
  /** A fetch or a `sync()` is running. */
  isSyncing: boolean;
  /** A key has a newer version than the data, or the data is older than `staleTime`. */
  isStale: boolean;
  /** The keys' versions the data was fetched for. */
  versions: Readonly<Record<string, number>>;
};

/** An optimistic update of one query for a mutation: `update` computes the query's data shown while the call runs. */
export type OptimisticUpdate<A, D> = { query: SignalQuery<D>; update: (data: D, argument: A) => D };

/**
 * A mutation's options: `A` the argument of its call, `R` what the call returns; `D` the data type of the query one optimistic update
 * updates, or `Ds` those of an array of them, each update checked against its own query.
 */
export type MutationOptions<A, R, D = unknown, Ds extends unknown[] = unknown[]> = {
  /** Shown on the queries as soon as the mutation starts: rolled back if it fails, replaced by the refetched data if it succeeds. */
  optimistic?: OptimisticUpdate<A, D> | { [I in keyof Ds]: OptimisticUpdate<A, Ds[I]> };
  /** More queries, or the keys of the client's queries, to bring up to date after the call, besides the optimistic ones. */
  invalidates?: Array<SignalQuery<any> | string>;
  /** Called after the call succeeded, before the queries are refetched. */
  onSuccess?: (result: R, argument: A) => void;
  /** Called after the call failed and the updates were rolled back. */
  onError?: (error: unknown, argument: A) => void;
};

/** A mutation's state: a new frozen object after every change. */
export type MutationState<R> = {
  /** A run is in progress (until the affected queries are up to date). */
  isPending: boolean;
  /** Why the last run failed; null once a run starts. */
  error: unknown;
  /** What the last run that succeeded returned. */
  result: R | undefined;
};

/** The polling adapter's options: Reality's, and a query's timing options. */
export type PollingAdapterOptions<T> = Omit<QueryOptions<T>, 'fetcher' | 'fallback' | 'refetchOnFocus' | 'transport' | 'pollIntervalMs' | 'pollWaitMs'> & {
  /** The key to follow (default: the URL's path, as Reality names it: '/chat/room/1' → 'chat:room:1'). */
  realityKey?: string;
  /** Turns the fetched JSON into the data `onData` gets. */
  transform?: (data: unknown) => T;
  /** The data until the first fetch succeeds. */
  initial?: T;
  /** Sync when the window regains focus (default true). */
  syncOnFocus?: boolean;
  /** Sync when the page becomes visible (default true). */
  syncOnVisibility?: boolean;
  /** The shortest time between two syncs, in ms. */
  interval?: number;
  /** The long-poll wait of each sync, in ms. */
  wait?: number;
};

/** An error answer from a Signals endpoint: `status` and, for problem+json bodies, `type` and `detail`. */
export declare class SignalsError extends Error {
  /**
   * @param status the HTTP status
   * @param problem the RFC 9457 problem the server sent
   */
  constructor(status: number, problem?: { type?: string; title?: string; detail?: string });
  status: number;
  type: string | undefined;
  detail: string | undefined;
  /** A 4xx other than 408 and 429 says the request itself is wrong: asking again cannot help. */
  get isPermanent(): boolean;
  /** The error of an answer that is not ok, from its problem+json body. */
  static from(response: Response): Promise<SignalsError>;
}

/** The client of one Signals endpoint group: sync, the event stream, values, queries and mutations. */
export declare class SignalsClient {
  /**
   * @param options.baseUrl where the endpoints are mapped (default: the folder client.js was loaded from)
   * @param options.eventType the SSE event name the server sends (default 'signal'; 'update' in Reality mode)
   */
  constructor(options?: { baseUrl?: string | URL; eventType?: string });
  /** Where the endpoints are mapped. */
  baseUrl: URL;
  /** The SSE event name the server sends. */
  eventType: string;
  /**
   * Asks for the keys whose version is newer than the caller's.
   * @param known key → the version the caller has (0 = never seen)
   * @param options `wait`: long-poll, holding the request up to this many ms until one of the keys changes
   */
  sync(known: Record<string, number> | Map<string, number>, options?: { wait?: number; signal?: AbortSignal }): Promise<SyncAnswer>;
  /**
   * The cursor form of sync: what changed among the keys since the cursor.
   * @param cursor the `cursor` of the last answer, as it was; null for none (every key that ever changed)
   */
  changes(keys: string[], cursor: string | null, options?: { wait?: number; signal?: AbortSignal }): Promise<SyncAnswer>;
  /** Reads a value signal's value; null when the key holds none. A key from keys.js types the value. */
  getValue<T = unknown>(key: ValueKey<T> | string, options?: { signal?: AbortSignal }): Promise<SignalValueAnswer<T> | null>;
  /** Writes a value signal's value (`ifMatch`: only over that version, else 412); a key from keys.js types the value. */
  setValue<T = unknown>(key: ValueKey<T> | string, value: NoInfer<T>, options?: { ifMatch?: number; signal?: AbortSignal }): Promise<SignalValueAnswer<T>>;
  /** Updates a value signal's value by compare-and-set, retried on conflict; `defaultValue` is what `update` gets when nothing is stored. */
  updateValue<T = unknown>(
    key: ValueKey<T> | string,
    update: (current: NoInfer<T>) => NoInfer<T>,
    options: { defaultValue: NoInfer<T>; signal?: AbortSignal; maxAttempts?: number }): Promise<SignalValueAnswer<T>>;
  /** Follows the keys, reporting each new version; `close()` the watch to stop. */
  watch(keys: string[], onVersion: (change: SignalChange) => void, options?: WatchOptions): Watch;
  /** A live query of the app's data, refetched when one of its keys moves; `close()` it to stop. */
  query<T>(keys: string | string[], options: QueryOptions<T>): SignalQuery<T>;
  /** A mutation of the app's data with optimistic updates of queries. */
  mutation<A, R, D = unknown, Ds extends unknown[] = unknown[]>(mutate: (argument: A) => Promise<R> | R, options?: MutationOptions<A, R, D, Ds>): SignalMutation<A, R>;
  /** Refetches the client's queries of the keys; settles when those refetches have finished. */
  invalidate(keys: string | string[]): Promise<void>;
}

/** Follows a set of keys: one sync, then Server-Sent Events resumed with their cursor, falling back to long-poll sync. */
export declare class Watch {
  /** Starts following the keys (what `SignalsClient.watch` does). */
  constructor(client: SignalsClient, keys: string[], onVersion: (change: SignalChange) => void, options?: WatchOptions);
  /** The watch's status. */
  status: WatchStatus;
  /** When a sync last answered (ms since the epoch), or null before the first. */
  lastSyncAt: number | null;
  get closed(): boolean;
  /** Stops the watch. Idempotent. */
  close(): void;
  /** Syncs the keys now and reports what changed; rejects with the sync's error (the watch goes on). */
  sync(): Promise<void>;
}

/** A live query: data the app loads with its own fetcher, refetched when the version of one of its keys changes. */
export declare class SignalQuery<T> {
  /** @param keys the signal key or keys the data follows */
  constructor(client: SignalsClient, keys: string | string[], options: QueryOptions<T>);
  /** The query's keys. */
  readonly keys: readonly string[];
  /** The fetched data with the optimistic updates on top, or the fallback until the first fetch succeeds. */
  get data(): T | undefined;
  /** Why the last fetch failed (null once one succeeds), or the server's refusal of the keys. */
  get error(): unknown;
  /** Whether there is no data yet and it is being fetched. */
  get isLoading(): boolean;
  /** Whether a fetch or a `sync()` is running. */
  get isSyncing(): boolean;
  /** Whether a key has a newer version than the data, or the data is older than `staleTime`. */
  get isStale(): boolean;
  /** The keys' versions the data was fetched for. */
  get versions(): Readonly<Record<string, number>>;
  get closed(): boolean;
  /** The current state, as subscribers get it. */
  getState(): Readonly<QueryState<T>>;
  /** Calls `listener` with the state now and after every change, until the returned function is called or the query closed. */
  subscribe(listener: (state: QueryState<T>) => void): () => void;
  /** Asks the server for the keys' versions now, and refetches if the data is stale. */
  sync(): Promise<void>;
  /** Refetches whatever the versions; settles when a fetch that started after this call has finished. */
  invalidate(): Promise<void>;
  /** Shows `update(data)` at once and over every refetched data until the returned function rolls it back. */
  applyOptimisticUpdate(update: (data: T) => T): () => void;
  /** Stops following the keys and fetching; removes every listener. Idempotent. */
  close(): void;
}

/** A mutation: calls the app's own API, showing optimistic updates on live queries at once. */
export declare class SignalMutation<A, R> {
  constructor(mutate: (argument: A) => Promise<R> | R, options?: MutationOptions<A, R, any, any[]>, client?: SignalsClient);
  /** Whether a run is in progress (until the affected queries are up to date). */
  get isPending(): boolean;
  /** Why the last run failed; null once a run starts. */
  get error(): unknown;
  /** What the last run that succeeded returned. */
  get result(): R | undefined;
  /** The current state, as subscribers get it. */
  getState(): Readonly<MutationState<R>>;
  /** Calls `listener` with the state now and after every change, until the returned function is called. */
  subscribe(listener: (state: MutationState<R>) => void): () => void;
  /** Runs the mutation: the call's result once the affected queries show it; rejects with what the call threw, after the rollback. */
  mutate(argument: A): Promise<R>;
}

/** Reality's polling adapter: calls `onData` with the data at the URL now and whenever its key changes, over long-poll sync. */
export declare class PollingAdapter<T> extends SignalQuery<T> {
  constructor(url: string | URL, onData: (data: T) => void, client: SignalsClient, options?: PollingAdapterOptions<T>);
  /** Stops it (as `close()`). */
  stop(): void;
  /** Whether it still follows its key. */
  isActive(): boolean;
  /** When a sync last answered (ms since the epoch), or null before the first. */
  getLastSyncTime(): number | null;
}

/** An event handler of a {@link RealityEventSource}. */
export type EventHandler = ((this: RealityEventSource, event: Event) => void) | null;

/** The options of a {@link RealityEventSource}. */
export type RealityEventSourceOptions = {
  /** The key to follow (default: the URL's path, as Reality names it). */
  realityKey?: string;
  /** Turns each change (or the fetcher's data) into the message's data (default `JSON.stringify`). */
  transform?: (data: unknown) => string;
  /** Loads the data of each change. */
  fetcher?: (key: string, change: SignalChange) => Promise<unknown>;
};

/** An EventSource-shaped object for pages written against Reality's RealityEventSource. */
export declare class RealityEventSource extends EventTarget {
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 2;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSED: 2;
  readyState: number;
  withCredentials: boolean;
  lastEventId: string;
  url: string;
  realityKey: string;
  onopen: EventHandler;
  onmessage: ((this: RealityEventSource, event: MessageEvent) => void) | null;
  onerror: EventHandler;
  /** @param url the SSE URL the page used; its path names the key as Reality does ('/chat/room/1' → 'chat:room:1') */
  constructor(url: string | URL, client?: SignalsClient, options?: RealityEventSourceOptions);
  close(): void;
}

/** Creates a client; the module's own functions use one whose endpoints are next to client.js. */
export declare function createClient(options?: ConstructorParameters<typeof SignalsClient>[0]): SignalsClient;
/** Reality's helper: a {@link RealityEventSource}. */
export declare function createEventSource(url: string | URL, client?: SignalsClient, options?: RealityEventSourceOptions): RealityEventSource;
/** Reality's helper: a RealityEventSource class bound to a client. */
export declare function createEventSourceFactory(client: SignalsClient): new (url: string | URL, options?: RealityEventSourceOptions) => RealityEventSource;
/** Reality's polling adapter, as a drop-in (see {@link PollingAdapter}). */
export declare function createPollingAdapter<T = unknown>(
  url: string | URL, onData: (data: T) => void, client?: SignalsClient, options?: PollingAdapterOptions<T>): PollingAdapter<T>;

/** {@link SignalsClient.sync} of the client next to client.js. */
export declare const sync: SignalsClient['sync'];
/** {@link SignalsClient.changes} of the client next to client.js. */
export declare const changes: SignalsClient['changes'];
/** {@link SignalsClient.watch} of the client next to client.js. */
export declare const watch: SignalsClient['watch'];
/** {@link SignalsClient.getValue} of the client next to client.js. */
export declare const getValue: SignalsClient['getValue'];
/** {@link SignalsClient.setValue} of the client next to client.js. */
export declare const setValue: SignalsClient['setValue'];
/** {@link SignalsClient.updateValue} of the client next to client.js. */
export declare const updateValue: SignalsClient['updateValue'];
/** {@link SignalsClient.query} of the client next to client.js. */
export declare const query: SignalsClient['query'];
/** {@link SignalsClient.mutation} of the client next to client.js. */
export declare const mutation: SignalsClient['mutation'];
/** {@link SignalsClient.invalidate} of the client next to client.js. */
export declare const invalidate: SignalsClient['invalidate'];
