package io.emostream.stream;

import io.emostream.analysis.WindowAnalysis;
import io.emostream.analysis.WindowClassifier;
import io.emostream.analysis.WindowPolicy;
import io.emostream.analysis.WindowResult;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import io.emostream.conversation.ActivityFrames;
import io.emostream.conversation.Conversation;
import io.emostream.conversation.ConversationRules;
import io.emostream.conversation.SpeakerMetrics;
import io.emostream.conversation.SpeechActivityDetector;
import io.emostream.sequence.BufferedChunks;
import io.emostream.sequence.ChunkHeader;
import io.emostream.sequence.SequencerState;
import io.emostream.sequence.SequencingDecision;
import io.emostream.sequence.SequencingDecision.EndCause;
import io.emostream.sequence.SequencingDecision.GapFill;
import io.emostream.sequence.SequencingDecision.Verdict;
import io.emostream.sequence.SequencingDecision.WindowRange;
import io.emostream.sequence.SequencingRules;
import io.emostream.sequence.SpeakerStreamSequencer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Second processor: per speaker stream (call, speaker), the glue between the stores and the
 * {@link SpeakerStreamSequencer}, which decides what becomes of each chunk (joined, buffered, duplicate, late),
 * when gaps are filled with silence, which windows are ready and when the stream ends. This class keeps the audio
 * in the chunk store ({@link SpeakerStreamChunks}), classifies the windows the sequencer names, emits events and
 * running statistics, persists the {@link SpeakerStreamState}, runs the wall-clock checks and contains failures. See
 * {@link EmotionTopology} for the design.
 *
 * <p>Per chunk it writes the chunk's own samples (one chunk-store entry) and the small stream-state record;
 * only when a window is complete does it read the chunks of that window (range scan) and delete those the next
 * window no longer needs.
 *
 * <p>Conversation metrics: for each window the {@link SpeechActivityDetector} judges the window and the frames of its
 * new audio (not the overlap with the previous window) go to the call's {@link Conversation}, kept in the
 * conversation store under the call id. The outputs of one input record (or punctuation) are held back until the
 * record has been processed, then forwarded in their order, each {@code CallEmotionStats} completed with its
 * speaker's talk, silence, over-talk and turns as of then; so both channels of a stereo chunk are in the metrics of
 * both speakers' statistics. The conversation entry is deleted once every speaker with audio has ended.
 *
 * <p>Failures are contained per stream (docs/adr/0008-processing-failures.md): a window whose classification throws
 * is skipped (counted, the cursor moves past it, the record that completed it is dead-lettered with
 * {@code PROCESSING_FAILED}); any other exception while a stream is processed (unreadable state or chunk entries, a
 * bug) ends that stream, dead-letters the record and leaves every other stream alone. Kafka's own exceptions
 * ({@link KafkaException}: producer fenced, store or registry failures) are not the record's fault and still fail
 * the task. Everything happens through the processor context and the stores, so it is part of the task's
 * exactly-once transaction.
 */
final class SpeakerStreamProcessor implements Processor<String, ValidatedChunk, Object, Object> {

    private final TopologySettings settings;
    private final WindowClassifier classifier;
    private final StreamMetrics metrics;
    private final Clock clock;
    private final DeadLetters deadLetters;
    private final List<String> labels;
    private final SequencingRules rules;
    private final WindowPolicy windowPolicy;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Bytes, byte[]> streamStore;
    private KeyValueStore<Bytes, byte[]> chunkStore;
    private KeyValueStore<String, CallEmotionStats> callStatsStore;
    private KeyValueStore<String, byte[]> conversationStore;
    private final SpeechActivityDetector activity;
    private final ConversationRules conversationRules;

    /** The speakers a call is expected to have: over-talk and turns wait for both (up to the lag). */
    static final List<String> PARTIES =
            List.of(SpeakerRole.CUSTOMER.name(), SpeakerRole.AGENT.name());

    /** Conversations changed by the current record or punctuation, by call id; written back by {@link #flush}. */
    private final Map<String, Conversation> conversations = new LinkedHashMap<>();

    /** Outputs of the current record or punctuation, in order; forwarded by {@link #flush}. */
    private final List<Output> outbox = new ArrayList<>();

    /**
     * An output held until the end of its record: an {@link EmotionEvent}, or a {@link CallEmotionStats.Builder}
     * that {@link #flush} completes with the conversation metrics of {@code speaker}.
     */
    private record Output(
            String callId, SpeakerRole speaker, Object value, long timestamp, String sink) {}

    /** For a sequencer that is only asked what is due: that reads no chunk. */
    private static final BufferedChunks NOT_READ =
            sequence -> {
                throw new IllegalStateException("no chunk is read to decide what is due");
            };

    /** Open streams owned by this task: its share of the active-streams gauge. */
    private long openStreams;

    /**
     * Wall-clock time at which this instance took the task over ({@link #init}, after its stores were restored).
     * Inactivity and gap waits count from no earlier than this ({@link SequencerState#takenOverAt}), so a failover's
     * stall does not end the streams it moved before their backlog is read.
     */
    private long takenOverMs;

    /** First processing failure of the current input record or punctuation step, dead-lettered once at its end. */
    private Failure failure;

    /** What failed, and how often, while one input record (or one stream's punctuation step) was processed. */
    private record Failure(String what, RuntimeException exception, int count) {
        String message() {
            return count == 1
                    ? what
                    : what + " (and " + (count - 1) + " more failure(s) of the same record)";
        }
    }

    SpeakerStreamProcessor(
            TopologySettings settings,
            WindowClassifier classifier,
            SpeechActivityDetector activity,
            StreamMetrics metrics,
            Clock clock) {
        this.settings = settings;
        this.activity = activity;
        this.conversationRules = settings.conversationRules();
        this.classifier = classifier;
        this.metrics = metrics;
        this.clock = clock;
        this.deadLetters = new DeadLetters(metrics, settings.maxRecordBytes());
        this.labels = List.copyOf(classifier.labels());
        this.rules = settings.sequencingRules();
        this.windowPolicy = settings.windowPolicy();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.takenOverMs = clock.millis();
        this.streamStore = context.getStateStore(settings.streamStateStore());
        this.chunkStore = context.getStateStore(settings.chunkStore());
        this.callStatsStore = context.getStateStore(settings.callStatsStore());
        this.conversationStore = context.getStateStore(settings.conversationStore());
        try (KeyValueIterator<Bytes, byte[]> all = streamStore.all()) {
            while (all.hasNext()) {
                try {
                    if (!SpeakerStreamState.decode(all.next().value).ended) {
                        openStreams++;
                    }
                } catch (UnreadableStateException e) {
                    // Not counted; the first punctuation dead-letters the entry and ends the
                    // stream.
                }
            }
        }
        metrics.activeStreams.addAndGet(openStreams);
        context.schedule(
                settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void close() {
        metrics.activeStreams.addAndGet(-openStreams);
        openStreams = 0;
    }

    @Override
    public void process(Record<String, ValidatedChunk> record) {
        ValidatedChunk chunk = record.value();
        long now = clock.millis();
        Rejection rejection = null;
        failure = null;
        for (ValidatedChunk.ChannelAudio channel : chunk.channels()) {
            SpeakerStreamKey key = new SpeakerStreamKey(chunk.callId(), channel.speaker());
            Rejection problem;
            try {
                problem = accept(key, chunk, channel.samples(), now, record.timestamp());
            } catch (RuntimeException e) {
                rethrowIfKafka(e);
                problem = null;
                failed(
                        "chunk "
                                + chunk.sequence()
                                + " of stream "
                                + key
                                + " could not be processed; the stream "
                                + "was ended",
                        e);
                abandon(key, true, record.timestamp(), now);
            }
            if (rejection == null && problem != null) {
                rejection =
                        new Rejection(
                                problem.reason(),
                                "chunk "
                                        + chunk.sequence()
                                        + " of stream "
                                        + key
                                        + ": "
                                        + problem.message());
            }
        }
        if (rejection != null) {
            // Once per input record, even when both channels of a stereo chunk were rejected.
            deadLetters.send(context, chunk.original(), rejection.reason(), rejection.message());
        }
        sendFailure(chunk.original());
        flush();
    }

    /** The call's conversation, loaded once per record or punctuation and written back by {@link #flush}. */
    private Conversation conversation(String callId) {
        return conversations.computeIfAbsent(callId, this::loadConversation);
    }

    private Conversation loadConversation(String callId) {
        byte[] stored = conversationStore.get(callId);
        if (stored != null) {
            try {
                return Conversation.decode(stored);
            } catch (IllegalArgumentException e) {
                // unreadable (e.g. a newer release's format): kept in the dead-letter topic, and
                // the call's
                // conversation metrics start again from here; its emotion windows are not affected
                deadLetters.send(
                        context,
                        new Record<>(
                                callId.getBytes(StandardCharsets.UTF_8),
                                stored,
                                context.currentSystemTimeMs()),
                        DeadLetterReason.STATE_UNREADABLE,
                        "conversation state of call "
                                + callId
                                + " cannot be decoded; its conversation metrics start again",
                        e,
                        settings.conversationStore());
            }
        }
        return new Conversation(conversationRules, activity.frame(), PARTIES);
    }

    /**
     * Forwards the outputs held back for the current record or punctuation, in order, completing each statistics
     * record with its speaker's conversation metrics as they are now (the call-stats store gets the completed
     * record), then writes back the conversations that changed, or deletes those that are finished.
     */
    private void flush() {
        for (Output output : outbox) {
            Object value = output.value();
            if (value instanceof CallEmotionStats.Builder builder) {
                Conversation conversation = conversations.get(output.callId());
                if (conversation == null) {
                    byte[] stored = conversationStore.get(output.callId());
                    conversation = stored == null ? null : loadConversation(output.callId());
                }
                SpeakerMetrics m =
                        conversation == null
                                ? SpeakerMetrics.NONE
                                : conversation.metrics(output.speaker().name());
                CallEmotionStats stats =
                        builder.setTalkMs(m.talk().toMillis())
                                .setSilenceMs(m.silence().toMillis())
                                .setOverTalkMs(m.overTalk().toMillis())
                                .setTurns(m.turns())
                                .build();
                callStatsStore.put(
                        CallStatsQuery.storeKey(output.callId(), output.speaker()), stats);
                value = stats;
            }
            context.forward(
                    new Record<Object, Object>(output.callId(), value, output.timestamp()),
                    output.sink());
        }
        outbox.clear();
        conversations.forEach(
                (callId, conversation) -> {
                    if (conversation.finished()) {
                        conversationStore.delete(callId);
                    } else {
                        conversationStore.put(callId, conversation.encode());
                    }
                });
        conversations.clear();
    }

    /** Dead-letters the failure of the current record or punctuation step, if there was one. */
    private void sendFailure(Record<byte[], byte[]> original) {
        if (failure != null) {
            deadLetters.send(
                    context,
                    original,
                    DeadLetterReason.PROCESSING_FAILED,
                    failure.message(),
                    failure.exception(),
                    null);
            failure = null;
        }
    }

    private void failed(String what, RuntimeException e) {
        failure =
                failure == null
                        ? new Failure(what, e, 1)
                        : new Failure(failure.what(), failure.exception(), failure.count() + 1);
    }

    /** Kafka's own exceptions are about the client, the broker or the registry, not the record: the task fails. */
    private static void rethrowIfKafka(RuntimeException e) {
        if (e instanceof KafkaException) {
            throw e;
        }
    }

    /**
     * A state entry this release cannot decode: dead-lettered ({@code STATE_UNREADABLE}, key = call id, value = the
     * entry's bytes) and the stream is ended ({@link #abandon}).
     */
    private void stateUnreadable(
            SpeakerStreamKey key,
            byte[] stored,
            UnreadableStateException e,
            long timestamp,
            long now) {
        Record<byte[], byte[]> entry =
                new Record<>(key.callId().getBytes(StandardCharsets.UTF_8), stored, timestamp);
        deadLetters.send(
                context,
                entry,
                DeadLetterReason.STATE_UNREADABLE,
                "state of stream " + key + " cannot be decoded; the stream was ended",
                e,
                settings.streamStateStore());
        abandon(key, false, timestamp, now);
    }

    /**
     * Ends a stream that cannot go on: deletes its chunks, emits final statistics as of its last classified window
     * (so that consumers waiting for {@code final = true} are not left waiting) and leaves an ended marker, so that
     * its later chunks are dead-lettered as {@code STREAM_ENDED} for one inactivity timeout instead of starting a
     * new stream with window indices that were already used.
     */
    private void abandon(SpeakerStreamKey key, boolean wasOpen, long timestamp, long now) {
        new SpeakerStreamChunks(chunkStore, key).deleteAll();
        String statsKey = CallStatsQuery.storeKey(key.callId(), key.speaker());
        CallEmotionStats last;
        try {
            last = callStatsStore.get(statsKey);
        } catch (RuntimeException e) {
            last = null; // unreadable statistics: start from empty ones
        }
        if (last == null || !last.getFinal$()) {
            CallEmotionStats.Builder builder;
            if (last != null) {
                builder = CallEmotionStats.newBuilder(last);
            } else {
                builder =
                        CallEmotionStats.newBuilder()
                                .setCallId(key.callId())
                                .setSpeaker(key.speaker())
                                .setGaps(0)
                                .setGapFillMs(0)
                                .setDuplicates(0)
                                .setLateChunks(0)
                                .setFirstAudioTime(null)
                                .setLastAudioTime(null);
                new SpeakerStats(labels).fill(builder);
            }
            conversation(key.callId()).end(key.speaker().name());
            builder.setFinal$(true).setUpdatedAt(Instant.ofEpochMilli(clock.millis()));
            hold(key, builder, timestamp, EmotionTopology.STATS_SINK);
        }
        streamStore.put(key.toBytes(), SpeakerStreamState.endedMarker(now).encode());
        if (wasOpen) {
            openStreams--;
            metrics.activeStreams.decrementAndGet();
        }
        metrics.endedByFailure.increment();
    }

    private record Rejection(DeadLetterReason reason, String message) {
        static Rejection late(String message) {
            return new Rejection(DeadLetterReason.LATE_CHUNK, message);
        }
    }

    /** Takes one channel of a chunk into its stream; returns why it was rejected, or null. */
    private Rejection accept(
            SpeakerStreamKey key, ValidatedChunk chunk, float[] samples, long now, long timestamp) {
        Bytes streamKey = key.toBytes();
        byte[] stored = streamStore.get(streamKey);
        SpeakerStreamState state;
        if (stored == null) {
            state = SpeakerStreamState.start(chunk.sampleRate(), labels, now);
            openStreams++;
            metrics.activeStreams.incrementAndGet();
        } else {
            try {
                state = SpeakerStreamState.decode(stored);
            } catch (UnreadableStateException e) {
                stateUnreadable(key, stored, e, timestamp, now);
                failed(
                        "chunk "
                                + chunk.sequence()
                                + " of stream "
                                + key
                                + " met a state entry that cannot be decoded "
                                + "(dead-lettered as "
                                + DeadLetterReason.STATE_UNREADABLE
                                + "); the stream was ended",
                        e);
                return null;
            }
        }
        if (state.ended) {
            // A straggler, or the call id reused too soon: either way not a silent loss. The ended
            // marker lives for
            // one inactivity timeout; after that the same id starts a new call.
            metrics.late.increment();
            return new Rejection(
                    DeadLetterReason.STREAM_ENDED,
                    "the stream ended less than "
                            + settings.inactivityTimeout()
                            + " ago (at "
                            + Instant.ofEpochMilli(state.lastActivityMs())
                            + "); a call id can start a new call once that has passed");
        }
        if (state.sequencing.sampleRate() != chunk.sampleRate()) {
            return new Rejection(
                    DeadLetterReason.SAMPLE_RATE_CHANGED,
                    "sample rate "
                            + chunk.sampleRate()
                            + " Hz differs from the stream's "
                            + state.sequencing.sampleRate()
                            + " Hz");
        }
        SpeakerStreamChunks chunks = new SpeakerStreamChunks(chunkStore, key);
        SpeakerStreamSequencer sequencer = sequencer(chunks, state);
        SequencingDecision decision =
                sequencer.accept(
                        chunk.sequence(),
                        new ChunkHeader(samples.length, chunk.captureTimeMs()),
                        chunk.endOfStream(),
                        now);
        Rejection rejection =
                switch (decision.verdict()) {
                    case LATE_AFTER_END ->
                            Rejection.late(
                                    "beyond end-of-stream chunk "
                                            + sequencer.state().endSequence());
                    case LATE_FOR_FILLED_SLOT ->
                            Rejection.late("its slot was already filled with silence");
                    default -> null;
                };
        if (rejection != null) {
            metrics.late.increment();
        } else if (decision.verdict() == Verdict.DUPLICATE) {
            metrics.duplicates.increment();
        } else if (decision.verdict().stored()) {
            chunks.store(chunk.sequence(), samples, chunk.captureTimeMs());
        }
        carryOut(key, chunks, state, sequencer, decision, timestamp, now);
        return rejection;
    }

    /** The sequencer of a stream at its stored state, reading buffered chunks from the chunk store. */
    private SpeakerStreamSequencer sequencer(SpeakerStreamChunks chunks, SpeakerStreamState state) {
        return new SpeakerStreamSequencer(
                rules, state.sequencing.takenOverAt(takenOverMs), chunks::header);
    }

    /**
     * Does what the sequencer decided, in its order: deletes discarded chunks, stores gap silence, emits the
     * windows that are ready (each followed by statistics, except the trailing one), then ends the stream or saves
     * its state.
     */
    private void carryOut(
            SpeakerStreamKey key,
            SpeakerStreamChunks chunks,
            SpeakerStreamState state,
            SpeakerStreamSequencer sequencer,
            SequencingDecision decision,
            long timestamp,
            long now) {
        for (long sequence : decision.discarded()) {
            chunks.discard(sequence);
            metrics.late.increment();
        }
        for (GapFill gap : decision.gapFills()) {
            chunks.fill(gap);
            metrics.gaps.increment(gap.missingChunks());
            metrics.gapFillMs.increment(gap.durationMs());
        }
        long newFrom =
                state.sequencing.lastWindowEndSample(); // where the audio no window saw begins
        state.sequencing = sequencer.state();
        for (WindowRange window : decision.windows()) {
            if (emitWindow(key, chunks, state, window, newFrom, timestamp) && !window.trailing()) {
                emitStats(key, state, false, timestamp);
            }
            newFrom = window.endSample();
        }
        if (decision.ended()) {
            finish(key, chunks, state, decision.end(), timestamp, now);
        } else {
            streamStore.put(key.toBytes(), state.encode());
        }
    }

    /**
     * Ends a stream whose last windows have been emitted: emits the final statistics and deletes the stream's
     * chunks; the state is replaced by an ended marker.
     */
    private void finish(
            SpeakerStreamKey key,
            SpeakerStreamChunks chunks,
            SpeakerStreamState state,
            EndCause cause,
            long timestamp,
            long now) {
        conversation(key.callId()).end(key.speaker().name());
        emitStats(key, state, true, timestamp);
        chunks.deleteAll();
        streamStore.put(key.toBytes(), SpeakerStreamState.endedMarker(now).encode());
        openStreams--;
        metrics.activeStreams.decrementAndGet();
        (cause == EndCause.INACTIVITY ? metrics.endedByInactivity : metrics.endedByEndOfStream)
                .increment();
    }

    /**
     * Assembles the window's samples from the chunk store (zero-padded to the window length when it is the
     * shorter trailing one), classifies them and emits the EmotionEvent. A window that holds only gap silence is
     * not classified: it is no_speech by construction.
     *
     * <p>If classifying throws, the window is skipped: no event, its index is used up (the stream's next event has
     * the next index), its chunks are released as if it had been emitted, and the failure is dead-lettered with
     * the record that completed it. Returns whether an event was emitted.
     *
     * <p>Either way the frames of the window's new audio, from {@code newFrom} (the end of the previous window) on,
     * go to the call's conversation.
     */
    private boolean emitWindow(
            SpeakerStreamKey key,
            SpeakerStreamChunks chunks,
            SpeakerStreamState state,
            WindowRange range,
            long newFrom,
            long timestamp) {
        SequencerState sequencing = state.sequencing;
        int rate = sequencing.sampleRate();
        long start = range.startSample();
        long end = range.endSample();
        SpeakerStreamChunks.Window window =
                chunks.assemble(state, range, (int) windowPolicy.windowSamples(rate));
        int validSamples = (int) (end - start);
        WindowAnalysis analysis = null;
        RuntimeException failure = null;
        if (window.realAudio()) {
            try {
                analysis = analyse(window.samples(), rate, validSamples);
            } catch (RuntimeException e) {
                rethrowIfKafka(e);
                failure = e;
            }
        }
        // the conversation takes the window's frames whether or not it could be classified, reusing
        // the
        // classifier's speech-gate decision (the gate runs once per window)
        conversation(key.callId())
                .add(
                        key.speaker().name(),
                        sequencing.firstCaptureMs(),
                        ActivityFrames.ofNewAudio(
                                activity,
                                window.samples(),
                                rate,
                                validSamples,
                                start,
                                Math.max(start, newFrom),
                                !window.realAudio(),
                                analysis == null ? null : analysis.gate()));
        if (failure != null) {
            failed(
                    "window "
                            + range.index()
                            + " ["
                            + sequencing.samplesToMs(start)
                            + ", "
                            + sequencing.samplesToMs(end)
                            + ") ms of stream "
                            + key
                            + " could not be classified and was "
                            + "skipped",
                    failure);
            metrics.failedWindows.increment();
            chunks.releaseBefore(state, range.retainFrom());
            return false;
        }
        WindowResult result = analysis != null ? analysis.result() : WindowResult.noSpeech(0f);
        long processedAt = clock.millis();
        long audioMs = sequencing.samplesToMs(end - start);
        long endCaptureMs = window.startCaptureMs() + audioMs;
        EmotionEvent event =
                EmotionEvent.newBuilder()
                        .setCallId(key.callId())
                        .setSpeaker(key.speaker())
                        .setWindowIndex(range.index())
                        .setWindowStartOffsetMs(sequencing.samplesToMs(start))
                        .setWindowEndOffsetMs(sequencing.samplesToMs(end))
                        .setWindowStartTime(Instant.ofEpochMilli(window.startCaptureMs()))
                        .setWindowEndTime(Instant.ofEpochMilli(endCaptureMs))
                        .setSpeech(result.speech())
                        .setLabel(result.label())
                        .setConfidence(result.confidence())
                        .setProbabilities(new LinkedHashMap<>(result.probabilities()))
                        .setValence(result.valence())
                        .setArousal(result.arousal())
                        .setSpeechRatio(result.speechRatio())
                        .setModelId(classifier.modelId())
                        .setModelVersion(classifier.modelVersion())
                        .setProcessedAt(Instant.ofEpochMilli(processedAt))
                        .build();
        state.stats.add(
                range.index(), result, audioMs, settings.escalation(), settings.trendWindows());
        hold(key, event, timestamp, EmotionTopology.EVENTS_SINK);
        (result.speech() ? metrics.speechWindows : metrics.silentWindows).increment();
        metrics.endToEnd(processedAt, endCaptureMs);
        chunks.releaseBefore(state, range.retainFrom());
        return true;
    }

    /**
     * The single place where inference happens. It runs on the stream thread and costs about 10 ms per window, which
     * bounds a thread's throughput; to move it elsewhere (a pool, a batching service), change only this method.
     */
    private WindowAnalysis analyse(float[] samples, int sampleRate, int validSamples) {
        long started = System.nanoTime();
        try {
            return classifier.analyse(samples, sampleRate, validSamples);
        } finally {
            metrics.inference.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void emitStats(
            SpeakerStreamKey key, SpeakerStreamState state, boolean isFinal, long timestamp) {
        SequencerState sequencing = state.sequencing;
        CallEmotionStats.Builder builder =
                CallEmotionStats.newBuilder()
                        .setCallId(key.callId())
                        .setSpeaker(key.speaker())
                        .setFinal$(isFinal)
                        .setGaps(sequencing.gaps())
                        .setGapFillMs(sequencing.gapFillMs())
                        .setDuplicates(sequencing.duplicates())
                        .setLateChunks(sequencing.lateChunks())
                        .setFirstAudioTime(
                                sequencing.firstCaptureMs() >= 0
                                        ? Instant.ofEpochMilli(sequencing.firstCaptureMs())
                                        : null)
                        .setLastAudioTime(
                                sequencing.nextCaptureMs() >= 0
                                        ? Instant.ofEpochMilli(sequencing.nextCaptureMs())
                                        : null)
                        .setUpdatedAt(Instant.ofEpochMilli(clock.millis()));
        state.stats.fill(builder);
        hold(key, builder, timestamp, EmotionTopology.STATS_SINK);
    }

    /** Holds an output of the current record or punctuation until {@link #flush}. */
    private void hold(SpeakerStreamKey key, Object value, long timestamp, String sink) {
        outbox.add(new Output(key.callId(), key.speaker(), value, timestamp, sink));
    }

    /**
     * Wall-clock checks: the sequencer's ({@link SpeakerStreamSequencer#due}: fill gaps that waited
     * {@code gapWait}, end streams idle for {@code inactivityTimeout}), and the removal of ended markers (and their
     * final stats) after another {@code inactivityTimeout}. Decides first, then acts, so that no store is modified
     * while it is being iterated.
     */
    private void punctuate(long ignoredTimestamp) {
        long now = clock.millis();
        long timeout = settings.inactivityTimeout().toMillis();
        List<Bytes> gapsDue = new ArrayList<>();
        List<Bytes> idle = new ArrayList<>();
        List<Bytes> expired = new ArrayList<>();
        List<KeyValue<Bytes, byte[]>> unreadable = new ArrayList<>();
        List<UnreadableStateException> causes = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = streamStore.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> entry = all.next();
                SpeakerStreamState state;
                try {
                    state = SpeakerStreamState.decode(entry.value);
                } catch (UnreadableStateException e) {
                    unreadable.add(entry);
                    causes.add(e);
                    continue;
                }
                if (state.ended) {
                    if (now - Math.max(state.lastActivityMs(), takenOverMs) >= timeout) {
                        expired.add(entry.key);
                    }
                    continue;
                }
                switch (new SpeakerStreamSequencer(
                                rules, state.sequencing.takenOverAt(takenOverMs), NOT_READ)
                        .due(now)) {
                    case GAP_WAITED -> gapsDue.add(entry.key);
                    case INACTIVE -> idle.add(entry.key);
                    case NOTHING -> {}
                }
            }
        }
        for (int i = 0; i < unreadable.size(); i++) {
            KeyValue<Bytes, byte[]> entry = unreadable.get(i);
            stateUnreadable(
                    SpeakerStreamKey.fromBytes(entry.key), entry.value, causes.get(i), now, now);
        }
        for (Bytes streamKey : gapsDue) {
            SpeakerStreamKey key = SpeakerStreamKey.fromBytes(streamKey);
            contained(
                    key, "filling the gap of stream " + key, now, () -> tick(key, streamKey, now));
        }
        for (Bytes streamKey : idle) {
            SpeakerStreamKey key = SpeakerStreamKey.fromBytes(streamKey);
            contained(key, "ending idle stream " + key, now, () -> tick(key, streamKey, now));
        }
        for (Bytes streamKey : expired) {
            SpeakerStreamKey key = SpeakerStreamKey.fromBytes(streamKey);
            streamStore.delete(streamKey);
            callStatsStore.delete(CallStatsQuery.storeKey(key.callId(), key.speaker()));
        }
        flush();
    }

    /** One stream's wall-clock step, as its sequencer decides it. */
    private void tick(SpeakerStreamKey key, Bytes streamKey, long now) {
        SpeakerStreamState state = SpeakerStreamState.decode(streamStore.get(streamKey));
        SpeakerStreamChunks chunks = new SpeakerStreamChunks(chunkStore, key);
        SpeakerStreamSequencer sequencer = sequencer(chunks, state);
        carryOut(key, chunks, state, sequencer, sequencer.tick(now), now, now);
    }

    /**
     * Runs one stream's wall-clock step; a failure ends that stream (not the others) and is dead-lettered without
     * an input record: key = call id, value = null.
     */
    private void contained(SpeakerStreamKey key, String what, long now, Runnable step) {
        failure = null;
        try {
            step.run();
        } catch (RuntimeException e) {
            rethrowIfKafka(e);
            failed(what + " failed; the stream was ended", e);
            abandon(key, true, now, now);
        }
        sendFailure(new Record<>(key.callId().getBytes(StandardCharsets.UTF_8), null, now));
    }
}
