import { expect } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../src/protocol/schema/codec.js';
import type { MessageSpec } from '../../../src/protocol/schema/types.js';
import { Reader } from '../../../src/protocol/wire/reader.js';
import { Writer } from '../../../src/protocol/wire/writer.js';

/**
 * Golden-fixture helpers. A fixture is hex written by hand from the protocol grammar, one field per line
 * with a `//` comment naming it; whitespace and comments are stripped.
 */
export function hex(text: string): Buffer {
  const digits = text.replace(/\/\/[^\n]*/g, '').replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(digits)) throw new Error(`bad hex fixture: ${digits}`);
  return Buffer.from(digits, 'hex');
}

/** Hex of a UTF-8 string, for readable fixtures of long names. */
export function utf8(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex');
}

/**
 * Encodes `value` and compares byte for byte with `golden`; decodes `golden`, which must consume every byte
 * and yield an object containing `value`; re-encodes the decoded object to the same bytes. Returns the
 * decoded object for further checks of defaults.
 */
export function expectGolden<T>(spec: MessageSpec, version: number, value: T, golden: Buffer): T {
  const w = new Writer(16);
  encodeMessage(spec, version, value, w);
  expect(w.toBuffer().toString('hex')).toBe(golden.toString('hex'));
  const r = new Reader(golden);
  const decoded = decodeMessage<T>(spec, version, r);
  expect(r.remaining).toBe(0);
  expect(decoded).toMatchObject(value as object);
  const again = new Writer(16);
  encodeMessage(spec, version, decoded, again);
  expect(again.toBuffer().toString('hex')).toBe(golden.toString('hex'));
  return decoded;
}
