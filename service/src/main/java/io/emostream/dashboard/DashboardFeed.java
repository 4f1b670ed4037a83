package io.emostream.dashboard;

import io.emostream.avro.AlertEvent;
import io.emostream.avro.CallEmotionStats;
import io.emostream.avro.EmotionEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads the three output topics into a {@link DashboardState}, on its own thread. One plain consumer per instance,
 * with manual assignment of every partition (no consumer group: nothing to rebalance, nothing left behind in the
 * broker) and {@code isolation.level=read_committed}, so each instance sees every call, and only what the
 * exactly-once topology committed. Each partition starts at the first record of the last {@code lookBack} (or at
 * its end when there is none), so calls in progress come with their recent history. The topic list is looked up
 * again every {@value #REFRESH_MS} ms, so a topic created later (alerts are produced only when one is raised) or
 * new partitions are picked up; those are read from their start.
 *
 * <p>A record that cannot be read is logged and skipped: the dashboard is read-only and must not stop on one bad
 * record.
 */
public final class DashboardFeed implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DashboardFeed.class);
    static final long REFRESH_MS = 5_000;

    private final KafkaConsumer<String, byte[]> consumer;
    private final String eventsTopic;
    private final String statsTopic;
    private final String alertsTopic;
    private final Deserializer<EmotionEvent> events;
    private final Deserializer<CallEmotionStats> stats;
    private final Deserializer<AlertEvent> alerts;
    private final DashboardState state;
    private final Duration lookBack;
    private final Duration pollTimeout;
    private final Clock clock;
    private final Thread thread;
    private final Set<TopicPartition> assigned = new HashSet<>();
    private volatile boolean running = true;
    private volatile long recordsRead;
    private long startedAt;
    private long nextRefresh;
    private long nextExpiry;

    /**
     * @param consumerConfig bootstrap servers and any security settings; the rest is set here
     */
    public DashboardFeed(
            Map<String, Object> consumerConfig,
            String eventsTopic,
            String statsTopic,
            String alertsTopic,
            Deserializer<EmotionEvent> events,
            Deserializer<CallEmotionStats> stats,
            Deserializer<AlertEvent> alerts,
            DashboardState state,
            Duration lookBack,
            Duration pollTimeout,
            Clock clock) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // deliver as soon as anything is there: the dashboard promises updates within a second
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "emostream-dashboard-feed");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        this.eventsTopic = Objects.requireNonNull(eventsTopic);
        this.statsTopic = Objects.requireNonNull(statsTopic);
        this.alertsTopic = Objects.requireNonNull(alertsTopic);
        this.events = events;
        this.stats = stats;
        this.alerts = alerts;
        this.state = state;
        this.lookBack = lookBack;
        this.pollTimeout = pollTimeout;
        this.clock = clock;
        this.thread = new Thread(this::run, "emostream-dashboard-feed");
        this.thread.setDaemon(true);
    }

    public DashboardFeed start() {
        thread.start();
        return this;
    }

    /** Records read so far (all three topics). */
    public long recordsRead() {
        return recordsRead;
    }

    /** Partitions currently read. */
    public synchronized Set<TopicPartition> assignment() {
        return Set.copyOf(assigned);
    }

    private void run() {
        startedAt = clock.millis();
        try {
            while (running) {
                long now = clock.millis();
                if (now >= nextRefresh) {
                    refreshAssignment();
                    nextRefresh = now + REFRESH_MS;
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(pollTimeout.toMillis());
                } else {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout)) {
                        apply(record);
                    }
                }
                if (now >= nextExpiry) {
                    state.expire(Instant.ofEpochMilli(now));
                    nextExpiry = now + 1_000;
                }
            }
        } catch (WakeupException | InterruptedException stopping) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.errorf(e, "Dashboard feed stopped: %s", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void refreshAssignment() {
        Map<String, List<PartitionInfo>> topics;
        try {
            topics = consumer.listTopics(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Dashboard feed: cannot list topics yet (%s); trying again in %d ms",
                    e.toString(), REFRESH_MS);
            return;
        }
        Set<TopicPartition> wanted = new HashSet<>();
        for (String topic : List.of(eventsTopic, statsTopic, alertsTopic)) {
            for (PartitionInfo p : topics.getOrDefault(topic, List.of())) {
                wanted.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        Set<TopicPartition> added = new HashSet<>(wanted);
        added.removeAll(assigned);
        if (added.isEmpty()) {
            return;
        }
        boolean initial = assigned.isEmpty() || clock.millis() - startedAt < REFRESH_MS;
        synchronized (this) {
            assigned.addAll(added);
            consumer.assign(Set.copyOf(assigned));
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(added);
        Map<TopicPartition, Long> since = new HashMap<>();
        added.forEach(tp -> since.put(tp, startedAt - lookBack.toMillis()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(since);
        for (TopicPartition tp : added) {
            OffsetAndTimestamp at = found.get(tp);
            if (at != null) {
                consumer.seek(tp, at.offset());
            } else if (initial) {
                consumer.seek(tp, ends.getOrDefault(tp, 0L));
            } else {
                consumer.seekToBeginning(
                        List.of(tp)); // appeared after we started: all of it is new
            }
        }
        LOG.infof(
                "Dashboard feed reads %d partitions (%s, %s, %s), looking back %s",
                assigned.size(), eventsTopic, statsTopic, alertsTopic, lookBack);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        recordsRead++;
        Instant now = Instant.ofEpochMilli(clock.millis());
        try {
            if (record.topic().equals(eventsTopic)) {
                state.onEvent(
                        events.deserialize(record.topic(), record.headers(), record.value()), now);
            } else if (record.topic().equals(statsTopic)) {
                state.onStats(
                        stats.deserialize(record.topic(), record.headers(), record.value()), now);
            } else if (record.topic().equals(alertsTopic)) {
                state.onAlert(
                        alerts.deserialize(record.topic(), record.headers(), record.value()), now);
            }
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Dashboard feed skipped %s-%d@%d: %s",
                    record.topic(), record.partition(), record.offset(), e.toString());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
