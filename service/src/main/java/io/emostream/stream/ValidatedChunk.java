package io.emostream.stream;

import io.emostream.avro.SpeakerRole;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A chunk that passed validation, split into one mono signal per speaker. Handed from {@link ChunkIntakeProcessor}
 * to {@link SpeakerStreamProcessor} in memory (same sub-topology, never serialized). Keeps the original record so
 * that a later rejection (late chunk, sample-rate change) can still dead-letter the original bytes.
 */
record ValidatedChunk(
        String callId,
        long sequence,
        long captureTimeMs,
        int sampleRate,
        boolean endOfStream,
        List<ChannelAudio> channels,
        Record<byte[], byte[]> original) {

    /** Decoded samples in [-1, 1] of one speaker. */
    record ChannelAudio(SpeakerRole speaker, float[] samples) {}
}
