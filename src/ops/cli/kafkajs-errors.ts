/**
 * kafkajs wraps broker errors (a retrier's KafkaJSNonRetriableError around a KafkaJSAggregateError around
 * per-topic KafkaJSProtocolErrors). An operator wants the innermost Kafka error names and messages, once.
 */
interface KafkaJsErrorShape {
  message?: unknown;
  type?: unknown;
  errors?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

export function kafkaErrorTypes(err: unknown): string[] {
  return leaves(err)
    .map((e) => e.type)
    .filter((t): t is string => typeof t === 'string');
}

export function describeKafkaJsError(err: unknown): string {
  const parts = leaves(err).map((e) => {
    const message = typeof e.message === 'string' ? e.message : String(e);
    return typeof e.type === 'string' && !message.includes(e.type) ? `${e.type}: ${message}` : message;
  });
  return [...new Set(parts)].join('; ');
}

function leaves(err: unknown, depth = 0): KafkaJsErrorShape[] {
  if (err === null || typeof err !== 'object' || depth > 5) return [{ message: String(err) }];
  const e = err as KafkaJsErrorShape;
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.flatMap((x) => leaves(x, depth + 1));
  const inner = e.cause ?? e.originalError;
  if (inner !== undefined && inner !== null && typeof e.type !== 'string') return leaves(inner, depth + 1);
  return [e];
}
