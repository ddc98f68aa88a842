"""confluent-kafka (Debian's python3-confluent-kafka 1.7.0 on librdkafka 2.0.2) against a Ferry broker;
sub-commands and output in interop_cli.py.

librdkafka picks its API versions from ApiVersions (api.version.request, the default). Debian's librdkafka is
built with gzip, snappy, lz4 and zstd, so every codec is exercised. The 1.7.0 AdminClient has no
describe_consumer_groups: list_groups(group=...) is its ListGroups + DescribeGroups.
"""

import sys

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from interop_cli import Deadline, consumed, decode_assignment, emit, parse_args, record_for

CLIENT = "confluent-kafka"


def admin(args):
    return AdminClient({"bootstrap.servers": args.bootstrap, "client.id": CLIENT})


def create_topic(args):
    # The client must outlive its futures: a collected AdminClient fails them with _DESTROY.
    client = admin(args)
    futures = client.create_topics(
        [NewTopic(args.topic, num_partitions=args.partitions, replication_factor=args.replication_factor)],
        operation_timeout=args.timeout,
    )
    futures[args.topic].result(timeout=args.timeout)
    return {"created": args.topic}


def describe_topic(args):
    client = admin(args)
    metadata = client.list_topics(timeout=args.timeout)
    topic = metadata.topics[args.topic]
    configs = client.describe_configs([ConfigResource("topic", args.topic)])
    [entries] = [f.result(timeout=args.timeout) for f in configs.values()]
    return {
        "topics": sorted(t for t in metadata.topics if not t.startswith("__")),
        "topic": {
            "name": topic.topic,
            "error": 0 if topic.error is None else topic.error.code(),
            "partitions": [
                {"partition": p.id, "leader": p.leader, "replicas": list(p.replicas), "isr": list(p.isrs)}
                for p in sorted(topic.partitions.values(), key=lambda p: p.id)
            ],
        },
        "configs": {name: entry.value for name, entry in entries.items()},
    }


def produce(args):
    producer = Producer(
        {
            "bootstrap.servers": args.bootstrap,
            "client.id": CLIENT,
            "acks": "all",
            "compression.type": args.compression,
            "enable.idempotence": args.idempotent,
            "linger.ms": 5,
        }
    )
    deliveries = []
    failures = []

    def delivered(seq):
        # A delivery report carries no headers in this binding, so each callback is told its record's seq.
        def report(err, msg):
            if err is not None:
                failures.append(str(err))
                return
            deliveries.append(
                {"seq": seq, "key": msg.key().decode(), "partition": msg.partition(), "offset": msg.offset()}
            )

        return report

    for seq in range(args.first_seq, args.first_seq + args.count):
        key, value, headers = record_for(args.prefix, seq, args.keys, CLIENT)
        producer.produce(args.topic, key=key, value=value, headers=headers, on_delivery=delivered(seq))
        producer.poll(0)
    left = producer.flush(args.timeout)
    if failures or left:
        raise RuntimeError(f"{len(failures)} deliveries failed ({failures[:3]}), {left} still in flight")
    return {"deliveries": sorted(deliveries, key=lambda d: d["seq"])}


def describe_group(client, group, timeout):
    [info] = client.list_groups(group=group, timeout=timeout)
    if info.error is not None:
        raise KafkaException(info.error)
    # The 1.7.0 binding hands member assignments over as the consumer protocol's bytes.
    members = [{"clientId": m.client_id, "assignment": decode_assignment(m.assignment)} for m in info.members]
    return {"state": info.state, "protocolType": info.protocol_type, "protocol": info.protocol, "members": members}


def consume(args):
    """Joins the group, reads until librdkafka reports end-of-partition for every assigned partition, commits
    synchronously, and describes the group while still a member."""
    deadline = Deadline(args.timeout)
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "client.id": CLIENT,
            "group.id": args.group,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": True,
            "fetch.wait.max.ms": 100,
        }
    )
    records = []
    at_end = set()
    try:
        consumer.subscribe([args.topic])
        while True:
            deadline.check("the group to assign and the consumer to reach the end")
            msg = consumer.poll(0.1)
            assigned = {tp.partition for tp in consumer.assignment()}
            if msg is not None:
                if msg.error() is not None:
                    if msg.error().code() != KafkaError._PARTITION_EOF:
                        raise KafkaException(msg.error())
                    at_end.add(msg.partition())
                else:
                    at_end.discard(msg.partition())
                    records.append(consumed(msg.partition(), msg.offset(), msg.key(), msg.value(), msg.headers()))
            if assigned and assigned <= at_end:
                break
        if records:
            consumer.commit(asynchronous=False)
        partitions = [TopicPartition(args.topic, p) for p in sorted(assigned)]
        # A partition without a commit comes back as OFFSET_INVALID (-1001); kafka-python leaves it out.
        committed = {
            str(tp.partition): tp.offset
            for tp in consumer.committed(partitions, timeout=args.timeout)
            if tp.offset >= 0
        }
        group = describe_group(admin(args), args.group, args.timeout)
    finally:
        consumer.close()
    return {"records": records, "committed": committed, "group": group}


def groups(args):
    client = admin(args)
    listed = sorted(g.id for g in client.list_groups(timeout=args.timeout))
    return {"listed": listed, "group": describe_group(client, args.group, args.timeout)}


COMMANDS = {
    "create-topic": create_topic,
    "describe-topic": describe_topic,
    "produce": produce,
    "consume": consume,
    "groups": groups,
}

if __name__ == "__main__":
    parsed = parse_args(sys.argv[1:])
    emit(COMMANDS[parsed.command](parsed))
