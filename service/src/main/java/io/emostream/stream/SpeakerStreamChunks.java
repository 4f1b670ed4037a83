package io.emostream.stream;

import io.emostream.sequence.ChunkHeader;
import io.emostream.sequence.SequencerState;
import io.emostream.sequence.SequencingDecision.GapFill;
import io.emostream.sequence.SequencingDecision.WindowRange;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The audio of one speaker stream in the chunk store: one {@link BufferedChunk} entry per stored chunk or run of
 * gap silence, under {@link SpeakerStreamKey#chunkKey} of its (first) sequence, so that a range scan returns the stream's
 * audio in order. Only the entries from {@link SpeakerStreamState#firstRetainedSequence} on are still needed; windows
 * release the ones before them.
 */
final class SpeakerStreamChunks {

    private final KeyValueStore<Bytes, byte[]> store;
    private final SpeakerStreamKey key;

    /**
     * The samples of a window, zero-padded to the window length.
     *
     * @param realAudio      whether any of it is real audio rather than gap silence
     * @param startCaptureMs capture time of the window's first sample
     */
    record Window(float[] samples, boolean realAudio, long startCaptureMs) {}

    SpeakerStreamChunks(KeyValueStore<Bytes, byte[]> store, SpeakerStreamKey key) {
        this.store = store;
        this.key = key;
    }

    /** The header of the stored chunk {@code sequence}, for the sequencer's {@code BufferedChunks}. */
    ChunkHeader header(long sequence) {
        BufferedChunk header = BufferedChunk.decodeHeader(store.get(key.chunkKey(sequence)));
        return new ChunkHeader(header.sampleCount(), header.captureTimeMs());
    }

    void store(long sequence, float[] samples, long captureTimeMs) {
        store.put(key.chunkKey(sequence), BufferedChunk.audio(samples, captureTimeMs).encode());
    }

    void discard(long sequence) {
        store.delete(key.chunkKey(sequence));
    }

    /** Stores the silence of a gap as one entry, however long it is. */
    void fill(GapFill gap) {
        store.put(
                key.chunkKey(gap.fromSequence()),
                BufferedChunk.silence(gap.samples(), gap.captureTimeMs()).encode());
    }

    /**
     * Assembles the samples of {@code range} (one range scan over the retained entries) into a window of
     * {@code length} samples; a shorter trailing range leaves the rest zero.
     */
    Window assemble(SpeakerStreamState state, WindowRange range, int length) {
        SequencerState sequencing = state.sequencing;
        long start = range.startSample();
        long end = range.endSample();
        float[] window = new float[length];
        boolean realAudio = false;
        long startCaptureMs = -1;
        try (KeyValueIterator<Bytes, byte[]> chunks = retained(state)) {
            long chunkStart = state.firstRetainedStartSample;
            while (chunks.hasNext() && chunkStart < end) {
                BufferedChunk chunk = BufferedChunk.decode(chunks.next().value);
                long chunkEnd = chunkStart + chunk.sampleCount();
                long from = Math.max(start, chunkStart);
                long to = Math.min(end, chunkEnd);
                if (to > from) {
                    chunk.copyTo(from - chunkStart, to - chunkStart, window, (int) (from - start));
                    realAudio |= !chunk.silence();
                }
                if (startCaptureMs < 0 && chunkStart <= start && start < chunkEnd) {
                    startCaptureMs =
                            chunk.captureTimeMs() + sequencing.samplesToMs(start - chunkStart);
                }
                chunkStart = chunkEnd;
            }
        }
        if (startCaptureMs < 0) {
            startCaptureMs = sequencing.firstCaptureMs() + sequencing.samplesToMs(start);
        }
        return new Window(window, realAudio, startCaptureMs);
    }

    /** Deletes retained entries that end at or before {@code sample} and moves the retained cursor past them. */
    void releaseBefore(SpeakerStreamState state, long sample) {
        List<KeyValue<Bytes, Long>> obsolete = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> chunks = retained(state)) {
            long chunkStart = state.firstRetainedStartSample;
            while (chunks.hasNext()) {
                KeyValue<Bytes, byte[]> entry = chunks.next();
                long chunkEnd = chunkStart + BufferedChunk.decodeHeader(entry.value).sampleCount();
                if (chunkEnd > sample) {
                    break;
                }
                obsolete.add(KeyValue.pair(entry.key, chunkEnd));
                chunkStart = chunkEnd;
            }
        }
        for (KeyValue<Bytes, Long> entry : obsolete) {
            store.delete(entry.key);
            state.firstRetainedSequence = SpeakerStreamKey.sequenceOfChunkKey(entry.key) + 1;
            state.firstRetainedStartSample = entry.value;
        }
    }

    /** Deletes every entry of the stream, buffered ones included. */
    void deleteAll() {
        List<Bytes> chunks = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all =
                store.range(key.chunkKey(0), key.chunkKey(Long.MAX_VALUE))) {
            all.forEachRemaining(kv -> chunks.add(kv.key));
        }
        chunks.forEach(store::delete);
    }

    /** The retained entries of the contiguous audio, in order (buffered ones beyond it excluded). */
    private KeyValueIterator<Bytes, byte[]> retained(SpeakerStreamState state) {
        return store.range(
                key.chunkKey(state.firstRetainedSequence),
                key.chunkKey(state.sequencing.nextSequence() - 1));
    }
}
