import { describe, expect, it } from 'vitest';
import { MetadataCache } from '../../../src/client/metadata-cache.js';
import type { MetadataResponse } from '../../../src/protocol/messages/metadata.js';

function response(topics: MetadataResponse['topics'], brokers = [1, 2]): MetadataResponse {
  return {
    brokers: brokers.map((nodeId) => ({ nodeId, host: `b${nodeId}`, port: 9000 + nodeId })),
    clusterId: 'c',
    controllerId: 2,
    topics,
  };
}

const partition = (partitionIndex: number, leaderId: number, leaderEpoch = 3, errorCode = 0) => ({
  errorCode,
  partitionIndex,
  leaderId,
  leaderEpoch,
  replicaNodes: [1, 2],
  isrNodes: [leaderId],
});

describe('MetadataCache', () => {
  it('routes partitions to their leader and epoch', () => {
    const cache = new MetadataCache();
    cache.update(response([{ errorCode: 0, name: 't', partitions: [partition(1, 2, 9), partition(0, 1)] }]));
    expect(cache.leader('t', 0)).toEqual({ brokerId: 1, leaderEpoch: 3 });
    expect(cache.leader('t', 1)).toEqual({ brokerId: 2, leaderEpoch: 9 });
    expect(cache.leader('t', 2)).toBeUndefined();
    expect(cache.broker(2)).toEqual({ nodeId: 2, host: 'b2', port: 9002, rack: null });
    expect([cache.clusterId, cache.controllerId]).toEqual(['c', 2]);
  });

  it('cannot route a leaderless partition, an erroring topic, or a leader missing from the brokers', () => {
    const cache = new MetadataCache();
    cache.update(
      response(
        [
          { errorCode: 0, name: 'a', partitions: [partition(0, -1, 3, 5), partition(1, 3)] },
          { errorCode: 3, name: 'gone', partitions: [] },
        ],
        [1, 2],
      ),
    );
    expect(cache.leader('a', 0)).toBeUndefined();
    expect(cache.leader('a', 1)).toBeUndefined();
    expect(cache.leader('gone', 0)).toBeUndefined();
    expect(cache.topic('gone')?.errorCode).toBe(3);
  });

  it('keeps topics a response does not name, replaces those it does, and forgets invalidated ones', () => {
    const cache = new MetadataCache();
    cache.update(response([{ errorCode: 0, name: 'a', partitions: [partition(0, 1)] }]));
    cache.update(response([{ errorCode: 0, name: 'b', partitions: [partition(0, 2)] }]));
    expect(cache.topicNames().sort()).toEqual(['a', 'b']);
    cache.update(response([{ errorCode: 0, name: 'a', partitions: [partition(0, 2, 4)] }]));
    expect(cache.leader('a', 0)).toEqual({ brokerId: 2, leaderEpoch: 4 });
    cache.invalidate('a');
    expect(cache.leader('a', 0)).toBeUndefined();
    expect(cache.leader('b', 0)).toEqual({ brokerId: 2, leaderEpoch: 3 });
  });
});
