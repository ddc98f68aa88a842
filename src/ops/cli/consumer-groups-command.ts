import type { Command } from 'commander';
import kafkajs, { type Admin, type MemberDescription } from 'kafkajs';
import { CliError } from './cli-error.js';
import { type AdminFlags, withAdmin } from './kafka-admin.js';
import { formatTable, println } from './output.js';

const { AssignerProtocol } = kafkajs;

interface ConsumerGroupsFlags extends AdminFlags {
  list?: boolean;
  describe?: boolean;
  group?: string;
}

interface PartitionRow {
  topic: string;
  partition: number;
  committed: string | undefined;
  member: MemberDescription | undefined;
}

const HEADER = [
  'GROUP',
  'TOPIC',
  'PARTITION',
  'CURRENT-OFFSET',
  'LOG-END-OFFSET',
  'LAG',
  'CONSUMER-ID',
  'HOST',
  'CLIENT-ID',
] as const;

/**
 * `ferry consumer-groups`: kafka-consumer-groups.sh's --list and --describe --group G over kafkajs's admin
 * client. A row per partition the group has a committed offset for or a member is assigned; LAG is the log
 * end offset (the high watermark, what a consumer can reach) minus the committed offset.
 */
export function registerConsumerGroupsCommand(program: Command): void {
  program
    .command('consumer-groups')
    .description(
      'list consumer groups and describe their offsets and lag (the flags of kafka-consumer-groups.sh)',
    )
    .requiredOption('--bootstrap-server <servers>', 'host:port[,host:port…] of the cluster')
    .option('--list', 'list the consumer groups')
    .option('--describe', "describe a group's members, offsets and lag (--group G)")
    .option('--group <group>', 'the consumer group')
    .option('--verbose', "show the kafkajs client's log lines")
    .action(async (flags: ConsumerGroupsFlags) => {
      if ((flags.list === true) === (flags.describe === true)) {
        throw new CliError('Command must include exactly one action: --list or --describe');
      }
      await withAdmin(flags, async (admin) => {
        if (flags.list) return listGroups(admin);
        if (flags.group === undefined || flags.group === '') throw new CliError('--describe needs --group G');
        return describeGroup(admin, flags.group);
      });
    });
}

async function listGroups(admin: Admin): Promise<void> {
  const { groups } = await admin.listGroups();
  for (const id of groups.map((g) => g.groupId).sort()) println(id);
}

async function describeGroup(admin: Admin, groupId: string): Promise<void> {
  const [{ groups }, committed] = await Promise.all([
    admin.describeGroups([groupId]),
    admin.fetchOffsets({ groupId }),
  ]);
  const group = groups[0];
  const rows = new Map<string, PartitionRow>();
  const row = (topic: string, partition: number): PartitionRow => {
    const key = `${topic}\u0000${partition}`;
    let r = rows.get(key);
    if (r === undefined) {
      r = { topic, partition, committed: undefined, member: undefined };
      rows.set(key, r);
    }
    return r;
  };
  for (const { topic, partitions } of committed) {
    for (const p of partitions) if (Number(p.offset) >= 0) row(topic, p.partition).committed = p.offset;
  }
  const idleMembers: MemberDescription[] = [];
  for (const member of group?.members ?? []) {
    const assignment = decodeAssignment(member);
    if (assignment.length === 0) idleMembers.push(member);
    for (const [topic, partitions] of assignment) for (const p of partitions) row(topic, p).member = member;
  }
  if ((group === undefined || group.state === 'Dead') && rows.size === 0) {
    throw new CliError(`Consumer group '${groupId}' does not exist.`);
  }

  const topics = [...new Set([...rows.values()].map((r) => r.topic))];
  const ends = new Map<string, string>();
  await Promise.all(
    topics.map(async (topic) => {
      for (const o of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}\u0000${o.partition}`, o.high);
    }),
  );

  println();
  if ((group?.members.length ?? 0) === 0) println(`Consumer group '${groupId}' has no active members.\n`);
  const sorted = [...rows.values()].sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition,
  );
  const table = sorted.map((r) => {
    const end = ends.get(`${r.topic}\u0000${r.partition}`);
    const lag =
      end !== undefined && r.committed !== undefined ? String(Number(end) - Number(r.committed)) : '-';
    return [
      groupId,
      r.topic,
      String(r.partition),
      r.committed ?? '-',
      end ?? '-',
      lag,
      ...memberColumns(r.member),
    ];
  });
  for (const m of idleMembers) table.push([groupId, '-', '-', '-', '-', '-', ...memberColumns(m)]);
  for (const line of formatTable(HEADER, table)) println(line);
}

function memberColumns(member: MemberDescription | undefined): string[] {
  return member === undefined ? ['-', '-', '-'] : [member.memberId, member.clientHost, member.clientId];
}

/** A consumer member's assignment (the consumer protocol's MemberAssignment) as topic → partitions. */
function decodeAssignment(member: MemberDescription): Array<[string, number[]]> {
  if (member.memberAssignment.length === 0) return [];
  const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
  return decoded === null ? [] : Object.entries(decoded.assignment);
}
