package io.emostream.stream;

import io.emostream.analysis.WindowClassifier;
import io.emostream.avro.AlertEvent;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.conversation.GateActivityDetector;
import io.emostream.conversation.SpeechActivityDetector;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the Processor API topology that turns {@code AudioChunk} records into {@code EmotionEvent} and
 * {@code CallEmotionStats} records.
 *
 * <h2>Design</h2>
 * <pre>
 *  call-audio (bytes) ─► intake ─► windower ─► call-emotions       (EmotionEvent, key = call id)
 *                          │          │    └─► call-emotion-stats  (CallEmotionStats, key = call id)
 *                          └──────────┴──────► call-audio-dlq      (original bytes + emostream.dlq.* headers)
 * </pre>
 * <ol>
 *   <li><b>intake</b> ({@link ChunkIntakeProcessor}): the source reads raw bytes so that the processor
 *       deserializes and validates each record itself. Failures go to the dead-letter topic with the original
 *       key, value, timestamp and headers plus {@code emostream.dlq.reason} ({@link DeadLetterReason}),
 *       {@code emostream.dlq.message}, {@code emostream.dlq.source.topic|partition|offset|timestamp};
 *       processing continues. Exception: an unreachable schema registry fails the task instead (not the data's
 *       fault). Valid chunks are decoded and split: 2-channel interleaved audio becomes one mono signal per
 *       channel (channelLayout, null = CUSTOMER, AGENT), mono audio belongs to the {@code speaker} field.</li>
 *   <li><b>windower</b> ({@link SpeakerStreamProcessor}): a stream is (callId, speaker); both channels of a stereo
 *       input share its sequence numbers. What becomes of each chunk, and which windows are ready, is decided by
 *       the Kafka-free {@link io.emostream.sequence.SpeakerStreamSequencer}; the processor carries it out. Two changelogged stores hold its state:
 *     <ul>
 *       <li>{@code emostream-audio-chunks}: one entry per chunk, key = (callId, speaker, sequence) in a
 *           fixed-width big-endian layout ({@link SpeakerStreamKey}) so a range scan returns a stream's chunks in order;
 *           value = the chunk's decoded samples at the source rate as float32, or one small entry standing for a
 *           whole run of gap silence ({@link BufferedChunk});</li>
 *       <li>{@code emostream-stream-state}: key = (callId, speaker); value = a small bounded record
 *           ({@link SpeakerStreamState}, hand-written DataOutput codec with a version byte): next expected sequence,
 *           buffered out-of-order sequences, window cursor, sample rate, capture times, last activity, counters
 *           and running statistics;</li>
 *       <li>{@code emostream-conversation}: key = call id; value = the call's
 *           {@link io.emostream.conversation.Conversation} (a version byte, then a fixed layout: about 80 bytes per
 *           speaker plus one bit per 20-ms frame of the 10-s lag, 310 bytes for agent and customer), rewritten
 *           once per record that completes a window or ends a stream, deleted when every speaker with audio has
 *           ended.</li>
 *     </ul>
 *       A chunk costs one write of its own size plus one rewrite of the bounded state record: the buffered
 *       window is never copied per chunk. When a window is complete, its chunks are read by one range scan,
 *       assembled, classified, and chunks the next window no longer needs are deleted (with hop &lt; window the
 *       overlap stays).</li>
 *   <li><b>Disorder</b>: chunks are reordered by sequence within a buffer of {@code reorderBufferMaxChunks}.
 *       A chunk whose sequence was already consumed or is already buffered is a duplicate: dropped and counted.
 *       A gap is filled with silence (missing chunks x length of the latest real chunk) once it has been open
 *       for {@code gapWait} (wall clock) or the buffer overflows; counted in gaps/gapFillMs. One gap is filled
 *       with at most {@code inactivityTimeout} of silence, which bounds what a wild sequence jump can cost. A chunk that arrives
 *       for a slot already filled with silence or beyond the end-of-stream chunk is <em>late</em>: counted (stats
 *       and metric), not analysed, and sent to the dead-letter topic with reason {@code LATE_CHUNK} so that its
 *       audio is not lost; one that arrives after its stream ended gets {@code STREAM_ENDED} (also counted as late).
 *       Sequences are 0..{@code Long.MAX_VALUE - 1} (intake), so sequence + 1 and gap sizes never overflow. A stream that changes sample rate gets
 *       {@code SAMPLE_RATE_CHANGED} dead letters.</li>
 *   <li><b>End</b>: the end-of-stream chunk (once everything before it arrived or was filled) or
 *       {@code inactivityTimeout} of wall-clock silence ends a stream (counted from the later of its last chunk
 *       and the moment this instance took its task over, so that a failover's stall is not taken for silence;
 *       gap waits likewise): a trailing partial window of at least
 *       {@code minLastWindow} that holds audio no earlier window covered is zero-padded and classified, final
 *       stats ({@code final = true}) are emitted, and the stream's chunks and state are deleted. What remains is
 *       a ~10-byte ended marker in the stream-state store (so that stragglers are recognised as late instead of
 *       starting a ghost stream) and the final stats in the call-stats store; both are removed after another
 *       {@code inactivityTimeout}.</li>
 *   <li><b>Statistics</b> after every window (see {@link SpeakerStats}, {@link EscalationRule}); the latest per
 *       call and speaker is also kept in {@code emostream-call-stats} for interactive queries
 *       ({@link CallStatsQuery}).</li>
 *   <li><b>Conversation metrics</b> (talk, silence, over-talk, turns; definitions in
 *       {@link io.emostream.conversation.Conversation}): for each window, {@link #ACTIVITY_DETECTOR} judges the
 *       window's 20-ms frames and those of its new audio (from the end of the previous window: overlapping windows
 *       count their audio once) go to the call's conversation, aligned on capture time. Both speakers of a call are
 *       in the same task (input keyed by call id), so over-talk needs no repartitioning. The windower holds the
 *       outputs of an input record until it is processed and completes each {@code CallEmotionStats} with the
 *       metrics as of then: both channels of a stereo chunk count in both speakers' records.</li>
 *   <li><b>Inference</b> happens on the stream thread, in one method
 *       ({@code SpeakerStreamProcessor.classify}), and is the costliest step per window (docs/benchmarks.md).
 *       Windows that hold only gap silence are not classified.</li>
 *   <li><b>Failures</b> of valid records are contained (docs/adr/0008-processing-failures.md): a window whose
 *       classification throws is skipped and the record that completed it dead-lettered as
 *       {@code PROCESSING_FAILED} with {@code emostream.dlq.exception}; any other failure of a stream, or a
 *       stream-state entry that does not decode ({@code STATE_UNREADABLE}), ends that stream only. Kafka's own
 *       exceptions still fail the task.</li>
 *   <li><b>Time</b>: all wall-clock readings (gap wait, inactivity, {@code processedAt}, {@code updatedAt},
 *       latency) come from the given {@link Clock}; the wall-clock punctuation every
 *       {@code punctuationInterval} only triggers the checks. Output records of a window carry the timestamp
 *       of the input record that completed it, or the wall-clock time when a punctuation did.</li>
 *   <li><b>Metrics</b>: see {@link StreamMetrics} for the names (all prefixed {@code emostream_}).</li>
 * </ol>
 */
public final class EmotionTopology {

    static final String SOURCE = "call-audio-source";
    static final String INTAKE = "chunk-intake";
    static final String WINDOWER = "stream-windower";
    static final String EVENTS_SINK = "call-emotions-sink";
    static final String STATS_SINK = "call-emotion-stats-sink";
    // With alerts, EVENTS_SINK and STATS_SINK are AlertTaps that pass records on to these sinks
    // (see build).
    static final String EVENTS_TOPIC_SINK = "call-emotions-topic-sink";
    static final String STATS_TOPIC_SINK = "call-emotion-stats-topic-sink";
    static final String ALERTS_SINK = "call-emotion-alerts-sink";

    /**
     * The frame-level speech detector of the conversation metrics: the speech gate's per-frame decisions. The one
     * place to change to measure with another detector (e.g. a voice-activity model).
     */
    static final SpeechActivityDetector ACTIVITY_DETECTOR = new GateActivityDetector();

    private EmotionTopology() {}

    /**
     * Builds the topology. Pure: it touches no broker; the collaborators are shared by all tasks, so they must be
     * thread-safe, and the (de)serializers must already be configured.
     *
     * @param settings          topics, stores, windowing and limits
     * @param classifier        window classifier, called on the stream thread
     * @param chunkDeserializer reads the Confluent wire-format AudioChunk value; failures become dead letters
     * @param eventSerializer   writes EmotionEvent values
     * @param statsSerializer   writes CallEmotionStats values
     * @param metrics           registry for the {@code emostream_*} meters
     * @param clock             wall-clock source
     */
    public static Topology build(
            TopologySettings settings,
            WindowClassifier classifier,
            Deserializer<AudioChunk> chunkDeserializer,
            Serializer<EmotionEvent> eventSerializer,
            Serializer<CallEmotionStats> statsSerializer,
            MeterRegistry metrics,
            Clock clock) {
        return build(
                settings,
                classifier,
                chunkDeserializer,
                eventSerializer,
                statsSerializer,
                null,
                null,
                metrics,
                clock);
    }

    /**
     * As above, plus the alert rules ({@link AlertRules}): with {@code alerts} non-null, the windower's two outputs
     * go through {@link AlertTap}s (named like the sinks the windower forwards to) that pass every record on to
     * its topic unchanged and emit {@code AlertEvent}s to {@code alerts.topic()} in the same task, hence the same
     * exactly-once transaction. With {@code alerts} null the topology has no alert nodes (as the overload above).
     *
     * @param alerts          alert rules and topic, or null for none
     * @param alertSerializer writes AlertEvent values (required with alerts)
     */
    public static Topology build(
            TopologySettings settings,
            WindowClassifier classifier,
            Deserializer<AudioChunk> chunkDeserializer,
            Serializer<EmotionEvent> eventSerializer,
            Serializer<CallEmotionStats> statsSerializer,
            AlertSettings alerts,
            Serializer<AlertEvent> alertSerializer,
            MeterRegistry metrics,
            Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(chunkDeserializer, "chunkDeserializer");
        Objects.requireNonNull(eventSerializer, "eventSerializer");
        Objects.requireNonNull(statsSerializer, "statsSerializer");
        Objects.requireNonNull(clock, "clock");
        StreamMetrics meters = new StreamMetrics(Objects.requireNonNull(metrics, "metrics"));

        Topology topology = new Topology();
        topology.addSource(
                SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                settings.inputTopic());
        topology.addProcessor(
                INTAKE,
                () -> new ChunkIntakeProcessor(settings, chunkDeserializer, meters),
                SOURCE);
        topology.addProcessor(
                WINDOWER,
                () ->
                        new SpeakerStreamProcessor(
                                settings, classifier, ACTIVITY_DETECTOR, meters, clock),
                INTAKE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(settings.streamStateStore()),
                        Serdes.Bytes(),
                        Serdes.ByteArray()),
                WINDOWER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(settings.chunkStore()),
                        Serdes.Bytes(),
                        Serdes.ByteArray()),
                WINDOWER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(settings.callStatsStore()),
                        Serdes.String(),
                        new CallEmotionStatsSerde()),
                WINDOWER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(settings.conversationStore()),
                        Serdes.String(),
                        Serdes.ByteArray()),
                WINDOWER);
        if (alerts == null) {
            topology.addSink(
                    EVENTS_SINK,
                    settings.eventsTopic(),
                    new StringSerializer(),
                    eventSerializer,
                    WINDOWER);
            topology.addSink(
                    STATS_SINK,
                    settings.statsTopic(),
                    new StringSerializer(),
                    statsSerializer,
                    WINDOWER);
        } else {
            Objects.requireNonNull(alertSerializer, "alertSerializer");
            alerts.requireModelLabels(classifier.labels());
            AlertRules rules =
                    new AlertRules(alerts, settings.escalation(), settings.hop().toMillis());
            topology.addProcessor(
                    EVENTS_SINK,
                    () ->
                            new AlertTap(
                                    EVENTS_TOPIC_SINK,
                                    ALERTS_SINK,
                                    alerts.stateStore(),
                                    rules,
                                    clock),
                    WINDOWER);
            topology.addProcessor(
                    STATS_SINK,
                    () ->
                            new AlertTap(
                                    STATS_TOPIC_SINK,
                                    ALERTS_SINK,
                                    alerts.stateStore(),
                                    rules,
                                    clock),
                    WINDOWER);
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(alerts.stateStore()),
                            Serdes.String(),
                            Serdes.ByteArray()),
                    EVENTS_SINK,
                    STATS_SINK);
            topology.addSink(
                    EVENTS_TOPIC_SINK,
                    settings.eventsTopic(),
                    new StringSerializer(),
                    eventSerializer,
                    EVENTS_SINK);
            topology.addSink(
                    STATS_TOPIC_SINK,
                    settings.statsTopic(),
                    new StringSerializer(),
                    statsSerializer,
                    STATS_SINK);
            topology.addSink(
                    ALERTS_SINK,
                    alerts.topic(),
                    new StringSerializer(),
                    alertSerializer,
                    EVENTS_SINK,
                    STATS_SINK);
        }
        topology.addSink(
                DeadLetters.SINK,
                settings.deadLetterTopic(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                INTAKE,
                WINDOWER);
        return topology;
    }
}
