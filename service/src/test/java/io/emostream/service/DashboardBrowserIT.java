package io.emostream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.avro.AudioChunk;
import io.emostream.avro.AudioEncoding;
import io.emostream.avro.SpeakerRole;
import io.emostream.local.ApicurioRegistry;
import io.emostream.local.CallAudioSender;
import io.emostream.local.CallAudioSender.CallStream;
import io.emostream.local.EmbeddedKafka;
import io.emostream.local.ServiceProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless Chromium ({@code /usr/bin/chromium}, driven by playwright-core from
 * {@code src/test/browser}): the packaged service against a real KRaft broker and a real registry, one stereo call
 * produced at real-time pace. The browser script ({@code dashboard.test.mjs}) checks that the call appears within
 * 5 s of its first chunk, that its timeline grows window by window, that an escalation alert appears and that the
 * detail view shows the final summary; this test asserts its exit code. Screenshots go to
 * {@code target/dashboard-browser/}.
 *
 * <p>The call is made of signals the test model (core/src/test/resources/model) classifies reliably: eight-tone chords
 * in its "angry" (customer) and "happy" (agent) bands, cut into 4 Hz syllables so that they pass the speech gate.
 * The test model's probabilities are soft (angry about 0.52, happy 0.42), so the minimum confidences of the
 * escalation and mismatch rules are set to 0.45 and 0.35 here (defaults 0.6 and 0.5). Customer by window: neutral,
 * angry x3 (escalation from window 1, raised at window 3), sad; agent: neutral, happy x2 (against the angry
 * customer: a mismatch), neutral x2. Skipped, with the reason, only when Chromium, node or {@code node_modules} is missing
 * ({@code .ci/run} installs them).
 */
class DashboardBrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path BROWSER_DIR = Path.of("src", "test", "browser");
    private static final double SECONDS = 15.2;

    /** Chord bands (Hz) of the test model's labels (tools/make_test_models.py). */
    private static final double[] ANGRY = {4000, 7500};

    private static final double[] HAPPY = {1800, 3400};
    private static final double[] NEUTRAL = {850, 1600};
    private static final double[] SAD = {100, 700};

    private static EmbeddedKafka kafka;
    private static ApicurioRegistry registry;
    private static ServiceProcess service;
    private static Path workDir;

    /** Why the test cannot run here, or null. */
    private static String missing;

    @BeforeAll
    static void startStack() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            missing = "no Chromium at " + CHROMIUM + " (apt-get install chromium; .ci/run does)";
        } else if (!Files.isDirectory(
                BROWSER_DIR.resolve("node_modules").resolve("playwright-core"))) {
            missing = BROWSER_DIR + "/node_modules is missing (run npm ci there; .ci/run does)";
        } else if (nodeVersion() == null) {
            missing = "node is not on the PATH";
        }
        if (missing != null) {
            System.err.println("DashboardBrowserIT skipped: " + missing);
            return;
        }
        kafka = EmbeddedKafka.start();
        LocalKafkaStackResource.createServiceTopics(kafka, 2);
        registry = LocalKafkaStackResource.startRegistry();
        workDir = Files.createDirectories(Path.of("target", "dashboard-browser"));
        Path stateDir = Files.createTempDirectory("emostream-dashboard-it-state");
        service =
                LocalKafkaStackResource.startReadyService(
                        LocalKafkaStackResource.serviceEnvironment(kafka, registry, stateDir),
                        Map.of(
                                "emostream.escalation.min-confidence",
                                "0.45",
                                "emostream.alerts.mismatch.min-confidence",
                                "0.35"),
                        LocalKafkaStackResource.freePort(),
                        workDir.resolve("service.log"));
    }

    @AfterAll
    static void stopStack() throws Exception {
        LocalKafkaStackResource.closeAll(service, registry, kafka);
    }

    @Test
    void supervisorSeesTheCallLiveWithItsEscalationAndFinalSummary() throws Exception {
        Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
        String callId = "browser-call-" + System.currentTimeMillis();
        CallStream call =
                new CallStream(
                        callId,
                        List.of(SpeakerRole.AGENT, SpeakerRole.CUSTOMER),
                        16000,
                        AudioEncoding.PCM16LE,
                        new float[][] {
                            syllables(NEUTRAL, HAPPY, HAPPY, NEUTRAL, NEUTRAL),
                            syllables(NEUTRAL, ANGRY, ANGRY, ANGRY, SAD)
                        });

        ProcessBuilder node =
                new ProcessBuilder("node", "dashboard.test.mjs")
                        .directory(BROWSER_DIR.toFile())
                        .redirectErrorStream(true);
        node.environment().put("DASHBOARD_URL", service.url() + "/dashboard/");
        node.environment().put("CALL_ID", callId);
        node.environment().put("CHROMIUM", CHROMIUM.toString());
        node.environment()
                .put("SCREENSHOT", workDir.resolve("dashboard.png").toAbsolutePath().toString());
        node.environment()
                .put(
                        "DETAIL_SCREENSHOT",
                        workDir.resolve("dashboard-detail.png").toAbsolutePath().toString());
        Process browser = node.start();
        StringBuilder output = new StringBuilder();
        CountDownLatch ready = new CountDownLatch(1);
        CompletableFuture<Void> reading =
                CompletableFuture.runAsync(
                        () -> {
                            try (BufferedReader lines =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    browser.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                for (String line; (line = lines.readLine()) != null; ) {
                                    synchronized (output) {
                                        output.append(line).append('\n');
                                    }
                                    if (line.equals("READY")) {
                                        ready.countDown();
                                    }
                                }
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        try (Producer<String, AudioChunk> producer =
                        CallAudioSender.newProducer(
                                kafka.bootstrapServers(), registry.ccompatUrl());
                Writer toBrowser =
                        new OutputStreamWriter(browser.getOutputStream(), StandardCharsets.UTF_8)) {
            assertTrue(
                    ready.await(90, TimeUnit.SECONDS) || !browser.isAlive(),
                    "browser not ready: " + output);
            assertTrue(browser.isAlive(), "the browser script ended before the call: " + output);
            CallAudioSender sender =
                    new CallAudioSender(producer, "call-audio", Duration.ofMillis(100), false);
            long chunks =
                    sender.send(
                            call,
                            Instant.now(),
                            sequence -> {
                                if (sequence == 0) {
                                    producer.flush(); // the first chunk is on the broker: the 5 s
                                    // start now
                                    try {
                                        toBrowser.write("PRODUCING\n");
                                        toBrowser.flush();
                                    } catch (IOException e) {
                                        throw new IllegalStateException(
                                                "cannot talk to the browser script: " + output, e);
                                    }
                                }
                            });
            assertEquals(152, chunks);
            assertTrue(
                    browser.waitFor(2, TimeUnit.MINUTES),
                    "browser script still running: " + output);
        } finally {
            browser.destroy();
        }
        reading.get(10, TimeUnit.SECONDS);
        String log;
        synchronized (output) {
            log = output.toString();
        }
        System.out.println(log);
        assertEquals(0, browser.exitValue(), "the browser checks failed:\n" + log);
        assertTrue(log.contains("ok - an escalation alert appears"), log);
        assertTrue(log.contains("ok - a mismatch alert appears"), log);
        assertTrue(Files.size(workDir.resolve("dashboard.png")) > 10_000, "screenshot written");
    }

    /**
     * {@link #SECONDS} of audio at 16 kHz, one band per 3-s window (the last band also fills the tail): eight tones
     * from low to high Hz (amplitude 0.05 each), cut into 4 Hz syllables.
     */
    static float[] syllables(double[]... bandPerWindow) {
        int rate = 16000;
        int n = (int) Math.round(SECONDS * rate);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double[] band = bandPerWindow[Math.min(bandPerWindow.length - 1, i / (3 * rate))];
            for (int tone = 0; tone < 8; tone++) {
                double f = band[0] * Math.pow(band[1] / band[0], tone / 7.0);
                out[i] += (float) (0.05 * Math.sin(2 * Math.PI * f * i / rate));
            }
        }
        for (int i = 0; i < n; i++) {
            out[i] *= (float) (3 * Math.max(0, Math.sin(2 * Math.PI * 4 * i / rate)));
        }
        return out;
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String version =
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? version : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }
}
