package io.emostream.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.emostream.dsp.FeatureConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An emotion CNN in ONNX format, checked against the model contract of docs/architecture.md when loaded:
 * input {@value #INPUT} float32 {@code [N, 1, n_mels, frames]} with N dynamic and n_mels/frames equal to the
 * feature configuration in the metadata, output {@value #OUTPUT} float32 {@code [N, K]} with K labels, and
 * {@code emostream.labels}, {@code emostream.features}, {@code emostream.normalisation} metadata, and optionally
 * {@code emostream.calibration} (a temperature, {@link Calibration}) which {@link #predict} applies to every row.
 *
 * <p>One ONNX Runtime session per model file; all sessions share the JVM's {@link OrtEnvironment}. {@link #predict}
 * is thread-safe (ONNX Runtime sessions may be run concurrently).
 */
public final class EmotionModel implements AutoCloseable {

    public static final String INPUT = "log_mel";
    public static final String OUTPUT = "probabilities";
    public static final String LABELS_KEY = "emostream.labels";
    public static final String FEATURES_KEY = "emostream.features";
    public static final String NORMALISATION_KEY = "emostream.normalisation";
    public static final String CIRCUMPLEX_KEY = "emostream.circumplex";
    public static final String CALIBRATION_KEY = "emostream.calibration";
    public static final String MODEL_ID_KEY = "emostream.model_id";
    public static final String MODEL_VERSION_KEY = "emostream.model_version";

    private static final System.Logger LOG = System.getLogger(EmotionModel.class.getName());

    private final Path file;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final List<String> labels;
    private final FeatureConfig features;
    private final Normalisation normalisation;
    private final Circumplex circumplex;
    private final Calibration calibration;
    private final Map<String, String> metadata;
    private final String modelId;
    private final String modelVersion;
    private final int inputLength;

    private EmotionModel(
            Path file,
            OrtEnvironment environment,
            OrtSession session,
            List<String> labels,
            FeatureConfig features,
            Normalisation normalisation,
            Circumplex circumplex,
            Calibration calibration,
            Map<String, String> metadata) {
        this.file = file;
        this.environment = environment;
        this.session = session;
        this.labels = labels;
        this.features = features;
        this.normalisation = normalisation;
        this.circumplex = circumplex;
        this.calibration = calibration;
        this.metadata = metadata;
        String fileStem = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        this.modelId = metadata.getOrDefault(MODEL_ID_KEY, fileStem);
        this.modelVersion = metadata.getOrDefault(MODEL_VERSION_KEY, "unversioned");
        this.inputLength = features.nMels() * features.frames();
    }

    /**
     * Loads and validates a model.
     *
     * @throws ModelContractException when the file is missing, unreadable by ONNX Runtime, or breaks the contract
     */
    public static EmotionModel load(Path onnxFile, ModelOptions options) {
        Path file = onnxFile.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new ModelContractException(
                    "model file " + file + ": not found (train one, or pass --model)");
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            sessionOptions.setInterOpNumThreads(1);
            sessionOptions.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(file.toString(), sessionOptions);
        } catch (OrtException e) {
            throw new ModelContractException(
                    "model file " + file + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
        try {
            return validate(file, environment, session);
        } catch (RuntimeException | OrtException e) {
            closeQuietly(session);
            if (e instanceof ModelContractException contract) {
                throw contract;
            }
            throw new ModelContractException("model file " + file + ": " + e.getMessage(), e);
        }
    }

    private static EmotionModel validate(Path file, OrtEnvironment environment, OrtSession session)
            throws OrtException {
        String where = "model file " + file + ": ";
        Map<String, String> metadata = Map.copyOf(session.getMetadata().getCustomMetadata());

        String labelsText = required(metadata, LABELS_KEY, where);
        List<String> labels = new ArrayList<>();
        for (String label : labelsText.split(",", -1)) {
            String trimmed = label.trim();
            if (trimmed.isEmpty()) {
                throw new ModelContractException(
                        where
                                + "metadata "
                                + LABELS_KEY
                                + " has an empty label: '"
                                + labelsText
                                + "'");
            }
            labels.add(trimmed);
        }
        if (new HashSet<>(labels).size() != labels.size()) {
            throw new ModelContractException(
                    where + "metadata " + LABELS_KEY + " repeats a label: " + labels);
        }

        FeatureConfig features;
        try {
            features = FeatureConfig.fromJson(required(metadata, FEATURES_KEY, where));
        } catch (ModelContractException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelContractException(
                    where + "metadata " + FEATURES_KEY + " does not parse: " + e.getMessage(), e);
        }

        Normalisation normalisation;
        try {
            normalisation = Normalisation.fromJson(required(metadata, NORMALISATION_KEY, where));
        } catch (IllegalArgumentException e) {
            throw new ModelContractException(
                    where + "metadata " + NORMALISATION_KEY + ": " + e.getMessage(), e);
        }
        if (normalisation.bands() != features.nMels()) {
            throw new ModelContractException(
                    where
                            + "metadata "
                            + NORMALISATION_KEY
                            + " has "
                            + normalisation.bands()
                            + " bands, expected n_mels = "
                            + features.nMels());
        }

        checkInput(session, features, where);
        checkOutput(session, labels, where);

        Circumplex circumplex;
        try {
            circumplex = Circumplex.forLabels(labels, metadata.get(CIRCUMPLEX_KEY));
        } catch (IllegalArgumentException e) {
            throw new ModelContractException(
                    where + "metadata " + CIRCUMPLEX_KEY + ": " + e.getMessage(), e);
        }
        if (!circumplex.unplacedLabels().isEmpty()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}labels {1} have no circumplex placement; they count as "
                            + "valence 0, arousal 0 (add metadata "
                            + CIRCUMPLEX_KEY
                            + " to place them)",
                    where,
                    circumplex.unplacedLabels());
        }
        Calibration calibration = Calibration.NONE;
        if (metadata.containsKey(CALIBRATION_KEY)) {
            try {
                calibration = Calibration.fromJson(metadata.get(CALIBRATION_KEY));
            } catch (IllegalArgumentException e) {
                throw new ModelContractException(
                        where + "metadata " + CALIBRATION_KEY + ": " + e.getMessage(), e);
            }
        }
        return new EmotionModel(
                file,
                environment,
                session,
                List.copyOf(labels),
                features,
                normalisation,
                circumplex,
                calibration,
                metadata);
    }

    private static String required(Map<String, String> metadata, String key, String where) {
        String value = metadata.get(key);
        if (value == null || value.isBlank()) {
            throw new ModelContractException(
                    where
                            + "metadata key "
                            + key
                            + " is missing (found keys "
                            + metadata.keySet().stream().sorted().toList()
                            + ")");
        }
        return value;
    }

    private static void checkInput(OrtSession session, FeatureConfig features, String where)
            throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        NodeInfo input = inputs.get(INPUT);
        if (input == null || inputs.size() != 1) {
            throw new ModelContractException(
                    where
                            + "expected exactly one input '"
                            + INPUT
                            + "', found inputs "
                            + describe(inputs));
        }
        TensorInfo tensor = tensorInfo(input, where, "input");
        if (tensor.type != OnnxJavaType.FLOAT) {
            throw new ModelContractException(
                    where + "input '" + INPUT + "' must be float32, found " + tensor.onnxType);
        }
        long[] shape = tensor.getShape();
        long[] expected = {-1, 1, features.nMels(), features.frames()};
        if (shape.length != 4
                || shape[0] != -1
                || shape[1] != 1
                || shape[2] != features.nMels()
                || shape[3] != features.frames()) {
            throw new ModelContractException(
                    where
                            + "input '"
                            + INPUT
                            + "' must have shape [N, 1, "
                            + features.nMels()
                            + ", "
                            + features.frames()
                            + "] with dynamic N ("
                            + Arrays.toString(expected)
                            + ", n_mels and frames from "
                            + FEATURES_KEY
                            + "), found "
                            + Arrays.toString(shape));
        }
    }

    private static void checkOutput(OrtSession session, List<String> labels, String where)
            throws OrtException {
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        NodeInfo output = outputs.get(OUTPUT);
        if (output == null) {
            throw new ModelContractException(
                    where + "expected output '" + OUTPUT + "', found outputs " + describe(outputs));
        }
        TensorInfo tensor = tensorInfo(output, where, "output");
        if (tensor.type != OnnxJavaType.FLOAT) {
            throw new ModelContractException(
                    where + "output '" + OUTPUT + "' must be float32, found " + tensor.onnxType);
        }
        long[] shape = tensor.getShape();
        // K may be symbolic (-1) in a hand-built graph; then predict() checks it per call
        if (shape.length != 2 || (shape[1] != -1 && shape[1] != labels.size())) {
            throw new ModelContractException(
                    where
                            + "output '"
                            + OUTPUT
                            + "' must have shape [N, "
                            + labels.size()
                            + "] (one column per label in "
                            + LABELS_KEY
                            + " = "
                            + labels
                            + "), found "
                            + Arrays.toString(shape));
        }
    }

    private static TensorInfo tensorInfo(NodeInfo node, String where, String kind) {
        if (!(node.getInfo() instanceof TensorInfo tensor)) {
            throw new ModelContractException(
                    where
                            + kind
                            + " '"
                            + node.getName()
                            + "' must be a tensor, found "
                            + node.getInfo());
        }
        return tensor;
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        List<String> parts = new ArrayList<>();
        nodes.forEach((name, info) -> parts.add(name + " " + info.getInfo()));
        return parts.toString();
    }

    /**
     * Runs the model on a batch of normalised log-mel spectrograms.
     *
     * @param normalisedFeatures one row per item, each {@code n_mels * frames} values, row-major [band][frame]
     * @return one probability row per item, in {@link #labels()} order, calibrated by {@link #calibration()}
     */
    public float[][] predict(float[][] normalisedFeatures) {
        int batch = normalisedFeatures.length;
        if (batch == 0) {
            return new float[0][];
        }
        FloatBuffer input =
                ByteBuffer.allocateDirect(Math.multiplyExact(batch, inputLength) * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        for (int i = 0; i < batch; i++) {
            float[] row = normalisedFeatures[i];
            if (row.length != inputLength) {
                throw new IllegalArgumentException(
                        "item "
                                + i
                                + " has "
                                + row.length
                                + " values, expected "
                                + features.nMels()
                                + " bands x "
                                + features.frames()
                                + " frames = "
                                + inputLength);
            }
            input.put(row);
        }
        input.rewind();
        long[] shape = {batch, 1, features.nMels(), features.frames()};
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, shape);
                OrtSession.Result result = session.run(Map.of(INPUT, tensor), Set.of(OUTPUT))) {
            Optional<OnnxValue> value = result.get(OUTPUT);
            if (value.isEmpty() || !(value.get() instanceof OnnxTensor output)) {
                throw new IllegalStateException(
                        "model " + file + " returned no tensor '" + OUTPUT + "'");
            }
            long[] outputShape = output.getInfo().getShape();
            if (outputShape.length != 2
                    || outputShape[0] != batch
                    || outputShape[1] != labels.size()) {
                throw new IllegalStateException(
                        "model "
                                + file
                                + " returned '"
                                + OUTPUT
                                + "' of shape "
                                + Arrays.toString(outputShape)
                                + ", expected ["
                                + batch
                                + ", "
                                + labels.size()
                                + "]");
            }
            FloatBuffer flat = output.getFloatBuffer();
            float[][] probabilities = new float[batch][labels.size()];
            for (int i = 0; i < batch; i++) {
                flat.get(probabilities[i]);
                if (!calibration.isIdentity()) {
                    probabilities[i] = calibration.apply(probabilities[i]);
                }
            }
            return probabilities;
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "model " + file + ": inference failed: " + e.getMessage(), e);
        }
    }

    /** Labels in output order. */
    public List<String> labels() {
        return labels;
    }

    public FeatureConfig features() {
        return features;
    }

    public Normalisation normalisation() {
        return normalisation;
    }

    public Circumplex circumplex() {
        return circumplex;
    }

    /** The temperature scaling {@link #predict} applies ({@link Calibration#NONE} without the metadata key). */
    public Calibration calibration() {
        return calibration;
    }

    /** The calibration temperature: 1 when the model has no {@code emostream.calibration}. */
    public double temperature() {
        return calibration.temperature();
    }

    /** {@code emostream.model_id}, or the file name without .onnx when absent. */
    public String modelId() {
        return modelId;
    }

    /** {@code emostream.model_version}, or "unversioned" when absent. */
    public String modelVersion() {
        return modelVersion;
    }

    /** All custom metadata of the ONNX file. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.WARNING, "closing ONNX session failed", e);
        }
    }

    @Override
    public String toString() {
        return "EmotionModel["
                + modelId
                + " "
                + modelVersion
                + ", labels="
                + labels
                + ", file="
                + file
                + "]";
    }
}
