import type { ProducerIdManager } from '../../../../src/cluster/transaction/producer-id-manager.js';
import {
  type TransactionMarkerRequest,
  type TransactionMarkerWriter,
  topicPartitionKey,
} from '../../../../src/cluster/transaction/transaction-marker-writer.js';
import type {
  TransactionStateRecord,
  TransactionStateStore,
} from '../../../../src/cluster/transaction/transaction-state-store.js';
import { ERROR_CODES, KafkaError } from '../../../../src/protocol/errors/index.js';

/** `__transaction_state` in memory: one array of records per partition; survives a coordinator "restart". */
export class MemoryTransactionStateStore implements TransactionStateStore {
  readonly partitions = new Map<number, TransactionStateRecord[]>();
  /** When set, the next append rejects with it (then it is cleared). */
  failNextAppend: Error | null = null;
  /** When set, appends wait for this gate before landing. */
  gate: Promise<void> | null = null;

  async append(partition: number, records: TransactionStateRecord[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failNextAppend) {
      const err = this.failNextAppend;
      this.failNextAppend = null;
      throw err;
    }
    let log = this.partitions.get(partition);
    if (!log) {
      log = [];
      this.partitions.set(partition, log);
    }
    log.push(...records);
  }

  async *read(partition: number): AsyncIterable<TransactionStateRecord> {
    for (const r of this.partitions.get(partition) ?? []) yield r;
  }

  records(partition: number): TransactionStateRecord[] {
    return this.partitions.get(partition) ?? [];
  }
}

export interface WrittenMarker {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  committed: boolean;
  topic: string;
  partition: number;
}

/**
 * Records every marker it is asked to write. `respond` decides a partition's answer (NONE by default);
 * `hold` makes calls wait until `release` so a test can observe the coordinator mid-completion.
 */
export class RecordingMarkerWriter implements TransactionMarkerWriter {
  readonly written: WrittenMarker[] = [];
  calls = 0;
  respond: (topic: string, partition: number, call: number) => number = () => ERROR_CODES.NONE.code;
  private held: (() => void)[] = [];
  hold = false;

  async writeMarkers(request: TransactionMarkerRequest): Promise<Map<string, number>> {
    const call = this.calls++;
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    const out = new Map<string, number>();
    for (const { topic, partition } of request.partitions) {
      const code = this.respond(topic, partition, call);
      out.set(topicPartitionKey(topic, partition), code);
      if (code === ERROR_CODES.NONE.code) {
        this.written.push({
          producerId: request.producerId,
          producerEpoch: request.producerEpoch,
          coordinatorEpoch: request.coordinatorEpoch,
          committed: request.committed,
          topic,
          partition,
        });
      }
    }
    return out;
  }

  /** Lets every held call go on, and stops holding new ones. */
  release(): void {
    this.hold = false;
    for (const r of this.held.splice(0)) r();
  }

  get pending(): number {
    return this.held.length;
  }
}

export class SequentialProducerIds implements ProducerIdManager {
  constructor(public next = 1000) {}
  failWith: KafkaError | null = null;

  async generateProducerId(): Promise<number> {
    if (this.failWith) throw this.failWith;
    return this.next++;
  }
}

/** Lets queued microtasks and promise chains run, without any timer. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

export const immediate = (): Promise<void> => Promise.resolve();

export { KafkaError };
