import type { VersionRange } from './types.js';

/**
 * Kafka's version-range notation, parsed once: `'3+'` (3 and later), `'1-4'` (1 to 4 inclusive), `'5'`,
 * `'none'`. Parsed ranges are cached by their text, and the codec evaluates them only while compiling a
 * (spec, version) plan, so the encode/decode hot path never parses a range.
 */
export interface VersionInterval {
  readonly min: number;
  /** Inclusive; `Infinity` for an open range. */
  readonly max: number;
}

/** The empty range (`'none'`). */
export const NO_VERSIONS: VersionInterval = Object.freeze({ min: 0, max: -1 });

const cache = new Map<string, VersionInterval>();

export function parseVersionRange(range: VersionRange): VersionInterval {
  const cached = cache.get(range);
  if (cached) return cached;
  const parsed = parse(range.trim());
  cache.set(range, parsed);
  return parsed;
}

function parse(text: string): VersionInterval {
  if (text === 'none' || text === '') return NO_VERSIONS;
  let m = /^(\d+)\+$/.exec(text);
  if (m) return Object.freeze({ min: Number(m[1]), max: Number.POSITIVE_INFINITY });
  m = /^(\d+)-(\d+)$/.exec(text);
  if (m) {
    const min = Number(m[1]);
    const max = Number(m[2]);
    if (max < min) throw new Error(`invalid version range '${text}': ${max} < ${min}`);
    return Object.freeze({ min, max });
  }
  m = /^(\d+)$/.exec(text);
  if (m) {
    const v = Number(m[1]);
    return Object.freeze({ min: v, max: v });
  }
  throw new Error(`invalid version range '${text}'`);
}

/** Whether `version` is in `range`; an absent range (undefined) contains no version. */
export function inVersionRange(range: VersionRange | undefined, version: number): boolean {
  if (range === undefined) return false;
  const { min, max } = parseVersionRange(range);
  return version >= min && version <= max;
}

/** The highest version a range names, or -1 for none; `Infinity` for an open range. */
export function highestVersion(range: VersionRange): number {
  return parseVersionRange(range).max;
}

/** The lowest version a range names, or -1 for none. */
export function lowestVersion(range: VersionRange): number {
  const r = parseVersionRange(range);
  return r.max < r.min ? -1 : r.min;
}
