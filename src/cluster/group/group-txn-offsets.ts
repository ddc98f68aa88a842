import type {
  TxnOffsetCommitParams,
  TxnOffsetCommitTopicResult,
} from '../transaction/transactional-offsets.js';
import { GROUP_ERROR_CODES as E } from './group-error-codes.js';
import type { GroupOffsetManager } from './group-offset-manager.js';
import type { GroupRegistry } from './group-registry.js';
import type { OffsetCommitPartition } from './group-types.js';
import type { TxnGroupIndex } from './txn-group-index.js';

/**
 * Transactional offsets (TxnOffsetCommit, the TransactionalOffsets contract): written inside a transactional
 * batch of the producer and held as the group's pending offsets until `completeTxn` reports the producer's
 * end marker on that partition; the TxnGroupIndex names the groups holding a producer's pending offsets so
 * a marker touches only those. A marker reported while its partition loads is applied after the load.
 *
 * Serialisation: part of one GroupCoordinator, on the broker's event loop.
 */
export class GroupTxnOffsets {
  constructor(
    private readonly registry: GroupRegistry,
    private readonly offsets: GroupOffsetManager,
    private readonly txnIndex: TxnGroupIndex,
  ) {}

  async commitTxnOffsets(params: TxnOffsetCommitParams): Promise<TxnOffsetCommitTopicResult[]> {
    const all = (errorCode: number): TxnOffsetCommitTopicResult[] =>
      params.offsets.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode })),
      }));
    // Unlike OffsetCommit, Kafka has no legacy allowance for the empty group id here.
    if (params.groupId === '') return all(E.INVALID_GROUP_ID);
    const status = this.registry.partitionError(params.groupId);
    if (status !== E.NONE) return all(status);
    // A group that does not exist is created to hold the offsets, whatever the generation: the member
    // check below then answers a stale member.
    const group = this.registry.groups.get(params.groupId) ?? this.registry.addGroup(params.groupId);
    const invalid = this.offsets.validateOffsetCommit(group, params, true);
    if (invalid !== E.NONE) {
      this.registry.maybeDropUnusedGroup(group);
      return all(invalid);
    }
    const flat: OffsetCommitPartition[] = [];
    for (const t of params.offsets) {
      for (const p of t.partitions) {
        flat.push({
          topic: t.topic,
          partition: p.partition,
          offset: p.offset,
          leaderEpoch: p.leaderEpoch,
          metadata: p.metadata,
        });
      }
    }
    const results = await this.offsets.storeOffsets(group, flat, {
      producerId: params.producerId,
      producerEpoch: params.producerEpoch,
      transactional: true,
    });
    this.registry.maybeDropUnusedGroup(group);
    let k = 0;
    return params.offsets.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: results[k++]!.errorCode })),
    }));
  }

  completeTxn(producerId: number, committed: boolean, offsetsPartition: number): void {
    const state = this.registry.partitions.get(offsetsPartition);
    if (state === undefined) return;
    if (state.loading) {
      state.deferredTxnCompletions.push({ producerId, committed });
      return;
    }
    const groupIds = this.txnIndex.take(
      producerId,
      (id) => this.registry.partitionFor(id) === offsetsPartition,
    );
    if (groupIds === undefined) return;
    for (const groupId of groupIds) {
      const group = this.registry.groups.get(groupId);
      if (group === undefined) continue;
      group.completeTxnOffsets(producerId, committed);
      this.registry.maybeDropUnusedGroup(group);
    }
    this.registry.logger.debug(
      { producerId, committed, partition: offsetsPartition },
      'transactional offsets completed',
    );
  }
}
