import { type ErrorName, isKafkaError } from '../../../../src/protocol/errors/index.js';

export * from '../../../../src/protocol/records/index.js';

/** A predicate for `toSatisfy`/`toThrow` checks that an error is the named KafkaError. */
export function isKafkaErrorNamed(name: ErrorName): (err: unknown) => boolean {
  return (err) => isKafkaError(err, name);
}

export function flipByte(buf: Buffer, pos: number): void {
  buf[pos] = buf[pos]! ^ 0xff;
}

/** Hex with spaces, newlines and `#` comments removed, so fixtures can be written field by field. */
export function hex(text: string): Buffer {
  return Buffer.from(
    text
      .split('\n')
      .map((line) => line.replace(/#.*/, ''))
      .join('')
      .replace(/\s+/g, ''),
    'hex',
  );
}
