/**
 * Sequencing of one speaker stream (one call, one speaker), free of Kafka and of any store: chunks arrive by
 * sequence number in any order, some twice, some never; {@link io.emostream.sequence.SpeakerStreamSequencer}
 * puts them back in order, fills gaps with silence, says which windows of the contiguous audio are ready
 * ({@link io.emostream.analysis.WindowPolicy}) and when the stream has ended. The caller keeps the audio and
 * persists the {@link io.emostream.sequence.SequencerState} between chunks.
 */
package io.emostream.sequence;
