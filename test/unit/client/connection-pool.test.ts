import { describe, expect, it } from 'vitest';
import type { BrokerConnectionOptions } from '../../../src/client/broker-connection.js';
import { ConnectionClosedError } from '../../../src/client/broker-connection.js';
import { type Connection, ConnectionPool, reconnectBackoffMs } from '../../../src/client/connection-pool.js';
import { ManualClock } from '../../../src/common/clock.js';

function fakeConnection(): Connection & { isOpen: boolean } {
  return {
    isOpen: true,
    inFlightCount: 0,
    version: () => 0,
    send: async () => {
      throw new Error('not used');
    },
    sendOneWay: () => {},
    close() {
      this.isOpen = false;
    },
  };
}

describe('reconnectBackoffMs', () => {
  it('doubles from the base up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => reconnectBackoffMs(n, 50, 1000))).toEqual([
      0, 50, 100, 200, 400, 800, 1000,
    ]);
    expect(reconnectBackoffMs(500, 50, 1000)).toBe(1000);
  });
});

describe('ConnectionPool', () => {
  it('shares one connect between concurrent callers and keeps lanes apart', async () => {
    const opened: BrokerConnectionOptions[] = [];
    const pool = new ConnectionPool({
      clientId: 'c',
      connector: async (o) => {
        opened.push(o);
        return fakeConnection();
      },
    });
    const [a, b] = await Promise.all([pool.get('h', 1), pool.get('h', 1)]);
    expect(a).toBe(b);
    expect(pool.getIfOpen('h', 1)).toBe(a);
    const fetchLane = await pool.get('h', 1, 'fetch');
    expect(fetchLane).not.toBe(a);
    expect(opened.map((o) => [o.host, o.port, o.clientId])).toEqual([
      ['h', 1, 'c'],
      ['h', 1, 'c'],
    ]);
    pool.close();
    expect(a.isOpen).toBe(false);
    await expect(pool.get('h', 1)).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('reconnects a closed connection and backs off after failed connects', async () => {
    const clock = new ManualClock(0);
    const waits: number[] = [];
    let refuse = 0;
    const pool = new ConnectionPool({
      clock,
      reconnectBackoffMs: 50,
      reconnectBackoffMaxMs: 150,
      delay: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
      connector: async (o) => {
        if (refuse > 0) {
          refuse--;
          throw new ConnectionClosedError(`${o.host}:${o.port}`, 'refused');
        }
        return fakeConnection();
      },
    });
    const first = await pool.get('h', 1);
    first.close();
    expect(pool.getIfOpen('h', 1)).toBeUndefined();
    refuse = 3;
    for (let i = 0; i < 3; i++) await expect(pool.get('h', 1)).rejects.toThrow(/refused/);
    const again = await pool.get('h', 1);
    expect(again).not.toBe(first);
    // No wait before the first attempt; then 50, 100, and 150 (capped) before each retry.
    expect(waits).toEqual([50, 100, 150]);
    // A success resets the backoff.
    again.close();
    await pool.get('h', 1);
    expect(waits).toEqual([50, 100, 150]);
    pool.close();
  });
});
