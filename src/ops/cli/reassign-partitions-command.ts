import type { Command } from 'commander';
import type { Admin, PartitionReassignment } from 'kafkajs';
import { CliError } from './cli-error.js';
import { type AdminFlags, withAdmin } from './kafka-admin.js';
import { describeKafkaJsError } from './kafkajs-errors.js';
import { println } from './output.js';
import {
  formatReassignment,
  type PartitionTarget,
  type ReassignmentPlan,
  readReassignmentFile,
} from './reassignment-json.js';

interface ReassignFlags extends AdminFlags {
  reassignmentJsonFile: string;
  execute?: boolean;
  verify?: boolean;
}

/** One partition still moving, as ListPartitionReassignments reports it. */
interface Ongoing {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/**
 * `ferry reassign-partitions`: kafka-reassign-partitions.sh's --execute and --verify over AlterPartitionReassignments
 * and ListPartitionReassignments (KIP-455), with its JSON file format and its output lines, so that an operator's
 * runbook works unchanged. The controller adds the new replicas, waits for them to join the ISR, and only then
 * drops the old ones; --verify reports which partitions got there.
 */
export function registerReassignPartitionsCommand(program: Command): void {
  program
    .command('reassign-partitions')
    .description(
      'move partition replicas between brokers (the flags and JSON of kafka-reassign-partitions.sh)',
    )
    .requiredOption('--bootstrap-server <servers>', 'host:port[,host:port…] of the cluster')
    .requiredOption('--reassignment-json-file <file>', "the wanted assignment, in Kafka's JSON format")
    .option('--execute', 'start the reassignment')
    .option('--verify', 'report whether the reassignment has completed')
    .option('--verbose', "show the kafkajs client's log lines")
    .action(async (flags: ReassignFlags) => {
      if (flags.execute === flags.verify) {
        throw new CliError('Command must include exactly one action: --execute or --verify');
      }
      const plan = readReassignmentFile(flags.reassignmentJsonFile);
      await withAdmin(flags, (admin) => (flags.execute ? execute(admin, plan) : verify(admin, plan)));
    });
}

async function execute(admin: Admin, plan: ReassignmentPlan): Promise<void> {
  const current = await currentReplicas(admin, plan);
  println('Current partition replica assignment');
  println();
  println(
    formatReassignment(
      plan.partitions.map((p) => ({ ...p, replicas: current.get(key(p.topic, p.partition)) ?? [] })),
    ),
  );
  println();
  println('Save this to use as the --reassignment-json-file option during rollback');
  try {
    await admin.alterPartitionReassignments({ topics: byTopic(plan.partitions) });
  } catch (err) {
    throw new CliError(`Error reassigning partitions: ${describeKafkaJsError(err)}`, { cause: err });
  }
  println(
    `Successfully started partition reassignments for ${plan.partitions.map((p) => key(p.topic, p.partition)).join(',')}`,
  );
}

async function verify(admin: Admin, plan: ReassignmentPlan): Promise<void> {
  const topics = [...new Set(plan.partitions.map((p) => p.topic))];
  let ongoing: Map<string, Ongoing>;
  try {
    const listed = await admin.listPartitionReassignments({
      topics: topics.map((topic) => ({
        topic,
        partitions: plan.partitions.filter((p) => p.topic === topic).map((p) => p.partition),
      })),
    });
    ongoing = new Map();
    for (const t of listed.topics) {
      // kafkajs's types say `topic`, its decoder fills `name`.
      const name = (t as { name?: string }).name ?? t.topic;
      for (const p of t.partitions) {
        ongoing.set(key(name, p.partitionIndex), {
          replicas: p.replicas,
          addingReplicas: p.addingReplicas ?? [],
          removingReplicas: p.removingReplicas ?? [],
        });
      }
    }
  } catch (err) {
    throw new CliError(`Error listing partition reassignments: ${describeKafkaJsError(err)}`, { cause: err });
  }
  const current = await currentReplicas(admin, plan);
  println('Status of partition reassignment:');
  for (const p of plan.partitions) {
    const name = key(p.topic, p.partition);
    const replicas = current.get(name) ?? [];
    if (ongoing.has(name)) {
      println(`Reassignment of partition ${name} is still in progress.`);
    } else if (sameReplicas(replicas, p.replicas)) {
      println(`Reassignment of partition ${name} is completed.`);
    } else {
      println(
        `There is no active reassignment of partition ${name}, but replica set is ${replicas.join(',')} ` +
          `rather than ${p.replicas.join(',')}.`,
      );
    }
  }
}

/** The replicas each planned partition has now; a partition the cluster does not know stops the command. */
async function currentReplicas(admin: Admin, plan: ReassignmentPlan): Promise<Map<string, number[]>> {
  const topics = [...new Set(plan.partitions.map((p) => p.topic))];
  let metadata: Awaited<ReturnType<Admin['fetchTopicMetadata']>>;
  try {
    metadata = await admin.fetchTopicMetadata({ topics });
  } catch (err) {
    throw new CliError(`Error describing topics ${topics.join(',')}: ${describeKafkaJsError(err)}`, {
      cause: err,
    });
  }
  const replicas = new Map<string, number[]>();
  for (const topic of metadata.topics) {
    for (const p of topic.partitions) replicas.set(key(topic.name, p.partitionId), p.replicas);
  }
  const missing = plan.partitions.filter((p) => !replicas.has(key(p.topic, p.partition)));
  if (missing.length > 0) {
    throw new CliError(
      `Topic-partition(s) ${missing.map((p) => key(p.topic, p.partition)).join(',')} do not exist`,
    );
  }
  return replicas;
}

function byTopic(partitions: readonly PartitionTarget[]): PartitionReassignment[] {
  const topics = new Map<string, PartitionReassignment>();
  for (const p of partitions) {
    let entry = topics.get(p.topic);
    if (!entry) {
      entry = { topic: p.topic, partitionAssignment: [] };
      topics.set(p.topic, entry);
    }
    entry.partitionAssignment.push({ partition: p.partition, replicas: [...p.replicas] });
  }
  return [...topics.values()];
}

/** Same brokers in the same order: the first replica is the preferred leader, so order is part of the plan. */
function sameReplicas(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function key(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
