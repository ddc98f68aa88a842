import fc from 'fast-check';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { apiSpec, servedApiVersions } from '../../src/protocol/apis.js';
import { decodeResponse } from '../../src/protocol/frame.js';
import { encodeRequestHeader } from '../../src/protocol/headers.js';
import { API_VERSIONS_API, type ApiVersionsResponse } from '../../src/protocol/messages/api-versions.js';
import { Writer } from '../../src/protocol/wire/writer.js';
import { type BrokerHarness, startBrokerHarness, waitFor } from '../harness/broker-harness.js';
import { RawConnection, requestFrame } from '../harness/raw-connection.js';

/**
 * The broker against bad input on raw sockets: random bytes, torn frames, size prefixes out of bounds, unknown
 * API keys, unserved versions, garbage bodies for every served API. Each bad connection must be closed (or,
 * where Kafka answers, answered) and the broker must keep serving a well-behaved kafkajs client on another
 * connection the whole time. fast-check runs with a fixed seed (printed on failure) and bounded runs.
 */

const SEED = 0x5eed_f3;
const MAX_REQUEST_BYTES = 1024 * 1024;
/** The correlation id of the well-formed request sent after a bad one on the same connection. */
const FOLLOW_UP_ID = 0x7fff_0001;
/** APIs that may legitimately hold a (decodable) request for a while: long polls and group barriers. */
const PARKING_APIS = new Set<number>([ApiKey.Fetch, ApiKey.JoinGroup, ApiKey.SyncGroup]);
const SERVED = servedApiVersions();

type Outcome = 'closed' | 'answered' | 'pending';

function fcOptions(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, endOnFailure: true };
}

/** Runs a property, naming the seed in the failure (fast-check's own report has the counterexample path). */
async function check<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncProperty<Ts>,
  numRuns: number,
): Promise<void> {
  try {
    await fc.assert(property, fcOptions(numRuns) as fc.Parameters<Ts>);
  } catch (err) {
    throw new Error(`property failed with seed ${SEED}: ${(err as Error).message}`);
  }
}

/** A request frame with a hand-built header (any key and version) and arbitrary body bytes. */
function frameWithBody(apiKey: number, apiVersion: number, correlationId: number, body: Uint8Array): Buffer {
  const header = new Writer();
  encodeRequestHeader(header, { apiKey, apiVersion, correlationId, clientId: 'fuzz' });
  const headerBytes = header.toBuffer();
  const size = Buffer.alloc(4);
  size.writeInt32BE(headerBytes.length + body.length);
  return Buffer.concat([size, headerBytes, body]);
}

function sizePrefix(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size);
  return b;
}

const followUp = () => requestFrame(ApiKey.ApiVersions, 0, FOLLOW_UP_ID, {});

/**
 * Sends `bytes` and then a well-formed ApiVersions request, and reports whether the broker closed the connection,
 * answered the follow-up (so it answered or dropped the bad request and carried on), or did neither in time.
 */
async function outcomeOf(
  port: number,
  bytes: Buffer,
  waitMs = 1500,
): Promise<{ outcome: Outcome; frames: Buffer[] }> {
  const conn = await RawConnection.open(port);
  const frames: Buffer[] = [];
  try {
    conn.write(bytes);
    conn.write(followUp());
    const deadline = Date.now() + waitMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return { outcome: 'pending', frames };
      let frame: Buffer | null;
      try {
        frame = await conn.nextFrame(left);
      } catch {
        return { outcome: 'pending', frames };
      }
      if (frame === null) return { outcome: 'closed', frames };
      frames.push(frame);
      if (frame.readInt32BE(0) === FOLLOW_UP_ID) return { outcome: 'answered', frames };
    }
  } finally {
    conn.destroy();
  }
}

/**
 * The well-behaved client: produces one record at a time with kafkajs and waits for its own consumer to
 * receive it, in a loop, for as long as the suite runs. Every failure is recorded, never thrown into the loop.
 */
class Canary {
  readonly errors: string[] = [];
  roundTrips = 0;
  private readonly received = new Set<string>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  private constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
  ) {}

  static async start(bootstrap: string): Promise<Canary> {
    const kafka = new Kafka({ clientId: 'canary', brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'canary', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const consumer = kafka.consumer({ groupId: 'canary', maxWaitTimeInMs: 50, heartbeatInterval: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'canary', fromBeginning: true });
    const canary = new Canary(producer, consumer);
    await consumer.run({
      eachMessage: async ({ message }) => {
        canary.received.add(message.value?.toString() ?? '');
      },
    });
    canary.loop = canary.run();
    return canary;
  }

  /** Resolves once the canary has completed `n` more round trips after now. */
  async completesRoundTrips(n: number): Promise<void> {
    const target = this.roundTrips + n;
    await waitFor(
      `${n} canary round trips (errors: ${this.errors.join('; ')})`,
      () => this.roundTrips >= target,
      20_000,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.consumer.disconnect().catch(() => {});
    await this.producer.disconnect().catch(() => {});
  }

  private async run(): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      const value = `canary-${i}`;
      try {
        await this.producer.send({ topic: 'canary', acks: -1, messages: [{ value }] });
        await waitFor(`canary record ${i}`, () => this.received.has(value) || this.stopped, 10_000, 5);
        this.roundTrips++;
      } catch (err) {
        this.errors.push(`${value}: ${(err as Error).message}`);
      }
    }
  }
}

describe('broker robustness against bad input', () => {
  let harness: BrokerHarness;
  let canary: Canary | undefined;
  let port: number;
  let connectionsBefore = 0;
  let malformedBefore = 0;

  const metric = async (name: string): Promise<number> => {
    const found = harness.broker.metrics.registry.getSingleMetric(name);
    if (found === undefined) throw new Error(`no metric ${name}`);
    return (await found.get()).values.reduce((sum, v) => sum + v.value, 0);
  };

  beforeAll(async () => {
    harness = await startBrokerHarness({ 'socket.request.max.bytes': MAX_REQUEST_BYTES });
    port = harness.broker.port;
    canary = await Canary.start(harness.bootstrap);
    await canary.completesRoundTrips(1);
    connectionsBefore = await metric('ferry_broker_connections');
    malformedBefore = await metric('ferry_broker_malformed_requests_total');
  });

  afterAll(async () => {
    try {
      await canary?.stop();
    } finally {
      await harness?.close();
    }
  });

  it('closes a connection whose size prefix exceeds socket.request.max.bytes, without reading the body', async () => {
    await check(
      fc.asyncProperty(fc.integer({ min: MAX_REQUEST_BYTES + 1, max: 0x7fff_ffff }), async (size) => {
        const { outcome, frames } = await outcomeOf(port, sizePrefix(size));
        expect(outcome).toBe('closed');
        expect(frames).toEqual([]);
      }),
      30,
    );
    await canary?.completesRoundTrips(1);
  });

  it('closes a connection whose size prefix is negative', async () => {
    await check(
      fc.asyncProperty(fc.integer({ min: -0x8000_0000, max: -1 }), async (size) => {
        const { outcome } = await outcomeOf(port, sizePrefix(size));
        expect(outcome).toBe('closed');
      }),
      30,
    );
    await canary?.completesRoundTrips(1);
  });

  it('survives random bytes: closes the connection, or waits for the rest of a frame until the client leaves', async () => {
    await check(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 4096 }), async (bytes) => {
        const conn = await RawConnection.open(port);
        try {
          conn.write(Buffer.from(bytes));
          conn.write(followUp());
          // Whatever the broker made of it, a client that hangs up must find the connection gone.
          conn.end();
          expect(await conn.closesWithin(3000)).toBe(true);
        } finally {
          conn.destroy();
        }
      }),
      150,
    );
    await canary?.completesRoundTrips(1);
  });

  it('closes a connection on a frame of random bytes, or answers it and carries on', async () => {
    await check(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 2048 }), async (payload) => {
        const { outcome } = await outcomeOf(port, Buffer.concat([sizePrefix(payload.length), payload]));
        expect(outcome).not.toBe('pending');
      }),
      200,
    );
    await canary?.completesRoundTrips(1);
  });

  it('closes a connection on a truncated frame once the client hangs up', async () => {
    const whole = [
      requestFrame(ApiKey.Metadata, 9, 7, { topics: [{ name: 'canary' }] }),
      requestFrame(ApiKey.ApiVersions, 3, 7, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
      requestFrame(ApiKey.FindCoordinator, 3, 7, { key: 'group', keyType: 0 }),
    ];
    await check(
      fc.asyncProperty(
        fc.constantFrom(...whole),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (frame, cut) => {
          const conn = await RawConnection.open(port);
          try {
            conn.write(frame.subarray(0, Math.floor(cut * frame.length)));
            // Half a frame is no reason to close: the rest may still come.
            expect(await conn.closesWithin(20)).toBe(false);
            conn.end();
            expect(await conn.closesWithin(3000)).toBe(true);
            expect(await conn.nextFrame(10)).toBeNull();
          } finally {
            conn.destroy();
          }
        },
      ),
      40,
    );
    await canary?.completesRoundTrips(1);
  });

  it('closes a connection that sends an unknown API key, without an answer', async () => {
    await check(
      fc.asyncProperty(
        fc.integer({ min: -0x8000, max: 0x7fff }).filter((k) => apiSpec(k) === undefined),
        fc.integer({ min: -0x8000, max: 0x7fff }),
        fc.uint8Array({ maxLength: 64 }),
        async (apiKey, apiVersion, body) => {
          const { outcome, frames } = await outcomeOf(port, frameWithBody(apiKey, apiVersion, 1, body));
          expect(outcome).toBe('closed');
          expect(frames).toEqual([]);
        },
      ),
      100,
    );
    await canary?.completesRoundTrips(1);
  });

  it('closes a connection that sends an unserved version of a served API (other than ApiVersions)', async () => {
    const others = SERVED.filter((a) => a.apiKey !== ApiKey.ApiVersions);
    await check(
      fc.asyncProperty(
        fc
          .tuple(fc.constantFrom(...others), fc.integer({ min: -0x8000, max: 0x7fff }))
          .filter(([api, v]) => v < api.minVersion || v > api.maxVersion),
        fc.uint8Array({ maxLength: 64 }),
        async ([api, apiVersion], body) => {
          const { outcome, frames } = await outcomeOf(port, frameWithBody(api.apiKey, apiVersion, 1, body));
          expect(outcome).toBe('closed');
          expect(frames).toEqual([]);
        },
      ),
      100,
    );
    await canary?.completesRoundTrips(1);
  });

  it('answers ApiVersions at an unsupported version with error 35 in v0 and its own range, and keeps the connection (KIP-511)', async () => {
    const served = SERVED.find((a) => a.apiKey === ApiKey.ApiVersions)!;
    await check(
      fc.asyncProperty(
        fc
          .integer({ min: -0x8000, max: 0x7fff })
          .filter((v) => v < served.minVersion || v > served.maxVersion),
        fc.uint8Array({ maxLength: 64 }),
        async (apiVersion, body) => {
          const conn = await RawConnection.open(port);
          try {
            conn.write(frameWithBody(ApiKey.ApiVersions, apiVersion, 42, body));
            const frame = await conn.nextFrame(3000);
            expect(frame).not.toBeNull();
            const response = decodeResponse<ApiVersionsResponse>(frame!, API_VERSIONS_API.response, 0);
            expect(response.correlationId).toBe(42);
            expect(response.body.errorCode).toBe(35);
            expect(response.body.apiKeys).toContainEqual({
              apiKey: ApiKey.ApiVersions,
              minVersion: served.minVersion,
              maxVersion: served.maxVersion,
            });
            // The client retries at a version it now knows is served, on the same connection.
            conn.write(
              requestFrame(ApiKey.ApiVersions, 3, 43, {
                clientSoftwareName: 'fuzz',
                clientSoftwareVersion: '1',
              }),
            );
            const retried = await conn.nextFrame(3000);
            expect(retried).not.toBeNull();
            const ok = decodeResponse<ApiVersionsResponse>(retried!, API_VERSIONS_API.response, 3);
            expect(ok.correlationId).toBe(43);
            expect(ok.body.errorCode).toBe(0);
          } finally {
            conn.destroy();
          }
        },
      ),
      50,
    );
    await canary?.completesRoundTrips(1);
  });

  it('closes the connection on a garbage body of every served API and version, or answers it and carries on', async () => {
    const pairs = SERVED.flatMap((a) =>
      Array.from(
        { length: a.maxVersion - a.minVersion + 1 },
        (_, i) => [a.apiKey, a.minVersion + i] as const,
      ),
    );
    // Every (API, version), a few random bodies each.
    for (const [apiKey, apiVersion] of pairs) {
      await check(
        fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (body) => {
          const { outcome } = await outcomeOf(port, frameWithBody(apiKey, apiVersion, 5, body), 1000);
          if (!PARKING_APIS.has(apiKey))
            expect(outcome, `${apiSpec(apiKey)?.name} v${apiVersion}`).not.toBe('pending');
        }),
        4,
      );
    }
    await canary?.completesRoundTrips(1);
  });

  it('closes the connection on a mutated well-formed request of every served API and version, or answers it', async () => {
    // Flipped bytes in a valid request reach deeper than random bodies: lengths, counts and nulls that lie.
    for (const { apiKey, minVersion, maxVersion } of SERVED) {
      for (let apiVersion = minVersion; apiVersion <= maxVersion; apiVersion++) {
        const valid = requestFrame(apiKey, apiVersion, 5, {});
        const mutation = fc.array(
          fc.tuple(fc.nat({ max: valid.length - 5 }), fc.integer({ min: 0, max: 255 })),
          {
            minLength: 1,
            maxLength: 4,
          },
        );
        await check(
          fc.asyncProperty(mutation, async (edits) => {
            const frame = Buffer.from(valid);
            // Past the size prefix and the API key/version, so the frame stays a request of this API.
            for (const [at, byte] of edits) frame[4 + 4 + (at % (valid.length - 8))] = byte;
            if (valid.length <= 8) return;
            const { outcome } = await outcomeOf(port, frame, 1000);
            if (!PARKING_APIS.has(apiKey))
              expect(outcome, `${apiSpec(apiKey)?.name} v${apiVersion}`).not.toBe('pending');
          }),
          3,
        );
      }
    }
    await canary?.completesRoundTrips(1);
  });

  it('answers a minimal well-formed request of every API and version that ApiVersions advertises', async () => {
    const conn = await RawConnection.open(port);
    let advertised: ApiVersionsResponse['apiKeys'];
    try {
      conn.write(
        requestFrame(ApiKey.ApiVersions, 3, 1, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' }),
      );
      const frame = await conn.nextFrame(3000);
      advertised = decodeResponse<ApiVersionsResponse>(frame!, API_VERSIONS_API.response, 3).body.apiKeys;
    } finally {
      conn.destroy();
    }
    const failures: string[] = [];
    const servedProduceMin = SERVED.find((a) => a.apiKey === ApiKey.Produce)!.minVersion;
    for (const { apiKey, minVersion, maxVersion } of advertised) {
      for (let v = minVersion; v <= maxVersion; v++) {
        // Every field at its default: empty lists, empty names, acks 0 for Produce (no response owed).
        const { outcome, frames } = await outcomeOf(port, requestFrame(apiKey, v, 9, {}), 3000);
        const name = `${apiSpec(apiKey)?.name ?? apiKey} v${v}`;
        // Produce v0-2 are advertised for librdkafka's sake and refused, as by Kafka 4.0 (KAFKA-18659).
        if (apiKey === ApiKey.Produce && v < servedProduceMin) {
          if (outcome !== 'closed') failures.push(`${name}: ${outcome}, not refused`);
          continue;
        }
        if (outcome !== 'answered') failures.push(`${name}: ${outcome}`);
        else if (apiKey !== ApiKey.Produce && frames[0]?.readInt32BE(0) !== 9)
          failures.push(`${name}: no answer`);
      }
    }
    expect(failures).toEqual([]);
    await canary?.completesRoundTrips(1);
  });

  it('answers 50 pipelined requests sent in one write in request order', async () => {
    const conn = await RawConnection.open(port);
    try {
      const requests = Array.from({ length: 50 }, (_, i) =>
        i % 2 === 0
          ? requestFrame(ApiKey.Metadata, (i / 2) % 13, 1000 + i, { topics: [{ name: 'canary' }] })
          : requestFrame(ApiKey.ApiVersions, (i >> 1) % 4, 1000 + i, {}),
      );
      conn.write(requests);
      const ids: number[] = [];
      for (let i = 0; i < requests.length; i++) {
        const frame = await conn.nextFrame(5000);
        expect(frame).not.toBeNull();
        ids.push(frame!.readInt32BE(0));
      }
      expect(ids).toEqual(requests.map((_, i) => 1000 + i));
      expect(conn.hasClosed).toBe(false);
    } finally {
      conn.destroy();
    }
  });

  it('kept serving the well-behaved client throughout', async () => {
    await canary!.completesRoundTrips(2);
    expect(canary!.errors).toEqual([]);
    expect(harness.broker.isRunning).toBe(true);
    // Every bad connection was counted and is gone: only the canary's connections remain open.
    expect(await metric('ferry_broker_malformed_requests_total')).toBeGreaterThan(malformedBefore + 500);
    await waitFor('the fuzzed connections to be closed', async () => {
      return (await metric('ferry_broker_connections')) <= connectionsBefore;
    });
  });
});

describe('idle connections', () => {
  let harness: BrokerHarness;

  beforeAll(async () => {
    harness = await startBrokerHarness({ 'connections.max.idle.ms': 200 });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('reaps a connection that stays silent longer than connections.max.idle.ms', async () => {
    const idle = await RawConnection.open(harness.broker.port);
    try {
      // A torn frame does not count as activity forever: the connection is reaped all the same.
      idle.write(requestFrame(ApiKey.ApiVersions, 0, 1, {}).subarray(0, 6));
      expect(await idle.closesWithin(5000)).toBe(true);
    } finally {
      idle.destroy();
    }
    // A fresh connection is served after the reaping.
    const fresh = await RawConnection.open(harness.broker.port);
    try {
      fresh.write(requestFrame(ApiKey.ApiVersions, 0, 2, {}));
      const frame = await fresh.nextFrame(3000);
      expect(frame?.readInt32BE(0)).toBe(2);
    } finally {
      fresh.destroy();
    }
  });
});
