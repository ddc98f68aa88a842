import { KafkaError } from '../errors/kafka-error.js';
import { ProtocolDecodeError, ProtocolEncodeError } from '../wire/protocol-errors.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import type { FieldSpec, MessageSpec, PrimitiveType } from './types.js';
import { inVersionRange } from './versions.js';

/**
 * The one generic encoder/decoder of Kafka messages: it walks a `MessageSpec` for one version.
 *
 * Each (spec, version) is compiled once into a plan of closures (cached per spec object) in which every
 * version question — is the field on the wire, is it nullable, is it tagged, compact or classic encodings —
 * has already been answered; encoding or decoding then only runs the closures. Produce and Fetch go
 * through here on the hot path; their `records` fields are never parsed: decode yields a slice of the
 * frame, encode appends the caller's Buffer by reference (see `Writer`).
 *
 * Rules, as Kafka's generated code applies them:
 * - A field outside its `versions` is not on the wire: decode gives its default, encode drops it if it
 *   still holds its default (or the field is `ignorable`) and throws otherwise.
 * - In flexible versions strings, bytes, records and arrays are compact (unsigned varint length + 1) and
 *   every struct ends with a tagged-field section: known tagged fields are written, in tag order, only when
 *   not at their default; unknown tags are skipped on decode and kept nowhere.
 * - A nullable struct carries an int8 presence marker (-1 null, 1 present).
 * - `undefined` in a value to encode means "the default"; decoded objects carry every field of the spec,
 *   absent ones at their default.
 *
 * Decoding never trusts a length: the Reader checks every length and count against the bytes left, and a
 * failure surfaces as ProtocolDecodeError with the path of the field, e.g.
 * `ProduceRequest.topicData[0].partitionData[2].records`.
 *
 * Plans are immutable once built; the cache is filled lazily and is safe in Node's single thread.
 */

type DecodeFn = (r: Reader) => unknown;
type EncodeFn = (w: Writer, v: unknown) => void;

interface FieldPlan {
  readonly name: string;
  /** 0: not on the wire in this version; 1: a regular field; 2: a tagged field. */
  readonly mode: 0 | 1 | 2;
  readonly tag: number;
  readonly ignorable: boolean;
  readonly decode: DecodeFn;
  readonly encode: EncodeFn;
  /** A fresh default value (arrays and structs must not be shared between decoded messages). */
  readonly makeDefault: () => unknown;
  readonly isDefault: (v: unknown) => boolean;
  /** The fewest bytes the field can take on the wire. */
  readonly minSize: number;
}

interface StructPlan {
  readonly fields: readonly FieldPlan[];
  /** Tagged fields of this version, by ascending tag. */
  readonly tagged: readonly FieldPlan[];
  readonly flexible: boolean;
  readonly minSize: number;
}

/** A compiled (spec, version): what the hot path calls. */
export interface CompiledMessage<T = unknown> {
  readonly spec: MessageSpec;
  readonly version: number;
  readonly flexible: boolean;
  encode(value: T, writer: Writer): void;
  decode(reader: Reader): T;
}

const EMPTY_BUFFER = Buffer.alloc(0);
const NIL_UUID = '00000000000000000000000000000000';
/** `bytes` values at least this long are appended by reference rather than copied into the scratch. */
const BYTES_BY_REFERENCE_THRESHOLD = 1024;

const plans = new WeakMap<MessageSpec, Array<CompiledMessage | undefined>>();

/** The compiled plan of `spec` at `version`; throws UNSUPPORTED_VERSION outside the spec's valid versions. */
export function compileMessage<T = unknown>(spec: MessageSpec, version: number): CompiledMessage<T> {
  let byVersion = plans.get(spec);
  if (byVersion === undefined) {
    byVersion = [];
    plans.set(spec, byVersion);
  }
  let compiled = byVersion[version];
  if (compiled === undefined) {
    compiled = build(spec, version);
    byVersion[version] = compiled;
  }
  return compiled as CompiledMessage<T>;
}

export function encodeMessage<T>(spec: MessageSpec, version: number, value: T, writer: Writer): void {
  compileMessage<T>(spec, version).encode(value, writer);
}

export function decodeMessage<T>(spec: MessageSpec, version: number, reader: Reader): T {
  return compileMessage<T>(spec, version).decode(reader);
}

/** Encodes into a single Buffer: convenient for tests and small messages, not for the Fetch hot path. */
export function encodeMessageToBuffer<T>(spec: MessageSpec, version: number, value: T): Buffer {
  const w = new Writer();
  encodeMessage(spec, version, value, w);
  return w.toBuffer();
}

function build(spec: MessageSpec, version: number): CompiledMessage {
  if (!Number.isInteger(version) || !inVersionRange(spec.validVersions, version)) {
    throw new KafkaError('UNSUPPORTED_VERSION', `${spec.name} has no version ${version}`);
  }
  const flexible = inVersionRange(spec.flexibleVersions, version);
  // A server answers every client version from one response object: fields a version lacks are dropped, as if
  // ignorable, rather than refusing to answer. Requests stay strict, so a client never sends a field silently.
  const plan = structPlan(spec.fields, version, flexible, spec.type === 'response');
  const name = spec.name;
  return {
    spec,
    version,
    flexible,
    encode(value: unknown, writer: Writer): void {
      try {
        encodeStruct(plan, writer, value);
      } catch (e) {
        throw encodeFailure(e, name);
      }
    },
    decode(reader: Reader): unknown {
      try {
        return decodeStruct(plan, reader);
      } catch (e) {
        throw decodeFailure(e, name);
      }
    },
  };
}

function structPlan(
  fields: readonly FieldSpec[],
  version: number,
  flexible: boolean,
  lenient: boolean,
): StructPlan {
  const planned = fields.map((f) => fieldPlan(f, version, flexible, lenient));
  const tagged = planned.filter((f) => f.mode === 2).sort((a, b) => a.tag - b.tag);
  let minSize = flexible ? 1 : 0;
  for (const f of planned) if (f.mode === 1) minSize += f.minSize;
  return { fields: planned, tagged, flexible, minSize };
}

function fieldPlan(field: FieldSpec, version: number, flexible: boolean, lenient: boolean): FieldPlan {
  const present = inVersionRange(field.versions, version);
  // An absent field is never on the wire; only its default matters: null where its nullableVersions name
  // this version (types.ts) or where null is its declared default.
  const nullable = inVersionRange(field.nullableVersions, version) || (!present && field.default === null);
  const isTagged =
    present &&
    flexible &&
    field.tag !== undefined &&
    inVersionRange(field.taggedVersions ?? field.versions, version);
  const mode: 0 | 1 | 2 = !present ? 0 : isTagged ? 2 : 1;
  const codec = typeCodec(field, version, flexible, nullable, lenient);
  return {
    name: field.name,
    mode,
    tag: field.tag ?? -1,
    ignorable: lenient || field.ignorable === true,
    decode: codec.decode,
    encode: codec.encode,
    makeDefault: codec.makeDefault,
    isDefault: codec.isDefault,
    minSize: codec.minSize,
  };
}

interface TypeCodec {
  decode: DecodeFn;
  encode: EncodeFn;
  makeDefault: () => unknown;
  isDefault: (v: unknown) => boolean;
  minSize: number;
}

function typeCodec(
  field: FieldSpec,
  version: number,
  flexible: boolean,
  nullable: boolean,
  lenient: boolean,
): TypeCodec {
  const type = field.type;
  if (type === 'struct' || type === '[]') {
    if (!field.fields) throw new Error(`field ${field.name} of type '${type}' has no fields`);
    const plan = structPlan(field.fields, version, flexible, lenient);
    const element: TypeCodec = {
      decode: (r) => decodeStruct(plan, r),
      encode: (w, v) => encodeStruct(plan, w, v),
      makeDefault: () => defaultStruct(plan),
      isDefault: (v) => isDefaultStruct(plan, v),
      minSize: plan.minSize,
    };
    return type === '[]'
      ? arrayCodec(element, flexible, nullable, field.default === null)
      : structCodec(element, nullable, field.default === null);
  }
  if (type.startsWith('[]')) {
    const element = primitiveCodec(type.slice(2) as PrimitiveType, undefined, flexible, false);
    return arrayCodec(element, flexible, nullable, field.default === null);
  }
  return primitiveCodec(type as PrimitiveType, field.default, flexible, nullable);
}

function arrayCodec(
  element: TypeCodec,
  compact: boolean,
  nullable: boolean,
  nullDefault: boolean,
): TypeCodec {
  const decodeElement = element.decode;
  const encodeElement = element.encode;
  const minElement = element.minSize;
  const defaultIsNull = nullable && nullDefault;
  return {
    decode(r) {
      const n = r.arrayLength(compact, minElement);
      if (n === -1) {
        if (!nullable) throw new ProtocolDecodeError('null where a non-nullable array is required');
        return null;
      }
      const out: unknown[] = [];
      let i = 0;
      try {
        for (; i < n; i++) out.push(decodeElement(r));
      } catch (e) {
        throw decodeFailure(e, `[${i}]`);
      }
      return out;
    },
    encode(w, v) {
      if (v === null || v === undefined) {
        if (v === null && !nullable)
          throw new ProtocolEncodeError('null where the version allows no null array');
        w.arrayLength(v === null ? null : 0, compact);
        return;
      }
      if (!Array.isArray(v)) throw new ProtocolEncodeError('not an array');
      w.arrayLength(v.length, compact);
      let i = 0;
      try {
        for (; i < v.length; i++) encodeElement(w, v[i]);
      } catch (e) {
        throw encodeFailure(e, `[${i}]`);
      }
    },
    makeDefault: () => (defaultIsNull ? null : []),
    isDefault: (v) => v === undefined || (defaultIsNull ? v === null : Array.isArray(v) && v.length === 0),
    minSize: compact ? 1 : 4,
  };
}

function structCodec(inner: TypeCodec, nullable: boolean, nullDefault: boolean): TypeCodec {
  if (!nullable) return inner;
  const defaultIsNull = nullDefault;
  return {
    decode(r) {
      return r.int8() < 0 ? null : inner.decode(r);
    },
    encode(w, v) {
      if (v === null) {
        w.int8(-1);
        return;
      }
      w.int8(1);
      inner.encode(w, v);
    },
    makeDefault: () => (defaultIsNull ? null : inner.makeDefault()),
    isDefault: (v) => v === undefined || (defaultIsNull ? v === null : v !== null && inner.isDefault(v)),
    minSize: 1,
  };
}

function decodeStruct(plan: StructPlan, r: Reader): Record<string, unknown> {
  const fields = plan.fields;
  const out: Record<string, unknown> = {};
  let i = 0;
  try {
    for (; i < fields.length; i++) {
      const f = fields[i]!;
      out[f.name] = f.mode === 1 ? f.decode(r) : f.makeDefault();
    }
  } catch (e) {
    throw decodeFailure(e, `.${fields[i]!.name}`);
  }
  if (plan.flexible) decodeTaggedFields(plan, r, out);
  return out;
}

function decodeTaggedFields(plan: StructPlan, r: Reader, out: Record<string, unknown>): void {
  let count: number;
  try {
    count = r.unsignedVarint();
  } catch (e) {
    throw decodeFailure(e, '._taggedFields');
  }
  for (let k = 0; k < count; k++) {
    let tag = -1;
    try {
      tag = r.unsignedVarint();
      const size = r.unsignedVarint();
      r.ensure(size);
      const known = findTagged(plan, tag);
      if (known !== undefined) {
        const sub = new Reader(r.buffer, r.position, r.position + size);
        out[known.name] = known.decode(sub);
      }
      r.position += size;
    } catch (e) {
      const known = tag >= 0 ? findTagged(plan, tag) : undefined;
      throw decodeFailure(e, known ? `.${known.name}` : `._taggedFields[${k}]`);
    }
  }
}

function findTagged(plan: StructPlan, tag: number): FieldPlan | undefined {
  for (const f of plan.tagged) if (f.tag === tag) return f;
  return undefined;
}

function encodeStruct(plan: StructPlan, w: Writer, value: unknown): void {
  if (value === null || typeof value !== 'object') throw new ProtocolEncodeError('not an object');
  const obj = value as Record<string, unknown>;
  const fields = plan.fields;
  let i = 0;
  try {
    for (; i < fields.length; i++) {
      const f = fields[i]!;
      const v = obj[f.name];
      if (f.mode === 1) {
        f.encode(w, v === undefined ? f.makeDefault() : v);
      } else if (f.mode === 0 && !f.ignorable && !f.isDefault(v)) {
        throw new ProtocolEncodeError(
          'has a non-default value but is not in this version and is not ignorable',
        );
      }
    }
  } catch (e) {
    throw encodeFailure(e, `.${fields[i]!.name}`);
  }
  if (plan.flexible) encodeTaggedFields(plan, w, obj);
}

function encodeTaggedFields(plan: StructPlan, w: Writer, obj: Record<string, unknown>): void {
  const tagged = plan.tagged;
  if (tagged.length === 0) {
    w.unsignedVarint(0);
    return;
  }
  let count = 0;
  for (const f of tagged) if (!f.isDefault(obj[f.name])) count++;
  w.unsignedVarint(count);
  for (const f of tagged) {
    const v = obj[f.name];
    if (f.isDefault(v)) continue;
    try {
      // Tagged values are rare and small; sizing them by encoding aside keeps the codec single-pass.
      const aside = new Writer(64);
      f.encode(aside, v);
      const bytes = aside.toBuffer();
      w.unsignedVarint(f.tag).unsignedVarint(bytes.length).raw(bytes);
    } catch (e) {
      throw encodeFailure(e, `.${f.name}`);
    }
  }
}

function defaultStruct(plan: StructPlan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of plan.fields) out[f.name] = f.makeDefault();
  return out;
}

function isDefaultStruct(plan: StructPlan, v: unknown): boolean {
  if (v === undefined) return true;
  if (v === null || typeof v !== 'object') return false;
  const obj = v as Record<string, unknown>;
  for (const f of plan.fields) if (!f.isDefault(obj[f.name])) return false;
  return true;
}

function primitiveCodec(
  type: PrimitiveType,
  declaredDefault: FieldSpec['default'],
  compact: boolean,
  nullable: boolean,
): TypeCodec {
  switch (type) {
    case 'bool': {
      const d = declaredDefault === true || declaredDefault === 'true';
      return fixed(
        1,
        (r) => r.bool(),
        (w, v) => w.bool(v as boolean),
        d,
      );
    }
    case 'int8':
      return fixed(
        1,
        (r) => r.int8(),
        (w, v) => w.int8(v as number),
        numericDefault(declaredDefault),
      );
    case 'int16':
      return fixed(
        2,
        (r) => r.int16(),
        (w, v) => w.int16(v as number),
        numericDefault(declaredDefault),
      );
    case 'uint16':
      return fixed(
        2,
        (r) => r.uint16(),
        (w, v) => w.uint16(v as number),
        numericDefault(declaredDefault),
      );
    case 'int32':
      return fixed(
        4,
        (r) => r.int32(),
        (w, v) => w.int32(v as number),
        numericDefault(declaredDefault),
      );
    case 'int64':
      return fixed(
        8,
        (r) => r.int64(),
        (w, v) => w.int64(v as number),
        numericDefault(declaredDefault),
      );
    case 'float64':
      return fixed(
        8,
        (r) => r.float64(),
        (w, v) => w.float64(v as number),
        numericDefault(declaredDefault),
      );
    case 'uuid': {
      const d = typeof declaredDefault === 'string' && declaredDefault !== '' ? declaredDefault : NIL_UUID;
      return {
        decode: (r) => r.uuid(),
        encode: (w, v) => w.uuid(v as string),
        makeDefault: () => d,
        isDefault: (v) => v === undefined || (typeof v === 'string' && v.toLowerCase() === d),
        minSize: 16,
      };
    }
    case 'string':
      return stringCodec(declaredDefault, compact, nullable);
    case 'bytes':
      return bytesCodec(declaredDefault, compact, nullable, false);
    case 'records':
      return bytesCodec(declaredDefault, compact, nullable, true);
    default:
      throw new Error(`unknown field type '${String(type)}'`);
  }
}

function numericDefault(d: FieldSpec['default']): number {
  if (d === undefined || d === null || d === '') return 0;
  const n = typeof d === 'number' ? d : Number(d);
  if (Number.isNaN(n)) throw new Error(`invalid numeric default '${String(d)}'`);
  return n;
}

function fixed<V extends number | boolean>(
  size: number,
  decode: DecodeFn,
  encode: EncodeFn,
  d: V,
): TypeCodec {
  const kind = typeof d;
  return {
    decode,
    encode: (w, v) => {
      // Buffer's writers coerce strings and undefined to numbers; a wrong type must fail loudly instead.
      if (typeof v !== kind) throw new ProtocolEncodeError(`expected a ${kind}, got ${typeof v}`);
      encode(w, v);
    },
    makeDefault: () => d,
    isDefault: (v) => v === undefined || v === d,
    minSize: size,
  };
}

function stringCodec(declaredDefault: FieldSpec['default'], compact: boolean, nullable: boolean): TypeCodec {
  // A null default holds only where the version is nullable (Kafka's generator insists on it); elsewhere ''.
  const d: string | null =
    nullable && (declaredDefault === null || declaredDefault === undefined)
      ? null
      : String(declaredDefault ?? '');
  const nullError = 'null where the version allows no null string';
  return {
    decode: compact
      ? nullable
        ? (r) => r.compactNullableString()
        : (r) => r.compactString()
      : nullable
        ? (r) => r.nullableString()
        : (r) => r.string(),
    encode: (w, v) => {
      if (v === null && !nullable) throw new ProtocolEncodeError(nullError);
      if (v !== null && typeof v !== 'string') throw new ProtocolEncodeError('not a string');
      if (compact) w.compactNullableString(v);
      else w.nullableString(v);
    },
    makeDefault: () => d,
    isDefault: (v) => v === undefined || v === d,
    minSize: compact ? 1 : 2,
  };
}

function bytesCodec(
  declaredDefault: FieldSpec['default'],
  compact: boolean,
  nullable: boolean,
  records: boolean,
): TypeCodec {
  const nullDefault = nullable && (declaredDefault === null || declaredDefault === undefined);
  return {
    decode: compact
      ? nullable
        ? (r) => r.compactNullableBytes()
        : (r) => r.compactBytes()
      : nullable
        ? (r) => r.nullableBytes()
        : (r) => r.bytes(),
    encode: (w, v) => {
      if (v === null) {
        if (!nullable) throw new ProtocolEncodeError('null where the version allows no null bytes');
      } else if (!Buffer.isBuffer(v)) {
        throw new ProtocolEncodeError('not a Buffer');
      }
      const byReference = records || (v !== null && v.length >= BYTES_BY_REFERENCE_THRESHOLD);
      if (compact) w.compactNullableBytes(v, byReference);
      else w.nullableBytes(v, byReference);
    },
    makeDefault: () => (nullDefault ? null : EMPTY_BUFFER),
    isDefault: (v) => v === undefined || (nullDefault ? v === null : Buffer.isBuffer(v) && v.length === 0),
    minSize: compact ? 1 : 4,
  };
}

function decodeFailure(e: unknown, segment: string): ProtocolDecodeError {
  if (e instanceof ProtocolDecodeError) return e.prependPath(segment);
  // Anything else escaping a read is a codec bug; it must still surface as a decode failure, never crash.
  const err = new ProtocolDecodeError(e instanceof Error ? e.message : String(e));
  return err.prependPath(segment);
}

function encodeFailure(e: unknown, segment: string): ProtocolEncodeError {
  if (e instanceof ProtocolEncodeError) return e.prependPath(segment);
  const err = new ProtocolEncodeError(e instanceof Error ? e.message : String(e));
  return err.prependPath(segment);
}
