import { describe, expect, it } from 'vitest';
import {
  coordinatorPartitionFor,
  javaStringHashCode,
} from '../../../../src/cluster/transaction/coordinator-partition.js';

describe('coordinatorPartitionFor', () => {
  it("matches Java's String.hashCode", () => {
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('my-group')).toBe(-1906497762);
    expect(javaStringHashCode('')).toBe(0);
  });

  it("takes Kafka's abs, which maps Integer.MIN_VALUE to 0", () => {
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(coordinatorPartitionFor('polygenelubricants', 50)).toBe(0);
    expect(coordinatorPartitionFor('my-group', 50)).toBe(12);
    expect(coordinatorPartitionFor('txn-1', 50)).toBe(10);
  });
});
