import { describe, it } from 'vitest';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  DESCRIBE_CLUSTER_REQUEST,
  DESCRIBE_CLUSTER_RESPONSE,
  type DescribeClusterRequest,
  type DescribeClusterResponse,
} from '../../../../src/protocol/messages/describe-cluster.js';
import { expectGolden, hex } from './hex-fixture.js';

describe('DescribeCluster', () => {
  it('v0 request', () => {
    const request: DescribeClusterRequest = { includeClusterAuthorizedOperations: false, endpointType: 1 };
    expectGolden(DESCRIBE_CLUSTER_REQUEST, 0, request, hex('00 00 # include ops false, tags'));
  });

  it('v0 response', () => {
    const response: DescribeClusterResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: 'c',
      controllerId: 1,
      brokers: [{ brokerId: 1, host: 'h', port: 9092, rack: null }],
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
    expectGolden(
      DESCRIBE_CLUSTER_RESPONSE,
      0,
      response,
      hex(`
        00000000 0000 00    # throttle, error_code, error_message null
        02 63               # cluster_id 'c'
        00000001            # controller_id 1
        02                  # [brokers] 1
          00000001 02 68 00002384 00 00  # broker 1 at h:9092, rack null, tags
        80000000            # cluster_authorized_operations INT32_MIN
        00                  # tagged fields
      `),
    );
  });
});
