import fc from 'fast-check';
import type { FieldSpec, MessageSpec, PrimitiveType } from '../../../src/protocol/schema/types.js';
import { inVersionRange, parseVersionRange } from '../../../src/protocol/schema/versions.js';

/**
 * fast-check arbitraries of messages valid for one (spec, version): every field the version has, with
 * values its type and nullability allow; fields the version lacks are left out (the codec then encodes
 * nothing and decodes their defaults).
 */
export function messageArbitrary(spec: MessageSpec, version: number): fc.Arbitrary<Record<string, unknown>> {
  return structArbitrary(spec.fields, version, 0);
}

/** Every version of `spec` up to `cap` (the specs' open ranges end where Kafka's do). */
export function versionsOf(spec: MessageSpec): number[] {
  const { min, max } = parseVersionRange(spec.validVersions);
  const out: number[] = [];
  for (let v = min; v <= max; v++) out.push(v);
  return out;
}

function structArbitrary(
  fields: readonly FieldSpec[],
  version: number,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    if (!inVersionRange(f.versions, version)) continue;
    record[f.name] = fieldArbitrary(f, version, depth);
  }
  return fc.record(record);
}

function fieldArbitrary(f: FieldSpec, version: number, depth: number): fc.Arbitrary<unknown> {
  const nullable = inVersionRange(f.nullableVersions, version);
  let arb: fc.Arbitrary<unknown>;
  if (f.type === '[]') {
    arb = fc.array(structArbitrary(f.fields ?? [], version, depth + 1), { maxLength: depth > 1 ? 2 : 3 });
  } else if (f.type === 'struct') {
    arb = structArbitrary(f.fields ?? [], version, depth + 1);
  } else if (f.type.startsWith('[]')) {
    arb = fc.array(primitiveArbitrary(f.type.slice(2) as PrimitiveType), { maxLength: 4 });
  } else {
    arb = primitiveArbitrary(f.type as PrimitiveType);
  }
  return nullable ? fc.option(arb, { nil: null, freq: 4 }) : arb;
}

function primitiveArbitrary(type: PrimitiveType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
    case 'int64':
      return fc.maxSafeInteger();
    case 'float64':
      return fc.double({ noNaN: true });
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex'));
    case 'string':
      return fc.string({ maxLength: 12, unit: 'binary' });
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b));
  }
}
