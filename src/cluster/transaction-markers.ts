import { BrokerConnection } from '../client/broker-connection.js';
import type { Clock } from '../common/clock.js';
import {
  WRITE_TXN_MARKERS_API,
  type WriteTxnMarkersRequest,
  type WriteTxnMarkersResponse,
} from '../protocol/messages/write-txn-markers.js';
import { encodeEndTxnMarkerBatch } from '../protocol/records/control-record.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { MetadataImage } from './metadata/metadata-image.js';
import type { TransactionMarkerRequest, TransactionMarkerWriter } from './transaction/index.js';
import { topicPartitionKey } from './transaction/index.js';

const NOT_LEADER_OR_FOLLOWER = 6;

/** Called once a marker landed on a partition (the group coordinator completes transactional offsets). */
export type MarkerWritten = (
  topic: string,
  partition: number,
  producerId: number,
  committed: boolean,
) => void;

/**
 * Writes end-transaction markers (control batches, acks=all) to the partitions of a transaction that this
 * broker leads, through the replica manager — the path of both this broker's own coordinator (ClusterMarkerWriter)
 * and of WriteTxnMarkers requests from other brokers' coordinators.
 */
export class LocalMarkerWriter implements TransactionMarkerWriter {
  constructor(
    private readonly replicaManager: ReplicaManager,
    private readonly clock: Clock,
    private readonly onWritten: MarkerWritten,
    private readonly timeoutMs = 30_000,
  ) {}

  async writeMarkers(request: TransactionMarkerRequest): Promise<Map<string, number>> {
    const results = await this.replicaManager.appendRecords(
      request.partitions.map((tp) => ({
        topic: tp.topic,
        partition: tp.partition,
        records: encodeEndTxnMarkerBatch({
          producerId: request.producerId,
          producerEpoch: request.producerEpoch,
          coordinatorEpoch: request.coordinatorEpoch,
          commit: request.committed,
          timestamp: this.clock.nowMs(),
        }),
      })),
      -1,
      this.timeoutMs,
      'coordinator',
    );
    const codes = new Map<string, number>();
    for (const r of results) {
      codes.set(topicPartitionKey(r.topic, r.partition), r.error?.code ?? 0);
      if (!r.error) this.onWritten(r.topic, r.partition, request.producerId, request.committed);
    }
    return codes;
  }
}

/**
 * The transaction coordinator's marker writer in a cluster: partitions this broker leads get their markers
 * through the local writer; the others are sent to their leaders as WriteTxnMarkers requests over the wire (one
 * connection per broker, kept), as Kafka's TransactionMarkerChannelManager does. A partition without a live
 * leader answers NOT_LEADER_OR_FOLLOWER and is retried by the coordinator once the metadata moved.
 */
export class ClusterMarkerWriter implements TransactionMarkerWriter {
  private readonly connections = new Map<number, Promise<BrokerConnection>>();

  constructor(
    private readonly brokerId: number,
    private readonly metadata: MetadataImage,
    private readonly local: LocalMarkerWriter,
  ) {}

  async writeMarkers(request: TransactionMarkerRequest): Promise<Map<string, number>> {
    const byLeader = new Map<number, TransactionMarkerRequest['partitions'][number][]>();
    const codes = new Map<string, number>();
    for (const tp of request.partitions) {
      const leader = this.metadata.partition(tp.topic, tp.partition)?.leader ?? -1;
      if (leader < 0) {
        codes.set(topicPartitionKey(tp.topic, tp.partition), NOT_LEADER_OR_FOLLOWER);
        continue;
      }
      const list = byLeader.get(leader) ?? [];
      list.push(tp);
      byLeader.set(leader, list);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, partitions]) => {
        const part = { ...request, partitions };
        const result =
          leader === this.brokerId ? await this.local.writeMarkers(part) : await this.remote(leader, part);
        for (const [key, code] of result) codes.set(key, code);
      }),
    );
    return codes;
  }

  close(): void {
    for (const connection of this.connections.values()) {
      connection.then((c) => c.close('broker stopping')).catch(() => {});
    }
    this.connections.clear();
  }

  private async remote(leader: number, request: TransactionMarkerRequest): Promise<Map<string, number>> {
    const codes = new Map<string, number>();
    const failAll = (code: number) => {
      for (const tp of request.partitions) codes.set(topicPartitionKey(tp.topic, tp.partition), code);
      return codes;
    };
    let connection: BrokerConnection;
    try {
      connection = await this.connection(leader);
    } catch {
      return failAll(NOT_LEADER_OR_FOLLOWER);
    }
    const topics = new Map<string, number[]>();
    for (const tp of request.partitions)
      topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
    try {
      const response = await connection.send<WriteTxnMarkersRequest, WriteTxnMarkersResponse>(
        WRITE_TXN_MARKERS_API,
        {
          markers: [
            {
              producerId: request.producerId,
              producerEpoch: request.producerEpoch,
              transactionResult: request.committed,
              coordinatorEpoch: request.coordinatorEpoch,
              topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
            },
          ],
        },
      );
      for (const marker of response.markers) {
        for (const topic of marker.topics) {
          for (const p of topic.partitions)
            codes.set(topicPartitionKey(topic.name, p.partitionIndex), p.errorCode);
        }
      }
      return codes;
    } catch {
      this.connections.delete(leader);
      connection.close('WriteTxnMarkers failed');
      return failAll(NOT_LEADER_OR_FOLLOWER);
    }
  }

  private connection(brokerId: number): Promise<BrokerConnection> {
    let pending = this.connections.get(brokerId);
    if (pending === undefined) {
      const broker = this.metadata.brokers.get(brokerId);
      if (!broker || broker.fenced) return Promise.reject(new Error(`broker ${brokerId} is not alive`));
      pending = BrokerConnection.connect({
        host: broker.host,
        port: broker.port,
        clientId: `txn-markers-${this.brokerId}`,
        connectTimeoutMs: 2000,
        requestTimeoutMs: 10_000,
      }).then(
        (c) => c,
        (err: unknown) => {
          this.connections.delete(brokerId);
          throw err;
        },
      );
      this.connections.set(brokerId, pending);
    }
    return pending.then((c) => {
      if (c.isOpen) return c;
      this.connections.delete(brokerId);
      return this.connection(brokerId);
    });
  }
}
