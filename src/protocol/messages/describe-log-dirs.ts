import { ApiKey } from '../api-keys.js';
import type { ApiSpec, MessageSpec } from '../schema/types.js';

/**
 * DescribeLogDirs (key 35): a broker's log directories and the size of each partition replica in them.
 * Versions 0–4; 2+ are flexible. Ferry serves 0–2.
 *
 * Grammar (`{v}` = versions the field is in, `?` = nullable):
 *
 *   DescribeLogDirs Request (Version: 0-4) => [topics]?
 *     topics => topic [partitions]
 *
 *   DescribeLogDirs Response (Version: 0-4) => throttle_time_ms error_code{3+} [results]
 *     results => error_code log_dir [topics] total_bytes{4+} usable_bytes{4+}
 *       topics => name [partitions]
 *         partitions => partition_index partition_size offset_lag is_future_key
 *
 * Null topics describes every partition. offset_lag is how far a future replica (one being moved between
 * directories, is_future_key) is behind the current one.
 */

export interface DescribableLogDirTopic {
  topic: string;
  partitions: number[];
}

export interface DescribeLogDirsRequest {
  /** Null: every partition. */
  topics: DescribableLogDirTopic[] | null;
}

export interface DescribeLogDirsPartition {
  partitionIndex: number;
  partitionSize: number;
  offsetLag: number;
  isFutureKey: boolean;
}

export interface DescribeLogDirsTopic {
  name: string;
  partitions: DescribeLogDirsPartition[];
}

export interface DescribeLogDirsResult {
  errorCode: number;
  logDir: string;
  topics: DescribeLogDirsTopic[];
  /** v4+; -1 unknown. */
  totalBytes?: number;
  /** v4+; -1 unknown. */
  usableBytes?: number;
}

export interface DescribeLogDirsResponse {
  throttleTimeMs: number;
  /** v3+ */
  errorCode?: number;
  results: DescribeLogDirsResult[];
}

export const DESCRIBE_LOG_DIRS_REQUEST: MessageSpec = {
  apiKey: ApiKey.DescribeLogDirs,
  name: 'DescribeLogDirsRequest',
  type: 'request',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'topics',
      type: '[]',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
};

export const DESCRIBE_LOG_DIRS_RESPONSE: MessageSpec = {
  apiKey: ApiKey.DescribeLogDirs,
  name: 'DescribeLogDirsResponse',
  type: 'response',
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '3+', ignorable: true },
    {
      name: 'results',
      type: '[]',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'logDir', type: 'string', versions: '0+' },
        {
          name: 'topics',
          type: '[]',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            {
              name: 'partitions',
              type: '[]',
              versions: '0+',
              fields: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'partitionSize', type: 'int64', versions: '0+' },
                { name: 'offsetLag', type: 'int64', versions: '0+' },
                { name: 'isFutureKey', type: 'bool', versions: '0+' },
              ],
            },
          ],
        },
        { name: 'totalBytes', type: 'int64', versions: '4+', default: -1, ignorable: true },
        { name: 'usableBytes', type: 'int64', versions: '4+', default: -1, ignorable: true },
      ],
    },
  ],
};

export const DESCRIBE_LOG_DIRS_API: ApiSpec = {
  apiKey: ApiKey.DescribeLogDirs,
  name: 'DescribeLogDirs',
  request: DESCRIBE_LOG_DIRS_REQUEST,
  response: DESCRIBE_LOG_DIRS_RESPONSE,
  minVersion: 0,
  maxVersion: 2,
};
