package io.emostream.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emostream.analysis.EmotionAnalyzer;
import io.emostream.analysis.WindowAnalysis;
import io.emostream.audio.AudioFiles;
import io.emostream.audio.PcmAudio;
import io.emostream.audio.Resampler;
import io.emostream.audio.TelephoneChannel;
import io.emostream.audio.NoiseMixer;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import io.emostream.model.EmotionModel;
import io.emostream.model.ModelOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./emostream evaluate}: scores a model on labelled clips under a listening condition (clean, telephone
 * channel, white noise at an SNR) and prints one JSON object of metrics.
 */
final class EvaluateCommand implements Command {

    private static final Set<String> VALUE_OPTIONS = Set.of("labels", "audio-dir", "split", "channel", "snr", "seed",
            "map", "plot", "model", "threads", "limit", "progress");

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "score a model on labelled clips (accuracy, macro-F1, confusion matrix)";
    }

    @Override
    public String usage() {
        return """
                usage: ./emostream evaluate --labels CSV --audio-dir DIR [--split NAME] [--channel clean|telephone]
                         [--snr DB] [--seed N] [--map from=to,...] [--plot FILE.png] [--model PATH]
                         [--threads N] [--limit N] [--progress N]

                Scores the model's argmax on every labelled clip. Each clip (WAV or FLAC) is mixed to mono,
                resampled to 16 kHz, given white noise at --snr dB (relative to the clip's mean power; the noise
                seed derives from --seed and the file name), fitted to the model window as in training (centre
                3 s, or zero-padded at the end), passed through the 8 kHz G.711 telephone channel if asked, and
                classified. The speech gate does not drop clips; the clips it would reject are counted in
                "no_speech_by_gate".

                options:
                  --labels CSV     header with columns file, emotion (required), split, exclude (optional);
                                   rows with a non-empty exclude are skipped
                  --audio-dir DIR  directory the file column is relative to
                  --split NAME     only rows of this split
                  --channel NAME   clean (default) or telephone
                  --snr DB         add white noise at this signal-to-noise ratio
                  --seed N         noise seed (default 0)
                  --map LIST       fold CSV labels onto model labels, e.g. --map calm=neutral,fear=sad;
                                   any other label that is not a model label is an error
                  --plot FILE.png  also draw the confusion matrix
                  --model PATH     ONNX model (default: models/emotion-cnn.onnx in the emostream directory)
                  --threads N      parallel workers (default: available cores)
                  --limit N        only the first N clips (after filtering)
                  --progress N     progress line on stderr every N clips (default 100)

                output (stdout), one JSON object:
                  {"model":{"id":..,"version":..,"file":..},"condition":{"channel":"telephone","snr_db":10.0,
                   "seed":0},"split":"test","clips":1000,"no_speech_by_gate":3,"accuracy":0.71,"macro_f1":0.70,
                   "per_class":{"angry":{"precision":..,"recall":..,"f1":..,"support":..},...},
                   "confusion_matrix":{"labels":[...],"rows":"true","columns":"predicted","counts":[[...],...]},
                   "seconds":12.3}
                exit status: 0 done, 1 a clip, the CSV or the model failed, 2 bad arguments""";
    }

    /** The listening condition applied to every clip. */
    record Condition(boolean telephone, Double snrDb, long seed) {
        String describe() {
            return (telephone ? "telephone" : "clean") + (snrDb == null ? "" : String.format(Locale.ROOT, ", %.1f dB SNR", snrDb));
        }
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CommandLine line = CommandLine.parse(name(), args, VALUE_OPTIONS, Set.of());
        if (line.help()) {
            out.println(usage());
            return 0;
        }
        if (!line.positionals().isEmpty()) {
            throw new UsageException("unexpected argument '" + line.positionals().get(0) + "'");
        }
        Path labelsCsv = Path.of(line.required("labels"));
        Path audioDir = Path.of(line.required("audio-dir"));
        String split = line.string("split", null);
        String channel = line.string("channel", "clean");
        if (!channel.equals("clean") && !channel.equals("telephone")) {
            throw new UsageException("option --channel must be clean or telephone, got '" + channel + "'");
        }
        Condition condition = new Condition(channel.equals("telephone"), line.decimal("snr"), line.longValue("seed", 0));
        Map<String, String> labelMap = parseMap(line.string("map", ""));
        Path plot = line.path("plot", null);
        Path modelPath = line.path("model", Main.defaultModel());
        int threads = line.integer("threads", Runtime.getRuntime().availableProcessors(), 1);
        int limit = line.integer("limit", Integer.MAX_VALUE, 1);
        int progressEvery = line.integer("progress", 100, 1);
        if (!Files.isRegularFile(labelsCsv)) {
            throw new UsageException("labels file " + labelsCsv + " not found");
        }
        if (!Files.isDirectory(audioDir)) {
            throw new UsageException("audio directory " + audioDir + " not found");
        }

        long started = System.nanoTime();
        try (EmotionModel model = EmotionModel.load(modelPath, ModelOptions.defaults())) {
            List<String> labels = model.labels();
            List<LabelsCsv.Row> rows = LabelsCsv.read(labelsCsv, split);
            if (rows.size() > limit) {
                rows = rows.subList(0, limit);
            }
            if (rows.isEmpty()) {
                throw new IllegalArgumentException("labels file " + labelsCsv + " has no clips"
                        + (split == null ? "" : " in split '" + split + "'"));
            }
            int[] truth = truthIndices(rows, labels, labelMap, labelsCsv);
            EmotionAnalyzer analyzer = new EmotionAnalyzer(model, SpeechGateConfig.defaults()).bypassingGate();
            List<WindowAnalysis> analyses = analyse(rows, audioDir, analyzer, condition, threads, progressEvery, err);

            ClassificationMetrics metrics = new ClassificationMetrics(labels);
            int noSpeech = 0;
            for (int i = 0; i < rows.size(); i++) {
                WindowAnalysis analysis = analyses.get(i);
                metrics.add(truth[i], labels.indexOf(analysis.result().label()));
                if (!analysis.gate().speech()) {
                    noSpeech++;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            out.println(Json.MAPPER.writeValueAsString(
                    report(model, condition, split, metrics, noSpeech, seconds)));
            if (plot != null) {
                String title = String.format(Locale.ROOT, "%s %s: macro-F1 %.3f, accuracy %.3f", model.modelId(),
                        model.modelVersion(), metrics.macroF1(), metrics.accuracy());
                String subtitle = String.format(Locale.ROOT, "%d clips%s, %s", metrics.total(),
                        split == null ? "" : " (" + split + ")", condition.describe());
                ConfusionMatrixPlot.write(plot, labels, metrics.confusion(), title, subtitle);
                err.println("emostream evaluate: confusion matrix written to " + plot);
            }
        }
        return 0;
    }

    static Map<String, String> parseMap(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        if (text.isBlank()) {
            return map;
        }
        for (String pair : text.split(",")) {
            String[] parts = pair.split("=", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new UsageException("option --map expects from=to pairs separated by commas, got '" + pair + "'");
            }
            map.put(parts[0].trim().toLowerCase(Locale.ROOT), parts[1].trim().toLowerCase(Locale.ROOT));
        }
        return map;
    }

    private static int[] truthIndices(List<LabelsCsv.Row> rows, List<String> labels, Map<String, String> labelMap,
                                      Path csv) {
        for (Map.Entry<String, String> entry : labelMap.entrySet()) {
            if (!labels.contains(entry.getValue())) {
                throw new UsageException("--map " + entry.getKey() + "=" + entry.getValue() + ": '" + entry.getValue()
                        + "' is not a model label " + labels);
            }
        }
        int[] truth = new int[rows.size()];
        Set<String> unknown = new TreeSet<>();
        for (int i = 0; i < rows.size(); i++) {
            String emotion = rows.get(i).emotion().toLowerCase(Locale.ROOT);
            String label = labelMap.getOrDefault(emotion, emotion);
            truth[i] = labels.indexOf(label);
            if (truth[i] < 0) {
                unknown.add(emotion);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("labels file " + csv + " has emotions " + unknown
                    + " that are not model labels " + labels + "; fold them with --map, e.g. --map "
                    + unknown.iterator().next() + "=" + labels.get(0));
        }
        return truth;
    }

    private static List<WindowAnalysis> analyse(List<LabelsCsv.Row> rows, Path audioDir, EmotionAnalyzer analyzer,
                                                Condition condition, int threads, int progressEvery,
                                                PrintStream err) throws Exception {
        int modelRate = analyzer.model().features().sampleRate();
        int windowSamples = analyzer.model().features().windowSamples();
        ExecutorService pool = Executors.newFixedThreadPool(threads, ClassifyCommand.daemonThreads("evaluate"));
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<List<WindowAnalysis>>> batches = new ArrayList<>();
            for (int first = 0; first < rows.size(); first += ClassifyCommand.BATCH) {
                List<LabelsCsv.Row> batch = rows.subList(first, Math.min(rows.size(), first + ClassifyCommand.BATCH));
                batches.add(pool.submit(() -> {
                    List<float[]> windows = new ArrayList<>(batch.size());
                    for (LabelsCsv.Row row : batch) {
                        windows.add(prepare(row, audioDir, condition, modelRate, windowSamples));
                    }
                    List<WindowAnalysis> result = analyzer.analyseBatch(windows, modelRate);
                    int before = done.getAndAdd(batch.size());
                    if ((before + batch.size()) / progressEvery > before / progressEvery
                            || before + batch.size() == rows.size()) {
                        err.println("emostream evaluate: " + (before + batch.size()) + "/" + rows.size() + " clips");
                    }
                    return result;
                }));
            }
            List<WindowAnalysis> analyses = new ArrayList<>(rows.size());
            for (Future<List<WindowAnalysis>> batch : batches) {
                try {
                    analyses.addAll(batch.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw (e.getCause() instanceof Exception cause) ? cause : e;
                }
            }
            return analyses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One clip as the model sees it under the condition: mono, model rate, noise, fitted window, channel. */
    static float[] prepare(LabelsCsv.Row row, Path audioDir, Condition condition, int modelRate, int windowSamples) {
        Path file = audioDir.resolve(row.file());
        float[] samples;
        try {
            PcmAudio audio = AudioFiles.read(file);
            samples = audio.mono();
            if (audio.sampleRate() != modelRate) {
                samples = Resampler.of(audio.sampleRate(), modelRate).process(samples);
            }
        } catch (Exception e) {
            throw new IllegalStateException("clip " + file + " (labels line " + row.line() + "): "
                    + Main.describe(e), e);
        }
        // Noise on the whole clip, then the window, then the channel: the order models/train/train.py uses.
        if (condition.snrDb() != null) {
            samples = NoiseMixer.addWhiteNoise(samples, condition.snrDb(), noiseSeed(condition.seed(), row.file()));
            for (int i = 0; i < samples.length; i++) {
                samples[i] = Math.max(-1f, Math.min(1f, samples[i]));
            }
        }
        float[] window = EmotionAnalyzer.fitToWindow(samples, windowSamples);
        return condition.telephone() ? TelephoneChannel.apply(window) : window;
    }

    /** A per-clip seed from the run's seed and the file name (FNV-1a), the same on every machine and run. */
    static long noiseSeed(long seed, String file) {
        long hash = 0xcbf29ce484222325L ^ seed;
        for (byte b : file.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static ObjectNode report(EmotionModel model, Condition condition, String split,
                                     ClassificationMetrics metrics, int noSpeech, double seconds) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode modelNode = root.putObject("model");
        modelNode.put("id", model.modelId());
        modelNode.put("version", model.modelVersion());
        modelNode.put("file", model.file().toString());
        ObjectNode conditionNode = root.putObject("condition");
        conditionNode.put("channel", condition.telephone() ? "telephone" : "clean");
        if (condition.snrDb() == null) {
            conditionNode.putNull("snr_db");
        } else {
            conditionNode.put("snr_db", condition.snrDb());
        }
        conditionNode.put("seed", condition.seed());
        if (split == null) {
            root.putNull("split");
        } else {
            root.put("split", split);
        }
        root.put("clips", metrics.total());
        root.put("no_speech_by_gate", noSpeech);
        root.put("accuracy", Json.round(metrics.accuracy(), 4));
        root.put("macro_f1", Json.round(metrics.macroF1(), 4));
        ObjectNode perClass = root.putObject("per_class");
        List<String> labels = metrics.labels();
        for (int k = 0; k < labels.size(); k++) {
            ObjectNode cls = perClass.putObject(labels.get(k));
            cls.put("precision", Json.round(metrics.precision(k), 4));
            cls.put("recall", Json.round(metrics.recall(k), 4));
            cls.put("f1", Json.round(metrics.f1(k), 4));
            cls.put("support", metrics.support(k));
        }
        ObjectNode confusion = root.putObject("confusion_matrix");
        ArrayNode labelNodes = confusion.putArray("labels");
        labels.forEach(labelNodes::add);
        confusion.put("rows", "true");
        confusion.put("columns", "predicted");
        ArrayNode counts = confusion.putArray("counts");
        for (int[] row : metrics.confusion()) {
            ArrayNode rowNode = counts.addArray();
            for (int count : row) {
                rowNode.add(count);
            }
        }
        root.put("seconds", Json.round(seconds, 2));
        return root;
    }
}
