"""The command line both interop drivers share, and the one JSON line each prints.

Every driver (kafka_python_client.py, confluent_kafka_client.py) takes the same sub-commands and arguments and
prints exactly one JSON object on stdout, so test/interop/python-clients.test.ts can hold both clients to the
same assertions. Client logs go to stderr. Records are written with keys `<prefix>-k<seq % keys>`, values
`<prefix>-v<seq>|<padding>` and headers `seq=<seq>` and `client=<driver name>`: the test derives the expected
records from the deliveries alone.
"""

import argparse
import json
import struct
import sys
import time


def parse_args(argv):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)

    create = sub.add_parser("create-topic")
    create.add_argument("--partitions", type=int, required=True)
    create.add_argument("--replication-factor", type=int, required=True)

    sub.add_parser("describe-topic")

    produce = sub.add_parser("produce")
    produce.add_argument("--count", type=int, required=True)
    produce.add_argument("--first-seq", type=int, default=0)
    produce.add_argument("--keys", type=int, default=10)
    produce.add_argument("--prefix", required=True)
    produce.add_argument("--compression", default="none")
    produce.add_argument("--idempotent", action="store_true")

    consume = sub.add_parser("consume")
    consume.add_argument("--group", required=True)

    groups = sub.add_parser("groups")
    groups.add_argument("--group", required=True)

    for p in (create, sub.choices["describe-topic"], produce, consume, groups):
        p.add_argument("--bootstrap", required=True)
        p.add_argument("--topic", required=True)
        p.add_argument("--timeout", type=float, default=20.0, help="seconds before the command gives up")
    return parser.parse_args(argv)


VALUE_PADDING = "ferry " * 30


def record_for(prefix, seq, keys, client):
    """The key, value and headers of record `seq`, as the test expects them back."""
    key = f"{prefix}-k{seq % keys}".encode()
    # The padding makes every batch worth compressing: librdkafka sends a batch uncompressed when the codec
    # would not shrink it, and the test checks the codec of what the broker stored.
    value = f"{prefix}-v{seq}|{VALUE_PADDING}".encode()
    headers = [("seq", str(seq).encode()), ("client", client.encode())]
    return key, value, headers


def consumed(partition, offset, key, value, headers):
    return {
        "partition": partition,
        "offset": offset,
        "key": None if key is None else key.decode(),
        "value": None if value is None else value.decode(),
        "headers": [[k, None if v is None else v.decode()] for k, v in (headers or [])],
    }


def decode_assignment(data):
    """[[topic, [partitions]]] of a consumer protocol assignment (int16 version, then an int32-counted array of
    int16-length topic names each with an int32-counted array of int32 partitions; user data ignored)."""
    if not data:
        return []
    pos = 2
    (topics,) = struct.unpack_from(">i", data, pos)
    pos += 4
    out = []
    for _ in range(topics):
        (length,) = struct.unpack_from(">h", data, pos)
        name = data[pos + 2 : pos + 2 + length].decode()
        pos += 2 + length
        (count,) = struct.unpack_from(">i", data, pos)
        partitions = list(struct.unpack_from(f">{count}i", data, pos + 4))
        pos += 4 + 4 * count
        out.append([name, sorted(partitions)])
    return sorted(out)


class Deadline:
    """A bound on a command's polling loop: the script fails rather than hangs."""

    def __init__(self, seconds):
        self.at = time.monotonic() + seconds
        self.seconds = seconds

    def check(self, what):
        if time.monotonic() > self.at:
            raise TimeoutError(f"gave up after {self.seconds} s waiting for {what}")


def emit(result):
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
