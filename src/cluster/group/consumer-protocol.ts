import { Reader } from '../../protocol/wire/reader.js';

/** The protocol type of Kafka's consumer clients; the only one whose member metadata the coordinator reads. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/**
 * The topics in a "consumer" protocol subscription (ConsumerProtocolSubscription, every version non-flexible:
 * version int16, topics [string], userData nullable bytes, then ownedPartitions, generationId, rackId in
 * later versions). Only the topics are read, and only for OffsetDelete's GROUP_SUBSCRIBED_TO_TOPIC check;
 * the coordinator otherwise treats member metadata as opaque bytes. Returns null when the bytes do not
 * decode, which callers must treat as "may be subscribed to anything", as Kafka does.
 */
export function subscribedTopics(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata);
    const version = r.int16();
    if (version < 0) return null;
    const n = r.arrayLength(false, 2);
    if (n < 0) return null;
    const topics: string[] = [];
    for (let i = 0; i < n; i++) topics.push(r.string());
    return topics;
  } catch {
    return null;
  }
}
