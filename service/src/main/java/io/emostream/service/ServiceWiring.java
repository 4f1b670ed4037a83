package io.emostream.service;

import io.emostream.analysis.EmotionAnalyser;
import io.emostream.analysis.WindowClassifier;
import io.emostream.avro.AlertEvent;
import io.emostream.avro.AudioChunk;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.conversation.ConversationRules;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import io.emostream.model.EmotionModel;
import io.emostream.serde.AvroWireSerdeConfig;
import io.emostream.serde.SchemaRegistryClient;
import io.emostream.stream.AlertSettings;
import io.emostream.stream.EmotionTopology;
import io.emostream.stream.EscalationRule;
import io.emostream.stream.TopologySettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.jboss.logging.Logger;

/**
 * How the service's parts are put together from {@link EmostreamConfig}, as plain static functions: the CDI
 * producers ({@link StreamingProducers}) and the non-Quarkus runners (the end-to-end test's and the benchmark's
 * {@link StandaloneStreams}) build the same topology with the same serdes and settings from here.
 */
public final class ServiceWiring {

    private static final Logger LOG = Logger.getLogger(ServiceWiring.class);

    private ServiceWiring() {}

    /** The window classifier: the model behind the speech gate configured by {@code emostream.speech-gate}. */
    public static EmotionAnalyser analyser(EmotionModel model, EmostreamConfig config) {
        SpeechGateConfig gate =
                SpeechGateConfig.defaults().withMinSpeechRatio(config.speechGate().minRatio());
        return new EmotionAnalyser(model, gate);
    }

    /** Topology settings from the configuration (the store names are fixed: {@link TopologySettings}). */
    public static TopologySettings topologySettings(EmostreamConfig config) {
        EmostreamConfig.Window window = config.window();
        EmostreamConfig.Input input = config.input();
        return new TopologySettings(
                config.topics().audio(),
                config.topics().events(),
                config.topics().stats(),
                config.topics().dlq(),
                TopologySettings.STREAM_STATE_STORE,
                TopologySettings.CHUNK_STORE,
                TopologySettings.CALL_STATS_STORE,
                window.size(),
                window.hop(),
                input.reorderBufferSize(),
                window.gapWait(),
                window.inactivityTimeout(),
                window.punctuationInterval(),
                window.minLastWindow(),
                input.maxChunkBytes(),
                input.maxChunkDuration(),
                config.output().maxRecordBytes(),
                input.minSampleRate(),
                input.maxSampleRate(),
                new EscalationRule(
                        config.escalation().label(),
                        config.escalation().consecutiveWindows(),
                        config.escalation().minConfidence()),
                window.trendWindows(),
                new ConversationRules(
                        config.conversation().hangover(), config.conversation().maxLag()));
    }

    /** Alert rules and topic from the configuration (the state store keeps its documented default name). */
    public static AlertSettings alertSettings(EmostreamConfig config) {
        EmostreamConfig.Alerts alerts = config.alerts();
        return new AlertSettings(
                config.topics().alerts(),
                AlertSettings.DEFAULT_STATE_STORE,
                alerts.negativeValenceThreshold(),
                alerts.negativeValenceWindows(),
                alerts.negativeValenceSpeakers(),
                alerts.mismatchAgentLabel(),
                alerts.mismatchCustomerLabel(),
                alerts.mismatchMinConfidence());
    }

    /**
     * Confluent-style serde configuration: registry URL, credentials and truststore, auto-registration, specific
     * records, and the retry timeout for an unreachable registry.
     */
    public static Map<String, Object> serdeConfig(EmostreamConfig config) {
        EmostreamConfig.Serde settings = config.serde();
        Map<String, Object> serde = new HashMap<>();
        serde.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL, settings.schemaRegistryUrl());
        serde.put(AvroWireSerdeConfig.AUTO_REGISTER_SCHEMAS, settings.autoRegisterSchemas());
        serde.put(AvroWireSerdeConfig.SPECIFIC_AVRO_READER, true);
        settings.basicAuthUserInfo()
                .ifPresent(
                        userInfo -> {
                            serde.put(
                                    AvroWireSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
                            serde.put(AvroWireSerdeConfig.BASIC_AUTH_USER_INFO, userInfo);
                        });
        settings.truststore()
                .location()
                .ifPresent(
                        location -> {
                            serde.put(
                                    AvroWireSerdeConfig.SSL_TRUSTSTORE_LOCATION,
                                    location.toAbsolutePath().toString());
                            serde.put(
                                    AvroWireSerdeConfig.SSL_TRUSTSTORE_TYPE,
                                    settings.truststore().type());
                            settings.truststore()
                                    .password()
                                    .ifPresent(
                                            p ->
                                                    serde.put(
                                                            AvroWireSerdeConfig
                                                                    .SSL_TRUSTSTORE_PASSWORD,
                                                            p));
                        });
        serde.put(AvroWireSerdeConfig.RETRY_TIMEOUT_MS, settings.registryRetryTimeout().toMillis());
        return serde;
    }

    /** A configured value serializer of the class named by {@code emostream.serde.serializer}. */
    public static <T> Serializer<T> valueSerializer(EmostreamConfig config) {
        Serializer<T> serializer =
                instantiate(
                        config.serde().serializer(),
                        Serializer.class,
                        "emostream.serde.serializer");
        serializer.configure(serdeConfig(config), false);
        return serializer;
    }

    /** A configured value deserializer of the class named by {@code emostream.serde.deserializer}. */
    public static Deserializer<AudioChunk> chunkDeserializer(EmostreamConfig config) {
        Deserializer<AudioChunk> deserializer =
                instantiate(
                        config.serde().deserializer(),
                        Deserializer.class,
                        "emostream.serde.deserializer");
        Map<String, Object> serde = serdeConfig(config);
        serde.put(AvroWireSerdeConfig.READER_CLASS, AudioChunk.class.getName());
        deserializer.configure(serde, false);
        return deserializer;
    }

    /**
     * A configured value deserializer of the class named by {@code emostream.serde.deserializer} that reads into
     * {@code type} (emostream's serde by {@code emostream.avro.reader.class}, Confluent's by
     * {@code specific.avro.reader} and the writer schema's name).
     */
    public static <T> Deserializer<T> valueDeserializer(EmostreamConfig config, Class<T> type) {
        Deserializer<T> deserializer =
                instantiate(
                        config.serde().deserializer(),
                        Deserializer.class,
                        "emostream.serde.deserializer");
        Map<String, Object> serde = serdeConfig(config);
        serde.put(AvroWireSerdeConfig.READER_CLASS, type.getName());
        deserializer.configure(serde, false);
        return deserializer;
    }

    /**
     * Registers the output schemas before any record is written, retrying a few times. Replicas that start
     * together would otherwise race to auto-register the same subject on their first window, and Apicurio answers
     * the loser with 409 (artifact exists), which fails the stream task; on a retry the registration finds the
     * schema already there. A registry that stays unreachable is only logged: the serializer registers lazily.
     */
    public static void registerOutputSchemas(EmostreamConfig config) {
        if (!config.serde().autoRegisterSchemas()) {
            return;
        }
        // a few quick tries here (below), not the stream tasks' long retry: start-up must not wait
        // out an outage
        Map<String, Object> quick = serdeConfig(config);
        quick.remove(AvroWireSerdeConfig.RETRY_TIMEOUT_MS);
        SchemaRegistryClient registry = new AvroWireSerdeConfig(quick).newRegistryClient();
        Map<String, Schema> subjects =
                Map.of(
                        config.topics().events() + "-value", EmotionEvent.getClassSchema(),
                        config.topics().stats() + "-value", CallEmotionStats.getClassSchema(),
                        config.topics().alerts() + "-value", AlertEvent.getClassSchema());
        for (Map.Entry<String, Schema> subject : subjects.entrySet()) {
            for (int attempt = 1; ; attempt++) {
                try {
                    registry.register(subject.getKey(), subject.getValue());
                    break;
                } catch (RuntimeException e) {
                    if (attempt == 5) {
                        LOG.warnf(
                                "Could not register %s under %s at %s (the serializer will try again on first "
                                        + "use): %s",
                                subject.getValue().getFullName(),
                                subject.getKey(),
                                config.serde().schemaRegistryUrl(),
                                e.getMessage());
                        break;
                    }
                    try {
                        Thread.sleep(200L * attempt);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** The service topology; registers the output schemas first (see {@link #registerOutputSchemas}). */
    public static Topology topology(
            EmostreamConfig config,
            WindowClassifier classifier,
            MeterRegistry meters,
            Clock clock) {
        registerOutputSchemas(config);
        Serializer<EmotionEvent> events = valueSerializer(config);
        Serializer<CallEmotionStats> stats = valueSerializer(config);
        Serializer<AlertEvent> alerts = valueSerializer(config);
        return EmotionTopology.build(
                topologySettings(config),
                classifier,
                chunkDeserializer(config),
                events,
                stats,
                alertSettings(config),
                alerts,
                meters,
                clock);
    }

    @SuppressWarnings("unchecked")
    private static <T> T instantiate(String className, Class<?> type, String key) {
        try {
            Class<?> cls =
                    Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            if (!type.isAssignableFrom(cls)) {
                throw new IllegalArgumentException(
                        key + "=" + className + " is not a " + type.getName());
            }
            return (T) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(
                    key
                            + "="
                            + className
                            + ": cannot create an instance ("
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage()
                            + ")",
                    e);
        }
    }
}
