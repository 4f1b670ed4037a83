package io.emostream.service;

import io.emostream.avro.SpeakerRole;
import io.emostream.conversation.ConversationRules;
import io.emostream.stream.AlertSettings;
import io.emostream.stream.EscalationRule;
import io.emostream.stream.TopologySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Typed configuration of the emostream service, all keys under {@code emostream.}. Every key has a default, so
 * the service starts with no configuration against a local broker and registry; environment variables override
 * keys by the usual MicroProfile rule ({@code emostream.window.size} = {@code EMOSTREAM_WINDOW_SIZE}).
 * Durations accept ISO-8601 ({@code PT3S}) or the short form ({@code 3s}, {@code 500ms}).
 */
@ConfigMapping(prefix = "emostream")
public interface EmostreamConfig {

    /** Kafka topic names. */
    Topics topics();

    /** Analysis windows and the timers of the per-stream state machine. */
    Window window();

    /** Ordering and size limits of incoming audio. */
    Input input();

    /** Size limit of what the service writes. */
    Output output();

    /** Rule that raises {@code escalation} in the call statistics. */
    Escalation escalation();

    /** Rules that raise {@code AlertEvent}s on topic {@code emostream.topics.alerts}. */
    Alerts alerts();

    /** How the conversation metrics (talk, silence, over-talk, turns) are measured. */
    Conversation conversation();

    /** The supervisor dashboard ({@code /dashboard/}) and its live feed. */
    Dashboard dashboard();

    /** The ONNX emotion model. */
    Model model();

    /** Speech gate in front of the model. */
    SpeechGate speechGate();

    /** Serializers, deserializers and schema registry for the Avro records. */
    Serde serde();

    /** Interactive queries across instances. */
    InteractiveQueries interactiveQueries();

    /** Topic names. */
    interface Topics {
        /** Input: {@code AudioChunk} records keyed by call id. */
        @WithDefault(TopologySettings.DEFAULT_AUDIO_TOPIC)
        String audio();

        /** Output: one {@code EmotionEvent} per speaker and window. */
        @WithDefault(TopologySettings.DEFAULT_EVENTS_TOPIC)
        String events();

        /** Output: {@code CallEmotionStats} after every window, {@code final=true} at the end of a stream. */
        @WithDefault(TopologySettings.DEFAULT_STATS_TOPIC)
        String stats();

        /** Output: {@code AlertEvent} records (escalation, sustained negative valence, agent/customer mismatch). */
        @WithDefault(AlertSettings.DEFAULT_TOPIC)
        String alerts();

        /** Dead letters: malformed input with the original bytes and reason headers. */
        @WithDefault(TopologySettings.DEFAULT_DLQ_TOPIC)
        String dlq();

        /** Every topic the service reads or writes, input first. */
        default List<String> all() {
            return List.of(audio(), events(), stats(), alerts(), dlq());
        }
    }

    /** Windowing and timers. */
    interface Window {
        /** Length of one analysis window (the model was trained on 3 s). */
        @WithDefault(TopologySettings.DEFAULT_WINDOW)
        Duration size();

        /** Distance between window starts; equal to {@link #size()} for non-overlapping windows. */
        @WithDefault(TopologySettings.DEFAULT_HOP)
        Duration hop();

        /**
         * How long to wait (wall clock) for a missing chunk before its gap is filled with silence and the
         * chunks behind it are released.
         */
        @WithDefault(TopologySettings.DEFAULT_GAP_WAIT)
        Duration gapWait();

        /**
         * A stream with no chunk for this long (wall clock) is closed as if its end-of-stream had arrived: the
         * partial window is analysed and final statistics are emitted. Counted from no earlier than the moment this
         * instance took the stream's task over, so a failover's stall is not taken for silence; a broker outage
         * is, so keep this above the longest outage to ride through.
         */
        @WithDefault(TopologySettings.DEFAULT_INACTIVITY_TIMEOUT)
        Duration inactivityTimeout();

        /** Interval of the wall-clock punctuator that checks gap waits and inactivity. */
        @WithDefault(TopologySettings.DEFAULT_PUNCTUATION_INTERVAL)
        Duration punctuationInterval();

        /**
         * Least audio no earlier window covered for a trailing partial window (at the end of a stream) to be
         * classified; the rule of {@link io.emostream.analysis.WindowPolicy}, shared with {@code classify}.
         */
        @WithDefault(io.emostream.analysis.WindowPolicy.DEFAULT_MIN_LAST_WINDOW)
        Duration minLastWindow();

        /** Length of {@code recentLabels} in the statistics and of the valence trend, in windows (at least 2). */
        @WithDefault("" + TopologySettings.DEFAULT_TREND_WINDOWS)
        int trendWindows();
    }

    /** Input limits. */
    interface Input {
        /**
         * Chunks ahead of the next expected sequence number held per stream while waiting for the missing
         * one; beyond this the gap is filled at once.
         */
        @WithDefault("" + TopologySettings.DEFAULT_REORDER_BUFFER_CHUNKS)
        int reorderBufferSize();

        /**
         * Largest accepted record value (the whole wire-format {@code AudioChunk}) in bytes; larger records go to
         * the dead-letter topic. At most {@code output.max-record-bytes} less 16 KiB, so that it is checked before
         * any broker or producer limit is reached and a rejected record of accepted size is dead-lettered whole.
         */
        @WithDefault("" + TopologySettings.DEFAULT_MAX_CHUNK_BYTES)
        int maxChunkBytes();

        /**
         * Longest accepted chunk (per channel), computed from its byte count before any sample is decoded; longer
         * chunks go to the dead-letter topic as {@code OVERSIZE_CHUNK}. Also bounded by what fits into one
         * chunk-store record ({@code output.max-record-bytes}, float32 samples): 2 s at 96 kHz is 768,000 bytes.
         */
        @WithDefault(TopologySettings.DEFAULT_MAX_CHUNK_DURATION)
        Duration maxChunkDuration();

        /** Lowest accepted sample rate in Hz; chunks outside the range go to the dead-letter topic. */
        @WithDefault("" + TopologySettings.DEFAULT_MIN_SAMPLE_RATE)
        int minSampleRate();

        /** Highest accepted sample rate in Hz. */
        @WithDefault("" + TopologySettings.DEFAULT_MAX_SAMPLE_RATE)
        int maxSampleRate();
    }

    /** Output limits. */
    interface Output {
        /**
         * Largest record (key + value + headers) the service writes to any topic, including the state stores'
         * changelogs. Must stay below the producer's {@code max.request.size} (1 MiB by default) and the topics'
         * {@code max.message.bytes}: chunks whose decoded samples would not fit are rejected at intake, and
         * dead letters are truncated to fit (header {@code emostream.dlq.truncated}).
         */
        @WithDefault("" + TopologySettings.DEFAULT_MAX_RECORD_BYTES)
        int maxRecordBytes();
    }

    /**
     * Escalation: {@code label} judged with at least {@code minConfidence} in {@code consecutiveWindows} speech
     * windows in a row (windows without speech neither extend nor break a run).
     */
    interface Escalation {
        /** The label that escalates. */
        @WithDefault(EscalationRule.DEFAULT_LABEL)
        String label();

        /** Consecutive speech windows with that label that raise escalation. */
        @WithDefault(EscalationRule.DEFAULT_CONSECUTIVE_WINDOWS)
        int consecutiveWindows();

        /** Minimum (calibrated) confidence for a window to count towards escalation. */
        @WithDefault(EscalationRule.DEFAULT_MIN_CONFIDENCE)
        float minConfidence();
    }

    /**
     * How talk time, silence, over-talk and turns are measured from the speech gate's frames (see {@link
     * ConversationRules} for why the defaults are what they are). A change applies to calls that start after it: a
     * call in progress keeps the rules it started with (they are stored with its conversation).
     */
    interface Conversation {
        /** Pause between two speech frames that still counts as talk. */
        @WithDefault(ConversationRules.DEFAULT_HANGOVER)
        Duration hangover();

        /**
         * How far one speaker's frames may run ahead of the other's before over-talk and turns are decided without
         * the lagging one (at most {@value ConversationRules#MAX_MAX_LAG}); bounds the per-call state.
         */
        @WithDefault(ConversationRules.DEFAULT_MAX_LAG)
        Duration maxLag();
    }

    /**
     * Alert rules (produced by the topology in the same transaction as the window that raised them). Escalation
     * alerts follow {@code emostream.escalation}; see {@link AlertSettings} for each rule's exact definition.
     */
    interface Alerts {
        /**
         * Sustained negative valence: the mean valence of a watched speaker's last {@code windows} speech windows is
         * below this, in [-1, 1].
         */
        @WithName("sustained-negative-valence.threshold")
        @WithDefault(AlertSettings.DEFAULT_NEGATIVE_VALENCE_THRESHOLD)
        float negativeValenceThreshold();

        /** Speech windows the mean valence is taken over (at least 1). */
        @WithName("sustained-negative-valence.windows")
        @WithDefault(AlertSettings.DEFAULT_NEGATIVE_VALENCE_WINDOWS)
        int negativeValenceWindows();

        /** Speakers watched for sustained negative valence, comma-separated ({@code CUSTOMER}, {@code AGENT}). */
        @WithName("sustained-negative-valence.speakers")
        @WithDefault(AlertSettings.DEFAULT_NEGATIVE_VALENCE_SPEAKERS)
        Set<SpeakerRole> negativeValenceSpeakers();

        /** Mismatch: the agent's label (in a window overlapping the customer's by at least half a window). */
        @WithName("mismatch.agent-label")
        @WithDefault(AlertSettings.DEFAULT_MISMATCH_AGENT_LABEL)
        String mismatchAgentLabel();

        /** Mismatch: the customer's label at the same time. */
        @WithName("mismatch.customer-label")
        @WithDefault(AlertSettings.DEFAULT_MISMATCH_CUSTOMER_LABEL)
        String mismatchCustomerLabel();

        /** Mismatch: minimum confidence of both windows, in [0, 1]. */
        @WithName("mismatch.min-confidence")
        @WithDefault(AlertSettings.DEFAULT_MISMATCH_MIN_CONFIDENCE)
        float mismatchMinConfidence();
    }

    /**
     * The dashboard's live feed: every instance reads {@code call-emotions}, {@code call-emotion-stats} and
     * {@code call-emotion-alerts} itself (all partitions, no consumer group, {@code read_committed}), so any
     * instance shows every call. See docs/dashboard.md.
     */
    interface Dashboard {
        /** Read the output topics and serve {@code /dashboard/api/*}; false turns the feed off (the API answers 503). */
        @WithDefault("true")
        boolean enabled();

        /**
         * Whether the feed starts with the service. False: on the first request to {@code /dashboard/api/*}, so that
         * an instance no supervisor opens reads nothing (every running feed reads every call's output, so the fetch
         * load grows with the instances); the first request then sees the look-back arrive as the feed reads it. True:
         * the feed is already current when the first browser comes.
         */
        @WithDefault("false")
        boolean startWithService();

        /** When the feed starts, records this far back are read first, so calls in progress show their recent history. */
        @WithDefault("5m")
        Duration lookBack();

        /** Windows kept per call and speaker (older ones drop off the timeline). */
        @WithDefault("200")
        int maxWindowsPerSpeaker();

        /** Alerts kept per call. */
        @WithDefault("50")
        int maxAlertsPerCall();

        /** Calls kept; beyond this the calls updated longest ago are dropped first. */
        @WithDefault("1000")
        int maxCalls();

        /** A call with no update for this long is dropped (an ended call gets no more updates). */
        @WithDefault("10m")
        Duration retention();

        /** Poll timeout of the feed's consumer: an upper bound on the delay it adds. */
        @WithDefault("100ms")
        Duration pollTimeout();

        /** Interval of the SSE keep-alive comment that stops idle connections from being closed by proxies. */
        @WithDefault("15s")
        Duration keepAlive();

        /** Updates buffered per SSE client; a client that falls further behind is disconnected (browsers reconnect). */
        @WithDefault("1000")
        int clientBuffer();
    }

    /** Model location and ONNX Runtime threading. */
    interface Model {
        /** Path of the ONNX model file (metadata must follow docs/architecture.md). */
        @WithDefault("models/emotion-cnn.onnx")
        Path path();

        /**
         * ONNX Runtime intra-op threads per inference. 1 keeps one window on one core; Kafka Streams
         * parallelism comes from stream threads and instances instead.
         */
        @WithDefault("1")
        int intraOpThreads();
    }

    /** Speech gate. */
    interface SpeechGate {
        /** Minimum share of speech frames for a window to be classified (else {@code no_speech}). */
        @WithDefault("0.1")
        double minRatio();
    }

    /** Avro serde classes and schema registry. */
    interface Serde {
        /**
         * Serializer class for the output records, configured with Confluent's keys ({@code schema.registry.url},
         * {@code auto.register.schemas}, ...). {@code io.confluent.kafka.serializers.KafkaAvroSerializer} may be
         * set by a deployment that ships Confluent's jars.
         */
        @WithDefault("io.emostream.serde.AvroWireSerializer")
        String serializer();

        /** Deserializer class for the input records (specific Avro {@code AudioChunk}). */
        @WithDefault("io.emostream.serde.AvroWireDeserializer")
        String deserializer();

        /** Confluent-compatible schema registry (Apicurio's ccompat API by default). */
        @WithDefault("http://localhost:8081/apis/ccompat/v7")
        String schemaRegistryUrl();

        /** Register output schemas on first use. */
        @WithDefault("true")
        boolean autoRegisterSchemas();

        /**
         * {@code user:password} for HTTP basic authentication at the registry (the serde's
         * {@code basic.auth.user.info}); none by default.
         */
        Optional<String> basicAuthUserInfo();

        /** Trust for an {@code https://} registry; without a location the JDK's default trust applies. */
        Truststore truststore();

        /**
         * How long a registry request that got no answer, a 5xx, 408 or 429 is retried (pauses doubling from
         * 100 ms to 5 s) before the stream task fails; meanwhile the stream thread waits, so records whose
         * schema id is already known to the service (every call in progress) are not held up on other
         * threads, and none is dead-lettered for the outage. Keep it well below
         * {@code max.poll.interval.ms}.
         */
        @WithDefault("60s")
        Duration registryRetryTimeout();

        /** A truststore file (the serde's {@code schema.registry.ssl.truststore.*}). */
        interface Truststore {
            /** The truststore file. */
            Optional<Path> location();

            /** Its password. */
            Optional<String> password();

            /** {@code PKCS12} or {@code JKS}. */
            @WithDefault("PKCS12")
            String type();
        }
    }

    /** Interactive queries. */
    interface InteractiveQueries {
        /**
         * host:port under which other instances reach this instance's REST API; it is passed to Kafka Streams
         * as {@code application.server} and must be unique per instance. Its default, {@code
         * localhost:${quarkus.http.port}}, is set in application.properties, the one place that can follow the
         * HTTP port and also feeds {@code quarkus.kafka-streams.application-server}.
         */
        String advertisedEndpoint();

        /** Timeout of a query forwarded to the instance that owns a call. */
        @WithDefault("5s")
        Duration forwardTimeout();
    }
}
