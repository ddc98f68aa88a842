/**
 * Which partition of an internal topic holds a key: abs(key.hashCode()) % numPartitions, with Java's
 * String.hashCode over UTF-16 code units and Kafka's `Utils.abs` (Integer.MIN_VALUE maps to 0), so that a
 * transactional id lands on the same `__transaction_state` partition, and a group on the same
 * `__consumer_offsets` partition, as on a Kafka cluster with the same partition count.
 *
 * (src/cluster/group has the same function for groups; the two can merge into one cluster-level helper.)
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

export function coordinatorPartitionFor(key: string, numPartitions: number): number {
  const h = javaStringHashCode(key);
  return (h === -0x8000_0000 ? 0 : Math.abs(h)) % numPartitions;
}
