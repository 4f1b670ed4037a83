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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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

    /**
     * @param chunkDuration audio per chunk
     * @param fast          send as fast as possible instead of in real time
     */
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
        Cursor cursor = cursor(stream, start, onSent);
        while (!cursor.done()) {
            if (!fast) {
                long waitNanos = cursor.nextDueNanos() - System.nanoTime();
                if (waitNanos > 0) {
                    Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                }
            }
            cursor.sendDue(fast ? Long.MAX_VALUE : System.nanoTime());
        }
        producer.flush(); // every callback has run when flush returns
        return cursor.checkDelivered();
    }

    /**
     * How often {@link #sendAll}'s one thread wakes to hand every due chunk of every call to the producer. A thread
     * per call woke ten times a second per call and, in a benchmark, competed with the service for the same cores;
     * a chunk now leaves up to one tick after its last sample's capture time (its latency is counted from then).
     */
    private static final Duration PACING_TICK = Duration.ofMillis(5);

    /**
     * Sends every call in real time from the calling thread, call {@code i} of {@code n} starting {@code i / n} of
     * {@code stagger} after the first, each with its capture clock starting when it starts; returns the chunks sent
     * once the producer has delivered them all.
     *
     * @param onSent per call, called with each chunk's sequence number after it was handed to the producer
     * @throws IllegalStateException if any chunk could not be sent ({@link Cursor#checkDelivered})
     */
    public long sendAll(
            List<CallStream> calls, Duration stagger, Function<CallStream, LongConsumer> onSent)
            throws InterruptedException {
        int n = calls.size();
        List<Cursor> cursors = new ArrayList<>(n);
        long origin = System.nanoTime();
        int finished = 0;
        while (finished < n) {
            long now = System.nanoTime();
            while (cursors.size() < n && now - origin >= stagger.toNanos() * cursors.size() / n) {
                CallStream call = calls.get(cursors.size());
                cursors.add(cursor(call, Instant.now(), onSent.apply(call)));
            }
            for (Cursor cursor : cursors) {
                if (!cursor.done()
                        && cursor.sendDue(fast ? Long.MAX_VALUE : now) > 0
                        && cursor.done()) {
                    finished++;
                }
            }
            if (finished < n) {
                Thread.sleep(PACING_TICK.toMillis());
            }
        }
        producer.flush(); // every callback has run when flush returns
        long chunks = 0;
        for (Cursor cursor : cursors) {
            chunks += cursor.checkDelivered();
        }
        return chunks;
    }

    /**
     * A stream to be sent chunk by chunk by the caller, so that one thread can pace many calls: each
     * {@link Cursor#sendDue} hands every chunk due by then to the producer. Its real-time clock starts now.
     *
     * @param onSent called with each chunk's sequence number after it was handed to the producer
     */
    public Cursor cursor(CallStream stream, Instant start, LongConsumer onSent) {
        return new Cursor(stream, start, onSent);
    }

    /** One stream being sent; not thread-safe (one pacing thread), its send callbacks are. */
    public final class Cursor {
        private final CallStream stream;
        private final Instant start;
        private final LongConsumer onSent;
        private final int frames;
        private final int framesPerChunk;
        private final int chunkCount;
        private final SampleEncoding encoding;
        private final long startNanos = System.nanoTime();
        // every chunk's outcome counts, not only the last one's: a batch that expires mid-call is a
        // loss
        private final AtomicLong failed = new AtomicLong();
        private final AtomicReference<String> firstFailure = new AtomicReference<>();
        private int sequence;

        private Cursor(CallStream stream, Instant start, LongConsumer onSent) {
            this.stream = stream;
            this.start = start;
            this.onSent = onSent;
            this.frames = stream.channels()[0].length;
            this.framesPerChunk =
                    Math.max(
                            1,
                            (int) (stream.sampleRate() * chunkDuration.toNanos() / 1_000_000_000L));
            this.chunkCount = Math.max(1, (frames + framesPerChunk - 1) / framesPerChunk);
            this.encoding = SampleEncodings.of(stream.encoding());
        }

        /** Whether every chunk has been handed to the producer. */
        public boolean done() {
            return sequence >= chunkCount;
        }

        /** {@link System#nanoTime()} at which the next chunk's last sample would have been captured. */
        public long nextDueNanos() {
            int to = Math.min(frames, (sequence + 1) * framesPerChunk);
            return startNanos + (long) to * 1_000_000_000L / stream.sampleRate();
        }

        /** Hands every chunk due at or before {@code nowNanos} to the producer; returns how many. */
        public int sendDue(long nowNanos) {
            int sent = 0;
            while (!done() && nextDueNanos() <= nowNanos) {
                sendNext();
                sent++;
            }
            return sent;
        }

        /**
         * After the producer was flushed: the number of chunks sent.
         *
         * @throws IllegalStateException if any chunk could not be sent, naming the first failure
         */
        public long checkDelivered() {
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

        private void sendNext() {
            int from = sequence * framesPerChunk;
            int to = Math.min(frames, from + framesPerChunk);
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
            onSent.accept(chunkSequence);
            sequence++;
        }
    }
}
