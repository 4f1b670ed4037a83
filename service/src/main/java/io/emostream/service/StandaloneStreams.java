package io.emostream.service;

import io.emostream.analysis.WindowClassifier;
import io.emostream.model.EmotionModel;
import io.emostream.model.ModelOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.config.SmallRyeConfig;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The service's Kafka Streams application without Quarkus: the same {@code application.properties}, the same
 * {@link EmostreamConfig} mapping and the same {@link ServiceWiring}, for the benchmark and for tests that need
 * to stop and restart the stream processing in one JVM. {@code overrides} take precedence over the file (for
 * example {@code quarkus.kafka-streams.bootstrap-servers} or {@code kafka-streams.state.dir}); environment
 * variables are deliberately not read, so a run is reproducible.
 */
public final class StandaloneStreams {

    private static final String STREAMS_PREFIX = "kafka-streams.";

    private final SmallRyeConfig config;
    private final EmostreamConfig emostream;

    public StandaloneStreams(Map<String, String> overrides) {
        config = ServiceConfiguration.read(overrides, Map.of());
        emostream = config.getConfigMapping(EmostreamConfig.class);
    }

    public EmostreamConfig config() {
        return emostream;
    }

    /** A config value as the service would see it (expressions resolved), for keys outside the mapping. */
    public String value(String key) {
        return config.getValue(key, String.class);
    }

    /** Loads the configured model (the caller closes it). */
    public EmotionModel loadModel() {
        return EmotionModel.load(
                emostream.model().path(),
                ModelOptions.defaults().withIntraOpThreads(emostream.model().intraOpThreads()));
    }

    /** The Kafka Streams properties the Quarkus extension would use: {@code kafka-streams.*} plus the typed keys. */
    public Properties streamsProperties() {
        Properties properties = new Properties();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(STREAMS_PREFIX)) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(
                                value ->
                                        properties.put(
                                                name.substring(STREAMS_PREFIX.length()), value));
            }
        }
        properties.put(
                StreamsConfig.APPLICATION_ID_CONFIG, value("quarkus.kafka-streams.application-id"));
        properties.put(
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                value("quarkus.kafka-streams.bootstrap-servers"));
        config.getOptionalValue("quarkus.kafka-streams.application-server", String.class)
                .ifPresent(
                        server -> properties.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server));
        return properties;
    }

    /** A new, not yet started KafkaStreams of the service topology. */
    public KafkaStreams newKafkaStreams(EmotionModel model, MeterRegistry meters) {
        return newKafkaStreams(ServiceWiring.analyser(model, emostream), meters);
    }

    /** As {@link #newKafkaStreams(EmotionModel, MeterRegistry)} with a given classifier (the benchmark times it). */
    public KafkaStreams newKafkaStreams(WindowClassifier classifier, MeterRegistry meters) {
        return new KafkaStreams(
                ServiceWiring.topology(emostream, classifier, meters, Clock.systemUTC()),
                streamsProperties());
    }
}
