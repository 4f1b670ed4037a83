package io.emostream.sequence;

/**
 * The caller's store of the chunks the sequencer buffered ({@link SequencingDecision.Verdict#BUFFERED}). The
 * sequencer's state keeps only their sequence numbers, so it asks here for their headers when they join the
 * contiguous audio (or when a gap before them is filled).
 */
@FunctionalInterface
public interface BufferedChunks {

    /** The header of the buffered chunk {@code sequence}; only sequences that are buffered are asked for. */
    ChunkHeader header(long sequence);
}
