#!/usr/bin/python3
"""Read emostream's outputs with Confluent's Python client and print them as JSON lines.

    /usr/bin/python3 examples/python/read_emotions.py                      # every event from now on
    /usr/bin/python3 examples/python/read_emotions.py --call-id demo-1 --from-beginning --until-final

Reads `call-emotions` (one EmotionEvent per 3-s window and speaker) and `call-emotion-stats` (CallEmotionStats,
final = true once a speaker's stream has ended) with isolation.level=read_committed, so only events of committed
transactions are seen (the service writes exactly once). Values are in the Confluent wire format; the writer
schema is fetched from the registry by the id in each record, so no schema file is needed to read.
"""
import argparse
import base64
import datetime
import json
import sys
import time
import uuid

from confluent_kafka import Consumer
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer


def plain(value):
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bootstrap", default="localhost:9092")
    ap.add_argument("--registry", default="http://localhost:8081/apis/ccompat/v7")
    ap.add_argument("--topics", default="call-emotions,call-emotion-stats")
    ap.add_argument("--call-id", help="only this call")
    ap.add_argument("--from-beginning", action="store_true")
    ap.add_argument("--until-final", type=int, nargs="?", const=1, default=0, metavar="N",
                    help="stop once N speakers' final statistics and all their windows' events are read")
    ap.add_argument("--timeout", type=float, default=0, help="give up after this many seconds (exit 1)")
    args = ap.parse_args()

    deserializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry}))
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": f"emostream-example-{uuid.uuid4()}",
                         "isolation.level": "read_committed", "enable.auto.commit": False,
                         "auto.offset.reset": "earliest" if args.from_beginning else "latest"})
    consumer.subscribe(args.topics.split(","))
    # The two topics are read independently, so a final statistics record can arrive before its speaker's last
    # events: a speaker is done when its final record has come and as many events as its windowsTotal.
    events, finals = {}, {}
    deadline = time.time() + args.timeout if args.timeout else None

    def done():
        complete = [s for s, total in finals.items() if events.get(s, 0) >= total]
        return args.until_final and len(complete) >= args.until_final

    try:
        while not done():
            if deadline and time.time() > deadline:
                print(f"timed out after {args.timeout} s with final statistics of {len(finals)} speakers",
                      file=sys.stderr)
                return 1
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                raise SystemExit(f"consumer error: {msg.error()}")
            key = msg.key().decode("utf-8") if msg.key() else None
            if args.call_id and key != args.call_id:
                continue
            value = deserializer.decode_message(msg.value())
            print(json.dumps({"topic": msg.topic(), "key": key, "value": plain(value)}), flush=True)
            speaker = (key, value.get("speaker"))
            if msg.topic().endswith("stats"):
                if value.get("final"):
                    finals[speaker] = value["windowsTotal"]
            else:
                events[speaker] = events.get(speaker, 0) + 1
    finally:
        consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
