import { KafkaError } from '../../protocol/errors/index.js';

export interface PlacementBroker {
  readonly brokerId: number;
  readonly rack: string | null;
}

/**
 * Kafka's replica placement for a new topic or new partitions: leaders spread round-robin over the brokers
 * from a start index, followers at a shifting distance from the leader, and — when brokers have racks — the
 * broker list interleaved by rack first, so that consecutive replicas of a partition sit on different racks.
 *
 * `startIndex` and `shift` are parameters (Kafka draws them at random) so that tests can pin them; the
 * controller passes the number of partitions that already exist so new partitions continue the pattern.
 */
export function assignReplicas(
  brokers: readonly PlacementBroker[],
  partitions: number,
  replicationFactor: number,
  options: { startIndex?: number; shift?: number; firstPartition?: number } = {},
): number[][] {
  if (replicationFactor <= 0)
    throw new KafkaError('INVALID_REPLICATION_FACTOR', 'replication factor must be > 0');
  if (partitions <= 0) throw new KafkaError('INVALID_PARTITIONS', 'number of partitions must be > 0');
  if (replicationFactor > brokers.length) {
    throw new KafkaError(
      'INVALID_REPLICATION_FACTOR',
      `replication factor ${replicationFactor} larger than the ${brokers.length} available brokers`,
    );
  }
  const ordered = rackAlternated(brokers);
  const n = ordered.length;
  const start = (((options.startIndex ?? 0) % n) + n) % n;
  let shift = options.shift ?? start;
  const first = options.firstPartition ?? 0;
  const result: number[][] = [];
  for (let i = 0; i < partitions; i++) {
    const p = first + i;
    if (p > 0 && p % n === 0) shift++;
    const leaderIndex = (start + p) % n;
    const replicas = [ordered[leaderIndex]!];
    for (let j = 0; j < replicationFactor - 1; j++) {
      const offset = 1 + ((shift + j) % (n - 1 || 1));
      const candidate = ordered[(leaderIndex + offset) % n]!;
      replicas.push(replicas.includes(candidate) ? nextUnused(ordered, replicas, leaderIndex) : candidate);
    }
    result.push(replicas);
  }
  return result;
}

/** Brokers sorted by id within each rack, then taken one rack at a time: r1b1, r2b2, r1b3, r2b4, … */
function rackAlternated(brokers: readonly PlacementBroker[]): number[] {
  const sorted = [...brokers].sort((a, b) => a.brokerId - b.brokerId);
  if (sorted.every((b) => !b.rack)) return sorted.map((b) => b.brokerId);
  const byRack = new Map<string, number[]>();
  for (const b of sorted) {
    const rack = b.rack ?? '';
    const list = byRack.get(rack) ?? [];
    list.push(b.brokerId);
    byRack.set(rack, list);
  }
  const racks = [...byRack.keys()].sort();
  const out: number[] = [];
  for (let round = 0; out.length < sorted.length; round++) {
    for (const rack of racks) {
      const id = byRack.get(rack)![round];
      if (id !== undefined) out.push(id);
    }
  }
  return out;
}

function nextUnused(ordered: readonly number[], used: readonly number[], from: number): number {
  for (let k = 1; k <= ordered.length; k++) {
    const id = ordered[(from + k) % ordered.length]!;
    if (!used.includes(id)) return id;
  }
  throw new Error('no unused broker left');
}
