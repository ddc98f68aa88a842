import { describe, expect, it } from 'vitest';
import { javaStringHashCode, partitionForGroup } from '../../../../src/cluster/group/offsets-partition.js';

describe('partitionForGroup', () => {
  it("computes Java's String.hashCode", () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('Aa')).toBe(2112);
    expect(javaStringHashCode('BB')).toBe(2112);
    // Wraps around 32 bits as Java's int arithmetic does.
    expect(javaStringHashCode('hello world')).toBe(1794106052);
  });

  it("takes Kafka's abs, which maps Integer.MIN_VALUE to partition 0", () => {
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(partitionForGroup('polygenelubricants', 50)).toBe(0);
  });

  it('uses the absolute value of a negative hash', () => {
    const h = javaStringHashCode('negative-hash-group?');
    expect(h).toBeLessThan(0);
    const expected = Math.abs(h) % 50;
    expect(partitionForGroup('negative-hash-group?', 50)).toBe(expected);
    expect(partitionForGroup('hello', 50)).toBe(99162322 % 50);
  });
});
