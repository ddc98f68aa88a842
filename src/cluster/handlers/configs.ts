import { CONFIG_KEYS } from '../../common/config/index.js';
import { KafkaError } from '../../protocol/errors/index.js';
import type { AlterConfigsRequest, AlterConfigsResponse } from '../../protocol/messages/alter-configs.js';
import type {
  DescribeConfigsRequest,
  DescribeConfigsResourceResult,
  DescribeConfigsResponse,
} from '../../protocol/messages/describe-configs.js';
import type {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
} from '../../protocol/messages/incremental-alter-configs.js';
import type { BrokerServices } from '../broker-services.js';
import type { ApiHandler } from '../request-processor.js';
import { effectiveTopicConfig, TOPIC_CONFIGS, topicConfigDef } from '../topic-configs.js';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;
const SOURCE_TOPIC = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;
const TYPE_BY_KIND = { boolean: 1, string: 2, int: 3, long: 5 } as const;

/** DescribeConfigs v0–4 for topics (overrides, broker settings, Kafka defaults) and brokers (Ferry's config). */
export function describeConfigsHandler(
  broker: BrokerServices,
): ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    results: request.resources.map((resource) => {
      const wanted = (name: string) =>
        resource.configurationKeys === null || resource.configurationKeys.includes(name);
      const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
      if (resource.resourceType === RESOURCE_TOPIC) {
        const topic = broker.metadata.topic(resource.resourceName);
        if (!topic) {
          const err = new KafkaError(
            'UNKNOWN_TOPIC_OR_PARTITION',
            `topic '${resource.resourceName}' does not exist`,
          );
          return { ...base, errorCode: err.code, errorMessage: err.message, configs: [] };
        }
        const configs: DescribeConfigsResourceResult[] = TOPIC_CONFIGS.filter((d) => wanted(d.name)).map(
          (def) => {
            const { value, source } = effectiveTopicConfig(def.name, topic.configs, broker.config);
            return {
              name: def.name,
              value,
              readOnly: false,
              isDefault: source !== 'topic',
              configSource: source === 'topic' ? SOURCE_TOPIC : SOURCE_DEFAULT,
              isSensitive: false,
              synonyms: [],
              configType: TYPE_BY_KIND[def.kind],
              documentation: def.doc || null,
            };
          },
        );
        return { ...base, errorCode: 0, errorMessage: null, configs };
      }
      if (resource.resourceType === RESOURCE_BROKER) {
        const configs = CONFIG_KEYS.filter((k) => wanted(k.key)).map((k) => ({
          name: k.key,
          value: String(broker.config.get(k.key)),
          readOnly: true,
          isDefault: broker.config.get(k.key) === k.default,
          configSource: SOURCE_STATIC_BROKER,
          isSensitive: false,
          synonyms: [],
          configType: typeof k.default === 'boolean' ? 1 : typeof k.default === 'number' ? 5 : 2,
          documentation: k.doc,
        }));
        return { ...base, errorCode: 0, errorMessage: null, configs };
      }
      const err = new KafkaError(
        'INVALID_REQUEST',
        `resource type ${resource.resourceType} is not supported`,
      );
      return { ...base, errorCode: err.code, errorMessage: err.message, configs: [] };
    }),
  });
}

/** AlterConfigs v0–1: replaces a topic's whole set of overrides. */
export function alterConfigsHandler(
  broker: BrokerServices,
): ApiHandler<AlterConfigsRequest, AlterConfigsResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    responses: request.resources.map((resource) => {
      const err =
        resource.resourceType === RESOURCE_TOPIC
          ? broker
              .controller()
              .alterTopicConfigs(resource.resourceName, resource.configs, true, request.validateOnly)
          : new KafkaError('INVALID_REQUEST', 'only topic configs can be altered');
      return {
        errorCode: err?.code ?? 0,
        errorMessage: err?.message ?? null,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
      };
    }),
  });
}

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

/** IncrementalAlterConfigs v0–1: SET, DELETE, and APPEND/SUBTRACT for list configs (cleanup.policy). */
export function incrementalAlterConfigsHandler(
  broker: BrokerServices,
): ApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> {
  return (request) => ({
    throttleTimeMs: 0,
    responses: request.resources.map((resource) => {
      let err: KafkaError | undefined;
      if (resource.resourceType !== RESOURCE_TOPIC) {
        err = new KafkaError('INVALID_REQUEST', 'only topic configs can be altered');
      } else {
        const topic = broker.metadata.topic(resource.resourceName);
        try {
          const changes = resource.configs.map((c) => {
            if (c.configOperation === SET) return { name: c.name, value: c.value };
            if (c.configOperation === DELETE) return { name: c.name, value: null };
            if (c.configOperation === APPEND || c.configOperation === SUBTRACT) {
              if (topicConfigDef(c.name)?.name !== 'cleanup.policy') {
                throw new KafkaError('INVALID_CONFIG', `config '${c.name}' is not a list`);
              }
              const current = new Set(
                (topic?.configs.get(c.name) ?? String(broker.config.get('log.cleanup.policy'))).split(','),
              );
              for (const v of (c.value ?? '').split(',').filter(Boolean)) {
                if (c.configOperation === APPEND) current.add(v);
                else current.delete(v);
              }
              return { name: c.name, value: [...current].join(',') };
            }
            throw new KafkaError('INVALID_REQUEST', `unknown config operation ${c.configOperation}`);
          });
          err = broker
            .controller()
            .alterTopicConfigs(resource.resourceName, changes, false, request.validateOnly);
        } catch (e) {
          err = e instanceof KafkaError ? e : new KafkaError('INVALID_REQUEST', (e as Error).message);
        }
      }
      return {
        errorCode: err?.code ?? 0,
        errorMessage: err?.message ?? null,
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
      };
    }),
  });
}
