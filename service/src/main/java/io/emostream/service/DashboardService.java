package io.emostream.service;

import io.emostream.avro.AlertEvent;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import io.emostream.dashboard.DashboardFeed;
import io.emostream.dashboard.DashboardState;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Owns the dashboard's {@link DashboardState} and the {@link DashboardFeed} that fills it: started on the first
 * {@link #state()} (a request to {@code /dashboard/api/*}), or with the application when
 * {@code emostream.dashboard.start-with-service=true}; never when {@code emostream.dashboard.enabled=false};
 * stopped with the application. The feed's consumer connects
 * like Kafka Streams does: {@code quarkus.kafka-streams.bootstrap-servers} plus every {@code kafka-streams.*} key
 * that configures the connection ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}).
 */
@ApplicationScoped
public class DashboardService {

    private static final Logger LOG = Logger.getLogger(DashboardService.class);
    private static final String STREAMS_PREFIX = "kafka-streams.";

    private final EmostreamConfig config;
    private final Config allConfig;
    private final DashboardState state;
    private volatile DashboardFeed feed;
    private boolean stopped;

    @Inject
    public DashboardService(EmostreamConfig config, Config allConfig) {
        this.config = config;
        this.allConfig = allConfig;
        EmostreamConfig.Dashboard d = config.dashboard();
        this.state =
                new DashboardState(
                        d.maxWindowsPerSpeaker(),
                        d.maxAlertsPerCall(),
                        d.maxCalls(),
                        d.retention(),
                        AvroJson::toPlain);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.dashboard().enabled()) {
            LOG.info("Dashboard feed off (emostream.dashboard.enabled=false)");
        } else if (config.dashboard().startWithService()) {
            startFeed();
        } else {
            LOG.info(
                    "Dashboard feed starts on the first /dashboard/api request"
                            + " (emostream.dashboard.start-with-service=false)");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        synchronized (this) {
            stopped = true;
        }
        if (feed != null) {
            feed.close();
        }
    }

    /** The live state, or null when the dashboard is off; the first call starts the feed. */
    public DashboardState state() {
        if (!config.dashboard().enabled()) {
            return null;
        }
        if (feed == null) {
            startFeed();
        }
        return state;
    }

    /** The feed, or null before it has started (or when the dashboard is off). */
    public DashboardFeed feed() {
        return feed;
    }

    private synchronized void startFeed() {
        if (feed != null || stopped) {
            return;
        }
        EmostreamConfig.Dashboard d = config.dashboard();
        feed =
                new DashboardFeed(
                                consumerConfig(),
                                config.topics().events(),
                                config.topics().stats(),
                                config.topics().alerts(),
                                ServiceWiring.valueDeserializer(config, EmotionEvent.class),
                                ServiceWiring.valueDeserializer(config, CallEmotionStats.class),
                                ServiceWiring.valueDeserializer(config, AlertEvent.class),
                                state,
                                d.lookBack(),
                                d.pollTimeout(),
                                Clock.systemUTC())
                        .start();
        LOG.infof("Dashboard feed started (look-back %s)", d.lookBack());
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> consumer = new HashMap<>();
        consumer.put(
                "bootstrap.servers",
                allConfig.getValue("quarkus.kafka-streams.bootstrap-servers", String.class));
        for (String name : allConfig.getPropertyNames()) {
            if (name.startsWith(STREAMS_PREFIX)) {
                String key = name.substring(STREAMS_PREFIX.length());
                if (key.equals("security.protocol")
                        || key.startsWith("sasl.")
                        || key.startsWith("ssl.")) {
                    allConfig
                            .getOptionalValue(name, String.class)
                            .ifPresent(v -> consumer.put(key, v));
                }
            }
        }
        return consumer;
    }
}
