package io.emostream.stream;

import io.emostream.analysis.WindowClassifier;
import io.emostream.analysis.WindowResult;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * Second processor: per (call, speaker) stream, reorders chunks by sequence, drops duplicates, fills gaps with
 * silence, cuts the contiguous audio into windows, classifies each window and keeps running statistics. See
 * {@link EmotionTopology} for the design; this class is its implementation.
 *
 * <p>Per chunk it writes the chunk's own samples (one chunk-store entry) and the small stream-state record;
 * only when a window is complete does it read the chunks of that window (range scan) and delete those the next
 * window no longer needs.
 *
 * <p>Failures are contained per stream (docs/adr/0008-processing-failures.md): a window whose classification throws
 * is skipped (counted, the cursor moves past it, the record that completed it is dead-lettered with
 * {@code PROCESSING_FAILED}); any other exception while a stream is processed (unreadable state or chunk entries, a
 * bug) ends that stream, dead-letters the record and leaves every other stream alone. Kafka's own exceptions
 * ({@link KafkaException}: producer fenced, store or registry failures) are not the record's fault and still fail
 * the task. Everything happens through the processor context and the stores, so it is part of the task's
 * exactly-once transaction.
 */
final class StreamWindowProcessor implements Processor<String, ValidatedChunk, Object, Object> {

    private final TopologySettings settings;
    private final WindowClassifier classifier;
    private final StreamMetrics metrics;
    private final Clock clock;
    private final DeadLetters deadLetters;
    private final List<String> labels;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Bytes, byte[]> streamStore;
    private KeyValueStore<Bytes, byte[]> chunkStore;
    private KeyValueStore<String, CallEmotionStats> callStatsStore;
    /** Open streams owned by this task: its share of the active-streams gauge. */
    private long openStreams;
    /** First processing failure of the current input record or punctuation step, dead-lettered once at its end. */
    private Failure failure;

    /** What failed, and how often, while one input record (or one stream's punctuation step) was processed. */
    private record Failure(String what, RuntimeException exception, int count) {
        String message() {
            return count == 1 ? what : what + " (and " + (count - 1) + " more failure(s) of the same record)";
        }
    }

    StreamWindowProcessor(TopologySettings settings, WindowClassifier classifier, StreamMetrics metrics, Clock clock) {
        this.settings = settings;
        this.classifier = classifier;
        this.metrics = metrics;
        this.clock = clock;
        this.deadLetters = new DeadLetters(metrics, settings.maxRecordBytes());
        this.labels = List.copyOf(classifier.labels());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.streamStore = context.getStateStore(settings.streamStateStore());
        this.chunkStore = context.getStateStore(settings.chunkStore());
        this.callStatsStore = context.getStateStore(settings.callStatsStore());
        try (KeyValueIterator<Bytes, byte[]> all = streamStore.all()) {
            while (all.hasNext()) {
                try {
                    if (!StreamState.decode(all.next().value).ended) {
                        openStreams++;
                    }
                } catch (UnreadableStateException e) {
                    // Not counted; the first punctuation dead-letters the entry and ends the stream.
                }
            }
        }
        metrics.activeStreams.addAndGet(openStreams);
        context.schedule(settings.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
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
            StreamKey key = new StreamKey(chunk.callId(), channel.speaker());
            Rejection problem;
            try {
                problem = accept(key, chunk, channel.samples(), now, record.timestamp());
            } catch (RuntimeException e) {
                rethrowIfKafka(e);
                problem = null;
                failed("chunk " + chunk.sequence() + " of stream " + key + " could not be processed; the stream "
                        + "was ended", e);
                abandon(key, true, record.timestamp(), now);
            }
            if (rejection == null && problem != null) {
                rejection = new Rejection(problem.reason(),
                        "chunk " + chunk.sequence() + " of stream " + key + ": " + problem.message());
            }
        }
        if (rejection != null) {
            // Once per input record, even when both channels of a stereo chunk were rejected.
            deadLetters.send(context, chunk.original(), rejection.reason(), rejection.message());
        }
        sendFailure(chunk.original());
    }

    /** Dead-letters the failure of the current record or punctuation step, if there was one. */
    private void sendFailure(Record<byte[], byte[]> original) {
        if (failure != null) {
            deadLetters.send(context, original, DeadLetterReason.PROCESSING_FAILED, failure.message(),
                    failure.exception(), null);
            failure = null;
        }
    }

    private void failed(String what, RuntimeException e) {
        failure = failure == null ? new Failure(what, e, 1) : new Failure(failure.what(), failure.exception(),
                failure.count() + 1);
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
    private void stateUnreadable(StreamKey key, byte[] stored, UnreadableStateException e, long timestamp, long now) {
        Record<byte[], byte[]> entry = new Record<>(key.callId().getBytes(StandardCharsets.UTF_8), stored, timestamp);
        deadLetters.send(context, entry, DeadLetterReason.STATE_UNREADABLE, "state of stream " + key
                + " cannot be decoded; the stream was ended", e, settings.streamStateStore());
        abandon(key, false, timestamp, now);
    }

    /**
     * Ends a stream that cannot go on: deletes its chunks, emits final statistics as of its last classified window
     * (so that consumers waiting for {@code final = true} are not left waiting) and leaves an ended marker, so that
     * its later chunks are dead-lettered as {@code STREAM_ENDED} for one inactivity timeout instead of starting a
     * new stream with window indices that were already used.
     */
    private void abandon(StreamKey key, boolean wasOpen, long timestamp, long now) {
        deleteAllChunks(key);
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
                builder = CallEmotionStats.newBuilder().setCallId(key.callId()).setSpeaker(key.speaker())
                        .setGaps(0).setGapFillMs(0).setDuplicates(0).setLateChunks(0)
                        .setFirstAudioTime(null).setLastAudioTime(null);
                new SpeakerStats(labels).fill(builder);
            }
            CallEmotionStats stats = builder.setFinal$(true).setUpdatedAt(Instant.ofEpochMilli(clock.millis())).build();
            callStatsStore.put(statsKey, stats);
            context.forward(new Record<Object, Object>(key.callId(), stats, timestamp), EmotionTopology.STATS_SINK);
        }
        streamStore.put(key.toBytes(), StreamState.endedMarker(now).encode());
        if (wasOpen) {
            openStreams--;
            metrics.activeStreams.decrementAndGet();
        }
        metrics.endedByFailure.increment();
    }

    private void deleteAllChunks(StreamKey key) {
        List<Bytes> chunks = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = chunkStore.range(key.chunkKey(0), key.chunkKey(Long.MAX_VALUE))) {
            all.forEachRemaining(kv -> chunks.add(kv.key));
        }
        chunks.forEach(chunkStore::delete);
    }

    private record Rejection(DeadLetterReason reason, String message) {
        static Rejection late(String message) {
            return new Rejection(DeadLetterReason.LATE_CHUNK, message);
        }
    }

    /** Takes one channel of a chunk into its stream; returns why it was rejected, or null. */
    private Rejection accept(StreamKey key, ValidatedChunk chunk, float[] samples, long now, long timestamp) {
        Bytes streamKey = key.toBytes();
        byte[] stored = streamStore.get(streamKey);
        StreamState state;
        if (stored == null) {
            state = StreamState.start(chunk.sampleRate(), labels, now);
            openStreams++;
            metrics.activeStreams.incrementAndGet();
        } else {
            try {
                state = StreamState.decode(stored);
            } catch (UnreadableStateException e) {
                stateUnreadable(key, stored, e, timestamp, now);
                failed("chunk " + chunk.sequence() + " of stream " + key + " met a state entry that cannot be decoded "
                        + "(dead-lettered as " + DeadLetterReason.STATE_UNREADABLE + "); the stream was ended", e);
                return null;
            }
        }
        if (state.ended) {
            // A straggler, or the call id reused too soon: either way not a silent loss. The ended marker lives for
            // one inactivity timeout; after that the same id starts a new call.
            metrics.late.increment();
            return new Rejection(DeadLetterReason.STREAM_ENDED, "the stream ended less than "
                    + settings.inactivityTimeout() + " ago (at " + Instant.ofEpochMilli(state.lastActivityMs)
                    + "); a call id can start a new call once that has passed");
        }
        if (state.sampleRate != chunk.sampleRate()) {
            return new Rejection(DeadLetterReason.SAMPLE_RATE_CHANGED, "sample rate " + chunk.sampleRate()
                    + " Hz differs from the stream's " + state.sampleRate + " Hz");
        }
        state.lastActivityMs = now;
        long sequence = chunk.sequence();
        String late = null;
        if (state.endSequence >= 0 && sequence > state.endSequence) {
            late = "beyond end-of-stream chunk " + state.endSequence;
        } else if (sequence < state.nextSequence && state.wasFilled(sequence)) {
            late = "its slot was already filled with silence";
        }
        if (late != null) {
            state.lateChunks++;
            metrics.late.increment();
            streamStore.put(streamKey, state.encode());
            return Rejection.late(late);
        }
        if (sequence < state.nextSequence || state.pending.contains(sequence)) {
            state.duplicates++;
            metrics.duplicates.increment();
            streamStore.put(streamKey, state.encode());
            return null;
        }
        if (chunk.endOfStream()) {
            state.endSequence = sequence;
            dropPendingBeyondEnd(key, state);
        }
        if (samples.length > 0) {
            state.lastChunkSamples = samples.length;
        }
        chunkStore.put(key.chunkKey(sequence), BufferedChunk.audio(samples, chunk.captureTimeMs()).encode());
        if (sequence == state.nextSequence) {
            consume(state, sequence + 1, samples.length, chunk.captureTimeMs());
            drainPending(key, state);
        } else {
            if (state.pending.isEmpty()) {
                state.gapOpenSinceMs = now;
            }
            state.pending.add(sequence);
            if (state.pending.size() > settings.reorderBufferMaxChunks()) {
                fillGap(key, state, now);
            }
        }
        advance(key, state, timestamp, now);
        return null;
    }

    private void dropPendingBeyondEnd(StreamKey key, StreamState state) {
        List<Long> beyond = new ArrayList<>(state.pending.tailSet(state.endSequence, false));
        for (long sequence : beyond) {
            state.pending.remove(sequence);
            chunkStore.delete(key.chunkKey(sequence));
            state.lateChunks++;
            metrics.late.increment();
        }
    }

    /** Appends an entry that is already in the chunk store to the contiguous audio. */
    private static void consume(StreamState state, long nextSequence, long sampleCount, long captureTimeMs) {
        if (state.firstCaptureMs < 0) {
            state.firstCaptureMs = captureTimeMs;
        }
        state.contiguousSamples += sampleCount;
        state.nextSequence = nextSequence;
        state.nextCaptureMs = captureTimeMs + state.samplesToMs(sampleCount);
    }

    private void drainPending(StreamKey key, StreamState state) {
        while (!state.pending.isEmpty() && state.pending.first() == state.nextSequence) {
            long sequence = state.pending.pollFirst();
            BufferedChunk header = BufferedChunk.decodeHeader(chunkStore.get(key.chunkKey(sequence)));
            consume(state, sequence + 1, header.sampleCount(), header.captureTimeMs());
        }
        if (state.pending.isEmpty()) {
            state.gapOpenSinceMs = -1;
        }
    }

    /**
     * Fills the gap before the oldest buffered chunk with silence of the missing chunks' expected length (the
     * length of the latest real chunk) as one chunk-store entry, then drains what became contiguous. The silence
     * is capped at {@code inactivityTimeout}: a live stream cannot really have lost more, and the cap bounds the
     * windows one absurd sequence jump can create (offsets after such a jump run behind real time).
     */
    private void fillGap(StreamKey key, StreamState state, long now) {
        long firstPending = state.pending.first();
        // Both are in 0..Long.MAX_VALUE - 1 (intake), so the difference cannot overflow; the totals saturate.
        long missing = Math.subtractExact(firstPending, state.nextSequence);
        long maxSilence = TopologySettings.samplesOf(settings.inactivityTimeout(), state.sampleRate);
        long perChunk = state.lastChunkSamples;
        long silentSamples = perChunk == 0 ? 0 : missing > maxSilence / perChunk ? maxSilence : missing * perChunk;
        long captureTimeMs = state.nextCaptureMs;
        if (captureTimeMs < 0) {
            // Gap at the very start: the silence ends where the first buffered chunk begins.
            long nextCapture = BufferedChunk.decodeHeader(chunkStore.get(key.chunkKey(firstPending))).captureTimeMs();
            captureTimeMs = nextCapture - state.samplesToMs(silentSamples);
        }
        chunkStore.put(key.chunkKey(state.nextSequence), BufferedChunk.silence(silentSamples, captureTimeMs).encode());
        state.recordFilledRange(state.nextSequence, firstPending);
        long fillMs = state.samplesToMs(silentSamples);
        state.gaps = saturatedAdd(state.gaps, missing);
        state.gapFillMs = saturatedAdd(state.gapFillMs, fillMs);
        metrics.gaps.increment(missing);
        metrics.gapFillMs.increment(fillMs);
        consume(state, firstPending, silentSamples, captureTimeMs);
        drainPending(key, state);
        if (!state.pending.isEmpty()) {
            state.gapOpenSinceMs = now; // the next gap starts waiting now
        }
    }

    /** Emits every complete window, then ends the stream if its last chunk has been consumed; saves the state. */
    private void advance(StreamKey key, StreamState state, long timestamp, long now) {
        long windowSamples = windowSamples(state);
        long hopSamples = hopSamples(state);
        while (state.contiguousSamples >= state.windowIndex * hopSamples + windowSamples) {
            long start = state.windowIndex * hopSamples;
            if (emitWindow(key, state, start, start + windowSamples, timestamp)) {
                emitStats(key, state, false, timestamp);
            }
        }
        if (state.endSequence >= 0 && state.nextSequence > state.endSequence) {
            finish(key, state, timestamp, now, false);
        } else {
            streamStore.put(key.toBytes(), state.encode());
        }
    }

    /**
     * Ends a stream: fills remaining gaps, emits complete windows and a last partial window (zero-padded) when it
     * holds at least {@code minLastWindow} of audio no earlier window covered ({@link io.emostream.analysis.WindowPolicy}), emits the final statistics
     * and deletes the stream's chunks; the state is replaced by an ended marker.
     */
    private void finish(StreamKey key, StreamState state, long timestamp, long now, boolean inactivity) {
        while (!state.pending.isEmpty()) {
            fillGap(key, state, now);
        }
        long windowSamples = windowSamples(state);
        long hopSamples = hopSamples(state);
        while (state.contiguousSamples >= state.windowIndex * hopSamples + windowSamples) {
            long start = state.windowIndex * hopSamples;
            if (emitWindow(key, state, start, start + windowSamples, timestamp)) {
                emitStats(key, state, false, timestamp);
            }
        }
        long start = state.windowIndex * hopSamples;
        if (settings.windowPolicy().lastWindowDue(state.contiguousSamples, start, state.lastWindowEndSample,
                state.sampleRate)) {
            emitWindow(key, state, start, state.contiguousSamples, timestamp);
        }
        emitStats(key, state, true, timestamp);
        deleteAllChunks(key);
        streamStore.put(key.toBytes(), StreamState.endedMarker(now).encode());
        openStreams--;
        metrics.activeStreams.decrementAndGet();
        (inactivity ? metrics.endedByInactivity : metrics.endedByEndOfStream).increment();
    }

    /**
     * Assembles samples {@code [start, end)} of the stream from the chunk store (zero-padded to the window length
     * when {@code end - start} is shorter), classifies them and emits the EmotionEvent. A window that holds only
     * gap silence is not classified: it is no_speech by construction.
     *
     * <p>If classifying throws, the window is skipped: no event, its index is used up (the stream's next event has
     * the next index), its chunks are released as if it had been emitted, and the failure is dead-lettered with
     * the record that completed it. Returns whether an event was emitted.
     */
    private boolean emitWindow(StreamKey key, StreamState state, long start, long end, long timestamp) {
        int rate = state.sampleRate;
        float[] window = new float[(int) windowSamples(state)];
        boolean realAudio = false;
        long startCaptureMs = -1;
        try (KeyValueIterator<Bytes, byte[]> chunks = chunkStore.range(
                key.chunkKey(state.firstRetainedSequence), key.chunkKey(state.nextSequence - 1))) {
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
                    startCaptureMs = chunk.captureTimeMs() + state.samplesToMs(start - chunkStart);
                }
                chunkStart = chunkEnd;
            }
        }
        if (startCaptureMs < 0) {
            startCaptureMs = state.firstCaptureMs + state.samplesToMs(start);
        }
        WindowResult result;
        try {
            result = realAudio ? classify(window, rate) : WindowResult.noSpeech(0f);
        } catch (RuntimeException e) {
            rethrowIfKafka(e);
            failed("window " + state.windowIndex + " [" + state.samplesToMs(start) + ", " + state.samplesToMs(end)
                    + ") ms of stream " + key + " could not be classified and was skipped", e);
            metrics.failedWindows.increment();
            state.windowIndex++;
            state.lastWindowEndSample = end;
            deleteChunksBefore(key, state, state.windowIndex * hopSamples(state));
            return false;
        }
        long processedAt = clock.millis();
        long audioMs = state.samplesToMs(end - start);
        long endCaptureMs = startCaptureMs + audioMs;
        EmotionEvent event = EmotionEvent.newBuilder()
                .setCallId(key.callId())
                .setSpeaker(key.speaker())
                .setWindowIndex(state.windowIndex)
                .setWindowStartOffsetMs(state.samplesToMs(start))
                .setWindowEndOffsetMs(state.samplesToMs(end))
                .setWindowStartTime(Instant.ofEpochMilli(startCaptureMs))
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
        state.stats.add(state.windowIndex, result, audioMs, settings.escalation(), settings.trendWindows());
        context.forward(new Record<Object, Object>(key.callId(), event, timestamp), EmotionTopology.EVENTS_SINK);
        (result.speech() ? metrics.speechWindows : metrics.silentWindows).increment();
        metrics.endToEnd(processedAt, endCaptureMs);
        state.windowIndex++;
        state.lastWindowEndSample = end;
        deleteChunksBefore(key, state, state.windowIndex * hopSamples(state));
        return true;
    }

    /**
     * The single place where inference happens. It runs on the stream thread and costs about 10 ms per window, which
     * bounds a thread's throughput; to move it elsewhere (a pool, a batching service), change only this method.
     */
    private WindowResult classify(float[] samples, int sampleRate) {
        long started = System.nanoTime();
        try {
            return classifier.classify(samples, sampleRate);
        } finally {
            metrics.inference.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** Deletes retained chunks that end at or before {@code sample}: the next window starts there. */
    private void deleteChunksBefore(StreamKey key, StreamState state, long sample) {
        List<KeyValue<Bytes, Long>> obsolete = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> chunks = chunkStore.range(
                key.chunkKey(state.firstRetainedSequence), key.chunkKey(state.nextSequence - 1))) {
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
            chunkStore.delete(entry.key);
            state.firstRetainedSequence = StreamKey.sequenceOfChunkKey(entry.key) + 1;
            state.firstRetainedStartSample = entry.value;
        }
    }

    private void emitStats(StreamKey key, StreamState state, boolean isFinal, long timestamp) {
        CallEmotionStats.Builder builder = CallEmotionStats.newBuilder()
                .setCallId(key.callId())
                .setSpeaker(key.speaker())
                .setFinal$(isFinal)
                .setGaps(state.gaps)
                .setGapFillMs(state.gapFillMs)
                .setDuplicates(state.duplicates)
                .setLateChunks(state.lateChunks)
                .setFirstAudioTime(state.firstCaptureMs >= 0 ? Instant.ofEpochMilli(state.firstCaptureMs) : null)
                .setLastAudioTime(state.nextCaptureMs >= 0 ? Instant.ofEpochMilli(state.nextCaptureMs) : null)
                .setUpdatedAt(Instant.ofEpochMilli(clock.millis()));
        state.stats.fill(builder);
        CallEmotionStats stats = builder.build();
        callStatsStore.put(CallStatsQuery.storeKey(key.callId(), key.speaker()), stats);
        context.forward(new Record<Object, Object>(key.callId(), stats, timestamp), EmotionTopology.STATS_SINK);
    }

    /**
     * Wall-clock checks: fill gaps that waited {@code gapWait}, end streams idle for {@code inactivityTimeout},
     * and remove ended markers (and their final stats) after another {@code inactivityTimeout}. Decides first,
     * then acts, so that no store is modified while it is being iterated.
     */
    private void punctuate(long ignoredTimestamp) {
        long now = clock.millis();
        long gapWait = settings.gapWait().toMillis();
        long timeout = settings.inactivityTimeout().toMillis();
        List<Bytes> gapsDue = new ArrayList<>();
        List<Bytes> idle = new ArrayList<>();
        List<Bytes> expired = new ArrayList<>();
        List<KeyValue<Bytes, byte[]>> unreadable = new ArrayList<>();
        List<UnreadableStateException> causes = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = streamStore.all()) {
            while (all.hasNext()) {
                KeyValue<Bytes, byte[]> entry = all.next();
                StreamState state;
                try {
                    state = StreamState.decode(entry.value);
                } catch (UnreadableStateException e) {
                    unreadable.add(entry);
                    causes.add(e);
                    continue;
                }
                if (state.ended) {
                    if (now - state.lastActivityMs >= timeout) {
                        expired.add(entry.key);
                    }
                } else if (!state.pending.isEmpty() && now - state.gapOpenSinceMs >= gapWait) {
                    gapsDue.add(entry.key);
                } else if (now - state.lastActivityMs >= timeout) {
                    idle.add(entry.key);
                }
            }
        }
        for (int i = 0; i < unreadable.size(); i++) {
            KeyValue<Bytes, byte[]> entry = unreadable.get(i);
            stateUnreadable(StreamKey.fromBytes(entry.key), entry.value, causes.get(i), now, now);
        }
        for (Bytes streamKey : gapsDue) {
            StreamKey key = StreamKey.fromBytes(streamKey);
            contained(key, "filling the gap of stream " + key, now, () -> {
                StreamState state = StreamState.decode(streamStore.get(streamKey));
                fillGap(key, state, now);
                advance(key, state, now, now);
            });
        }
        for (Bytes streamKey : idle) {
            StreamKey key = StreamKey.fromBytes(streamKey);
            contained(key, "ending idle stream " + key, now,
                    () -> finish(key, StreamState.decode(streamStore.get(streamKey)), now, now, true));
        }
        for (Bytes streamKey : expired) {
            StreamKey key = StreamKey.fromBytes(streamKey);
            streamStore.delete(streamKey);
            callStatsStore.delete(CallStatsQuery.storeKey(key.callId(), key.speaker()));
        }
    }

    /**
     * Runs one stream's wall-clock step; a failure ends that stream (not the others) and is dead-lettered without
     * an input record: key = call id, value = null.
     */
    private void contained(StreamKey key, String what, long now, Runnable step) {
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

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private long windowSamples(StreamState state) {
        return TopologySettings.samplesOf(settings.window(), state.sampleRate);
    }

    private long hopSamples(StreamState state) {
        return Math.max(1, TopologySettings.samplesOf(settings.hop(), state.sampleRate));
    }
}
