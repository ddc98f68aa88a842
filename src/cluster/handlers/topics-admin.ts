import { KafkaError } from '../../protocol/errors/index.js';
import type {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
} from '../../protocol/messages/create-partitions.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/messages/create-topics.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/messages/delete-topics.js';
import { type BrokerServices, isInternalTopic } from '../broker-services.js';
import type { ApiHandler } from '../request-processor.js';
import { effectiveTopicConfig, TOPIC_CONFIGS } from '../topic-configs.js';

const CONFIG_SOURCE_TOPIC = 1;
const CONFIG_SOURCE_DEFAULT = 5;

/** CreateTopics v2–7: placement and config validation by the controller; v5+ answers with the topic's configs. */
export function createTopicsHandler(
  broker: BrokerServices,
): ApiHandler<CreateTopicsRequest, CreateTopicsResponse> {
  return (request) => {
    const validateOnly = request.validateOnly ?? false;
    const results = broker.controller().createTopics(
      request.topics.map((t) => ({
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments,
        configs: t.configs,
      })),
      validateOnly,
    );
    return {
      throttleTimeMs: 0,
      topics: results.map((r) => {
        const overrides = new Map(
          request.topics
            .find((t) => t.name === r.name)
            ?.configs.flatMap((c) => (c.value === null ? [] : [[c.name, c.value] as const])) ?? [],
        );
        return {
          name: r.name,
          topicId: r.topicId ?? '00000000000000000000000000000000',
          errorCode: r.error?.code ?? 0,
          errorMessage: r.error?.message ?? null,
          topicConfigErrorCode: 0,
          numPartitions: r.numPartitions ?? -1,
          replicationFactor: r.replicationFactor ?? -1,
          configs: r.error
            ? null
            : TOPIC_CONFIGS.map((def) => {
                const { value, source } = effectiveTopicConfig(def.name, overrides, broker.config);
                return {
                  name: def.name,
                  value,
                  readOnly: false,
                  configSource: source === 'topic' ? CONFIG_SOURCE_TOPIC : CONFIG_SOURCE_DEFAULT,
                  isSensitive: false,
                };
              }),
        };
      }),
    };
  };
}

/** DeleteTopics v1–6, by name (or by topic id from v6). Internal topics cannot be deleted. */
export function deleteTopicsHandler(
  broker: BrokerServices,
): ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> {
  return (request) => {
    const names: Array<{ name: string | null; topicId?: string }> = request.topicNames
      ? request.topicNames.map((name) => ({ name }))
      : (request.topics ?? []).map((t) => ({
          name: t.name ?? broker.metadata.topicsById.get(t.topicId)?.name ?? null,
          topicId: t.topicId,
        }));
    return {
      throttleTimeMs: 0,
      responses: names.map(({ name, topicId }) => {
        if (name === null) {
          return {
            name: null,
            topicId: topicId ?? '',
            errorCode: 100,
            errorMessage: `unknown topic id ${topicId}`,
          };
        }
        if (isInternalTopic(name)) {
          const err = new KafkaError('TOPIC_DELETION_DISABLED', `internal topic '${name}' cannot be deleted`);
          return { name, errorCode: err.code, errorMessage: err.message };
        }
        const [result] = broker.controller().deleteTopics([name]);
        return {
          name,
          topicId: result?.topicId ?? topicId ?? '00000000000000000000000000000000',
          errorCode: result?.error?.code ?? 0,
          errorMessage: result?.error?.message ?? null,
        };
      }),
    };
  };
}

/** CreatePartitions v0–3: only ever more partitions, placed like new ones unless assigned explicitly. */
export function createPartitionsHandler(
  broker: BrokerServices,
): ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    results: request.topics.map((t) => {
      const err = broker
        .controller()
        .createPartitions(
          t.name,
          t.count,
          t.assignments?.map((a) => a.brokerIds) ?? null,
          request.validateOnly,
        );
      return { name: t.name, errorCode: err?.code ?? 0, errorMessage: err?.message ?? null };
    }),
  });
}
