package io.emostream.stream;

import io.emostream.audio.AudioFormatException;
import io.emostream.audio.NonFiniteSampleException;
import io.emostream.audio.Resampler;
import io.emostream.audio.SampleDecoder;
import io.emostream.audio.SampleEncoding;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.SpeakerRole;
import io.emostream.dsp.SpeechGate;
import io.emostream.serde.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * First processor: deserializes the raw record itself, validates it, decodes the samples and splits interleaved
 * audio into one mono signal per speaker. Anything wrong with the data goes to the dead-letter topic with the
 * original bytes; processing continues with the next record. Every size read from the record is bounded before
 * anything is allocated (the record value by {@code maxChunkBytes}, Avro lengths by the bytes left, the decoded
 * samples by {@code maxChunkDuration} and the chunk-store record size). The one exception is an unreachable schema
 * registry ({@code REGISTRY_UNAVAILABLE}): that is not the record's fault, so it is rethrown and the task fails
 * rather than dead-lettering every record during an outage.
 */
final class ChunkIntakeProcessor implements Processor<byte[], byte[], Object, Object> {

    private final TopologySettings settings;
    private final Deserializer<AudioChunk> deserializer;
    private final StreamMetrics metrics;
    private final DeadLetters deadLetters;
    private ProcessorContext<Object, Object> context;

    ChunkIntakeProcessor(
            TopologySettings settings,
            Deserializer<AudioChunk> deserializer,
            StreamMetrics metrics) {
        this.settings = settings;
        this.deserializer = deserializer;
        this.metrics = metrics;
        this.deadLetters = new DeadLetters(metrics, settings.maxRecordBytes());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    /** Thrown inside this class to reject a record; never escapes. */
    private static final class Rejection extends Exception {
        final DeadLetterReason reason;

        Rejection(DeadLetterReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ValidatedChunk chunk;
        try {
            chunk = validate(record);
        } catch (Rejection rejection) {
            deadLetters.send(context, record, rejection.reason, rejection.getMessage());
            return;
        } catch (KafkaException e) {
            throw e; // the registry or the client, not the record (see the class comment)
        } catch (RuntimeException e) {
            // A bug meeting this record: dead-lettered like bad data, so that it cannot stop the
            // task.
            deadLetters.send(
                    context,
                    record,
                    DeadLetterReason.PROCESSING_FAILED,
                    "intake could not process the record",
                    e,
                    null);
            return;
        }
        metrics.chunks.increment();
        // Outside the try: the windower contains its own failures, and what it rethrows must fail
        // the task.
        context.forward(
                record.withKey((Object) chunk.callId()).withValue((Object) chunk),
                EmotionTopology.WINDOWER);
    }

    private ValidatedChunk validate(Record<byte[], byte[]> record) throws Rejection {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            throw new Rejection(
                    DeadLetterReason.EMPTY,
                    value == null ? "record value is null (tombstone)" : "record value is empty");
        }
        if (value.length > settings.maxChunkBytes()) {
            throw new Rejection(
                    DeadLetterReason.OVERSIZE_CHUNK,
                    "record value of "
                            + value.length
                            + " bytes exceeds the limit of "
                            + settings.maxChunkBytes()
                            + " bytes");
        }
        AudioChunk chunk = deserialize(record);
        String where = "chunk " + chunk.getSequence() + " of call '" + chunk.getCallId() + "'";
        if (chunk.getCallId() == null || chunk.getCallId().isBlank()) {
            throw new Rejection(
                    DeadLetterReason.MISSING_CALL_ID,
                    "callId is empty (sequence " + chunk.getSequence() + ")");
        }
        int callIdBytes = chunk.getCallId().getBytes(StandardCharsets.UTF_8).length;
        if (callIdBytes > TopologySettings.MAX_CALL_ID_BYTES) {
            throw new Rejection(
                    DeadLetterReason.CALL_ID_TOO_LONG,
                    "callId of "
                            + callIdBytes
                            + " UTF-8 bytes exceeds "
                            + TopologySettings.MAX_CALL_ID_BYTES
                            + " (sequence "
                            + chunk.getSequence()
                            + ")");
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (!chunk.getCallId().equals(key)) {
            throw new Rejection(
                    DeadLetterReason.KEY_MISMATCH,
                    where
                            + ": record key "
                            + (key == null ? "is null" : "'" + key + "'")
                            + " differs from callId");
        }
        if (chunk.getSequence() < 0) {
            throw new Rejection(
                    DeadLetterReason.NEGATIVE_SEQUENCE, where + ": sequence must be >= 0");
        }
        if (chunk.getSequence() == Long.MAX_VALUE) {
            // The windower works with sequence + 1 (the next expected one): it must exist.
            throw new Rejection(
                    DeadLetterReason.SEQUENCE_OUT_OF_RANGE,
                    where + ": sequence must be below " + Long.MAX_VALUE);
        }
        java.time.Instant capture = chunk.getCaptureTimestamp();
        if (capture == null
                || capture.isBefore(TopologySettings.MIN_CAPTURE_TIME)
                || !capture.isBefore(TopologySettings.MAX_CAPTURE_TIME)) {
            throw new Rejection(
                    DeadLetterReason.BAD_CAPTURE_TIMESTAMP,
                    where
                            + ": captureTimestamp "
                            + (capture == null
                                    ? "is missing"
                                    : capture.toEpochMilli() + " ms (" + capture + ")")
                            + " is outside "
                            + TopologySettings.MIN_CAPTURE_TIME
                            + " .. "
                            + TopologySettings.MAX_CAPTURE_TIME);
        }
        int rate = chunk.getSampleRate();
        if (rate < settings.minSampleRate() || rate > settings.maxSampleRate()) {
            throw new Rejection(
                    DeadLetterReason.UNSUPPORTED_SAMPLE_RATE,
                    where
                            + ": sample rate "
                            + rate
                            + " Hz is outside "
                            + settings.minSampleRate()
                            + ".."
                            + settings.maxSampleRate()
                            + " Hz");
        }
        if (!Resampler.supports(rate, SpeechGate.SAMPLE_RATE)) {
            // Windows are resampled to the analysis rate; a rate whose ratio to it does not reduce
            // would need a
            // polyphase filter of tens of MB (95,999 Hz: 52 MB).
            throw new Rejection(
                    DeadLetterReason.UNSUPPORTED_SAMPLE_RATE,
                    where
                            + ": sample rate "
                            + rate
                            + " Hz cannot be resampled to "
                            + SpeechGate.SAMPLE_RATE
                            + " Hz: its resampling filter would take "
                            + Resampler.kernelBytes(rate, SpeechGate.SAMPLE_RATE)
                            + " bytes (limit "
                            + Resampler.MAX_KERNEL_BYTES
                            + "; every multiple of 50 Hz and the usual rates are accepted)");
        }
        List<SpeakerRole> speakers = speakers(chunk, where);
        SampleEncoding encoding = encoding(chunk, where);
        byte[] audioBytes = bytesOf(chunk.getAudio());
        int frames;
        try {
            frames = SampleDecoder.frameCount(audioBytes, encoding, speakers.size());
        } catch (AudioFormatException e) {
            throw new Rejection(DeadLetterReason.PARTIAL_FRAME, where + ": " + e.getMessage());
        }
        // Bounded before the samples are allocated: each channel becomes one float32 chunk-store
        // record.
        long maxSamples = settings.maxChunkSamples(rate);
        if (frames > maxSamples) {
            throw new Rejection(
                    DeadLetterReason.OVERSIZE_CHUNK,
                    where
                            + ": "
                            + frames
                            + " samples per channel ("
                            + Math.round(frames * 1000.0 / rate)
                            + " ms at "
                            + rate
                            + " Hz) exceed the limit of "
                            + maxSamples
                            + " (max-chunk-duration "
                            + settings.maxChunkDuration()
                            + ", and one chunk-store record of at most "
                            + settings.maxRecordBytes()
                            + " bytes)");
        }
        float[][] channels;
        try {
            channels = SampleDecoder.decode(audioBytes, encoding, speakers.size());
        } catch (NonFiniteSampleException e) {
            throw new Rejection(DeadLetterReason.NON_FINITE_SAMPLE, where + ": " + e.getMessage());
        } catch (AudioFormatException e) {
            // Frames and channels were checked above; what is left is data the decoder refuses.
            throw new Rejection(DeadLetterReason.UNDECODABLE, where + ": " + e.getMessage());
        }
        List<ValidatedChunk.ChannelAudio> audio = new ArrayList<>(speakers.size());
        for (int c = 0; c < speakers.size(); c++) {
            audio.add(new ValidatedChunk.ChannelAudio(speakers.get(c), channels[c]));
        }
        return new ValidatedChunk(
                chunk.getCallId(),
                chunk.getSequence(),
                chunk.getCaptureTimestamp().toEpochMilli(),
                chunk.getSampleRate(),
                chunk.getEndOfStream(),
                audio,
                record);
    }

    private AudioChunk deserialize(Record<byte[], byte[]> record) throws Rejection {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse(settings.inputTopic());
        AudioChunk chunk;
        try {
            chunk = deserializer.deserialize(topic, record.headers(), record.value());
        } catch (WireFormatException e) {
            if (e.isRetriable()) {
                throw new StreamsException(
                        "schema registry unavailable while reading "
                                + topic
                                + ": "
                                + e.getMessage(),
                        e);
            }
            throw new Rejection(DeadLetterReason.valueOf(e.error().name()), e.getMessage());
        } catch (RuntimeException e) {
            // Any other failure inside the deserializer (e.g. an Avro runtime exception) is about
            // these bytes.
            throw new Rejection(DeadLetterReason.UNDECODABLE, "cannot decode AudioChunk: " + e);
        }
        if (chunk == null) {
            throw new Rejection(DeadLetterReason.EMPTY, "deserializer returned no record");
        }
        return chunk;
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static List<SpeakerRole> speakers(AudioChunk chunk, String where) throws Rejection {
        int channels = chunk.getChannelCount();
        if (channels == 1) {
            return List.of(chunk.getSpeaker() == null ? SpeakerRole.UNKNOWN : chunk.getSpeaker());
        }
        if (channels != 2) {
            throw new Rejection(
                    DeadLetterReason.BAD_CHANNEL_LAYOUT,
                    where + ": channelCount " + channels + " is not supported (1 or 2)");
        }
        List<SpeakerRole> layout = chunk.getChannelLayout();
        if (layout == null) {
            return List.of(SpeakerRole.CUSTOMER, SpeakerRole.AGENT);
        }
        if (layout.size() != channels) {
            throw new Rejection(
                    DeadLetterReason.BAD_CHANNEL_LAYOUT,
                    where
                            + ": channelLayout "
                            + layout
                            + " names "
                            + layout.size()
                            + " channels but channelCount is "
                            + channels);
        }
        Set<SpeakerRole> distinct = EnumSet.noneOf(SpeakerRole.class);
        for (SpeakerRole role : layout) {
            if (role == null || !distinct.add(role)) {
                throw new Rejection(
                        DeadLetterReason.BAD_CHANNEL_LAYOUT,
                        where
                                + ": channelLayout "
                                + layout
                                + " must name a different speaker for each channel");
            }
        }
        return List.copyOf(layout);
    }

    private static SampleEncoding encoding(AudioChunk chunk, String where) throws Rejection {
        if (chunk.getEncoding() == null) {
            throw new Rejection(
                    DeadLetterReason.UNSUPPORTED_ENCODING, where + ": encoding is missing");
        }
        try {
            return SampleEncoding.valueOf(chunk.getEncoding().name());
        } catch (IllegalArgumentException e) {
            throw new Rejection(
                    DeadLetterReason.UNSUPPORTED_ENCODING,
                    where + ": encoding " + chunk.getEncoding() + " has no sample decoder");
        }
    }
}
