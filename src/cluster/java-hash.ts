/**
 * Java's String.hashCode over UTF-16 code units, and the partition of an internal topic that holds a key:
 * abs(key.hashCode()) % numPartitions with Kafka's `Utils.abs` (Integer.MIN_VALUE maps to 0). Both
 * coordinators place their keys with it — a group on `__consumer_offsets`, a transactional id on
 * `__transaction_state` — so that a key lands on the same partition as on a Kafka cluster with the same
 * partition count. Pure functions.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

export function internalTopicPartitionFor(key: string, numPartitions: number): number {
  const h = javaStringHashCode(key);
  return (h === -0x8000_0000 ? 0 : Math.abs(h)) % numPartitions;
}
