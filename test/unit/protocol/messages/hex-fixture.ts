import { expect } from 'vitest';
import { decodeMessage, encodeMessageToBuffer } from '../../../../src/protocol/schema/codec.js';
import type { MessageSpec } from '../../../../src/protocol/schema/types.js';
import { Reader } from '../../../../src/protocol/wire/reader.js';

export { ERROR_CODES } from '../../../../src/protocol/errors/index.js';

/** The nil UUID as the codec spells UUIDs: 32 hex digits. */
export const NIL_UUID = '00000000000000000000000000000000';

/** Hex with spaces, newlines and `#` comments removed, so a fixture can be written field by field. */
export function hex(text: string): Buffer {
  const digits = text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .join('')
    .replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(digits)) throw new Error(`not whole hex bytes: ${digits}`);
  return Buffer.from(digits, 'hex');
}

/**
 * A golden fixture: `value` (every field of the spec, those absent from `version` at their defaults, as
 * the decoder returns them) must encode to exactly `bytes`, and `bytes` must decode, to the last byte,
 * back to `value`.
 */
export function expectGolden<T>(spec: MessageSpec, version: number, value: T, bytes: Buffer): void {
  expect(encodeMessageToBuffer(spec, version, value).toString('hex')).toBe(bytes.toString('hex'));
  const reader = new Reader(bytes);
  expect(decodeMessage<T>(spec, version, reader)).toEqual(value);
  expect(reader.remaining).toBe(0);
}
