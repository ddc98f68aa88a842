import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { ConsumerOffsetsStore } from './consumer-offsets-store.js';
import type { GroupCoordinatorConfig } from './group-config.js';
import { GROUP_ERROR_CODES as E, storeErrorCode } from './group-error-codes.js';
import { GroupMetadata } from './group-metadata.js';
import { groupMetadataRecord } from './group-metadata-log.js';
import { partitionForGroup } from './offsets-partition.js';
import type { Scheduler } from './scheduler.js';

/** A `__consumer_offsets` partition this broker leads. */
export type PartitionState = {
  loading: boolean;
  epoch: number;
  /**
   * Markers reported (completeTxn) while the partition loads: the replay reads the log only up to its end
   * when the load began, so a marker appended after that is applied once the load is done. No new
   * transactional offsets can be written meanwhile (commits get COORDINATOR_LOAD_IN_PROGRESS), so applying
   * them late cannot resolve a later transaction.
   */
  deferredTxnCompletions: { producerId: number; committed: boolean }[];
};

export interface GroupRegistryOptions {
  readonly config: GroupCoordinatorConfig;
  readonly store: ConsumerOffsetsStore;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
}

/**
 * What the GroupCoordinator's parts share: the `__consumer_offsets` partitions this broker leads, the groups
 * loaded from them, the order counter of offset commits, and the checks and writes every request makes
 * (is the group's partition served here, is a group still the one loaded, append and map the failure).
 *
 * `logOrder` counts commits of one partition in append order (appends land in the log in the order they
 * are made) and in replay order, so that a committed transaction does not overwrite an offset committed
 * after it.
 *
 * Serialisation: owned by one GroupCoordinator and used on the broker's event loop only; changes are
 * synchronous, and callers re-check `isCurrent` after every await.
 */
export class GroupRegistry {
  readonly config: GroupCoordinatorConfig;
  readonly store: ConsumerOffsetsStore;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  readonly partitions = new Map<number, PartitionState>();
  readonly groups = new Map<string, GroupMetadata>();
  private logOrder = 0;

  constructor(options: GroupRegistryOptions) {
    this.config = options.config;
    this.store = options.store;
    this.clock = options.clock;
    this.scheduler = options.scheduler;
    this.logger = options.logger;
  }

  /** The place in the log of the next commit appended or replayed. */
  nextLogOrder(): number {
    return ++this.logOrder;
  }

  /** The `__consumer_offsets` partition of a group. */
  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.config.offsetsTopicNumPartitions);
  }

  isLoading(): boolean {
    for (const s of this.partitions.values()) if (s.loading) return true;
    return false;
  }

  /** NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS when the group cannot be served now, else NONE. */
  partitionError(groupId: string): number {
    const state = this.partitions.get(this.partitionFor(groupId));
    if (state === undefined) return E.NOT_COORDINATOR;
    return state.loading ? E.COORDINATOR_LOAD_IN_PROGRESS : E.NONE;
  }

  /** Whether `group` is still the one loaded under its id (not deleted, unloaded or replaced). */
  isCurrent(group: GroupMetadata): boolean {
    return this.groups.get(group.groupId) === group;
  }

  addGroup(groupId: string): GroupMetadata {
    const group = new GroupMetadata(groupId, 'Empty', this.clock.nowMs());
    this.groups.set(groupId, group);
    return group;
  }

  /** A group created by a JoinGroup that then failed (or whose pending member expired) leaves no trace. */
  maybeDropUnusedGroup(group: GroupMetadata): void {
    if (
      this.isCurrent(group) &&
      group.is('Empty') &&
      group.generationId === 0 &&
      group.size === 0 &&
      group.pendingMembers.size === 0 &&
      !group.hasOffsets()
    ) {
      this.groups.delete(group.groupId);
    }
  }

  /** Writes the group's metadata record; resolves to the error code to answer with (never rejects). */
  storeGroup(group: GroupMetadata, assignments: ReadonlyMap<string, Buffer>): Promise<number> {
    return this.appendOrError(group.groupId, [groupMetadataRecord(group, assignments)]);
  }

  /** Appends to the group's partition; resolves to the error code to answer with (never rejects). */
  async appendOrError(groupId: string, records: Parameters<ConsumerOffsetsStore['append']>[1]) {
    try {
      await this.store.append(this.partitionFor(groupId), records);
      return E.NONE;
    } catch (err) {
      this.logger.warn({ group: groupId, err }, 'append to __consumer_offsets failed');
      return storeErrorCode(err, false);
    }
  }
}
