/**
 * The declarative shape of a Kafka protocol message: one `MessageSpec` per request and per response of an
 * API, covering every version that API serves. The generic codec (`codec.ts`) walks a spec for a given
 * version; no message has a hand-written encoder or decoder.
 *
 * Versions use Kafka's notation: `'3+'` (3 and later), `'1-4'` (1 to 4 inclusive), `'none'`. A field
 * exists in the versions its `versions` range names; outside them it is skipped on the wire and decodes as
 * its default. Flexible versions (KIP-482) use compact strings, arrays and bytes (unsigned varint length +
 * 1) and end every struct with a tagged-field section.
 */

/** A version range in Kafka's notation: `'0+'`, `'3-7'`, `'5'` or `'none'`. */
export type VersionRange = string;

export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  /** A record set: a run of record batches, decoded as a Buffer slice of the request, never parsed. */
  | 'records';

/**
 * A field's type: a primitive, an array of a primitive (`'[]int32'`), an array of structs (`'[]'` with
 * `fields`), or a single struct (`'struct'` with `fields`).
 */
export type FieldType = PrimitiveType | `[]${PrimitiveType}` | '[]' | 'struct';

export interface FieldSpec {
  /** The JavaScript property name: Kafka's field name in camelCase (`TopicName` → `topicName`). */
  readonly name: string;
  readonly type: FieldType;
  /** Versions in which the field is on the wire (as a regular or a tagged field). */
  readonly versions: VersionRange;
  /** Versions in which the field may be null (strings, bytes, records, arrays, structs). */
  readonly nullableVersions?: VersionRange;
  /** A tagged field (flexible versions only): its tag, and the versions in which it is tagged. */
  readonly tag?: number;
  readonly taggedVersions?: VersionRange;
  /**
   * Value when the field is absent in a version (and of an omitted tagged field). Unset: 0, false, '',
   * empty buffer, [] (or null where the field is nullable in that version), the nil UUID.
   */
  readonly default?: string | number | boolean | null;
  /** Fields of the struct or of each array element. */
  readonly fields?: readonly FieldSpec[];
  /**
   * Kafka's `ignorable`: a non-default value in a version without this field is silently dropped on encode.
   * Without it, encoding such a value is a programming error and throws.
   */
  readonly ignorable?: boolean;
}

export interface MessageSpec {
  readonly apiKey: number;
  /** Kafka's message name: `ProduceRequest`, `FetchResponse`, … */
  readonly name: string;
  readonly type: 'request' | 'response';
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly fields: readonly FieldSpec[];
}

/** An API as the broker and the client see it: both directions, and the versions Ferry serves. */
export interface ApiSpec {
  readonly apiKey: number;
  readonly name: string;
  readonly request: MessageSpec;
  readonly response: MessageSpec;
  /** The versions Ferry's broker serves and its client may send (a subset of the spec's valid versions). */
  readonly minVersion: number;
  readonly maxVersion: number;
}
