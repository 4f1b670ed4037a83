package io.emostream.stream;

import io.emostream.analysis.WindowPolicy;
import io.emostream.conversation.ConversationRules;
import io.emostream.sequence.SequencingRules;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything {@link EmotionTopology} needs to know besides its collaborators. The service builds it from its
 * configuration mapping ({@code ServiceWiring.topologySettings}), whose defaults are the {@code DEFAULT_*}
 * constants here, defined once; {@link #defaults()} and the {@link Builder} serve tests and tools.
 *
 * @param inputTopic              AudioChunk records, key = call id (default {@code call-audio})
 * @param eventsTopic             EmotionEvent output (default {@code call-emotions})
 * @param statsTopic              CallEmotionStats output (default {@code call-emotion-stats})
 * @param deadLetterTopic         rejected input with its original bytes (default {@code call-audio-dlq})
 * @param streamStateStore        per-stream state store ({@value #STREAM_STATE_STORE} in the service)
 * @param chunkStore              buffered decoded chunks ({@value #CHUNK_STORE} in the service)
 * @param callStatsStore          latest CallEmotionStats per call and speaker for interactive queries
 *                                ({@value #CALL_STATS_STORE} in the service)
 * @param window                  length of an analysis window (default 3 s)
 * @param hop                     distance between window starts; at most {@code window} (default 3 s)
 * @param reorderBufferMaxChunks  out-of-order chunks held per stream before the oldest gap is filled (default 64,
 *                                at most {@value #MAX_REORDER_BUFFER})
 * @param gapWait                 wall-clock time a gap may stay open before it is filled with silence (default 2 s)
 * @param inactivityTimeout       wall-clock time without input after which a stream is ended, counted from no
 *                                earlier than this instance's takeover of the task; also how long the marker of an
 *                                ended stream and its final stats are kept (default 30 s)
 * @param punctuationInterval     how often the wall-clock checks run (default 1 s)
 * @param minLastWindow           shortest trailing partial window that is still classified (default 1 s)
 * @param maxChunkBytes           largest accepted record value in bytes (default {@value #DEFAULT_MAX_CHUNK_BYTES},
 *                                at most {@code maxRecordBytes - }{@value #DEAD_LETTER_HEADROOM} so that a rejected
 *                                record of accepted size is dead-lettered whole)
 * @param maxChunkDuration        longest accepted chunk, per channel (default {@value #DEFAULT_MAX_CHUNK_DURATION});
 *                                checked from the byte count before any sample is decoded
 * @param maxRecordBytes          largest record (key + value + headers) the topology writes, to any topic or store
 *                                changelog (default {@value #DEFAULT_MAX_RECORD_BYTES}); must stay below the
 *                                producer's {@code max.request.size} and the topics' {@code max.message.bytes}.
 *                                Decoded chunks that would not fit are rejected at intake, dead letters are
 *                                truncated to fit
 * @param minSampleRate           lowest accepted sample rate in Hz (default 8000)
 * @param maxSampleRate           highest accepted sample rate in Hz (default 96000)
 * @param escalation              escalation rule (default {@link EscalationRule#defaults()})
 * @param trendWindows            length of {@code recentLabels} and of the valence trend (default 5 windows)
 * @param conversationRules       how talk, silence, over-talk and turns are measured (default {@link
 *                                ConversationRules#defaults()}: hangover {@value ConversationRules#DEFAULT_HANGOVER},
 *                                lag {@value ConversationRules#DEFAULT_MAX_LAG})
 */
public record TopologySettings(
        String inputTopic,
        String eventsTopic,
        String statsTopic,
        String deadLetterTopic,
        String streamStateStore,
        String chunkStore,
        String callStatsStore,
        Duration window,
        Duration hop,
        int reorderBufferMaxChunks,
        Duration gapWait,
        Duration inactivityTimeout,
        Duration punctuationInterval,
        Duration minLastWindow,
        int maxChunkBytes,
        Duration maxChunkDuration,
        int maxRecordBytes,
        int minSampleRate,
        int maxSampleRate,
        EscalationRule escalation,
        int trendWindows,
        ConversationRules conversationRules) {

    /** Default input topic (AudioChunk records keyed by call id). */
    public static final String DEFAULT_AUDIO_TOPIC = "call-audio";

    /** Default EmotionEvent output topic. */
    public static final String DEFAULT_EVENTS_TOPIC = "call-emotions";

    /** Default CallEmotionStats output topic. */
    public static final String DEFAULT_STATS_TOPIC = "call-emotion-stats";

    /** Default dead-letter topic. */
    public static final String DEFAULT_DLQ_TOPIC = "call-audio-dlq";

    /**
     * The stores' names. Fixed, not configurable: each names its changelog topic, so another name would start every
     * call in progress from empty state at an upgrade.
     */
    public static final String STREAM_STATE_STORE = "emostream-stream-state";

    public static final String CHUNK_STORE = "emostream-audio-chunks";

    public static final String CALL_STATS_STORE = "emostream-call-stats";

    /** Per-call conversation state ({@link io.emostream.conversation.Conversation}), key = call id. */
    public static final String CONVERSATION_STORE = "emostream-conversation";

    /** Default window length and hop (ISO-8601, as the config mapping reads them): the model's 3 s. */
    public static final String DEFAULT_WINDOW = "PT3S";

    public static final String DEFAULT_HOP = "PT3S";

    /** Default wait before a gap is filled with silence. */
    public static final String DEFAULT_GAP_WAIT = "PT2S";

    /** Default time without input after which a stream ends. */
    public static final String DEFAULT_INACTIVITY_TIMEOUT = "PT30S";

    /** Default interval of the wall-clock checks. */
    public static final String DEFAULT_PUNCTUATION_INTERVAL = "PT1S";

    /** Default number of out-of-order chunks held per stream. */
    public static final int DEFAULT_REORDER_BUFFER_CHUNKS = 64;

    /** Default accepted sample-rate range in Hz. */
    public static final int DEFAULT_MIN_SAMPLE_RATE = 8000;

    public static final int DEFAULT_MAX_SAMPLE_RATE = 96000;

    /** Default length of the label trend, in windows. */
    public static final int DEFAULT_TREND_WINDOWS = 5;

    /** Upper bound of {@link #reorderBufferMaxChunks}: the pending sequences live in the per-stream state record. */
    public static final int MAX_REORDER_BUFFER = 10_000;

    // The defaults below are the one source of the values: EmostreamConfig's @WithDefault refers to
    // them.
    /** Default of {@link #maxChunkBytes}: 512 KiB, well below the broker's default 1 MiB record limit. */
    public static final int DEFAULT_MAX_CHUNK_BYTES = 524_288;

    /** Default of {@link #maxChunkDuration} (ISO-8601): real chunks are 20-200 ms. */
    public static final String DEFAULT_MAX_CHUNK_DURATION = "PT2S";

    /** Default of {@link #maxRecordBytes}: 48 KiB below the producer's default {@code max.request.size} of 1 MiB. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

    /** Room kept in a record for dead-letter headers and Kafka's record overhead. */
    public static final int DEAD_LETTER_HEADROOM = 16_384;

    /** Longest accepted callId in UTF-8 bytes: it is part of every key and output record. */
    public static final int MAX_CALL_ID_BYTES = 256;

    /**
     * Accepted range of {@code captureTimestamp}, [{@link #MIN_CAPTURE_TIME}, {@link #MAX_CAPTURE_TIME}): every
     * latency and offset computed from it stays far from long overflow (the end-to-end latency in nanoseconds
     * overflows beyond about 292 years).
     */
    public static final Instant MIN_CAPTURE_TIME = Instant.EPOCH;

    public static final Instant MAX_CAPTURE_TIME = Instant.parse("2200-01-01T00:00:00Z");

    /** Bytes of a chunk-store entry besides its samples: value header, the largest key, Kafka record overhead. */
    static final int CHUNK_ENTRY_OVERHEAD =
            BufferedChunk.HEADER_BYTES + Integer.BYTES + MAX_CALL_ID_BYTES + 1 + Long.BYTES + 512;

    public TopologySettings {
        Objects.requireNonNull(inputTopic, "inputTopic");
        Objects.requireNonNull(eventsTopic, "eventsTopic");
        Objects.requireNonNull(statsTopic, "statsTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(streamStateStore, "streamStateStore");
        Objects.requireNonNull(chunkStore, "chunkStore");
        Objects.requireNonNull(callStatsStore, "callStatsStore");
        Objects.requireNonNull(escalation, "escalation");
        Objects.requireNonNull(conversationRules, "conversationRules");
        requirePositive("window", window);
        requirePositive("hop", hop);
        if (hop.compareTo(window) > 0) {
            throw new IllegalArgumentException(
                    "hop " + hop + " must not be longer than window " + window);
        }
        requirePositive("gapWait", gapWait);
        requirePositive("inactivityTimeout", inactivityTimeout);
        requirePositive("punctuationInterval", punctuationInterval);
        Objects.requireNonNull(minLastWindow, "minLastWindow");
        if (minLastWindow.isNegative() || minLastWindow.compareTo(window) > 0) {
            throw new IllegalArgumentException(
                    "minLastWindow " + minLastWindow + " must be between 0 and window " + window);
        }
        if (reorderBufferMaxChunks < 1 || reorderBufferMaxChunks > MAX_REORDER_BUFFER) {
            throw new IllegalArgumentException(
                    "reorderBufferMaxChunks must be in 1.."
                            + MAX_REORDER_BUFFER
                            + ", was "
                            + reorderBufferMaxChunks);
        }
        if (maxRecordBytes < 4 * DEAD_LETTER_HEADROOM) {
            throw new IllegalArgumentException(
                    "maxRecordBytes must be >= "
                            + 4 * DEAD_LETTER_HEADROOM
                            + ", was "
                            + maxRecordBytes);
        }
        if (maxChunkBytes < 1 || maxChunkBytes > maxRecordBytes - DEAD_LETTER_HEADROOM) {
            throw new IllegalArgumentException(
                    "maxChunkBytes must be in 1.."
                            + (maxRecordBytes - DEAD_LETTER_HEADROOM)
                            + " (maxRecordBytes "
                            + maxRecordBytes
                            + " less "
                            + DEAD_LETTER_HEADROOM
                            + " for dead-letter headers), was "
                            + maxChunkBytes);
        }
        requirePositive("maxChunkDuration", maxChunkDuration);
        if (minSampleRate < 1 || maxSampleRate < minSampleRate) {
            throw new IllegalArgumentException(
                    "sample rate range " + minSampleRate + ".." + maxSampleRate + " is empty");
        }
        if (trendWindows < 2) {
            throw new IllegalArgumentException(
                    "trendWindows must be >= 2 to fit a slope, was " + trendWindows);
        }
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    /** The documented defaults. */
    public static TopologySettings defaults() {
        return new Builder().build();
    }

    /** A builder that starts from these settings, for tests and tools that change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.inputTopic = inputTopic;
        b.eventsTopic = eventsTopic;
        b.statsTopic = statsTopic;
        b.deadLetterTopic = deadLetterTopic;
        b.streamStateStore = streamStateStore;
        b.chunkStore = chunkStore;
        b.callStatsStore = callStatsStore;
        b.window = window;
        b.hop = hop;
        b.reorderBufferMaxChunks = reorderBufferMaxChunks;
        b.gapWait = gapWait;
        b.inactivityTimeout = inactivityTimeout;
        b.punctuationInterval = punctuationInterval;
        b.minLastWindow = minLastWindow;
        b.maxChunkBytes = maxChunkBytes;
        b.maxChunkDuration = maxChunkDuration;
        b.maxRecordBytes = maxRecordBytes;
        b.minSampleRate = minSampleRate;
        b.maxSampleRate = maxSampleRate;
        b.escalation = escalation;
        b.trendWindows = trendWindows;
        b.conversationRules = conversationRules;
        return b;
    }

    /** Settings field by field; each starts at its documented default. */
    public static final class Builder {
        private String inputTopic = DEFAULT_AUDIO_TOPIC;
        private String eventsTopic = DEFAULT_EVENTS_TOPIC;
        private String statsTopic = DEFAULT_STATS_TOPIC;
        private String deadLetterTopic = DEFAULT_DLQ_TOPIC;
        private String streamStateStore = STREAM_STATE_STORE;
        private String chunkStore = CHUNK_STORE;
        private String callStatsStore = CALL_STATS_STORE;
        private Duration window = Duration.parse(DEFAULT_WINDOW);
        private Duration hop = Duration.parse(DEFAULT_HOP);
        private int reorderBufferMaxChunks = DEFAULT_REORDER_BUFFER_CHUNKS;
        private Duration gapWait = Duration.parse(DEFAULT_GAP_WAIT);
        private Duration inactivityTimeout = Duration.parse(DEFAULT_INACTIVITY_TIMEOUT);
        private Duration punctuationInterval = Duration.parse(DEFAULT_PUNCTUATION_INTERVAL);
        private Duration minLastWindow = Duration.parse(WindowPolicy.DEFAULT_MIN_LAST_WINDOW);
        private int maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES;
        private Duration maxChunkDuration = Duration.parse(DEFAULT_MAX_CHUNK_DURATION);
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private int minSampleRate = DEFAULT_MIN_SAMPLE_RATE;
        private int maxSampleRate = DEFAULT_MAX_SAMPLE_RATE;
        private EscalationRule escalation = EscalationRule.defaults();
        private int trendWindows = DEFAULT_TREND_WINDOWS;
        private ConversationRules conversationRules = ConversationRules.defaults();

        /** Window length and hop; see {@link TopologySettings#window()}. */
        public Builder window(Duration newWindow, Duration newHop) {
            window = newWindow;
            hop = newHop;
            return this;
        }

        public Builder reorderBufferMaxChunks(int max) {
            reorderBufferMaxChunks = max;
            return this;
        }

        public Builder maxChunkBytes(int max) {
            maxChunkBytes = max;
            return this;
        }

        public Builder conversationRules(ConversationRules rules) {
            conversationRules = rules;
            return this;
        }

        /** The settings, checked as the canonical constructor checks them. */
        public TopologySettings build() {
            return new TopologySettings(
                    inputTopic,
                    eventsTopic,
                    statsTopic,
                    deadLetterTopic,
                    streamStateStore,
                    chunkStore,
                    callStatsStore,
                    window,
                    hop,
                    reorderBufferMaxChunks,
                    gapWait,
                    inactivityTimeout,
                    punctuationInterval,
                    minLastWindow,
                    maxChunkBytes,
                    maxChunkDuration,
                    maxRecordBytes,
                    minSampleRate,
                    maxSampleRate,
                    escalation,
                    trendWindows,
                    conversationRules);
        }
    }

    /**
     * Most samples one channel of a chunk may decode to: {@link #maxChunkDuration} at {@code sampleRate}, and no more
     * than fit (as float32) into one chunk-store record of at most {@link #maxRecordBytes}.
     */
    long maxChunkSamples(int sampleRate) {
        long byDuration = samplesOf(maxChunkDuration, sampleRate);
        long byRecord = (maxRecordBytes - CHUNK_ENTRY_OVERHEAD) / Float.BYTES;
        return Math.min(byDuration, byRecord);
    }

    /** The conversation store: fixed like the other stores' names, {@value #CONVERSATION_STORE}. */
    public String conversationStore() {
        return CONVERSATION_STORE;
    }

    /** Where windows lie: the rule shared with {@code ./emostream classify}. */
    public WindowPolicy windowPolicy() {
        return new WindowPolicy(window, hop, minLastWindow);
    }

    /** How the windower sequences each speaker stream. */
    public SequencingRules sequencingRules() {
        return new SequencingRules(
                windowPolicy(), reorderBufferMaxChunks, gapWait, inactivityTimeout);
    }

    /** Samples in {@code d} at {@code sampleRate}, rounded to the nearest sample. */
    static long samplesOf(Duration d, int sampleRate) {
        return WindowPolicy.samplesOf(d, sampleRate);
    }
}
