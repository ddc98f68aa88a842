import { getContainerRuntimeClient } from 'testcontainers';

/** The Apache Kafka image the containers suites run; FERRY_KAFKA_IMAGE picks another. */
export const KAFKA_IMAGE = process.env.FERRY_KAFKA_IMAGE ?? 'apache/kafka:3.9.0';

/** Where a Docker engine answered, the host its published ports are reached at; otherwise why not. */
export type DockerEngine = { readonly host: string } | { readonly why: string };

export async function dockerEngine(): Promise<DockerEngine> {
  try {
    return { host: (await getContainerRuntimeClient()).info.containerRuntime.host };
  } catch (err) {
    return { why: (err as Error).message };
  }
}

/**
 * The suite's name, with the reason appended where no engine answered. The reason also goes to stderr, because
 * the default reporter folds a skipped file into one line without its suite names.
 */
export function suiteName(name: string, engine: DockerEngine): string {
  if (!('why' in engine)) return name;
  const skipped = `${name} (skipped: no Docker engine answered: ${engine.why})`;
  console.warn(skipped);
  return skipped;
}
