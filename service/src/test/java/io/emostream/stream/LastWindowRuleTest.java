package io.emostream.stream;

import static io.emostream.stream.TopologyHarness.split;
import static io.emostream.stream.TopologyHarness.tone;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emostream.analysis.WindowPolicy;
import io.emostream.avro.EmotionEvent;
import io.emostream.avro.SpeakerRole;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service and {@code classify} cut the same windows ({@link WindowPolicy}): for calls of several lengths the
 * topology's events start where the policy that classify uses says, and a 0.5-s call has no window on either side
 * (classify used to give it one, the service none).
 */
class LastWindowRuleTest {

    @TempDir Path stateDir;

    @Test
    void theServiceEmitsExactlyTheWindowsOfTheSharedPolicy() {
        int rate = 8000;
        WindowPolicy classifyPolicy = WindowPolicy.of(Duration.ofSeconds(3), Duration.ofSeconds(3));
        double[] seconds = {0.5, 0.9, 1.0, 2.9, 3.0, 3.5, 3.9, 4.0, 6.2};
        try (TopologyHarness h =
                new TopologyHarness(
                        TopologySettings.defaults(), new LoudnessTestClassifier(), stateDir)) {
            assertEquals(classifyPolicy, h.settings.windowPolicy(), "the same defaults");
            for (int i = 0; i < seconds.length; i++) {
                String call = "len-" + i;
                int samples = (int) Math.round(seconds[i] * rate);
                split(call, SpeakerRole.CUSTOMER, rate, tone(samples, 0.5f, rate), 800, true)
                        .forEach(h::send);
                List<Long> serviceStarts =
                        h.events.readValuesToList().stream()
                                .map(EmotionEvent::getWindowStartOffsetMs)
                                .map(ms -> ms * rate / 1000)
                                .toList();
                assertEquals(
                        classifyPolicy.starts(samples, rate), serviceStarts, seconds[i] + " s");
            }
            assertEquals(List.of(), classifyPolicy.starts(4000, rate), "0.5 s: no window");
        }
    }
}
