package io.emostream.service;

import io.emostream.stream.TopologySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;

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
        @WithDefault("call-audio")
        String audio();

        /** Output: one {@code EmotionEvent} per speaker and window. */
        @WithDefault("call-emotions")
        String events();

        /** Output: {@code CallEmotionStats} after every window, {@code final=true} at the end of a stream. */
        @WithDefault("call-emotion-stats")
        String stats();

        /** Dead letters: malformed input with the original bytes and reason headers. */
        @WithDefault("call-audio-dlq")
        String dlq();
    }

    /** Windowing and timers. */
    interface Window {
        /** Length of one analysis window (the model was trained on 3 s). */
        @WithDefault("3s")
        Duration size();

        /** Distance between window starts; equal to {@link #size()} for non-overlapping windows. */
        @WithDefault("3s")
        Duration hop();

        /**
         * How long to wait (wall clock) for a missing chunk before its gap is filled with silence and the
         * chunks behind it are released.
         */
        @WithDefault("2s")
        Duration gapWait();

        /**
         * A stream with no chunk for this long (wall clock) is closed as if its end-of-stream had arrived: the
         * partial window is analysed and final statistics are emitted.
         */
        @WithDefault("30s")
        Duration inactivityTimeout();

        /** Interval of the wall-clock punctuator that checks gap waits and inactivity. */
        @WithDefault("1s")
        Duration punctuationInterval();

        /**
         * Least audio no earlier window covered for a trailing partial window (at the end of a stream) to be
         * classified; the rule of {@link io.emostream.analysis.WindowPolicy}, shared with {@code classify}.
         */
        @WithDefault(io.emostream.analysis.WindowPolicy.DEFAULT_MIN_LAST_WINDOW)
        Duration minLastWindow();

        /** Length of {@code recentLabels} in the statistics and of the valence trend, in windows (at least 2). */
        @WithDefault("5")
        int trendWindows();
    }

    /** Input limits. */
    interface Input {
        /**
         * Chunks ahead of the next expected sequence number held per stream while waiting for the missing
         * one; beyond this the gap is filled at once.
         */
        @WithDefault("64")
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
        @WithDefault("8000")
        int minSampleRate();

        /** Highest accepted sample rate in Hz. */
        @WithDefault("96000")
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
        @WithDefault("angry")
        String label();

        /** Consecutive speech windows with that label that raise escalation. */
        @WithDefault("3")
        int consecutiveWindows();

        /** Minimum confidence for a window to count towards escalation. */
        @WithDefault("0.6")
        float minConfidence();
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
    }

    /** Interactive queries. */
    interface InteractiveQueries {
        /**
         * host:port under which other instances reach this instance's REST API; it is passed to Kafka Streams
         * as {@code application.server} and must be unique per instance.
         */
        @WithDefault("localhost:8080")
        String advertisedEndpoint();

        /** Timeout of a query forwarded to the instance that owns a call. */
        @WithDefault("5s")
        Duration forwardTimeout();
    }
}
