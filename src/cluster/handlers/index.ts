import { ApiKey } from '../../protocol/api-keys.js';
import type { BrokerServices } from '../broker-services.js';
import type { KafkaRequestProcessor } from '../request-processor.js';
import type { LocalMarkerWriter } from '../transaction-markers.js';
import { apiVersionsHandler } from './api-versions.js';
import { describeClusterHandler } from './cluster-info.js';
import { alterConfigsHandler, describeConfigsHandler, incrementalAlterConfigsHandler } from './configs.js';
import { fetchHandler } from './fetch.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import {
  deleteGroupsHandler,
  describeGroupsHandler,
  heartbeatHandler,
  joinGroupHandler,
  leaveGroupHandler,
  listGroupsHandler,
  offsetCommitHandler,
  offsetDeleteHandler,
  offsetFetchHandler,
  syncGroupHandler,
} from './groups.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { deleteRecordsHandler, offsetForLeaderEpochHandler } from './partition-admin.js';
import {
  alterPartitionReassignmentsHandler,
  electLeadersHandler,
  listPartitionReassignmentsHandler,
} from './partition-reassignment.js';
import { produceHandler } from './produce.js';
import { createPartitionsHandler, createTopicsHandler, deleteTopicsHandler } from './topics-admin.js';
import {
  addOffsetsToTxnHandler,
  addPartitionsToTxnHandler,
  endTxnHandler,
  initProducerIdHandler,
  txnOffsetCommitHandler,
  writeTxnMarkersHandler,
} from './transactions.js';

/** Every API the broker serves, by key: one line each, so the served set reads at a glance. */
export function registerHandlers(
  processor: KafkaRequestProcessor,
  broker: BrokerServices,
  markerWriter: LocalMarkerWriter,
): void {
  processor
    .register(
      ApiKey.ApiVersions,
      apiVersionsHandler((apiKey) => processor.handles(apiKey)),
    )
    .register(ApiKey.Metadata, metadataHandler(broker))
    .register(ApiKey.Produce, produceHandler(broker))
    .register(ApiKey.Fetch, fetchHandler(broker))
    .register(ApiKey.ListOffsets, listOffsetsHandler(broker))
    .register(ApiKey.FindCoordinator, findCoordinatorHandler(broker))
    .register(ApiKey.JoinGroup, joinGroupHandler(broker))
    .register(ApiKey.SyncGroup, syncGroupHandler(broker))
    .register(ApiKey.Heartbeat, heartbeatHandler(broker))
    .register(ApiKey.LeaveGroup, leaveGroupHandler(broker))
    .register(ApiKey.OffsetCommit, offsetCommitHandler(broker))
    .register(ApiKey.OffsetFetch, offsetFetchHandler(broker))
    .register(ApiKey.DescribeGroups, describeGroupsHandler(broker))
    .register(ApiKey.ListGroups, listGroupsHandler(broker))
    .register(ApiKey.DeleteGroups, deleteGroupsHandler(broker))
    .register(ApiKey.OffsetDelete, offsetDeleteHandler(broker))
    .register(ApiKey.CreateTopics, createTopicsHandler(broker))
    .register(ApiKey.DeleteTopics, deleteTopicsHandler(broker))
    .register(ApiKey.CreatePartitions, createPartitionsHandler(broker))
    .register(ApiKey.DescribeConfigs, describeConfigsHandler(broker))
    .register(ApiKey.AlterConfigs, alterConfigsHandler(broker))
    .register(ApiKey.IncrementalAlterConfigs, incrementalAlterConfigsHandler(broker))
    .register(ApiKey.DeleteRecords, deleteRecordsHandler(broker))
    .register(ApiKey.OffsetForLeaderEpoch, offsetForLeaderEpochHandler(broker))
    .register(ApiKey.DescribeCluster, describeClusterHandler(broker))
    .register(ApiKey.ElectLeaders, electLeadersHandler(broker))
    .register(ApiKey.AlterPartitionReassignments, alterPartitionReassignmentsHandler(broker))
    .register(ApiKey.ListPartitionReassignments, listPartitionReassignmentsHandler(broker))
    .register(ApiKey.InitProducerId, initProducerIdHandler(broker))
    .register(ApiKey.AddPartitionsToTxn, addPartitionsToTxnHandler(broker))
    .register(ApiKey.AddOffsetsToTxn, addOffsetsToTxnHandler(broker))
    .register(ApiKey.EndTxn, endTxnHandler(broker))
    .register(ApiKey.TxnOffsetCommit, txnOffsetCommitHandler(broker))
    .register(ApiKey.WriteTxnMarkers, writeTxnMarkersHandler(markerWriter));
}
