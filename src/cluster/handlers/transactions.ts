import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
} from '../../protocol/messages/add-offsets-to-txn.js';
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
} from '../../protocol/messages/add-partitions-to-txn.js';
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/messages/end-txn.js';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from '../../protocol/messages/init-producer-id.js';
import type {
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from '../../protocol/messages/txn-offset-commit.js';
import type {
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
} from '../../protocol/messages/write-txn-markers.js';
import type { BrokerServices } from '../broker-services.js';
import type { ApiHandler } from '../request-processor.js';
import { downgradeProducerFenced } from '../transaction/index.js';
import type { LocalMarkerWriter } from '../transaction-markers.js';

/**
 * The transaction APIs, translated to the transaction coordinator (src/cluster/transaction/). Clients older
 * than the versions that know PRODUCER_FENCED (InitProducerId < v4, the others < v2) get INVALID_PRODUCER_EPOCH
 * instead, as Kafka answers them.
 */
export function initProducerIdHandler(
  broker: BrokerServices,
): ApiHandler<InitProducerIdRequest, InitProducerIdResponse> {
  return async (request, { header }) => {
    const result = await broker.transactionCoordinator.initProducerId({
      transactionalId: request.transactionalId,
      transactionTimeoutMs: request.transactionTimeoutMs,
      ...(request.producerId !== undefined ? { producerId: request.producerId } : {}),
      ...(request.producerEpoch !== undefined ? { producerEpoch: request.producerEpoch } : {}),
    });
    return {
      throttleTimeMs: 0,
      errorCode: downgradeProducerFenced(result.errorCode, header.apiVersion >= 4),
      producerId: result.producerId,
      producerEpoch: result.producerEpoch,
    };
  };
}

export function addPartitionsToTxnHandler(
  broker: BrokerServices,
): ApiHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> {
  return async (request, { header }) => {
    const results = await broker.transactionCoordinator.addPartitionsToTxn({
      transactionalId: request.v3AndBelowTransactionalId ?? '',
      producerId: request.v3AndBelowProducerId ?? -1,
      producerEpoch: request.v3AndBelowProducerEpoch ?? -1,
      topics: request.v3AndBelowTopics ?? [],
    });
    const knowsFenced = header.apiVersion >= 2;
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: results.map((t) => ({
        name: t.name,
        resultsByPartition: t.resultsByPartition.map((p) => ({
          partitionIndex: p.partitionIndex,
          partitionErrorCode: downgradeProducerFenced(p.partitionErrorCode, knowsFenced),
        })),
      })),
    };
  };
}

export function addOffsetsToTxnHandler(
  broker: BrokerServices,
): ApiHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> {
  return async (request, { header }) => {
    const errorCode = await broker.transactionCoordinator.addOffsetsToTxn(request);
    return { throttleTimeMs: 0, errorCode: downgradeProducerFenced(errorCode, header.apiVersion >= 2) };
  };
}

export function endTxnHandler(broker: BrokerServices): ApiHandler<EndTxnRequest, EndTxnResponse> {
  return async (request, { header }) => {
    const errorCode = await broker.transactionCoordinator.endTxn(request);
    return { throttleTimeMs: 0, errorCode: downgradeProducerFenced(errorCode, header.apiVersion >= 2) };
  };
}

/** WriteTxnMarkers v0–1: another broker's transaction coordinator asks this one to write markers it leads. */
export function writeTxnMarkersHandler(
  markerWriter: LocalMarkerWriter,
): ApiHandler<WriteTxnMarkersRequest, WriteTxnMarkersResponse> {
  return async (request) => ({
    markers: await Promise.all(
      request.markers.map(async (marker) => {
        const codes = await markerWriter.writeMarkers({
          producerId: marker.producerId,
          producerEpoch: marker.producerEpoch,
          coordinatorEpoch: marker.coordinatorEpoch,
          committed: marker.transactionResult,
          partitions: marker.topics.flatMap((t) =>
            t.partitionIndexes.map((partition) => ({ topic: t.name, partition })),
          ),
        });
        return {
          producerId: marker.producerId,
          topics: marker.topics.map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((p) => ({
              partitionIndex: p,
              errorCode: codes.get(`${t.name}-${p}`) ?? -1,
            })),
          })),
        };
      }),
    ),
  });
}

/** TxnOffsetCommit v0–3: a transaction's offsets, pending in the group coordinator until its marker lands. */
export function txnOffsetCommitHandler(
  broker: BrokerServices,
): ApiHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse> {
  return async (request, { header }) => {
    const results = await broker.groupCoordinator.commitTxnOffsets({
      transactionalId: request.transactionalId,
      groupId: request.groupId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
      generationId: request.generationId ?? -1,
      memberId: request.memberId ?? '',
      groupInstanceId: request.groupInstanceId ?? null,
      offsets: request.topics.map((t) => ({
        topic: t.name,
        partitions: t.partitions.map((p) => ({
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata: p.committedMetadata,
        })),
      })),
    });
    const knowsFenced = header.apiVersion >= 2;
    return {
      throttleTimeMs: 0,
      topics: results.map((t) => ({
        name: t.topic,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partition,
          errorCode: downgradeProducerFenced(p.errorCode, knowsFenced),
        })),
      })),
    };
  };
}
