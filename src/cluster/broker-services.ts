import type { FerryConfig } from '../common/config/index.js';
import type { Logger } from '../common/logger.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { GroupCoordinator } from './group/index.js';
import type { Controller } from './metadata/controller.js';
import type { MetadataImage, TopicImage } from './metadata/metadata-image.js';
import type { TransactionCoordinator } from './transaction/index.js';

/**
 * What the request handlers of one broker work with. Handlers are thin: they translate a decoded request into
 * calls on these components and their results into the response, version by version; the components know
 * nothing of the wire.
 */
export interface BrokerServices {
  readonly brokerId: number;
  readonly clusterId: string;
  readonly config: FerryConfig;
  readonly logger: Logger;
  /** This broker's view of the cluster metadata. */
  readonly metadata: MetadataImage;
  /** The cluster's controller (every broker of an embedded cluster reaches the active one). */
  controller(): Controller;
  readonly replicaManager: ReplicaManager;
  readonly groupCoordinator: GroupCoordinator;
  readonly transactionCoordinator: TransactionCoordinator;
  /**
   * The internal topic (`__consumer_offsets`, `__transaction_state`), created with its configured partition count
   * and replication factor on first use, as Kafka does.
   */
  ensureInternalTopic(name: string): TopicImage | undefined;
}

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

export function isInternalTopic(name: string): boolean {
  return name === CONSUMER_OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;
}
