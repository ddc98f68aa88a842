import type { GroupMetadata } from './group-metadata.js';

/**
 * producer id → ids of the groups holding pending transactional offsets of that producer, so that a
 * producer's end marker touches only those groups. An entry exists only while its set is non-empty.
 *
 * Serialisation: part of one GroupCoordinator, on the broker's event loop.
 */
export class TxnGroupIndex {
  private readonly txnGroups = new Map<number, Set<string>>();

  add(producerId: number, group: GroupMetadata): void {
    let groupIds = this.txnGroups.get(producerId);
    if (!groupIds) {
      groupIds = new Set();
      this.txnGroups.set(producerId, groupIds);
    }
    groupIds.add(group.groupId);
  }

  remove(producerId: number, groupId: string): void {
    const groupIds = this.txnGroups.get(producerId);
    if (groupIds?.delete(groupId) && groupIds.size === 0) this.txnGroups.delete(producerId);
  }

  /** The group leaves this coordinator (deleted, unloaded): its pending offsets go with it. */
  removeGroup(group: GroupMetadata): void {
    for (const producerId of group.pendingTxnOffsets.producerIds()) this.remove(producerId, group.groupId);
  }

  /**
   * Removes and returns the producer's groups that `belongs` accepts (those of one offsets partition);
   * undefined when no group holds offsets of the producer.
   */
  take(producerId: number, belongs: (groupId: string) => boolean): string[] | undefined {
    const groupIds = this.txnGroups.get(producerId);
    if (groupIds === undefined) return undefined;
    const taken: string[] = [];
    for (const groupId of groupIds) {
      if (!belongs(groupId)) continue;
      groupIds.delete(groupId);
      taken.push(groupId);
    }
    if (groupIds.size === 0) this.txnGroups.delete(producerId);
    return taken;
  }
}
