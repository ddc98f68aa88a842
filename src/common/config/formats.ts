import convict from 'convict';

/**
 * Value formats Ferry's config keys use beyond convict's own (`nat`, `int`, `port`, …). Each throws a message
 * that says what was expected; convict prefixes it with the key and the value it got.
 */
export function registerConfigFormats(): void {
  convict.addFormats({
    'positive-int': {
      validate(value: unknown) {
        if (!Number.isSafeInteger(value) || (value as number) <= 0)
          throw new Error(`must be a positive integer`);
      },
      coerce: coerceInteger,
    },
    /** Kafka's "-1 means no limit" longs: retention.ms, retention.bytes. */
    'long-or-unlimited': {
      validate(value: unknown) {
        if (!Number.isSafeInteger(value) || (value as number) < -1) {
          throw new Error(`must be an integer >= 0, or -1 for no limit`);
        }
      },
      coerce: coerceInteger,
    },
    ratio: {
      validate(value: unknown) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
          throw new Error(`must be a number between 0 and 1`);
        }
      },
      coerce: (value: unknown) =>
        typeof value === 'string' && /^\d*\.?\d+$/.test(value.trim()) ? Number(value) : value,
    },
    'cleanup-policy': {
      validate(value: unknown) {
        const parts = typeof value === 'string' ? value.split(',').map((p) => p.trim()) : [];
        if (parts.length === 0 || parts.length > 2 || parts.some((p) => p !== 'delete' && p !== 'compact')) {
          throw new Error(`must be 'delete', 'compact' or 'compact,delete'`);
        }
      },
    },
    'log-level': {
      validate(value: unknown) {
        if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(value as string)) {
          throw new Error(`must be one of fatal, error, warn, info, debug, trace, silent`);
        }
      },
    },
  });
}

/** Environment values arrive as strings: turn integers into numbers and leave anything else for the error. */
function coerceInteger(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}
