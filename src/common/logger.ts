import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export interface LoggerSettings {
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /** Human-readable lines through pino-pretty instead of JSON (a development aid; needs the dev dependency). */
  pretty?: boolean;
}

/**
 * The one place Ferry makes a root logger. Components never call pino themselves: they take a child of this
 * root through `componentLogger`, so every line carries its component and the identifiers (broker, topic,
 * partition, flow) that say where it happened.
 */
export function createRootLogger(settings: LoggerSettings, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'ferry' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (settings.pretty) {
    options.transport = { target: 'pino-pretty', options: { destination: 2 } };
    return pino(options);
  }
  return destination
    ? pino(options, destination as pino.DestinationStream)
    : pino(options, pino.destination(2));
}

/** Bindings every component logger may carry, named as Kafka names them. */
export interface LogContext {
  broker?: number;
  cluster?: string;
  topic?: string;
  partition?: number;
  flow?: string;
  [key: string]: string | number | boolean | undefined;
}

export function componentLogger(parent: Logger, component: string, context: LogContext = {}): Logger {
  return parent.child({ component, ...context });
}

/** For library use and tests that do not care about log lines. */
export const silentLogger: Logger = pino({ level: 'silent' });
