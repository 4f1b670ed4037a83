package io.emostream.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while Kafka Streams is {@code RUNNING}. The Quarkus extension's own checks are not enough for this:
 * its state check is a liveness check that also accepts {@code REBALANCING}, and its readiness check only asks
 * whether the input topics exist. During a rebalance or state restore this instance cannot answer interactive
 * queries for the calls it is taking over, so a load balancer should not route to it.
 */
@Readiness
@ApplicationScoped
public class StreamsRunningReadinessCheck implements HealthCheck {

    private final KafkaStreams kafkaStreams;

    @Inject
    public StreamsRunningReadinessCheck(KafkaStreams kafkaStreams) {
        this.kafkaStreams = kafkaStreams;
    }

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = kafkaStreams.state();
        return HealthCheckResponse.named("Kafka Streams running")
                .status(state == KafkaStreams.State.RUNNING)
                .withData("state", state.name())
                .build();
    }
}
