import { describe, expect, it } from 'vitest';
import {
  highestVersion,
  inVersionRange,
  lowestVersion,
  NO_VERSIONS,
  parseVersionRange,
} from '../../../../src/protocol/schema/versions.js';

describe('version ranges', () => {
  it('parses the four notations', () => {
    expect(parseVersionRange('3+')).toEqual({ min: 3, max: Number.POSITIVE_INFINITY });
    expect(parseVersionRange('1-4')).toEqual({ min: 1, max: 4 });
    expect(parseVersionRange('5')).toEqual({ min: 5, max: 5 });
    expect(parseVersionRange('none')).toBe(NO_VERSIONS);
  });

  it('caches parsed ranges', () => {
    expect(parseVersionRange('2-7')).toBe(parseVersionRange('2-7'));
  });

  it('answers membership', () => {
    expect(inVersionRange('3+', 2)).toBe(false);
    expect(inVersionRange('3+', 300)).toBe(true);
    expect(inVersionRange('1-4', 4)).toBe(true);
    expect(inVersionRange('1-4', 5)).toBe(false);
    expect(inVersionRange('5', 5)).toBe(true);
    expect(inVersionRange('none', 0)).toBe(false);
    expect(inVersionRange(undefined, 0)).toBe(false);
  });

  it('gives bounds', () => {
    expect(lowestVersion('none')).toBe(-1);
    expect(lowestVersion('2-3')).toBe(2);
    expect(highestVersion('2-3')).toBe(3);
    expect(highestVersion('9+')).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects malformed ranges', () => {
    expect(() => parseVersionRange('4-1')).toThrow();
    expect(() => parseVersionRange('1..2')).toThrow();
    expect(() => parseVersionRange('+3')).toThrow();
  });
});
