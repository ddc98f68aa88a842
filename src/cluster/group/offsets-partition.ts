/**
 * Which `__consumer_offsets` partition holds a group: abs(groupId.hashCode()) % offsets.topic.num.partitions,
 * with Java's String.hashCode over UTF-16 code units and Kafka's `Utils.abs` (which maps Integer.MIN_VALUE
 * to 0), so that a group lands on the same partition as on a Kafka cluster with the same partition count.
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  }
  return h;
}

export function partitionForGroup(groupId: string, numPartitions: number): number {
  const h = javaStringHashCode(groupId);
  const abs = h === -0x8000_0000 ? 0 : Math.abs(h);
  return abs % numPartitions;
}
