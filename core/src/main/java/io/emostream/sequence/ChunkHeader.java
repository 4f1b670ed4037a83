package io.emostream.sequence;

/**
 * What the sequencer needs to know of a chunk's audio: how many samples it holds and when its first sample was
 * captured.
 *
 * @param sampleCount   samples of the chunk
 * @param captureTimeMs capture time of its first sample, epoch milliseconds
 */
public record ChunkHeader(long sampleCount, long captureTimeMs) {}
