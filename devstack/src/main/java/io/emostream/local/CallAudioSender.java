package io.emostream.local;

import io.emostream.audio.SampleEncoder;
import io.emostream.audio.SampleEncoding;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.serde.AvroWireSerdeConfig;
import io.emostream.serde.AvroWireSerializer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends one audio stream of a call as {@link AudioChunk} records keyed by call id: sequence numbers from 0,
 * capture timestamps that advance with the audio, {@code endOfStream} on the last chunk, and (unless fast) at
 * real-time pace, each chunk sent when its last sample would have been captured.
 */
public final class CallAudioSender {

    /**
     * One stream of a call.
     *
     * @param callId     call id (also the record key)
     * @param speakers   the speaker of each channel (one entry for mono)
     * @param sampleRate samples per second per channel
     * @param encoding   wire encoding of the samples
     * @param channels   samples in [-1, 1], one array per channel, all of equal length
     */
    public record CallStream(
            String callId,
            List<SpeakerRole> speakers,
            int sampleRate,
            AudioEncoding encoding,
            float[][] channels) {
        public CallStream {
            if (speakers.size() != channels.length) {
                throw new IllegalArgumentException(
                        "Call "
                                + callId
                                + ": "
                                + speakers.size()
                                + " speakers for "
                                + channels.length
                                + " channels");
            }
            for (float[] channel : channels) {
                if (channel.length != channels[0].length) {
                    throw new IllegalArgumentException(
                            "Call " + callId + ": channels differ in length");
                }
            }
        }

        public double seconds() {
            return (double) channels[0].length / sampleRate;
        }
    }

    private final Producer<String, AudioChunk> producer;
    private final String topic;
    private final Duration chunkDuration;
    private final boolean fast;

    /**
     * @param chunkDuration audio per chunk
     * @param fast          send as fast as possible instead of in real time
     */
    /** A producer of AudioChunk records in the Confluent wire format (idempotent, acks=all). */
    public static Producer<String, AudioChunk> newProducer(String bootstrap, String registryUrl) {
        return newProducer(bootstrap, registryUrl, Map.of());
    }

    /** As {@link #newProducer(String, String)}, with extra client properties (security settings) on top. */
    public static Producer<String, AudioChunk> newProducer(
            String bootstrap, String registryUrl, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroWireSerializer.class);
        config.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        config.put(AvroWireSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    public CallAudioSender(
            Producer<String, AudioChunk> producer,
            String topic,
            Duration chunkDuration,
            boolean fast) {
        this.producer = producer;
        this.topic = topic;
        this.chunkDuration = chunkDuration;
        this.fast = fast;
    }

    /** Sends a whole stream; returns the number of chunks sent. Blocks for the audio's duration unless fast. */
    public long send(CallStream stream) throws InterruptedException {
        return send(stream, Instant.now(), sequence -> {});
    }

    /**
     * Sends a whole stream whose first sample was captured at {@code start}.
     *
     * @param onSent called with each chunk's sequence number after it was handed to the producer
     */
    public long send(CallStream stream, Instant start, LongConsumer onSent)
            throws InterruptedException {
        int frames = stream.channels()[0].length;
        int framesPerChunk =
                Math.max(1, (int) (stream.sampleRate() * chunkDuration.toNanos() / 1_000_000_000L));
        int chunkCount = Math.max(1, (frames + framesPerChunk - 1) / framesPerChunk);
        SampleEncoding encoding = SampleEncodings.of(stream.encoding());
        long startNanos = System.nanoTime();
        // every chunk's outcome counts, not only the last one's: a batch that expires mid-call is a
        // loss
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        for (int sequence = 0; sequence < chunkCount; sequence++) {
            int from = sequence * framesPerChunk;
            int to = Math.min(frames, from + framesPerChunk);
            if (!fast) {
                long dueNanos = startNanos + (long) to * 1_000_000_000L / stream.sampleRate();
                long waitNanos = dueNanos - System.nanoTime();
                if (waitNanos > 0) {
                    Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                }
            }
            float[][] slice = new float[stream.channels().length][];
            for (int c = 0; c < slice.length; c++) {
                slice[c] = java.util.Arrays.copyOfRange(stream.channels()[c], from, to);
            }
            AudioChunk chunk =
                    AudioChunk.newBuilder()
                            .setCallId(stream.callId())
                            .setSpeaker(
                                    slice.length == 1
                                            ? stream.speakers().get(0)
                                            : SpeakerRole.UNKNOWN)
                            .setChannelLayout(slice.length == 1 ? null : stream.speakers())
                            .setSequence(sequence)
                            .setCaptureTimestamp(
                                    start.plusNanos(
                                            (long) from * 1_000_000_000L / stream.sampleRate()))
                            .setSampleRate(stream.sampleRate())
                            .setEncoding(stream.encoding())
                            .setChannelCount(slice.length)
                            .setAudio(ByteBuffer.wrap(SampleEncoder.encode(slice, encoding)))
                            .setEndOfStream(sequence == chunkCount - 1)
                            .build();
            long chunkSequence = sequence;
            producer.send(
                    new ProducerRecord<>(topic, stream.callId(), chunk),
                    (metadata, error) -> {
                        if (error != null) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(
                                    null, "chunk " + chunkSequence + ": " + error);
                        }
                    });
            onSent.accept(sequence);
        }
        producer.flush(); // every callback has run when flush returns
        if (failed.get() > 0) {
            throw new IllegalStateException(
                    "Call "
                            + stream.callId()
                            + ": "
                            + failed.get()
                            + " of "
                            + chunkCount
                            + " chunks could not be sent to "
                            + topic
                            + ", the first: "
                            + firstFailure.get());
        }
        return chunkCount;
    }
}
