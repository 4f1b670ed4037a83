package io.emostream.stream;

import io.emostream.sequence.SequencerState;
import io.emostream.sequence.SequencerState.FilledRange;
import io.emostream.sequence.SpeakerStreamSequencer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The small per-stream record of the stream-state store: the {@link SequencerState} of the speaker stream, which
 * chunks of it the chunk store still holds, and its {@link SpeakerStats}. Its size is bounded (the sequencer
 * state by the reorder buffer and {@link SpeakerStreamSequencer#MAX_FILLED_RANGES}, the statistics by the label
 * count and trend length), so rewriting it per chunk is a constant cost. The audio itself lives in the chunk
 * store.
 *
 * <p>Encoded with a hand-written {@link DataOutputStream} codec, first byte = format version ({@value #VERSION}).
 * A stream that has ended is replaced by a marker ({@link #ended} = true, only {@link #lastActivityMs()} kept) so
 * that stragglers after the end are recognised as late instead of starting a new stream; the marker is removed
 * after the inactivity timeout.
 */
final class SpeakerStreamState {

    static final byte VERSION = 1;

    /** Whether this is the marker of an ended stream; then {@link #sequencing} and {@link #stats} are null. */
    final boolean ended;

    /** When the stream ended, for a marker. */
    private final long endedAtMs;

    /** Where the sequencer stands: sequence bookkeeping, window cursor, timing and counters. */
    SequencerState sequencing;

    /** Lowest sequence that may still have an entry in the chunk store below the next expected sequence. */
    long firstRetainedSequence;

    /** Sample offset (since the stream began) of the first sample of that retained chunk. */
    long firstRetainedStartSample;

    SpeakerStats stats;

    private SpeakerStreamState(boolean ended, long endedAtMs) {
        this.ended = ended;
        this.endedAtMs = endedAtMs;
    }

    static SpeakerStreamState start(int sampleRate, List<String> labels, long nowMs) {
        SpeakerStreamState state = new SpeakerStreamState(false, 0);
        state.sequencing = SequencerState.start(sampleRate, nowMs);
        state.stats = new SpeakerStats(labels);
        return state;
    }

    static SpeakerStreamState endedMarker(long nowMs) {
        return new SpeakerStreamState(true, nowMs);
    }

    /** Wall-clock time of the stream's latest chunk (or start), or of its end for a marker. */
    long lastActivityMs() {
        return ended ? endedAtMs : sequencing.lastActivityMs();
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new UnsynchronizedOutput(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeBoolean(ended);
            out.writeLong(lastActivityMs());
            if (!ended) {
                SequencerState s = sequencing;
                out.writeInt(s.sampleRate());
                out.writeLong(s.nextSequence());
                out.writeLong(s.endSequence());
                out.writeShort(s.pending().size());
                for (long sequence : s.pending()) {
                    out.writeLong(sequence);
                }
                out.writeLong(s.gapOpenSinceMs());
                out.writeLong(firstRetainedSequence);
                out.writeLong(firstRetainedStartSample);
                out.writeLong(s.contiguousSamples());
                out.writeLong(s.windowIndex());
                out.writeLong(s.lastWindowEndSample());
                out.writeLong(s.lastChunkSamples());
                out.writeLong(s.firstCaptureMs());
                out.writeLong(s.nextCaptureMs());
                out.writeLong(s.gaps());
                out.writeLong(s.gapFillMs());
                out.writeLong(s.duplicates());
                out.writeLong(s.lateChunks());
                out.writeShort(s.filledRanges().size());
                for (FilledRange range : s.filledRanges()) {
                    out.writeLong(range.from());
                    out.writeLong(range.to());
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
    static SpeakerStreamState decode(byte[] value) {
        if (value == null || value.length == 0) {
            throw new UnreadableStateException("stream state: empty entry", null);
        }
        if (value[0] != VERSION) {
            throw new UnreadableStateException(
                    "stream state: unknown format version "
                            + value[0]
                            + " (this release "
                            + "reads version "
                            + VERSION
                            + ")",
                    null);
        }
        try {
            return decodeVersion1(value);
        } catch (RuntimeException e) {
            throw new UnreadableStateException(
                    "stream state: "
                            + value.length
                            + " bytes of version "
                            + VERSION
                            + " do not decode ("
                            + e
                            + ")",
                    e);
        }
    }

    private static SpeakerStreamState decodeVersion1(byte[] value) {
        try (DataInputStream in = new DataInputStream(new UnsynchronizedInput(value))) {
            in.readByte(); // version, checked by decode
            boolean ended = in.readBoolean();
            long lastActivityMs = in.readLong();
            if (ended) {
                return endedMarker(lastActivityMs);
            }
            SpeakerStreamState state = new SpeakerStreamState(false, 0);
            int sampleRate = in.readInt();
            long nextSequence = in.readLong();
            long endSequence = in.readLong();
            int pendingCount = in.readUnsignedShort();
            TreeSet<Long> pending = new TreeSet<>();
            for (int i = 0; i < pendingCount; i++) {
                pending.add(in.readLong());
            }
            long gapOpenSinceMs = in.readLong();
            state.firstRetainedSequence = in.readLong();
            state.firstRetainedStartSample = in.readLong();
            long contiguousSamples = in.readLong();
            long windowIndex = in.readLong();
            long lastWindowEndSample = in.readLong();
            long lastChunkSamples = in.readLong();
            long firstCaptureMs = in.readLong();
            long nextCaptureMs = in.readLong();
            long gaps = in.readLong();
            long gapFillMs = in.readLong();
            long duplicates = in.readLong();
            long lateChunks = in.readLong();
            int rangeCount = in.readUnsignedShort();
            List<FilledRange> ranges = new ArrayList<>(rangeCount);
            for (int i = 0; i < rangeCount; i++) {
                ranges.add(new FilledRange(in.readLong(), in.readLong()));
            }
            state.sequencing =
                    new SequencerState(
                            sampleRate,
                            lastActivityMs,
                            nextSequence,
                            endSequence,
                            List.copyOf(pending),
                            gapOpenSinceMs,
                            contiguousSamples,
                            windowIndex,
                            lastWindowEndSample,
                            lastChunkSamples,
                            firstCaptureMs,
                            nextCaptureMs,
                            gaps,
                            gapFillMs,
                            duplicates,
                            lateChunks,
                            ranges);
            state.stats = SpeakerStats.read(in);
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes left over");
            }
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "stream state: cannot decode " + value.length + " bytes", e);
        }
    }

    /*
     * The entry is encoded and decoded once per chunk, field by field. ByteArrayInputStream's and
     * ByteArrayOutputStream's methods are synchronized, one lock per field read or written, which showed in the
     * stream thread's profile; these two drop the locks and nothing else (an entry is never shared between threads).
     */

    /** {@link ByteArrayOutputStream} without its locks. */
    private static final class UnsynchronizedOutput extends ByteArrayOutputStream {
        UnsynchronizedOutput(int size) {
            super(size);
        }

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        @Override
        public byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }

    /** A byte array as an input stream, without {@link java.io.ByteArrayInputStream}'s locks. */
    private static final class UnsynchronizedInput extends InputStream {
        private final byte[] bytes;
        private int position;

        UnsynchronizedInput(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            int n = Math.min(length, bytes.length - position);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(bytes, position, target, offset, n);
            position += n;
            return n;
        }

        /** What is left: the decoder refuses an entry with bytes left over. */
        @Override
        public int available() {
            return bytes.length - position;
        }
    }
}
