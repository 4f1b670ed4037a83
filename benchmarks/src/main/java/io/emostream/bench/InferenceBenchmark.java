package io.emostream.bench;

import io.emostream.analysis.EmotionAnalyser;
import io.emostream.analysis.WindowResult;
import io.emostream.dsp.LogMelSpectrogram;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import io.emostream.model.EmotionModel;
import io.emostream.model.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of the emotion model with one intra-op thread: one window, a batch of 8 windows, and the whole analyser
 * (resample 8 kHz to 16 kHz, speech gate, log-mel, normalisation, model) on 3 s of 8 kHz audio.
 *
 * <p>Run after {@code ./mvnw -DskipTests package}, from the repository root:
 * <pre>
 * java -Djmh.separateClasspathJAR=true -cp target/classes:$(cat target/launcher-classpath.txt) \
 *     org.openjdk.jmh.Main Inference -f 1 -wi 3 -i 5 [-p model=PATH]
 * </pre>
 * {@code jmh.separateClasspathJAR} keeps the forked JVM's command line short: ONNX Runtime 1.29 crashes in a JVM
 * whose command line exceeds about 4 KB. The model defaults to models/emotion-cnn.onnx, else the test model.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"})
public class InferenceBenchmark {

    private static final Path TRAINED = Path.of("models/emotion-cnn.onnx");
    private static final Path TEST_MODEL =
            Path.of("core/src/test/resources/model/emotion-test.onnx");

    /** ONNX file; "auto" = models/emotion-cnn.onnx if present, else the test model. */
    @Param("auto")
    public String model;

    private EmotionModel emotionModel;
    private EmotionAnalyser analyser;
    private float[][] oneWindow;
    private float[][] eightWindows;
    private float[] threeSecondsAt8k;

    @Setup(Level.Trial)
    public void setUp() {
        Path path =
                model.equals("auto")
                        ? (Files.exists(TRAINED) ? TRAINED : TEST_MODEL)
                        : Path.of(model);
        emotionModel = EmotionModel.load(path, ModelOptions.defaults());
        System.out.println("# model: " + emotionModel);
        LogMelSpectrogram logMel = new LogMelSpectrogram(emotionModel.features());
        int windowSamples = emotionModel.features().windowSamples();
        eightWindows = new float[8][];
        for (int i = 0; i < eightWindows.length; i++) {
            float[] spectrogram =
                    logMel.compute(voice(windowSamples, emotionModel.features().sampleRate(), i));
            emotionModel
                    .normalisation()
                    .applyInPlace(spectrogram, emotionModel.features().frames());
            eightWindows[i] = spectrogram;
        }
        oneWindow = new float[][] {eightWindows[0]};
        threeSecondsAt8k = voice(24000, 8000, 42);
        // the gate is computed but not allowed to skip the model, so every call measures the whole
        // path
        analyser = new EmotionAnalyser(emotionModel, SpeechGateConfig.defaults()).bypassingGate();
    }

    /** Harmonics of a gliding 150 Hz voice with syllable-rate gating and a little noise. */
    private static float[] voice(int n, int rate, long seed) {
        Random random = new Random(seed);
        float[] out = new float[n];
        double phase = 0;
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double f0 = 150 + 40 * Math.sin(2 * Math.PI * 0.7 * t + seed);
            phase += 2 * Math.PI * f0 / rate;
            double voiced = 0;
            for (int h = 1; h * f0 < Math.min(3500, rate / 2.0 - 200); h++) {
                voiced += Math.sin(h * phase) / h;
            }
            out[i] =
                    (float)
                            (0.1 * voiced * Math.max(0, Math.sin(2 * Math.PI * 4 * t))
                                    + 0.002 * random.nextGaussian());
        }
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        emotionModel.close();
    }

    @Benchmark
    public float[][] modelOneWindow() {
        return emotionModel.predict(oneWindow);
    }

    @Benchmark
    public float[][] modelBatchOfEight() {
        return emotionModel.predict(eightWindows);
    }

    @Benchmark
    public WindowResult analyserThreeSecondsAt8kHz() {
        return analyser.classify(threeSecondsAt8k, 8000);
    }
}
