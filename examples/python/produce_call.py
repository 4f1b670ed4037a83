#!/usr/bin/python3
"""Send one call's audio to emostream, as a contact-center platform would (Confluent's Python client).

    /usr/bin/python3 examples/python/produce_call.py --call-id demo-1 customer.wav [agent.wav]
    /usr/bin/python3 examples/python/produce_call.py --call-id demo-1 --tone 7.5      # no WAV at hand

Each WAV (16-bit PCM, mono, any rate from 8 to 96 kHz) becomes one speaker's stream: the first is the customer,
the second the agent. Chunks of --chunk-ms go to --topic as `AudioChunk` records in the Confluent wire format,
keyed by the call id as a plain UTF-8 string, at real-time pace unless --fast. The last chunk of each stream
carries endOfStream = true.

Three things a newcomer meets with this client (Debian's python3-confluent-kafka 1.7 and python3-avro):
- the legacy `AvroProducer` insists on an Avro key, while emostream's key is a plain string: use a plain
  `Producer` and serialise only the value with `MessageSerializer`;
- that serialiser takes one self-contained schema: `wire/target/schemas/AudioChunk.avsc`, which the build writes
  (`schemas/AudioChunk.avsc` names types from other files and does not parse alone);
- `captureTimestamp` is a `timestamp-millis`: python3-avro wants a timezone-aware `datetime`, not a number.
"""
import argparse
import datetime
import math
import struct
import sys
import time
import wave
from pathlib import Path

from confluent_kafka import Producer
from confluent_kafka.avro import CachedSchemaRegistryClient, load
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

HOME = Path(__file__).resolve().parents[2]


def read_wav(path):
    with wave.open(str(path)) as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise SystemExit(f"{path}: this example sends 16-bit mono WAV only")
        return w.getframerate(), w.readframes(w.getnframes())


def tone(seconds, rate=16000, f0=180.0):
    """A voiced-looking test signal: a vibrato tone with harmonics, 4 syllables a second."""
    out = bytearray()
    for n in range(int(seconds * rate)):
        t = n / rate
        envelope = 0.5 * (1 - math.cos(2 * math.pi * 4 * t)) if (t * 4) % 1 < 0.8 else 0.0
        f = f0 * (1 + 0.05 * math.sin(2 * math.pi * 5 * t))
        x = sum(math.sin(2 * math.pi * f * k * t) / k for k in range(1, 6))
        out += struct.pack("<h", int(6000 * envelope * x / 2.3))
    return rate, bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("wavs", nargs="*", help="customer WAV, then optionally the agent's")
    ap.add_argument("--call-id", required=True)
    ap.add_argument("--tone", type=float, help="send a generated test signal of this many seconds instead")
    ap.add_argument("--bootstrap", default="localhost:9092")
    ap.add_argument("--registry", default="http://localhost:8081/apis/ccompat/v7")
    ap.add_argument("--topic", default="call-audio")
    ap.add_argument("--schema", default=str(HOME / "wire" / "target" / "schemas" / "AudioChunk.avsc"))
    ap.add_argument("--chunk-ms", type=int, default=100)
    ap.add_argument("--fast", action="store_true", help="do not wait between chunks")
    args = ap.parse_args()
    if not args.wavs and args.tone is None:
        raise SystemExit("give one or two WAV files, or --tone SECONDS")

    streams = [("CUSTOMER", *tone(args.tone))] if args.tone else []
    streams += [(speaker, *read_wav(p)) for speaker, p in zip(("CUSTOMER", "AGENT"), args.wavs)]
    schema = load(args.schema)
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": args.registry}))
    producer = Producer({"bootstrap.servers": args.bootstrap, "enable.idempotence": True})
    errors = []

    def delivered(err, _msg):
        if err is not None:
            errors.append(err)

    start = datetime.datetime.now(datetime.timezone.utc)
    chunks = max(math.ceil(len(pcm) / 2 / (rate * args.chunk_ms / 1000)) for _, rate, pcm in streams)
    sent = 0
    for k in range(chunks):
        for speaker, rate, pcm in streams:
            step = 2 * rate * args.chunk_ms // 1000
            if k * step >= len(pcm) and k > 0:
                continue
            last = (k + 1) * step >= len(pcm)
            record = {"callId": args.call_id, "speaker": speaker, "channelLayout": None, "sequence": k,
                      "captureTimestamp": start + datetime.timedelta(milliseconds=k * args.chunk_ms),
                      "sampleRate": rate, "encoding": "PCM16LE", "channelCount": 1,
                      "audio": pcm[k * step:(k + 1) * step], "endOfStream": last}
            value = serializer.encode_record_with_schema(args.topic, schema, record)
            producer.produce(args.topic, key=args.call_id.encode("utf-8"), value=value, on_delivery=delivered)
            sent += 1
        producer.poll(0)
        if not args.fast:
            time.sleep(args.chunk_ms / 1000)
    producer.flush(30)
    if errors:
        raise SystemExit(f"{len(errors)} chunks were not delivered: {errors[0]}")
    print(f"sent {sent} chunks of call {args.call_id} to {args.topic}", file=sys.stderr)


if __name__ == "__main__":
    main()
