import type { Command } from 'commander';
import type { DrillResult } from '../rest/broker-drills.js';
import { CliError } from './cli-error.js';
import { parseIntInRange } from './cli-options.js';
import { println } from './output.js';

interface BrokerDrillFlags {
  id: number;
  rest: string;
  crash?: boolean;
}

/**
 * `ferry cluster broker stop|start --id N --rest URL`: drills against a running `ferry cluster start
 * --rest-port P`, through its REST endpoints — what `docker stop broker-2` / `docker start broker-2` do to a
 * containerised cluster.
 */
export function registerClusterBrokerCommands(cluster: Command): void {
  const broker = cluster.command('broker').description('stop and start one broker of a running cluster');

  broker
    .command('stop')
    .description(
      'stop a broker: a controlled shutdown that first moves its leaderships away, or with --crash a crash ' +
        'that drops its connections at once and loses what it had not fsynced',
    )
    .requiredOption('--id <id>', 'broker id', parseIntInRange(0, 2147483647))
    .requiredOption('--rest <url>', 'REST address `ferry cluster start --rest-port` printed (rest=…)')
    .option('--crash', 'crash instead of a controlled shutdown')
    .action(async (flags: BrokerDrillFlags) => {
      const result = await postDrill(flags.rest, `brokers/${flags.id}/stop`, { crash: flags.crash === true });
      println(`Broker ${result.broker} ${flags.crash ? 'crashed' : 'stopped'}.`);
    });

  broker
    .command('start')
    .description('start a stopped broker again on its data directory and port')
    .requiredOption('--id <id>', 'broker id', parseIntInRange(0, 2147483647))
    .requiredOption('--rest <url>', 'REST address `ferry cluster start --rest-port` printed (rest=…)')
    .action(async (flags: BrokerDrillFlags) => {
      const result = await postDrill(flags.rest, `brokers/${flags.id}/start`, {});
      println(`Broker ${result.broker} started.`);
    });
}

async function postDrill(rest: string, path: string, body: object): Promise<DrillResult> {
  let url: URL;
  try {
    url = new URL(path, rest.endsWith('/') ? rest : `${rest}/`);
  } catch {
    throw new CliError(`--rest '${rest}' is not a URL (expected http://HOST:PORT)`);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new CliError(`cannot reach ${url.origin}: ${cause}`, { cause: err });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const message =
      typeof parsed === 'object' && parsed !== null && 'message' in parsed
        ? String((parsed as { message: unknown }).message)
        : text;
    throw new CliError(`${url.pathname}: HTTP ${response.status}: ${message}`);
  }
  return parsed as DrillResult;
}
