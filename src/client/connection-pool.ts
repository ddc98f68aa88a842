import type { Clock } from '../common/clock.js';
import { systemClock } from '../common/clock.js';
import type { ApiSpec } from '../protocol/schema/types.js';
import {
  BrokerConnection,
  type BrokerConnectionOptions,
  ConnectionClosedError,
} from './broker-connection.js';

/** What the client needs of a connection; BrokerConnection is one, tests bring a fake. */
export interface Connection {
  readonly isOpen: boolean;
  readonly inFlightCount: number;
  version(api: ApiSpec): number;
  send<Req, Res>(api: ApiSpec, body: Req, version?: number): Promise<Res>;
  sendOneWay<Req>(api: ApiSpec, body: Req, version?: number): void;
  close(reason?: string): void;
}

export type Connector = (options: BrokerConnectionOptions) => Promise<Connection>;

/**
 * Requests on one connection are answered in order, so a long-polling Fetch would hold up every Produce
 * and Metadata behind it. Fetches therefore travel on a lane of their own; everything else on `default`.
 */
export type ConnectionLane = 'default' | 'fetch';

export interface ConnectionPoolOptions {
  /** @defaultValue 'ferry' */
  clientId?: string;
  /** @defaultValue 10000 */
  connectTimeoutMs?: number;
  /** @defaultValue 30000 */
  requestTimeoutMs?: number;
  /** First wait before reconnecting to a broker that failed; doubles per failure. @defaultValue 50 */
  reconnectBackoffMs?: number;
  /** @defaultValue 1000 */
  reconnectBackoffMaxMs?: number;
  /** @defaultValue BrokerConnection.connect */
  connector?: Connector;
  /** @defaultValue systemClock */
  clock?: Clock;
  /** How to wait out a backoff; tests resolve it at once. @defaultValue a setTimeout promise */
  delay?: (ms: number) => Promise<void>;
}

interface Slot {
  connection: Connection | undefined;
  connecting: Promise<Connection> | undefined;
  failures: number;
  retryAtMs: number;
}

export function defaultDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Exponential reconnect backoff: base, 2·base, 4·base, … capped at max. */
export function reconnectBackoffMs(failures: number, baseMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

/**
 * One connection per broker address and lane, opened on first use and reopened after it failed, with
 * exponential backoff between failed connects so a dead broker is not hammered. Concurrent callers of `get`
 * share one connect attempt. Many requests may be in flight on a connection at once (pipelining); the pool
 * never limits them. Single-threaded (the event loop); owned by one ClusterClient.
 */
export class ConnectionPool {
  private readonly slots = new Map<string, Slot>();
  private closed = false;
  private readonly options: Required<ConnectionPoolOptions>;

  constructor(options: ConnectionPoolOptions = {}) {
    this.options = {
      clientId: 'ferry',
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      reconnectBackoffMs: 50,
      reconnectBackoffMaxMs: 1_000,
      connector: (o) => BrokerConnection.connect(o),
      clock: systemClock,
      delay: defaultDelay,
      ...options,
    };
  }

  /** The open connection, if there is one: the hot path's way to send without awaiting anything. */
  getIfOpen(host: string, port: number, lane: ConnectionLane = 'default'): Connection | undefined {
    const connection = this.slots.get(slotKey(host, port, lane))?.connection;
    return connection?.isOpen ? connection : undefined;
  }

  get(host: string, port: number, lane: ConnectionLane = 'default'): Promise<Connection> {
    if (this.closed) return Promise.reject(new ConnectionClosedError(`${host}:${port}`, 'client closed'));
    const key = slotKey(host, port, lane);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = { connection: undefined, connecting: undefined, failures: 0, retryAtMs: 0 };
      this.slots.set(key, slot);
    }
    if (slot.connection?.isOpen) return Promise.resolve(slot.connection);
    if (slot.connecting) return slot.connecting;
    const attempt = this.open(host, port, slot);
    slot.connecting = attempt;
    const clear = () => {
      if (slot.connecting === attempt) slot.connecting = undefined;
    };
    attempt.then(clear, clear);
    return attempt;
  }

  /** Every open connection, for callers that watch in-flight counts. */
  openConnections(): Connection[] {
    const out: Connection[] = [];
    for (const slot of this.slots.values()) if (slot.connection?.isOpen) out.push(slot.connection);
    return out;
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots.values()) slot.connection?.close('client closed');
    this.slots.clear();
  }

  private async open(host: string, port: number, slot: Slot): Promise<Connection> {
    const { clock, delay } = this.options;
    const wait = slot.retryAtMs - clock.monotonicMs();
    if (wait > 0) await delay(wait);
    if (this.closed) throw new ConnectionClosedError(`${host}:${port}`, 'client closed');
    try {
      const connection = await this.options.connector({
        host,
        port,
        clientId: this.options.clientId,
        connectTimeoutMs: this.options.connectTimeoutMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
      });
      if (this.closed) {
        connection.close('client closed');
        throw new ConnectionClosedError(`${host}:${port}`, 'client closed');
      }
      slot.failures = 0;
      slot.retryAtMs = 0;
      slot.connection = connection;
      return connection;
    } catch (err) {
      slot.failures += 1;
      slot.retryAtMs =
        clock.monotonicMs() +
        reconnectBackoffMs(
          slot.failures,
          this.options.reconnectBackoffMs,
          this.options.reconnectBackoffMaxMs,
        );
      throw err;
    }
  }
}

function slotKey(host: string, port: number, lane: ConnectionLane): string {
  return `${host}:${port}#${lane}`;
}
