import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import type { PartitionState } from '../../../src/replication/partition.js';
import type {
  ProducePartitionResult,
  ReplicaManager,
  TopicSettings,
} from '../../../src/replication/replica-manager.js';
import { appendNow, shutDownAndRemove, standaloneReplicaManager } from './standalone-replica-manager.js';

/**
 * `ferry.write.freeze` and its exemption at the leader: a frozen topic refuses every client append with the
 * retriable NOT_ENOUGH_REPLICAS except one whose request header client id equals the exemption exactly; an
 * empty exemption lets nobody through; coordinator appends are never refused. The replica manager applies the
 * topic's settings to partitions it opens and again on a config change.
 */

const EXEMPT = 'ferry-reverse-flow-west->east';
const leading: PartitionState = { leader: 1, leaderEpoch: 1, partitionEpoch: 1, replicas: [1], isr: [1] };

function batch(): Buffer {
  return encodeRecordBatchSync({ records: [{ value: Buffer.from('v'), timestamp: 1 }] });
}

describe('ReplicaManager write freeze', () => {
  let dir: string;
  let manager: ReplicaManager;
  let settings: Omit<TopicSettings, 'logConfig' | 'minInsyncReplicas'>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-write-freeze-'));
    settings = { writeFrozen: true, writeFreezeExemptClientId: EXEMPT };
    manager = standaloneReplicaManager(dir, { settings: () => settings });
    manager.applyPartitionState('t', 0, leading);
  });

  afterEach(() => shutDownAndRemove(manager, dir));

  function produce(clientId?: string, origin: 'client' | 'coordinator' = 'client'): ProducePartitionResult {
    return appendNow(manager, batch(), { origin, ...(clientId === undefined ? {} : { clientId }) });
  }

  it('opens a partition frozen, with its exemption, from the topic settings', () => {
    const p = manager.partition('t', 0)!;
    expect([p.writeFrozen, p.writeFreezeExemptClientId]).toEqual([true, EXEMPT]);
  });

  it('lets the exempt client id through and refuses every other client, retriably', () => {
    const exempt = produce(EXEMPT);
    expect(exempt.error).toBeUndefined();
    expect(exempt.baseOffset).toBe(0);
    for (const other of [
      'ferry-mirror',
      '',
      'ferry-reverse-flow-west->eas',
      `${EXEMPT} `,
      EXEMPT.toUpperCase(),
    ]) {
      const refused = produce(other);
      expect(refused.error?.errorName, other).toBe('NOT_ENOUGH_REPLICAS');
      expect(refused.error?.retriable).toBe(true);
      expect(refused.baseOffset).toBe(-1);
    }
    // A client that sends no client id at all (null header field) is not exempt either.
    expect(produce(undefined).error?.errorName).toBe('NOT_ENOUGH_REPLICAS');
    expect(manager.partition('t', 0)!.log.logEndOffset).toBe(1);
  });

  it('an empty exemption lets no client through, not even one without a client id', () => {
    settings = { writeFrozen: true, writeFreezeExemptClientId: '' };
    manager.updateLogConfig('t');
    expect(produce('').error?.errorName).toBe('NOT_ENOUGH_REPLICAS');
    expect(produce(EXEMPT).error?.errorName).toBe('NOT_ENOUGH_REPLICAS');
    expect(produce('', 'coordinator').error).toBeUndefined();
  });

  it('follows config changes: removing the exemption refuses the client it exempted; lifting lets all in', () => {
    expect(produce(EXEMPT).error).toBeUndefined();
    settings = { writeFrozen: true };
    manager.updateLogConfig('t');
    expect(manager.partition('t', 0)!.writeFreezeExemptClientId).toBe('');
    expect(produce(EXEMPT).error?.errorName).toBe('NOT_ENOUGH_REPLICAS');
    settings = { writeFrozen: false };
    manager.updateLogConfig('t');
    expect(produce('anyone').error).toBeUndefined();
    expect(produce(EXEMPT).error).toBeUndefined();
    expect(manager.partition('t', 0)!.log.logEndOffset).toBe(3);
  });
});
