package io.emostream.service;

import io.emostream.analysis.EmotionAnalyser;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.apache.kafka.streams.Topology;

/**
 * CDI producers of the streaming parts. The Quarkus Kafka Streams extension starts a {@code KafkaStreams} for the
 * produced {@link Topology} with the {@code kafka-streams.*} properties. The {@link MeterRegistry} is Quarkus'
 * registry, so the topology's {@code emostream_*} meters appear at {@code /q/metrics}.
 */
@Singleton
public class StreamingProducers {

    /** The window classifier shared by all stream threads (thread-safe). */
    @Produces
    @Singleton
    EmotionAnalyser analyser(LoadedModel model, EmostreamConfig config) {
        return ServiceWiring.analyser(model.model(), config);
    }

    @Produces
    @Singleton
    Topology topology(EmotionAnalyser analyser, EmostreamConfig config, MeterRegistry meters) {
        return ServiceWiring.topology(config, analyser, meters, Clock.systemUTC());
    }
}
