import { internalTopicPartitionFor } from '../java-hash.js';

/**
 * Which `__consumer_offsets` partition holds a group: abs(groupId.hashCode()) % offsets.topic.num.partitions,
 * as Kafka places it (see src/cluster/java-hash.ts).
 */
export { javaStringHashCode } from '../java-hash.js';

export function partitionForGroup(groupId: string, numPartitions: number): number {
  return internalTopicPartitionFor(groupId, numPartitions);
}
