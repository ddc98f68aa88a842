import { internalTopicPartitionFor } from '../java-hash.js';

/**
 * Which `__transaction_state` partition holds a transactional id: abs(id.hashCode()) % numPartitions, as
 * Kafka places it (see src/cluster/java-hash.ts, shared with the group coordinator).
 */
export { javaStringHashCode } from '../java-hash.js';

export function coordinatorPartitionFor(key: string, numPartitions: number): number {
  return internalTopicPartitionFor(key, numPartitions);
}
