import type { Command } from 'commander';
import { errorForCode } from '../../protocol/errors/index.js';
import {
  ELECT_LEADERS_API,
  type ElectLeadersRequest,
  type ElectLeadersResponse,
} from '../../protocol/messages/elect-leaders.js';
import { withBrokerConnection } from './broker-connection.js';
import { CliError } from './cli-error.js';
import { parseIntInRange } from './cli-options.js';
import { println } from './output.js';

interface LeaderElectionFlags {
  bootstrapServer: string;
  electionType: string;
  allTopicPartitions?: boolean;
  topic?: string;
  partition?: number;
}

const PREFERRED = 0;
const ELECTION_NOT_NEEDED = 84;

/**
 * `ferry leader-election`: kafka-leader-election.sh over ElectLeaders (KIP-460), which kafkajs lacks, so it goes
 * through the raw client. Only preferred elections: they move leadership back to each partition's first
 * replica where that replica is alive and in sync. Partitions already led by it are reported as needing no
 * election, as Kafka's tool does; any other failure makes the command exit 1.
 */
export function registerLeaderElectionCommand(program: Command): void {
  program
    .command('leader-election')
    .description('elect preferred leaders (the flags and output of kafka-leader-election.sh)')
    .requiredOption('--bootstrap-server <servers>', 'host:port[,host:port…] of the cluster')
    .requiredOption('--election-type <type>', 'PREFERRED (UNCLEAN is not offered)')
    .option('--all-topic-partitions', 'every partition of every topic')
    .option('--topic <topic>', 'one topic (with --partition)')
    .option('--partition <n>', 'one partition of --topic', parseIntInRange(0, 2147483647))
    .action(async (flags: LeaderElectionFlags) => {
      if (flags.electionType.toUpperCase() !== 'PREFERRED') {
        throw new CliError(
          `--election-type ${flags.electionType}: only PREFERRED elections are offered (unclean elections lose data)`,
        );
      }
      const request: ElectLeadersRequest = {
        electionType: PREFERRED,
        topicPartitions: targetPartitions(flags),
        timeoutMs: 30_000,
      };
      const response = await withBrokerConnection(flags.bootstrapServer, (connection) =>
        connection.send<ElectLeadersRequest, ElectLeadersResponse>(ELECT_LEADERS_API, request),
      );
      report(response);
    });
}

function targetPartitions(flags: LeaderElectionFlags): ElectLeadersRequest['topicPartitions'] {
  const single = flags.topic !== undefined || flags.partition !== undefined;
  if (flags.allTopicPartitions === true && single) {
    throw new CliError('--all-topic-partitions cannot be used with --topic or --partition');
  }
  if (flags.allTopicPartitions === true) return null;
  if (flags.topic === undefined || flags.partition === undefined) {
    throw new CliError('One of --all-topic-partitions or --topic with --partition must be given');
  }
  return [{ topic: flags.topic, partitions: [flags.partition] }];
}

function report(response: ElectLeadersResponse): void {
  if (response.errorCode !== undefined && response.errorCode !== 0) {
    const error = errorForCode(response.errorCode);
    throw new CliError(`Error completing leader election: ${error.name}: ${error.message}`);
  }
  const elected: string[] = [];
  const notNeeded: string[] = [];
  const failed: string[] = [];
  for (const topic of response.replicaElectionResults) {
    for (const p of topic.partitionResult) {
      const name = `${topic.topic}-${p.partitionId}`;
      if (p.errorCode === 0) elected.push(name);
      else if (p.errorCode === ELECTION_NOT_NEEDED) notNeeded.push(name);
      else {
        const error = errorForCode(p.errorCode);
        failed.push(`${name}: ${error.name}: ${p.errorMessage ?? error.message}`);
      }
    }
  }
  if (elected.length > 0) {
    println(`Successfully completed leader election (PREFERRED) for partitions ${elected.join(', ')}`);
  }
  if (notNeeded.length > 0) println(`Valid replica already elected for partitions ${notNeeded.join(', ')}`);
  if (failed.length > 0) {
    process.stderr.write(
      `Error completing leader election (PREFERRED) for partitions: ${failed.join(', ')}\n`,
    );
    throw new CliError(`${failed.length} replica(s) could not be elected`);
  }
}
