package io.emostream.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emostream.analysis.EmotionAnalyser;
import io.emostream.analysis.WindowAnalysis;
import io.emostream.audio.AudioFiles;
import io.emostream.audio.Channel;
import io.emostream.audio.NoiseMixer;
import io.emostream.audio.NoiseRecordings;
import io.emostream.audio.PcmAudio;
import io.emostream.audio.Resampler;
import io.emostream.audio.TelephoneChannel;
import io.emostream.dataset.LabelsCsv;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import io.emostream.model.Calibration;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ./emostream evaluate}: scores a model on labelled clips under a listening condition (a line: clean,
 * G.711 mu-law or A-law telephone, 8 kHz narrowband; white or real noise at an SNR; a gain) and prints one JSON
 * object of metrics: accuracy, macro-F1, per class, per corpus, confusion matrix and calibration (ECE).
 */
@Command(
        name = "evaluate",
        description = {
            "score a model on labelled clips (accuracy, macro-F1, confusion matrix)",
            "",
            "Scores the model's argmax on every labelled clip. Each clip (WAV or FLAC) is mixed to mono and resampled "
                    + "to 16 kHz, then, in the order models/train/train.py augments: noise at --snr dB relative to the "
                    + "clip's mean power (white Gaussian, or with --noise a real recording), the --gain, a clip to [-1, 1] "
                    + "(whenever noise or gain was applied), the fit to the model window as in training (centre 3 s, or "
                    + "zero-padded at the end), the --channel line, and classification. Noise is drawn per clip from a "
                    + "seed derived from --seed and the file name, so a run is reproducible. The speech gate does not drop "
                    + "clips; the clips it would reject are counted in \"no_speech_by_gate\". Probabilities are "
                    + "calibrated by the model's emostream.calibration temperature (T = 1 without it)."
        },
        footer = {
            "output (stdout), one JSON object:",
            "  {\"model\":{\"id\":..,\"version\":..,\"file\":..},\"condition\":{\"channel\":\"telephone\",\"snr_db\":10.0,",
            "   \"noise\":null,\"gain_db\":null,\"seed\":0},\"split\":\"test\",\"clips\":1000,\"no_speech_by_gate\":3,",
            "   \"accuracy\":0.71,\"macro_f1\":0.70,",
            "   \"per_class\":{\"angry\":{\"precision\":..,\"recall\":..,\"f1\":..,\"support\":..},...},",
            "   \"confusion_matrix\":{\"labels\":[...],\"rows\":\"true\",\"columns\":\"predicted\",\"counts\":[[...],...]},",
            "   \"per_corpus\":{\"tess\":{\"clips\":..,\"accuracy\":..,\"macro_f1\":..,",
            "                         \"per_class\":{\"angry\":{\"recall\":..,\"support\":..},...}},...},",
            "   \"corpus_mean_macro_f1\":..,",
            "   \"temperature\":1.0,\"ece\":0.05,\"ece_uncalibrated\":0.08,",
            "   \"reliability\":[{\"bin_lower\":0.0,\"bin_upper\":0.0667,\"count\":0,\"accuracy\":null,",
            "                   \"confidence\":null},...],",
            "   \"seconds\":12.3}",
            "  per_corpus and corpus_mean_macro_f1 (the unweighted mean of the corpora's macro-F1) only with",
            "  a corpus column; noise is the --noise path or null, gain_db null without --gain. ece: expected",
            "  calibration error over 15 equal-width bins of the top (calibrated) probability, bin b covering",
            "  (b/15, (b+1)/15] (the first also 0), sum over bins of share of clips x |accuracy - mean",
            "  confidence|; ece_uncalibrated the same at T = 1; reliability the calibrated bins.",
            "exit status: 0 done, 1 a clip, the CSV, a noise file or the model failed, 2 bad arguments"
        })
final class EvaluateCommand extends Subcommand {

    @Option(
            names = "--labels",
            paramLabel = "CSV",
            required = true,
            description =
                    "header with columns file, emotion (required), split, exclude, corpus (optional); rows "
                            + "with a non-empty exclude are skipped; with a corpus column the report breaks the figures down "
                            + "per corpus")
    private Path labelsCsv;

    @Option(
            names = "--audio-dir",
            paramLabel = "DIR",
            required = true,
            description = "directory the file column is relative to")
    private Path audioDir;

    @Option(names = "--split", paramLabel = "NAME", description = "only rows of this split")
    private String split;

    @Option(
            names = "--channel",
            paramLabel = "NAME",
            defaultValue = "clean",
            converter = ChannelName.class,
            description =
                    "clean: as recorded (default ${DEFAULT-VALUE}); telephone: 8 kHz G.711 mu-law round trip; "
                            + "alaw: 8 kHz G.711 A-law round trip; narrowband: 8 kHz band limit without a codec")
    private Channel channel;

    @Option(
            names = "--snr",
            paramLabel = "DB",
            converter = Converters.FiniteNumber.class,
            description = "add noise at this signal-to-noise ratio (white Gaussian unless --noise)")
    private Double snrDb;

    @Option(
            names = "--noise",
            paramLabel = "PATH",
            description =
                    "real noise for --snr (required with it): a WAV/FLAC file, or every .wav and .flac file "
                            + "of a directory, mono-mixed and resampled to 16 kHz at load; per clip a seeded choice of "
                            + "recording and a seeded segment of it (a recording shorter than the clip is looped), scaled to "
                            + "the SNR")
    private Path noisePath;

    @Option(
            names = "--gain",
            paramLabel = "DB",
            converter = Converters.FiniteNumber.class,
            description =
                    "multiply the clip by 10^(DB/20) after the noise, then clip to [-1, 1] as a real line does "
                            + "(e.g. --gain -20 for a quiet line, --gain 20 for an overdriven one)")
    private Double gainDb;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "0",
            description = "noise seed (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(
            names = "--map",
            paramLabel = "LIST",
            defaultValue = "",
            description =
                    "fold CSV labels onto model labels, e.g. --map calm=neutral,fear=sad; any other label "
                            + "that is not a model label is an error")
    private String map;

    @Option(
            names = "--fit-temperature",
            description =
                    "also fit the temperature that calibrates these clips (NLL; fit on val, never on test): "
                            + "\"fitted_temperature\" in the output")
    private boolean fitTemperature;

    @Option(
            names = "--plot",
            paramLabel = "FILE.png",
            description =
                    "also draw the confusion matrix into FILE.png and the reliability diagram (accuracy "
                            + "against confidence per bin) into FILE-reliability.png beside it")
    private Path plot;

    @Mixin private ModelOption model;

    @Option(
            names = "--threads",
            paramLabel = "N",
            converter = Converters.PositiveInt.class,
            description = "parallel workers (default: available cores)")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--limit",
            paramLabel = "N",
            converter = Converters.PositiveInt.class,
            description = "only the first N clips (after filtering)")
    private int limit = Integer.MAX_VALUE;

    @Option(
            names = "--progress",
            paramLabel = "N",
            defaultValue = "100",
            converter = Converters.PositiveInt.class,
            description = "progress line on stderr every N clips (default ${DEFAULT-VALUE})")
    private int progressEvery;

    /** {@code --channel}: a {@link Channel} by its {@link Channel#cliName()}. */
    static final class ChannelName implements ITypeConverter<Channel> {
        @Override
        public Channel convert(String name) {
            try {
                return Channel.parse(name);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(
                        "must be one of " + Channel.choices() + ", got '" + name + "'");
            }
        }
    }

    /**
     * The listening condition applied to every clip.
     *
     * @param noise     the recordings of --noise (loaded at 16 kHz), or null for white noise / no noise
     * @param noisePath the --noise path as given, or null
     * @param gainDb    --gain, or null
     */
    record Condition(
            Channel channel,
            Double snrDb,
            NoiseRecordings noise,
            Path noisePath,
            Double gainDb,
            long seed) {

        Condition {
            if (noise != null && snrDb == null) {
                throw new IllegalArgumentException("real noise needs an SNR");
            }
        }

        /** A condition without real noise or gain (the conditions before --noise and --gain existed). */
        static Condition of(Channel channel, Double snrDb, long seed) {
            return new Condition(channel, snrDb, null, null, null, seed);
        }

        String describe() {
            StringBuilder text = new StringBuilder(channel.cliName());
            if (snrDb != null) {
                text.append(
                        String.format(
                                Locale.ROOT,
                                ", %s noise at %.1f dB SNR",
                                noise == null ? "white" : noisePath.getFileName() + "",
                                snrDb));
            }
            if (gainDb != null) {
                text.append(String.format(Locale.ROOT, ", gain %+.1f dB", gainDb));
            }
            return text.toString();
        }
    }

    @Override
    int run(PrintStream out, PrintStream err) throws Exception {
        if (noisePath != null && snrDb == null) {
            throw new UsageException(
                    "option --noise needs --snr DB: the level to mix the noise at");
        }
        if (noisePath != null && !Files.exists(noisePath)) {
            throw new UsageException(
                    "noise path "
                            + noisePath
                            + " not found (a WAV/FLAC file or a directory of them)");
        }
        Map<String, String> labelMap = parseMap(map);
        if (!Files.isRegularFile(labelsCsv)) {
            throw new UsageException("labels file " + labelsCsv + " not found");
        }
        if (!Files.isDirectory(audioDir)) {
            throw new UsageException("audio directory " + audioDir + " not found");
        }
        NoiseRecordings noise = null;
        if (noisePath != null) {
            try {
                noise = NoiseRecordings.load(noisePath, TelephoneChannel.WIDE_RATE);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage()); // an empty directory: nothing to mix
            }
            err.println(
                    "emostream evaluate: "
                            + noise.recordings().size()
                            + " noise recording(s) from "
                            + noisePath);
        }
        Condition condition = new Condition(channel, snrDb, noise, noisePath, gainDb, seed);

        long started = System.nanoTime();
        try (EmotionModel model = EmotionModel.load(this.model.path(), ModelOptions.defaults())) {
            List<String> labels = model.labels();
            List<LabelsCsv.Row> rows = LabelsCsv.read(labelsCsv, split);
            if (rows.size() > limit) {
                rows = rows.subList(0, limit);
            }
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(
                        "labels file "
                                + labelsCsv
                                + " has no clips"
                                + (split == null ? "" : " in split '" + split + "'"));
            }
            int[] truth = truthIndices(rows, labels, labelMap, labelsCsv);
            EmotionAnalyser analyser =
                    new EmotionAnalyser(model, SpeechGateConfig.defaults()).bypassingGate();
            List<WindowAnalysis> analyses =
                    analyse(rows, audioDir, analyser, condition, threads, progressEvery, err);

            Scores scores = score(rows, truth, analyses, labels, model.temperature());
            double seconds = (System.nanoTime() - started) / 1e9;
            ObjectNode report = report(model, condition, split, scores, seconds);
            if (fitTemperature) {
                report.set(
                        "fitted_temperature",
                        fitTemperature(analyses, truth, labels, model.temperature()));
            }
            out.println(Json.MAPPER.writeValueAsString(report));
            if (plot != null) {
                ClassificationMetrics metrics = scores.overall();
                String title =
                        String.format(
                                Locale.ROOT,
                                "%s %s: macro-F1 %.3f, accuracy %.3f",
                                model.modelId(),
                                model.modelVersion(),
                                metrics.macroF1(),
                                metrics.accuracy());
                String subtitle =
                        String.format(
                                Locale.ROOT,
                                "%d clips%s, %s",
                                metrics.total(),
                                split == null ? "" : " (" + split + ")",
                                condition.describe());
                ConfusionMatrixPlot.write(plot, labels, metrics.confusion(), title, subtitle);
                err.println("emostream evaluate: confusion matrix written to " + plot);
                Path reliability = ReliabilityPlot.besides(plot);
                String calibrationTitle =
                        String.format(
                                Locale.ROOT,
                                "%s %s: ECE %.3f (T = %s; %.3f at T = 1)",
                                model.modelId(),
                                model.modelVersion(),
                                scores.calibrated().ece(),
                                Json.round(model.temperature(), 4),
                                scores.uncalibrated().ece());
                ReliabilityPlot.write(reliability, scores.calibrated(), calibrationTitle, subtitle);
                err.println("emostream evaluate: reliability diagram written to " + reliability);
            }
        }
        return 0;
    }

    /**
     * The figures of a run: overall, per corpus (empty without a corpus column), and the reliability bins of the
     * calibrated and the uncalibrated (T = 1) top probability.
     */
    record Scores(
            ClassificationMetrics overall,
            Map<String, ClassificationMetrics> perCorpus,
            int noSpeech,
            ReliabilityBins calibrated,
            ReliabilityBins uncalibrated) {}

    /**
     * Scores analyses against the true label indices. The uncalibrated probabilities are recovered from the
     * calibrated ones by tempering with 1/T (exact up to float rounding; T = 1 leaves them as they are).
     */
    static Scores score(
            List<LabelsCsv.Row> rows,
            int[] truth,
            List<WindowAnalysis> analyses,
            List<String> labels,
            double temperature) {
        ClassificationMetrics overall = new ClassificationMetrics(labels);
        Map<String, ClassificationMetrics> perCorpus = new TreeMap<>();
        ReliabilityBins calibrated = new ReliabilityBins(ReliabilityBins.DEFAULT_BINS);
        ReliabilityBins uncalibrated = new ReliabilityBins(ReliabilityBins.DEFAULT_BINS);
        int noSpeech = 0;
        for (int i = 0; i < rows.size(); i++) {
            WindowAnalysis analysis = analyses.get(i);
            int predicted = labels.indexOf(analysis.result().label());
            overall.add(truth[i], predicted);
            String corpus = rows.get(i).corpus();
            if (corpus != null) {
                perCorpus
                        .computeIfAbsent(corpus, c -> new ClassificationMetrics(labels))
                        .add(truth[i], predicted);
            }
            float[] probabilities = probabilities(analysis, labels);
            boolean correct = predicted == truth[i];
            calibrated.add(top(probabilities), correct);
            uncalibrated.add(top(Calibration.temper(probabilities, 1 / temperature)), correct);
            if (!analysis.gate().speech()) {
                noSpeech++;
            }
        }
        return new Scores(overall, perCorpus, noSpeech, calibrated, uncalibrated);
    }

    /**
     * {@code --fit-temperature}: the temperature that best calibrates these clips (NLL, {@link Calibration#fit}),
     * searched from the model's uncalibrated probabilities, with the ECE it would give.
     */
    static ObjectNode fitTemperature(
            List<WindowAnalysis> analyses, int[] truth, List<String> labels, double temperature) {
        List<float[]> uncalibrated = new ArrayList<>(analyses.size());
        for (WindowAnalysis analysis : analyses) {
            uncalibrated.add(Calibration.temper(probabilities(analysis, labels), 1 / temperature));
        }
        Calibration.Fit fit = Calibration.fit(uncalibrated, truth);
        ReliabilityBins bins = new ReliabilityBins(ReliabilityBins.DEFAULT_BINS);
        for (int i = 0; i < truth.length; i++) {
            // tempering never changes the argmax, so the label is the analysis's
            boolean correct = labels.indexOf(analyses.get(i).result().label()) == truth[i];
            bins.add(top(Calibration.temper(uncalibrated.get(i), fit.temperature())), correct);
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("temperature", Json.round(fit.temperature(), 4));
        node.put("nll_at_1", Json.round(fit.nllAtOne(), 4));
        node.put("nll_fitted", Json.round(fit.nllFitted(), 4));
        node.put("ece_fitted", Json.round(bins.ece(), 4));
        return node;
    }

    /** The window's (calibrated) probabilities in model label order. */
    private static float[] probabilities(WindowAnalysis analysis, List<String> labels) {
        float[] probabilities = new float[labels.size()];
        for (int k = 0; k < labels.size(); k++) {
            probabilities[k] = analysis.result().probabilities().get(labels.get(k));
        }
        return probabilities;
    }

    private static double top(float[] probabilities) {
        float max = 0;
        for (float p : probabilities) {
            max = Math.max(max, p);
        }
        return Math.min(1.0, max);
    }

    static Map<String, String> parseMap(String text) {
        Map<String, String> map = new LinkedHashMap<>();
        if (text.isBlank()) {
            return map;
        }
        for (String pair : text.split(",")) {
            String[] parts = pair.split("=", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new UsageException(
                        "option --map expects from=to pairs separated by commas, got '"
                                + pair
                                + "'");
            }
            map.put(
                    parts[0].trim().toLowerCase(Locale.ROOT),
                    parts[1].trim().toLowerCase(Locale.ROOT));
        }
        return map;
    }

    private static int[] truthIndices(
            List<LabelsCsv.Row> rows, List<String> labels, Map<String, String> labelMap, Path csv) {
        for (Map.Entry<String, String> entry : labelMap.entrySet()) {
            if (!labels.contains(entry.getValue())) {
                throw new UsageException(
                        "--map "
                                + entry.getKey()
                                + "="
                                + entry.getValue()
                                + ": '"
                                + entry.getValue()
                                + "' is not a model label "
                                + labels);
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
            throw new IllegalArgumentException(
                    "labels file "
                            + csv
                            + " has emotions "
                            + unknown
                            + " that are not model labels "
                            + labels
                            + "; fold them with --map, e.g. --map "
                            + unknown.iterator().next()
                            + "="
                            + labels.get(0));
        }
        return truth;
    }

    private static List<WindowAnalysis> analyse(
            List<LabelsCsv.Row> rows,
            Path audioDir,
            EmotionAnalyser analyser,
            Condition condition,
            int threads,
            int progressEvery,
            PrintStream err)
            throws Exception {
        int modelRate = analyser.model().features().sampleRate();
        int windowSamples = analyser.model().features().windowSamples();
        ExecutorService pool =
                Executors.newFixedThreadPool(threads, ClassifyCommand.daemonThreads("evaluate"));
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<List<WindowAnalysis>>> batches = new ArrayList<>();
            for (int first = 0; first < rows.size(); first += ClassifyCommand.BATCH) {
                List<LabelsCsv.Row> batch =
                        rows.subList(first, Math.min(rows.size(), first + ClassifyCommand.BATCH));
                batches.add(
                        pool.submit(
                                () -> {
                                    List<float[]> windows = new ArrayList<>(batch.size());
                                    for (LabelsCsv.Row row : batch) {
                                        windows.add(
                                                prepare(
                                                        row,
                                                        audioDir,
                                                        condition,
                                                        modelRate,
                                                        windowSamples));
                                    }
                                    List<WindowAnalysis> result =
                                            analyser.analyseBatch(windows, modelRate);
                                    int before = done.getAndAdd(batch.size());
                                    if ((before + batch.size()) / progressEvery
                                                    > before / progressEvery
                                            || before + batch.size() == rows.size()) {
                                        err.println(
                                                "emostream evaluate: "
                                                        + (before + batch.size())
                                                        + "/"
                                                        + rows.size()
                                                        + " clips");
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

    /**
     * One clip as the model sees it under the condition: mono, model rate, noise, gain, clip to [-1, 1], fitted
     * window, channel.
     */
    static float[] prepare(
            LabelsCsv.Row row,
            Path audioDir,
            Condition condition,
            int modelRate,
            int windowSamples) {
        Path file = audioDir.resolve(row.file());
        float[] samples;
        try {
            PcmAudio audio = AudioFiles.read(file);
            samples = audio.mono();
            if (audio.sampleRate() != modelRate) {
                samples = Resampler.offline(audio.sampleRate(), modelRate).process(samples);
            }
        } catch (Exception e) {
            throw new IllegalStateException(
                    "clip " + file + " (labels line " + row.line() + "): " + Main.describe(e), e);
        }
        // Noise on the whole clip, then the gain and the clip to [-1, 1], then the window, then the
        // line: the order
        // models/train/train.py uses (noise, level, line). SNR is relative to the clip's power, so
        // the gain only
        // changes what clips.
        if (condition.snrDb() != null) {
            long noiseSeed = noiseSeed(condition.seed(), row.file());
            samples =
                    condition.noise() == null
                            ? NoiseMixer.addWhiteNoise(samples, condition.snrDb(), noiseSeed)
                            : NoiseMixer.addNoise(
                                    samples,
                                    condition.noise().segment(samples.length, noiseSeed),
                                    condition.snrDb());
        }
        if (condition.gainDb() != null) {
            float gain = (float) Math.pow(10.0, condition.gainDb() / 20.0);
            for (int i = 0; i < samples.length; i++) {
                samples[i] *= gain;
            }
        }
        if (condition.snrDb() != null || condition.gainDb() != null) {
            for (int i = 0; i < samples.length; i++) {
                samples[i] = Math.max(-1f, Math.min(1f, samples[i]));
            }
        }
        float[] window = EmotionAnalyser.fitToWindow(samples, windowSamples);
        return condition.channel() == Channel.CLEAN ? window : condition.channel().apply(window);
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

    private static ObjectNode report(
            EmotionModel model, Condition condition, String split, Scores scores, double seconds) {
        ClassificationMetrics metrics = scores.overall();
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode modelNode = root.putObject("model");
        modelNode.put("id", model.modelId());
        modelNode.put("version", model.modelVersion());
        modelNode.put("file", model.file().toString());
        ObjectNode conditionNode = root.putObject("condition");
        conditionNode.put("channel", condition.channel().cliName());
        putNullable(conditionNode, "snr_db", condition.snrDb());
        if (condition.noisePath() == null) {
            conditionNode.putNull("noise");
        } else {
            conditionNode.put("noise", condition.noisePath().toString());
        }
        putNullable(conditionNode, "gain_db", condition.gainDb());
        conditionNode.put("seed", condition.seed());
        if (split == null) {
            root.putNull("split");
        } else {
            root.put("split", split);
        }
        root.put("clips", metrics.total());
        root.put("no_speech_by_gate", scores.noSpeech());
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
        if (!scores.perCorpus().isEmpty()) {
            ObjectNode corpora = root.putObject("per_corpus");
            double sum = 0;
            for (Map.Entry<String, ClassificationMetrics> entry : scores.perCorpus().entrySet()) {
                ClassificationMetrics corpus = entry.getValue();
                ObjectNode node = corpora.putObject(entry.getKey());
                node.put("clips", corpus.total());
                node.put("accuracy", Json.round(corpus.accuracy(), 4));
                node.put("macro_f1", Json.round(corpus.macroF1(), 4));
                ObjectNode classes = node.putObject("per_class");
                for (int k = 0; k < labels.size(); k++) {
                    ObjectNode cls = classes.putObject(labels.get(k));
                    cls.put("recall", Json.round(corpus.recall(k), 4));
                    cls.put("support", corpus.support(k));
                }
                sum += corpus.macroF1();
            }
            root.put("corpus_mean_macro_f1", Json.round(sum / scores.perCorpus().size(), 4));
        }
        root.put("temperature", Json.round(model.temperature(), 4));
        root.put("ece", Json.round(scores.calibrated().ece(), 4));
        root.put("ece_uncalibrated", Json.round(scores.uncalibrated().ece(), 4));
        ArrayNode reliability = root.putArray("reliability");
        ReliabilityBins bins = scores.calibrated();
        for (int b = 0; b < bins.bins(); b++) {
            ObjectNode bin = reliability.addObject();
            bin.put("bin_lower", Json.round(bins.lower(b), 4));
            bin.put("bin_upper", Json.round(bins.upper(b), 4));
            bin.put("count", bins.count(b));
            putNullable(
                    bin, "accuracy", bins.count(b) == 0 ? null : Json.round(bins.accuracy(b), 4));
            putNullable(
                    bin,
                    "confidence",
                    bins.count(b) == 0 ? null : Json.round(bins.confidence(b), 4));
        }
        root.put("seconds", Json.round(seconds, 2));
        return root;
    }

    private static void putNullable(ObjectNode node, String field, Double value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
