"""kafka-python (Debian's python3-kafka 2.0.2) against a Ferry broker; sub-commands and output in interop_cli.py.

The client is left to pick its API versions from the broker's ApiVersions answer (no api_version pinned), as an
application would. kafka-python has only gzip of the codecs here: Debian's package brings no snappy, lz4 or
zstd binding.
"""

import logging
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic

from interop_cli import Deadline, consumed, emit, parse_args, record_for

CLIENT = "kafka-python"


def admin(args):
    return KafkaAdminClient(bootstrap_servers=args.bootstrap, client_id=CLIENT)


def create_topic(args):
    client = admin(args)
    try:
        topic = NewTopic(args.topic, num_partitions=args.partitions, replication_factor=args.replication_factor)
        client.create_topics([topic])
    finally:
        client.close()
    return {"created": args.topic}


def describe_topic(args):
    client = admin(args)
    try:
        names = sorted(client.list_topics())
        [topic] = client.describe_topics([args.topic])
        [configs] = client.describe_configs([ConfigResource(ConfigResourceType.TOPIC, args.topic)])
    finally:
        client.close()
    # DescribeConfigs: resources[0] = (error_code, error_message, type, name, entries); entry[0:2] = name, value.
    entries = configs.resources[0][4]
    return {
        "topics": names,
        "topic": {
            "name": topic["topic"],
            "error": topic["error_code"],
            "partitions": sorted(
                (
                    {"partition": p["partition"], "leader": p["leader"], "replicas": p["replicas"], "isr": p["isr"]}
                    for p in topic["partitions"]
                ),
                key=lambda p: p["partition"],
            ),
        },
        "configs": {e[0]: e[1] for e in entries},
    }


def produce(args):
    producer = KafkaProducer(
        bootstrap_servers=args.bootstrap,
        client_id=CLIENT,
        acks="all",
        compression_type=None if args.compression == "none" else args.compression,
        linger_ms=5,
    )
    try:
        futures = []
        for seq in range(args.first_seq, args.first_seq + args.count):
            key, value, headers = record_for(args.prefix, seq, args.keys, CLIENT)
            futures.append((seq, key, producer.send(args.topic, key=key, value=value, headers=headers)))
        producer.flush(timeout=args.timeout)
        deliveries = []
        for seq, key, future in futures:
            metadata = future.get(timeout=args.timeout)
            deliveries.append(
                {"seq": seq, "key": key.decode(), "partition": metadata.partition, "offset": metadata.offset}
            )
    finally:
        producer.close(timeout=args.timeout)
    return {"deliveries": deliveries}


def describe_group(client, group):
    [info] = client.describe_consumer_groups([group])
    members = []
    for m in info.members:
        assignment = getattr(m.member_assignment, "assignment", None) or []
        members.append(
            {
                "clientId": m.client_id,
                "assignment": sorted([topic, sorted(parts)] for topic, parts in assignment),
            }
        )
    return {"state": info.state, "protocolType": info.protocol_type, "protocol": info.protocol, "members": members}


def consume(args):
    """Joins the group, reads until every assigned partition is at the end it had when assigned, commits, and
    describes the group while still a member."""
    deadline = Deadline(args.timeout)
    consumer = KafkaConsumer(
        bootstrap_servers=args.bootstrap,
        client_id=CLIENT,
        group_id=args.group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=100,
    )
    records = []
    try:
        consumer.subscribe([args.topic])
        ends = None
        while True:
            deadline.check("the group to assign and the consumer to reach the end")
            batch = consumer.poll(timeout_ms=100)
            for tp, messages in batch.items():
                for m in messages:
                    records.append(consumed(tp.partition, m.offset, m.key, m.value, m.headers))
            assigned = consumer.assignment()
            if not assigned:
                continue
            if ends is None:
                ends = consumer.end_offsets(list(assigned))
            if all(consumer.position(tp) >= ends[tp] for tp in assigned):
                break
        consumer.commit()
        client = admin(args)
        try:
            group = describe_group(client, args.group)
            offsets = client.list_consumer_group_offsets(args.group)
        finally:
            client.close()
        committed = {
            str(tp.partition): om.offset for tp, om in offsets.items() if tp.topic == args.topic and om.offset >= 0
        }
    finally:
        consumer.close()
    return {"records": records, "committed": committed, "group": group}


def groups(args):
    client = admin(args)
    try:
        listed = sorted(g[0] for g in client.list_consumer_groups())
        group = describe_group(client, args.group)
    finally:
        client.close()
    return {"listed": listed, "group": group}


COMMANDS = {
    "create-topic": create_topic,
    "describe-topic": describe_topic,
    "produce": produce,
    "consume": consume,
    "groups": groups,
}

if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    parsed = parse_args(sys.argv[1:])
    emit(COMMANDS[parsed.command](parsed))
