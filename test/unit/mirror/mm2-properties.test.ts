import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/common/config/index.js';
import { parseJavaProperties } from '../../../src/mirror/java-properties.js';
import { parseMm2Properties } from '../../../src/mirror/mm2-properties.js';

const REALISTIC = `# Kafka datacenters.
clusters = primary, backup
! also a comment
primary.bootstrap.servers = p1:9092, p2:9092
backup.bootstrap.servers: b1:9092
backup.client.id=mm2-backup
primary.security.protocol = PLAINTEXT

# Enable and configure individual replication flows
primary->backup.enabled = true
primary->backup.topics = orders.*, \\
    payments
primary->backup.topics.exclude = .*test.*
primary->backup.groups = app-.*
primary->backup.producer.override.linger.ms = 5
backup->primary.enabled = false

replication.policy.class=org.apache.kafka.connect.mirror.IdentityReplicationPolicy
replication.policy.separator = _
replication.factor = 3
checkpoints.topic.replication.factor=1
heartbeats.topic.replication.factor=1
offset-syncs.topic.replication.factor=1
sync.topic.configs.enabled = TRUE
sync.topic.acls.enabled = false
emit.checkpoints.interval.seconds = 5
sync.group.offsets.enabled = true
tasks.max = 4
offset.storage.replication.factor=1
`;

describe('parseMm2Properties', () => {
  it('reads clusters, flows and top-level defaults into a MirrorConfig', () => {
    const { config, unsupported } = parseMm2Properties(REALISTIC);
    expect(config.clusters.get('primary')!.bootstrapServers).toEqual(['p1:9092', 'p2:9092']);
    expect(config.clusters.get('backup')).toMatchObject({
      bootstrapServers: ['b1:9092'],
      clientId: 'mm2-backup',
    });
    expect(config.flows.map((f) => [f.name, f.enabled])).toEqual([
      ['primary->backup', true],
      ['backup->primary', false],
    ]);
    expect(config.flows[0]).toMatchObject({
      topics: ['orders.*', 'payments'],
      topicsExclude: ['.*test.*'],
      groups: ['app-.*'],
      replicationPolicy: 'identity',
      replicationPolicySeparator: '_',
      replicationFactor: 3,
      checkpointsTopicReplicationFactor: 1,
      syncTopicConfigsEnabled: true,
      emitCheckpointsIntervalSeconds: 5,
      syncGroupOffsetsEnabled: true,
      tasksMax: 4,
      emitHeartbeatsIntervalSeconds: 1,
    });
    expect(config.flows[1]).toMatchObject({ topics: ['.*'], replicationFactor: 3 });
    expect(unsupported).toEqual([
      'primary->backup.producer.override.linger.ms',
      'sync.topic.acls.enabled',
      'offset.storage.replication.factor',
    ]);
  });
  it('applies top-level client settings to every cluster that does not set its own', () => {
    const { config } = parseMm2Properties(
      'clusters=a,b\nbootstrap.servers=x:1\nb.bootstrap.servers=y:2\na->b.enabled=true',
    );
    expect(config.clusters.get('a')!.bootstrapServers).toEqual(['x:1']);
    expect(config.clusters.get('b')!.bootstrapServers).toEqual(['y:2']);
  });
  it('does not let a short alias claim a longer one', () => {
    const { config, unsupported } = parseMm2Properties(
      'clusters=us,us-east\nus.bootstrap.servers=u:1\nus-east.bootstrap.servers=e:1\nus->us-east.enabled=true\nus-east.sasl.mechanism=PLAIN',
    );
    expect(config.clusters.get('us-east')!.bootstrapServers).toEqual(['e:1']);
    expect(config.flows[0]!.name).toBe('us->us-east');
    expect(unsupported).toEqual(['us-east.sasl.mechanism']);
  });
  it('accepts the simple policy class name and refuses custom classes', () => {
    const base = 'clusters=a,b\na.bootstrap.servers=x:1\nb.bootstrap.servers=y:2\na->b.enabled=true\n';
    expect(
      parseMm2Properties(`${base}a->b.replication.policy.class=DefaultReplicationPolicy`).config.flows[0]!
        .replicationPolicy,
    ).toBe('default');
    expect(() => parseMm2Properties(`${base}replication.policy.class=com.acme.MyPolicy`)).toThrow(
      /line 5: replication\.policy\.class: .*com\.acme\.MyPolicy/,
    );
  });
  it('fails with the same clear messages as the JSON config', () => {
    const base = 'clusters=a,b\na.bootstrap.servers=x:1\nb.bootstrap.servers=y:2\n';
    expect(() => parseMm2Properties(`${base}a->c.enabled=true`)).toThrow(/target 'c' is not a cluster alias/);
    expect(() => parseMm2Properties(`${base}a->a.enabled=true`)).toThrow(/to itself/);
    expect(() => parseMm2Properties(`${base}a->b.topics=x(`)).toThrow(/topics: invalid regex 'x\('/);
    expect(() => parseMm2Properties(`${base}a->b.enabled=yes`)).toThrow(/enabled/);
    expect(() => parseMm2Properties('a.bootstrap.servers=x:1')).toThrow(ConfigError);
  });
});

describe('parseJavaProperties', () => {
  it("follows java.util.Properties' syntax", () => {
    const p = parseJavaProperties(
      [
        '  # comment',
        '! comment',
        'a=1',
        'b : 2',
        'c 3',
        'd\\:e = x\\ty',
        'f = one \\',
        '    two \\\\',
        'g = \\u0041\\=',
        'h',
        'a = last',
        'i = ends with \\',
      ].join('\n'),
    );
    const value = (k: string) => p.get(k)?.value;
    expect(value('a')).toBe('last');
    expect(value('b')).toBe('2');
    expect(value('c')).toBe('3');
    expect(value('d:e')).toBe('x\ty');
    expect(value('f')).toBe('one two \\');
    expect(value('g')).toBe('A=');
    expect(value('h')).toBe('');
    expect(value('i')).toBe('ends with ');
    expect(p.get('f')!.line).toBe(7);
    expect(p.has('# comment')).toBe(false);
  });
});
