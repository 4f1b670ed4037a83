package io.emostream.bench;

import io.emostream.audio.Resampler;
import io.emostream.dsp.FeatureConfig;
import io.emostream.dsp.LogMelSpectrogram;
import io.emostream.dsp.SpeechGate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-window cost of the front end on one thread: log-mel of one 3-s window, resampling 3 s of 48 kHz and of
 * 8 kHz audio to 16 kHz, and the speech gate on 3 s of speech-like audio.
 *
 * <pre>
 * ./mvnw -o -q -DskipTests package
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) org.openjdk.jmh.Main FrontEnd -f 1 -wi 3 -i 5 -t 1
 * </pre>
 *
 * <p>JMH reports wall-clock time, which on a shared machine includes time the thread waited for a core. {@link #main}
 * measures the same operations in thread CPU time instead:
 * {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) io.emostream.bench.FrontEndBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrontEndBenchmark {

    private LogMelSpectrogram logMel;
    private float[] window16k;
    private float[] features;
    private float[] audio48k;
    private float[] audio8k;
    private Resampler from48k;
    private Resampler from8k;
    private SpeechGate gate;

    @Setup
    public void setUp() throws IOException {
        FeatureConfig config = FeatureConfig.fromJson(featuresJson());
        logMel = new LogMelSpectrogram(config);
        features = new float[config.featureSize()];
        window16k = voiceLike(config.windowSamples(), 16000, 1);
        audio48k = voiceLike(3 * 48000, 48000, 2);
        audio8k = voiceLike(3 * 8000, 8000, 3);
        from48k = Resampler.of(48000, 16000);
        from8k = Resampler.of(8000, 16000);
        gate = new SpeechGate();
    }

    @Benchmark
    public float[] logMelOneWindow() {
        logMel.compute(window16k, features);
        return features;
    }

    @Benchmark
    public float[] resample48kThreeSeconds() {
        return from48k.process(audio48k);
    }

    @Benchmark
    public float[] resample8kThreeSeconds() {
        return from8k.process(audio8k);
    }

    @Benchmark
    public SpeechGate.SpeechDecision speechGateThreeSeconds() {
        return gate.assess(window16k, window16k.length);
    }

    /** Thread-CPU time per operation after warm-up, for machines whose other load makes wall-clock time unreliable. */
    public static void main(String[] args) throws IOException {
        java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        FrontEndBenchmark bench = new FrontEndBenchmark();
        bench.setUp();
        java.util.Map<String, Runnable> operations = new java.util.LinkedHashMap<>();
        operations.put("logMelOneWindow", bench::logMelOneWindow);
        operations.put("resample48kThreeSeconds", bench::resample48kThreeSeconds);
        operations.put("resample8kThreeSeconds", bench::resample8kThreeSeconds);
        operations.put("speechGateThreeSeconds", bench::speechGateThreeSeconds);
        for (var operation : operations.entrySet()) {
            long deadline = System.nanoTime() + 3_000_000_000L; // warm-up
            while (System.nanoTime() < deadline) {
                operation.getValue().run();
            }
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                int runs = 0;
                long start = threads.getCurrentThreadCpuTime();
                long end = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < end) {
                    operation.getValue().run();
                    runs++;
                }
                double micros = (threads.getCurrentThreadCpuTime() - start) / 1e3 / runs;
                best = Math.min(best, micros);
                System.out.printf(
                        "%-26s round %d: %9.1f us CPU/op%n", operation.getKey(), round, micros);
            }
            System.out.printf("%-26s best      %9.1f us CPU/op%n", operation.getKey(), best);
        }
    }

    /** models/features.json from the working directory, else the shipped default values. */
    private static String featuresJson() throws IOException {
        Path path = Path.of("models", "features.json");
        if (Files.exists(path)) {
            return Files.readString(path);
        }
        try (InputStream in = FrontEndBenchmark.class.getResourceAsStream("/features.json")) {
            if (in != null) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        throw new IOException("models/features.json not found; run from the repository root");
    }

    /** Harmonics of a gliding pitch with a 4-Hz syllable envelope, plus a little noise. */
    private static float[] voiceLike(int n, int rate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            phase += (140 + 40 * Math.sin(2 * Math.PI * 0.7 * t)) / rate;
            double voice = 0;
            for (int k = 1; k <= 12; k++) {
                voice += Math.sin(2 * Math.PI * k * phase) / k;
            }
            double envelope = Math.max(0, Math.sin(2 * Math.PI * 4 * t));
            out[i] = (float) (0.2 * voice * envelope + 0.002 * (random.nextDouble() - 0.5));
        }
        return out;
    }
}
