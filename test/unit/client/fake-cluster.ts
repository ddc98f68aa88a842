import type { BrokerConnectionOptions } from '../../../src/client/broker-connection.js';
import { ConnectionClosedError } from '../../../src/client/broker-connection.js';
import type { Connection } from '../../../src/client/connection-pool.js';
import { ApiKey } from '../../../src/protocol/api-keys.js';
import type { MetadataRequest, MetadataResponse } from '../../../src/protocol/messages/metadata.js';
import type { ApiSpec } from '../../../src/protocol/schema/types.js';

/**
 * A fake cluster behind fake connections: brokers on 127.0.0.1 ports 9001.., a leader table the test edits,
 * and per-API handlers. Requests are answered from the handlers without any codec: the client layer's
 * routing, grouping and retry decisions are what these tests look at.
 */
export type Handler = (brokerId: number, body: unknown) => unknown;

export class FakeConnection implements Connection {
  isOpen = true;
  inFlightCount = 0;
  readonly sent: Array<{ apiKey: number; body: unknown }> = [];

  constructor(
    readonly cluster: FakeCluster,
    readonly brokerId: number,
  ) {}

  version(api: ApiSpec): number {
    return api.maxVersion;
  }

  async send<Req, Res>(api: ApiSpec, body: Req): Promise<Res> {
    if (!this.isOpen) throw new ConnectionClosedError(`broker-${this.brokerId}`, 'closed');
    this.sent.push({ apiKey: api.apiKey, body });
    this.inFlightCount++;
    try {
      await Promise.resolve();
      const drop = this.cluster.dropNext.get(api.apiKey);
      if (drop) {
        this.cluster.dropNext.delete(api.apiKey);
        this.isOpen = false;
        throw new ConnectionClosedError(`broker-${this.brokerId}`, 'dropped by the test');
      }
      return (await this.cluster.answer(this.brokerId, api.apiKey, body)) as Res;
    } finally {
      this.inFlightCount--;
    }
  }

  sendOneWay<Req>(api: ApiSpec, body: Req): void {
    this.sent.push({ apiKey: api.apiKey, body });
  }

  close(): void {
    this.isOpen = false;
  }
}

export class FakeCluster {
  /** topic → leader broker id per partition. */
  readonly leaders = new Map<string, number[]>();
  /** topic → leader epoch per partition. */
  readonly epochs = new Map<string, number[]>();
  readonly handlers = new Map<number, Handler>();
  readonly connections: FakeConnection[] = [];
  readonly down = new Set<number>();
  /** Drop the connection on the next request of this API key. */
  readonly dropNext = new Map<number, true>();
  metadataRequests = 0;

  constructor(readonly brokerIds: number[] = [1, 2]) {}

  portOf(id: number): number {
    return 9000 + id;
  }

  connector = async (options: BrokerConnectionOptions): Promise<Connection> => {
    const id = options.port - 9000;
    if (!this.brokerIds.includes(id) || this.down.has(id)) {
      throw new ConnectionClosedError(`${options.host}:${options.port}`, 'connection refused');
    }
    const connection = new FakeConnection(this, id);
    this.connections.push(connection);
    return connection;
  };

  sentTo(brokerId: number, apiKey: number): unknown[] {
    return this.connections
      .filter((c) => c.brokerId === brokerId)
      .flatMap((c) => c.sent.filter((s) => s.apiKey === apiKey).map((s) => s.body));
  }

  answer(brokerId: number, apiKey: number, body: unknown): unknown {
    if (apiKey === ApiKey.Metadata) return this.metadata(body as MetadataRequest);
    const handler = this.handlers.get(apiKey);
    if (handler === undefined) throw new Error(`no fake handler for api ${apiKey}`);
    return handler(brokerId, body);
  }

  private metadata(request: MetadataRequest): MetadataResponse {
    this.metadataRequests++;
    return {
      brokers: this.brokerIds.map((nodeId) => ({
        nodeId,
        host: '127.0.0.1',
        port: this.portOf(nodeId),
        rack: null,
      })),
      clusterId: 'fake',
      controllerId: 1,
      topics: (request.topics ?? []).map(({ name }) => {
        const leaders = this.leaders.get(name ?? '');
        if (leaders === undefined) return { errorCode: 3, name, partitions: [] };
        return {
          errorCode: 0,
          name,
          partitions: leaders.map((leaderId, partitionIndex) => ({
            errorCode: leaderId < 0 ? 5 : 0,
            partitionIndex,
            leaderId,
            leaderEpoch: this.epochs.get(name ?? '')?.[partitionIndex] ?? 0,
            replicaNodes: this.brokerIds,
            isrNodes: this.brokerIds,
          })),
        };
      }),
    };
  }
}
