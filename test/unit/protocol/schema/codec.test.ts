import { describe, expect, it } from 'vitest';
import { isKafkaError } from '../../../../src/protocol/errors/index.js';
import { PRODUCE_REQUEST, type ProduceRequest } from '../../../../src/protocol/messages/produce.js';
import {
  compileMessage,
  decodeMessage,
  encodeMessageToBuffer,
} from '../../../../src/protocol/schema/codec.js';
import type { MessageSpec } from '../../../../src/protocol/schema/types.js';
import { ProtocolDecodeError, ProtocolEncodeError } from '../../../../src/protocol/wire/protocol-errors.js';
import { Reader } from '../../../../src/protocol/wire/reader.js';
import { hex } from '../golden.js';

/** A made-up message exercising every rule of the codec. */
const SPEC: MessageSpec = {
  apiKey: 999,
  name: 'TestRequest',
  type: 'request',
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'id', type: 'int32', versions: '0+' },
    { name: 'since1', type: 'int64', versions: '1+', default: '-1' },
    { name: 'flag', type: 'bool', versions: '1+', default: 'true' },
    { name: 'note', type: 'string', versions: '0+', nullableVersions: '1+', default: null },
    { name: 'dropped', type: 'int32', versions: '0', ignorable: true },
    { name: 'strict', type: 'int16', versions: '0' },
    {
      name: 'owner',
      type: 'struct',
      versions: '1+',
      nullableVersions: '1+',
      default: null,
      fields: [{ name: 'name', type: 'string', versions: '1+' }],
    },
    { name: 'ids', type: '[]int32', versions: '0+' },
    { name: 'late', type: 'int32', versions: '3+', tag: 5, taggedVersions: '3+', default: -1 },
    { name: 'early', type: 'string', versions: '2+', tag: 1, taggedVersions: '2+', default: '' },
  ],
};

const decode = <T = Record<string, unknown>>(version: number, bytes: Buffer): T => {
  const r = new Reader(bytes);
  const v = decodeMessage<T>(SPEC, version, r);
  expect(r.remaining).toBe(0);
  return v;
};

describe('codec', () => {
  it('fills absent fields with their declared defaults', () => {
    const v0 = decode(0, hex('00000007 0000 00000000 0000 00000000'));
    expect(v0).toEqual({
      id: 7,
      since1: -1,
      flag: true,
      note: '',
      dropped: 0,
      strict: 0,
      owner: null,
      ids: [],
      late: -1,
      early: '',
    });
  });

  it('treats undefined as the default when encoding', () => {
    expect(encodeMessageToBuffer(SPEC, 1, { id: 1 }).toString('hex')).toBe(
      hex(`
      00000001           // id
      ffffffffffffffff   // since1 default -1
      01                 // flag default true
      ffff               // note default null
      ff                 // owner: null marker
      00000000           // ids: []
    `).toString('hex'),
    );
  });

  it('drops non-default ignorable fields outside their versions, and refuses non-ignorable ones', () => {
    expect(() => encodeMessageToBuffer(SPEC, 1, { id: 1, dropped: 5 })).not.toThrow();
    expect(() => encodeMessageToBuffer(SPEC, 1, { id: 1, strict: 5 })).toThrow(
      expect.objectContaining({ path: 'TestRequest.strict' }),
    );
    // a default value of a missing field is fine either way
    expect(() => encodeMessageToBuffer(SPEC, 1, { id: 1, strict: 0 })).not.toThrow();
  });

  it('refuses null where the version allows none', () => {
    expect(() => encodeMessageToBuffer(SPEC, 0, { id: 1, note: null })).toThrow(ProtocolEncodeError);
    expect(() => decode(0, hex('00000001 ffff 00000000 0000 00000000'))).toThrow(
      expect.objectContaining({ path: 'TestRequest.note' }),
    );
    expect(decode(1, hex('00000001 0000000000000000 00 ffff ff 00000000')).note).toBeNull();
    expect(() => decode(0, hex('00000001 0000 00000000 0000 ffffffff'))).toThrow(/non-nullable array/);
  });

  it('encodes a nullable struct with a presence marker', () => {
    const bytes = encodeMessageToBuffer(SPEC, 1, { id: 1, owner: { name: 'a' } });
    expect(bytes.toString('hex')).toBe('00000001ffffffffffffffff01ffff01000161' + '00000000');
    expect(decode(1, bytes)).toMatchObject({ owner: { name: 'a' } });
  });

  it('writes known tagged fields in tag order, only when not default', () => {
    const none = encodeMessageToBuffer(SPEC, 3, { id: 1, late: -1, early: '' });
    expect(none.subarray(none.length - 1).toString('hex')).toBe('00');
    const both = encodeMessageToBuffer(SPEC, 3, { id: 1, late: 2, early: 'x' });
    expect(both.toString('hex')).toBe(
      hex(`
      00000001 ffffffffffffffff 01 00 ff 01   // id since1 flag note(null) owner(null) ids([])
      02                                      // 2 tagged fields
        01 02 0278                            //   tag 1 (early), 2 bytes: compact "x"
        05 04 00000002                        //   tag 5 (late), 4 bytes: 2
    `).toString('hex'),
    );
    expect(decode(3, both)).toMatchObject({ late: 2, early: 'x' });
  });

  it('skips unknown tagged fields on decode and keeps them nowhere', () => {
    const bytes = hex(`
      00000001 ffffffffffffffff 01 00 ff 01
      02                  // 2 tagged fields
        07 03 aabbcc      //   tag 7: unknown, skipped
        05 04 00000009    //   tag 5 (late)
    `);
    const v = decode(3, bytes);
    expect(v.late).toBe(9);
    expect(Object.keys(v)).toEqual(SPEC.fields.map((f) => f.name));
  });

  it('reports the path of the field where decoding failed', () => {
    const value: ProduceRequest = {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1,
      topicData: [
        {
          name: 't',
          partitionData: [
            { index: 0, records: null },
            { index: 1, records: null },
            { index: 2, records: Buffer.alloc(10) },
          ],
        },
      ],
    };
    const bytes = encodeMessageToBuffer(PRODUCE_REQUEST, 3, value);
    let caught: unknown;
    try {
      decodeMessage(PRODUCE_REQUEST, 3, new Reader(bytes.subarray(0, bytes.length - 3)));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProtocolDecodeError);
    const err = caught as ProtocolDecodeError;
    expect(err.path).toBe('ProduceRequest.topicData[0].partitionData[2].records');
    expect(err.message).toContain('ProduceRequest.topicData[0].partitionData[2].records');
    expect(isKafkaError(err, 'INVALID_REQUEST')).toBe(true);
  });

  it('fails fast on a forged huge array count', () => {
    expect(() => decode(0, hex('00000001 0000 00000000 0000 7fffffff'))).toThrow(
      expect.objectContaining({ path: 'TestRequest.ids' }),
    );
  });

  it('refuses versions the spec does not define', () => {
    expect(() => compileMessage(SPEC, 4)).toThrow(
      expect.objectContaining({ errorName: 'UNSUPPORTED_VERSION' }),
    );
    expect(() => compileMessage(SPEC, -1)).toThrow();
  });

  it('compiles each (spec, version) once', () => {
    expect(compileMessage(SPEC, 2)).toBe(compileMessage(SPEC, 2));
    expect(compileMessage(SPEC, 2)).not.toBe(compileMessage(SPEC, 3));
    expect(compileMessage(SPEC, 2).flexible).toBe(true);
  });

  it('wraps type errors of encoded values with the field path', () => {
    expect(() => encodeMessageToBuffer(SPEC, 0, { id: 'x' })).toThrow(ProtocolEncodeError);
    expect(() => encodeMessageToBuffer(SPEC, 0, { id: 2 ** 40 })).toThrow(
      expect.objectContaining({ path: 'TestRequest.id' }),
    );
    expect(() => encodeMessageToBuffer(SPEC, 0, { id: 1, ids: [1, 2 ** 40] })).toThrow(
      expect.objectContaining({ path: 'TestRequest.ids[1]' }),
    );
  });
});
