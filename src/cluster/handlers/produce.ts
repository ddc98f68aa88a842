import { KafkaError } from '../../protocol/errors/index.js';
import type {
  ProducePartitionProduceResponse,
  ProduceRequest,
  ProduceResponse,
} from '../../protocol/messages/produce.js';
import type { ProduceEntry, ProducePartitionResult } from '../../replication/replica-manager.js';
import type { BrokerServices } from '../broker-services.js';
import type { ApiHandler } from '../request-processor.js';

/**
 * Produce v3–9: appends each partition's record batches on this broker as leader, as bytes. acks=0 owes no
 * response; acks=1 answers once the leader wrote; acks=all once the ISR has it (the replica manager's delayed
 * produce). Errors are per partition, with a message from v8 on. The request header's client id goes with the
 * append: a topic's write freeze lets its exempt client id through (`ferry.write.freeze.exempt.client.id`).
 */
export function produceHandler(broker: BrokerServices): ApiHandler<ProduceRequest, ProduceResponse> {
  return (request, { header }) => {
    const acks = request.acks;
    const entries: ProduceEntry[] = [];
    const rejected: ProducePartitionResult[] = [];
    for (const topic of request.topicData) {
      for (const p of topic.partitionData) {
        if (acks !== 0 && acks !== 1 && acks !== -1) {
          rejected.push(fail(topic.name, p.index, new KafkaError('INVALID_REQUIRED_ACKS', `acks=${acks}`)));
        } else if (p.records === null || p.records.length === 0) {
          rejected.push(fail(topic.name, p.index, new KafkaError('INVALID_RECORD', 'no record batches')));
        } else {
          entries.push({ topic: topic.name, partition: p.index, records: p.records });
        }
      }
    }
    // The client id goes down to the leader's write-freeze check, the one place that asks who is producing.
    const results = broker.replicaManager.appendRecords(
      entries,
      acks,
      request.timeoutMs,
      'client',
      header.clientId ?? '',
    );
    const respond = (appended: ProducePartitionResult[]): ProduceResponse | null =>
      acks === 0 ? null : toResponse([...appended, ...rejected]);
    return results instanceof Promise ? results.then(respond) : respond(results);
  };
}

function fail(topic: string, partition: number, error: KafkaError): ProducePartitionResult {
  return { topic, partition, error, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}

function toResponse(results: readonly ProducePartitionResult[]): ProduceResponse {
  const byTopic = new Map<string, ProducePartitionProduceResponse[]>();
  for (const r of results) {
    let list = byTopic.get(r.topic);
    if (!list) {
      list = [];
      byTopic.set(r.topic, list);
    }
    list.push({
      index: r.partition,
      errorCode: r.error?.code ?? 0,
      baseOffset: r.baseOffset,
      logAppendTimeMs: r.logAppendTimeMs,
      logStartOffset: r.logStartOffset,
      recordErrors: [],
      errorMessage: r.error?.message ?? null,
    });
  }
  return {
    responses: [...byTopic].map(([name, partitionResponses]) => ({ name, partitionResponses })),
    throttleTimeMs: 0,
  };
}
