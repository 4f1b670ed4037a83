/**
 * The Kafka Streams Processor API topology of emostream: {@link io.emostream.stream.EmotionTopology#build} (design
 * in its javadoc), its settings ({@link io.emostream.stream.TopologySettings}), and the read side for the REST
 * layer ({@link io.emostream.stream.CallStatsQuery} over store {@code emostream-call-stats}).
 *
 * <p>State stores (all changelogged, names configurable):
 * <ul>
 *   <li>{@code emostream-stream-state}: {@code Bytes} (callId, speaker) &rarr; per-stream state, hand-written
 *       binary codec with a version byte (internal);</li>
 *   <li>{@code emostream-audio-chunks}: {@code Bytes} (callId, speaker, sequence big-endian) &rarr; decoded
 *       float32 samples of one chunk or a run of gap silence (internal);</li>
 *   <li>{@code emostream-call-stats}: {@code String} {@code callId + '\u0000' + speaker} &rarr;
 *       {@link io.emostream.avro.CallEmotionStats}, plain Avro binary ({@link io.emostream.stream.CallEmotionStatsSerde});
 *       public, for interactive queries.</li>
 * </ul>
 */
package io.emostream.stream;
