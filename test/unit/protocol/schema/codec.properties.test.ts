import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiKey } from '../../../../src/protocol/api-keys.js';
import { API_SPECS } from '../../../../src/protocol/apis.js';
import { decodeMessage, encodeMessageToBuffer } from '../../../../src/protocol/schema/codec.js';
import type { MessageSpec } from '../../../../src/protocol/schema/types.js';
import { ProtocolDecodeError } from '../../../../src/protocol/wire/protocol-errors.js';
import { Reader } from '../../../../src/protocol/wire/reader.js';
import { messageArbitrary, versionsOf } from '../arbitrary.js';

/**
 * Properties of the codec over the core APIs' real schemas, every version Kafka defines for them:
 * round trips of random values, and robustness against truncated and random input.
 */
const CORE_APIS = [
  ApiKey.Produce,
  ApiKey.Fetch,
  ApiKey.ListOffsets,
  ApiKey.Metadata,
  ApiKey.OffsetCommit,
  ApiKey.OffsetFetch,
  ApiKey.FindCoordinator,
  ApiKey.JoinGroup,
  ApiKey.Heartbeat,
  ApiKey.LeaveGroup,
  ApiKey.SyncGroup,
  ApiKey.DescribeGroups,
  ApiKey.ListGroups,
  ApiKey.ApiVersions,
];

const cases: Array<[string, MessageSpec, number]> = [];
for (const key of CORE_APIS) {
  const api = API_SPECS.get(key)!;
  for (const spec of [api.request, api.response]) {
    for (const v of versionsOf(spec)) cases.push([`${spec.name} v${v}`, spec, v]);
  }
}

function decodeAll(spec: MessageSpec, version: number, bytes: Buffer): unknown {
  const r = new Reader(bytes);
  const value = decodeMessage(spec, version, r);
  return { value, rest: r.remaining };
}

/** Decoding must either succeed or fail with ProtocolDecodeError; anything else is a bug. */
function decodeOrTypedError(spec: MessageSpec, version: number, bytes: Buffer): 'ok' | 'error' {
  try {
    decodeMessage(spec, version, new Reader(bytes));
    return 'ok';
  } catch (e) {
    if (e instanceof ProtocolDecodeError) return 'error';
    throw e;
  }
}

describe('codec properties over the core schemas', () => {
  it('covers every version of every core API', () => {
    expect(cases.length).toBeGreaterThan(150);
  });

  it.each(cases)('%s: encode → decode → encode is the identity on bytes', (_name, spec, version) => {
    fc.assert(
      fc.property(messageArbitrary(spec, version), (value) => {
        const bytes = encodeMessageToBuffer(spec, version, value);
        const r = new Reader(bytes);
        const decoded = decodeMessage<Record<string, unknown>>(spec, version, r);
        expect(r.remaining).toBe(0);
        expect(decoded).toMatchObject(value);
        expect(encodeMessageToBuffer(spec, version, decoded).equals(bytes)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it.each(cases)('%s: every truncation throws ProtocolDecodeError', (_name, spec, version) => {
    const samples = fc.sample(messageArbitrary(spec, version), { numRuns: 3, seed: 42 });
    for (const value of samples) {
      const bytes = encodeMessageToBuffer(spec, version, value);
      expect(decodeAll(spec, version, bytes)).toMatchObject({ rest: 0 });
      for (let n = 0; n < bytes.length; n++) {
        expect(() => decodeMessage(spec, version, new Reader(bytes.subarray(0, n)))).toThrow(
          ProtocolDecodeError,
        );
      }
    }
  });

  it.each(cases)(
    '%s: random bytes decode or throw ProtocolDecodeError, nothing else',
    (_name, spec, version) => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 96 }), (raw) => {
          decodeOrTypedError(spec, version, Buffer.from(raw));
        }),
        { numRuns: 60 },
      );
    },
  );

  it.each(cases)(
    '%s: random corruption of a valid message never escapes as another error',
    (_name, spec, version) => {
      fc.assert(
        fc.property(
          messageArbitrary(spec, version),
          fc.nat(),
          fc.integer({ min: 0, max: 255 }),
          (value, at, byte) => {
            const bytes = Buffer.from(encodeMessageToBuffer(spec, version, value));
            if (bytes.length === 0) return;
            bytes[at % bytes.length] = byte;
            decodeOrTypedError(spec, version, bytes);
          },
        ),
        { numRuns: 30 },
      );
    },
  );
});
