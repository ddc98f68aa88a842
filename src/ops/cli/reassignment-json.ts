import { readFileSync } from 'node:fs';
import { CliError } from './cli-error.js';

/**
 * Kafka's reassignment JSON, as kafka-reassign-partitions.sh reads and writes it:
 *
 *   {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}
 *
 * `log_dirs` is accepted and ignored (a Ferry broker has one log directory). A topic-partition may appear once;
 * replicas are broker ids, at least one, none twice.
 */

export interface PartitionTarget {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
}

export interface ReassignmentPlan {
  readonly version: 1;
  readonly partitions: readonly PartitionTarget[];
}

export function readReassignmentFile(path: string): ReassignmentPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read --reassignment-json-file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path} is not JSON: ${(err as Error).message}`);
  }
  return parseReassignment(json, path);
}

export function parseReassignment(json: unknown, source: string): ReassignmentPlan {
  const fail = (why: string): never => {
    throw new CliError(`${source}: ${why}`);
  };
  if (typeof json !== 'object' || json === null) return fail('expected a JSON object');
  const { version, partitions } = json as { version?: unknown; partitions?: unknown };
  if (version !== 1) fail(`unsupported version ${JSON.stringify(version)} (expected 1)`);
  if (!Array.isArray(partitions) || partitions.length === 0)
    return fail('"partitions" must be a non-empty array');
  const seen = new Set<string>();
  const targets = partitions.map((entry: unknown, i): PartitionTarget => {
    const where = `partitions[${i}]`;
    if (typeof entry !== 'object' || entry === null) return fail(`${where} is not an object`);
    const { topic, partition, replicas } = entry as {
      topic?: unknown;
      partition?: unknown;
      replicas?: unknown;
    };
    if (typeof topic !== 'string' || topic === '') return fail(`${where}.topic must be a topic name`);
    if (!Number.isInteger(partition) || (partition as number) < 0) {
      return fail(`${where}.partition must be a partition number`);
    }
    if (
      !Array.isArray(replicas) ||
      replicas.length === 0 ||
      !replicas.every((r) => Number.isInteger(r) && r >= 0)
    ) {
      return fail(`${where}.replicas must be a non-empty list of broker ids`);
    }
    if (new Set(replicas).size !== replicas.length) fail(`${where}.replicas lists a broker twice`);
    const key = `${topic}-${partition}`;
    if (seen.has(key)) fail(`partition ${key} appears more than once`);
    seen.add(key);
    return { topic, partition: partition as number, replicas: replicas as number[] };
  });
  return { version: 1, partitions: targets };
}

/** Kafka's one-line JSON of an assignment, as printed for rollback. */
export function formatReassignment(partitions: readonly PartitionTarget[]): string {
  return JSON.stringify({
    version: 1,
    partitions: partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      replicas: p.replicas,
      log_dirs: p.replicas.map(() => 'any'),
    })),
  });
}
