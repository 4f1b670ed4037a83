package io.emostream.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

/**
 * The small per-stream record of the stream-state store: sequence bookkeeping, window cursor, timing, counters
 * and {@link SpeakerStats}. Its size is bounded (the pending set by the reorder buffer, the gap ranges by
 * {@link #MAX_FILLED_RANGES}, the statistics by the label count and trend length), so rewriting it per chunk is a
 * constant cost. The audio itself lives in the chunk store.
 *
 * <p>Encoded with a hand-written {@link DataOutputStream} codec, first byte = format version ({@value #VERSION}).
 * A stream that has ended is replaced by a marker ({@link #ended} = true, only {@link #lastActivityMs} kept) so
 * that stragglers after the end are recognised as late instead of starting a new stream; the marker is removed
 * after the inactivity timeout.
 */
final class StreamState {

    static final byte VERSION = 1;
    /** Remembered gap ranges, to tell late chunks (for filled sequences) from duplicates; oldest dropped first. */
    static final int MAX_FILLED_RANGES = 32;

    boolean ended;
    int sampleRate;
    /** Next sequence to join the contiguous audio; all below it are consumed or filled. */
    long nextSequence;
    /** Sequence of the end-of-stream chunk, or -1 while unknown. */
    long endSequence = -1;
    /** Buffered sequences above {@link #nextSequence}, waiting for the gap before them. */
    final TreeSet<Long> pending = new TreeSet<>();
    /** Wall-clock ms since the current gap at {@link #nextSequence} has been open, or -1. */
    long gapOpenSinceMs = -1;
    /** Lowest sequence that may still have an entry in the chunk store below {@link #nextSequence}. */
    long firstRetainedSequence;
    /** Sample offset (since the stream began) of the first sample of that retained chunk. */
    long firstRetainedStartSample;
    /** Samples of contiguous audio (real and gap silence) since the stream began. */
    long contiguousSamples;
    /** Index of the next window to emit; it starts at windowIndex * hopSamples. */
    long windowIndex;
    /** End sample (exclusive) of the last emitted window, or -1. */
    long lastWindowEndSample = -1;
    /** Samples of the most recent real chunk: the length assumed for each missing chunk. */
    long lastChunkSamples;
    long firstCaptureMs = -1;
    /** Capture time of the sample at {@link #contiguousSamples}, i.e. the end of the contiguous audio; -1 if none. */
    long nextCaptureMs = -1;
    long lastActivityMs;
    long gaps;
    long gapFillMs;
    long duplicates;
    long lateChunks;
    /** [from, to) sequence ranges filled with silence, oldest first. */
    final Deque<long[]> filledRanges = new ArrayDeque<>();
    SpeakerStats stats;

    static StreamState start(int sampleRate, List<String> labels, long nowMs) {
        StreamState state = new StreamState();
        state.sampleRate = sampleRate;
        state.stats = new SpeakerStats(labels);
        state.lastActivityMs = nowMs;
        return state;
    }

    static StreamState endedMarker(long nowMs) {
        StreamState state = new StreamState();
        state.ended = true;
        state.lastActivityMs = nowMs;
        return state;
    }

    boolean wasFilled(long sequence) {
        for (long[] range : filledRanges) {
            if (sequence >= range[0] && sequence < range[1]) {
                return true;
            }
        }
        return false;
    }

    void recordFilledRange(long from, long to) {
        filledRanges.addLast(new long[] {from, to});
        while (filledRanges.size() > MAX_FILLED_RANGES) {
            filledRanges.removeFirst();
        }
    }

    long samplesToMs(long samples) {
        return Math.round(samples * 1000.0 / sampleRate);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeBoolean(ended);
            out.writeLong(lastActivityMs);
            if (!ended) {
                out.writeInt(sampleRate);
                out.writeLong(nextSequence);
                out.writeLong(endSequence);
                out.writeShort(pending.size());
                for (long sequence : pending) {
                    out.writeLong(sequence);
                }
                out.writeLong(gapOpenSinceMs);
                out.writeLong(firstRetainedSequence);
                out.writeLong(firstRetainedStartSample);
                out.writeLong(contiguousSamples);
                out.writeLong(windowIndex);
                out.writeLong(lastWindowEndSample);
                out.writeLong(lastChunkSamples);
                out.writeLong(firstCaptureMs);
                out.writeLong(nextCaptureMs);
                out.writeLong(gaps);
                out.writeLong(gapFillMs);
                out.writeLong(duplicates);
                out.writeLong(lateChunks);
                out.writeShort(filledRanges.size());
                for (long[] range : filledRanges) {
                    out.writeLong(range[0]);
                    out.writeLong(range[1]);
                }
                stats.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes an entry written by {@link #encode()} of this or an earlier release (only version {@value #VERSION}
     * exists so far; a new version must keep decoding the old ones, see {@code StateCodecTest}).
     *
     * @throws UnreadableStateException for an unknown version, or bytes that are not a valid entry of their version
     */
    static StreamState decode(byte[] value) {
        if (value == null || value.length == 0) {
            throw new UnreadableStateException("stream state: empty entry", null);
        }
        if (value[0] != VERSION) {
            throw new UnreadableStateException("stream state: unknown format version " + value[0] + " (this release "
                    + "reads version " + VERSION + ")", null);
        }
        try {
            return decodeVersion1(value);
        } catch (RuntimeException e) {
            throw new UnreadableStateException("stream state: " + value.length + " bytes of version " + VERSION
                    + " do not decode (" + e + ")", e);
        }
    }

    private static StreamState decodeVersion1(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            in.readByte(); // version, checked by decode
            StreamState state = new StreamState();
            state.ended = in.readBoolean();
            state.lastActivityMs = in.readLong();
            if (state.ended) {
                return state;
            }
            state.sampleRate = in.readInt();
            state.nextSequence = in.readLong();
            state.endSequence = in.readLong();
            int pendingCount = in.readUnsignedShort();
            for (int i = 0; i < pendingCount; i++) {
                state.pending.add(in.readLong());
            }
            state.gapOpenSinceMs = in.readLong();
            state.firstRetainedSequence = in.readLong();
            state.firstRetainedStartSample = in.readLong();
            state.contiguousSamples = in.readLong();
            state.windowIndex = in.readLong();
            state.lastWindowEndSample = in.readLong();
            state.lastChunkSamples = in.readLong();
            state.firstCaptureMs = in.readLong();
            state.nextCaptureMs = in.readLong();
            state.gaps = in.readLong();
            state.gapFillMs = in.readLong();
            state.duplicates = in.readLong();
            state.lateChunks = in.readLong();
            int ranges = in.readUnsignedShort();
            for (int i = 0; i < ranges; i++) {
                state.filledRanges.addLast(new long[] {in.readLong(), in.readLong()});
            }
            state.stats = SpeakerStats.read(in);
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes left over");
            }
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("stream state: cannot decode " + value.length + " bytes", e);
        }
    }
}
