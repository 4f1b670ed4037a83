package io.emostream.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Silero VAD (v5 or v6, MIT licence) on ONNX Runtime: speech probabilities for a 16-kHz signal, one per
 * {@value #CHUNK}-sample (32-ms) chunk. The files come from the npm package {@code @ricky0123/vad-web} 0.0.31 and
 * are never committed: {@code tools/fetch_silero_vad.sh} puts them in {@code benchmarks/target/silero/}.
 *
 * <p>The graph's interface, read from the session and checked at load: {@code input} float {@code [batch, samples]}
 * (both dimensions free), {@code state} float {@code [2, batch, 128]}, {@code sr} int64 scalar; outputs
 * {@code output} float {@code [batch, 1]} (the probability) and {@code stateN} (the next state). The free sample
 * dimension does not tell the chunk length; the model is run as vad-web's {@code Silero.process} runs it (its source
 * says the same of silero-vad's {@code OnnxWrapper.__call__}): each 512-sample chunk is preceded by the last
 * {@value #CONTEXT} samples of the previous chunk (zeros for the first), so the model sees 576 samples, and the
 * state is carried from chunk to chunk, zero at the start of a signal. Without the context v6 finds no speech at
 * all (docs/vad-comparison.md).
 *
 * <p>One session per model file per JVM ({@link #load}), with one intra-op thread, so that a call's cost is the
 * calling thread's CPU time. {@link #probabilities} keeps its state in local variables: thread-safe.
 */
public final class SileroVad {

    /** Sample rate the model is run at (it also accepts 8 kHz; this class does not). */
    public static final int SAMPLE_RATE = 16000;

    /** Samples per decision at 16 kHz: 32 ms. */
    public static final int CHUNK = 512;

    /** Samples of the previous chunk put in front of each chunk. */
    public static final int CONTEXT = 64;

    private static final int STATE_SIZE = 2 * 128;

    /** Where {@code tools/fetch_silero_vad.sh} puts the files, relative to the repository root. */
    public static final Path FETCHED = Path.of("benchmarks", "target", "silero");

    private static final Map<Path, SileroVad> LOADED = new ConcurrentHashMap<>();

    private final Path file;
    private final OrtEnvironment environment;
    private final OrtSession session;

    private SileroVad(Path file, OrtEnvironment environment, OrtSession session) {
        this.file = file;
        this.environment = environment;
        this.session = session;
    }

    /**
     * The model at {@code file}, loaded once per JVM (later calls with the same file return the same instance; its
     * session lives as long as the JVM).
     *
     * @throws IllegalStateException when the file is missing (the message says how to fetch it), does not load, or
     *                               has not Silero v5's interface
     */
    public static SileroVad load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return LOADED.computeIfAbsent(absolute, SileroVad::open);
    }

    /**
     * {@code benchmarks/target/silero/silero_vad_NAME.onnx} under the repository root (system property
     * {@code emostream.home}, else the working directory), e.g. {@code v5}.
     */
    public static Path fetched(String version) {
        String home = System.getProperty("emostream.home", ".");
        return Path.of(home).resolve(FETCHED).resolve("silero_vad_" + version + ".onnx");
    }

    private static SileroVad open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(
                    "Silero VAD model "
                            + file
                            + " not found: run tools/fetch_silero_vad.sh from the repository root (npm pack"
                            + " @ricky0123/vad-web@0.0.31; it writes benchmarks/target/silero/)");
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(file.toString(), options);
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "Silero VAD model " + file + ": ONNX Runtime cannot load it: " + e.getMessage(),
                    e);
        }
        try {
            checkInterface(session, file);
        } catch (RuntimeException | OrtException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof IllegalStateException state
                    ? state
                    : new IllegalStateException(
                            "Silero VAD model " + file + ": " + e.getMessage(), e);
        }
        return new SileroVad(file, environment, session);
    }

    private static void checkInterface(OrtSession session, Path file) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String where = "Silero VAD model " + file + ": ";
        expect(where, inputs, "input", OnnxJavaType.FLOAT, 2);
        long[] state = expect(where, inputs, "state", OnnxJavaType.FLOAT, 3);
        if (state[0] != 2 || state[2] != 128) {
            throw new IllegalStateException(
                    where
                            + "input 'state' has shape "
                            + Arrays.toString(state)
                            + ", not [2, ?, 128]");
        }
        expect(where, inputs, "sr", OnnxJavaType.INT64, 0);
        expect(where, outputs, "output", OnnxJavaType.FLOAT, 2);
        if (!outputs.containsKey("stateN")) {
            throw new IllegalStateException(
                    where + "no output 'stateN' (outputs " + outputs.keySet() + ")");
        }
    }

    private static long[] expect(
            String where, Map<String, NodeInfo> nodes, String name, OnnxJavaType type, int rank) {
        NodeInfo node = nodes.get(name);
        if (node == null || !(node.getInfo() instanceof TensorInfo tensor)) {
            throw new IllegalStateException(
                    where + "no tensor '" + name + "' (has " + nodes.keySet() + ")");
        }
        if (tensor.type != type || tensor.getShape().length != rank) {
            throw new IllegalStateException(
                    where
                            + "'"
                            + name
                            + "' is "
                            + tensor.type
                            + " "
                            + Arrays.toString(tensor.getShape())
                            + ", expected "
                            + type
                            + " of rank "
                            + rank);
        }
        return tensor.getShape();
    }

    public Path file() {
        return file;
    }

    /** Number of decisions {@link #probabilities} returns for {@code validSamples} samples. */
    public static int chunks(int validSamples) {
        return (validSamples + CHUNK - 1) / CHUNK;
    }

    /**
     * The speech probability of each 512-sample chunk of the first {@code validSamples} samples of a 16-kHz signal
     * ({@link #chunks} of them; the last chunk is zero-padded), from a zero state: element {@code j} covers samples
     * {@code [512 j, 512 j + 512)}.
     */
    public float[] probabilities(float[] samples16k, int validSamples) {
        if (validSamples < 0 || validSamples > samples16k.length) {
            throw new IllegalArgumentException(
                    "valid samples " + validSamples + " outside 0.." + samples16k.length);
        }
        int chunks = chunks(validSamples);
        float[] probabilities = new float[chunks];
        float[] input = new float[CONTEXT + CHUNK];
        float[] state = new float[STATE_SIZE];
        long[] inputShape = {1, CONTEXT + CHUNK};
        long[] stateShape = {2, 1, 128};
        try (OnnxTensor rate = OnnxTensor.createTensor(environment, (long) SAMPLE_RATE)) {
            for (int j = 0; j < chunks; j++) {
                // the context: the last CONTEXT samples of the previous chunk, zeros before the
                // first
                System.arraycopy(input, CHUNK, input, 0, CONTEXT);
                int start = j * CHUNK;
                int length = Math.min(CHUNK, validSamples - start);
                System.arraycopy(samples16k, start, input, CONTEXT, length);
                Arrays.fill(input, CONTEXT + length, CONTEXT + CHUNK, 0f);
                try (OnnxTensor in =
                                OnnxTensor.createTensor(
                                        environment, FloatBuffer.wrap(input), inputShape);
                        OnnxTensor stateIn =
                                OnnxTensor.createTensor(
                                        environment, FloatBuffer.wrap(state), stateShape);
                        OrtSession.Result result =
                                session.run(Map.of("input", in, "state", stateIn, "sr", rate))) {
                    OnnxTensor output = (OnnxTensor) result.get("output").orElseThrow();
                    probabilities[j] = output.getFloatBuffer().get(0);
                    OnnxTensor next = (OnnxTensor) result.get("stateN").orElseThrow();
                    FloatBuffer nextState = next.getFloatBuffer();
                    if (nextState.remaining() != STATE_SIZE) {
                        throw new IllegalStateException(
                                "Silero VAD model "
                                        + file
                                        + ": stateN has "
                                        + nextState.remaining()
                                        + " values, expected "
                                        + STATE_SIZE);
                    }
                    nextState.get(state);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "Silero VAD model " + file + ": inference failed: " + e.getMessage(), e);
        }
        return probabilities;
    }
}
