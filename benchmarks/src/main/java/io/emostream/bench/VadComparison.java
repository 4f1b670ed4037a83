package io.emostream.bench;

import io.emostream.audio.NoiseMixer;
import io.emostream.audio.NoiseRecordings;
import io.emostream.audio.TelephoneChannel;
import io.emostream.dataset.LabelsCsv;
import io.emostream.dsp.SpeechGate;
import io.emostream.dsp.SpeechGate.SpeechDecision;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Which detector finds speech better, frame by frame: the default {@link SpeechGate} or Silero VAD
 * ({@link SileroVad}), on CREMA-D clips of the train and val splits (never test), clean, in white and real noise at
 * 10 and 5 dB SNR, and through the G.711 telephone channel. Written for issue 13's conversation metrics; the result
 * and the method are in {@code docs/vad-comparison.md}.
 *
 * <ul>
 *   <li>Reference: {@link SpeechReference} on the clean clip (20-ms frames by level); clips without a usable
 *       reference are left out and counted.</li>
 *   <li>Each condition is made from the whole clean clip: white noise ({@link NoiseMixer#addWhiteNoise}) or a
 *       segment of a real recording ({@link NoiseRecordings#segment}, {@link NoiseMixer#addNoise}) at an SNR
 *       relative to the clip's mean power, pauses included, with a seed from the file name, the condition and
 *       {@code --seed}; or {@link TelephoneChannel#apply}.</li>
 *   <li>Gate: its per-frame decisions over the whole clip as one window ({@link GateFrames}; frame {@code i} starts
 *       at {@code 20 i} ms); Silero: one probability per 32-ms chunk from a zero state, thresholded. Reference frame
 *       {@code i} takes the decision of the gate frame {@code i} (the last one for the last frame or two) and of
 *       the Silero chunk holding its centre.</li>
 *   <li>Scores: frame precision, recall and F1, raw and after a 300-ms hangover (runs of at most 15 non-speech
 *       frames between speech frames bridged, as the conversation metrics do) applied alike to the decisions and
 *       the reference; the mean absolute talk-time error per clip on the bridged frames.</li>
 *   <li>Silero at 0.5, and at the threshold of the grid 0.05, 0.10, ... 0.95 with the best F1 on the train split
 *       (raw frames, all conditions pooled), applied as it is to every split.</li>
 *   <li>Cost: the calling thread's CPU time of one {@code SpeechGate.assess} of the clip (the gate's real pass) and
 *       of one {@link SileroVad#probabilities} (one intra-op thread), per 3 s of audio.</li>
 * </ul>
 *
 * <pre>
 * tools/fetch_silero_vad.sh
 * ./mvnw -o -q -DskipTests -pl benchmarks -am install
 * printf -- '-cp benchmarks/target/classes:%s\n' "$(cat benchmarks/target/classpath.txt)" &gt; /tmp/vad.args
 * java @/tmp/vad.args io.emostream.bench.VadComparison ../shared/data/crema-d/labels.csv \
 *     ../shared/data/crema-d/audio ../shared/data/noise [--splits train,val] [--model v5=PATH ...] \
 *     [--every N] [--threads N] [--seed S] [--floor-margin DB] [--json FILE]
 * </pre>
 * (an argfile: ONNX Runtime crashes in a JVM whose command line is over about 4 KB). The models default to
 * {@code v5} and {@code v6} from {@code benchmarks/target/silero/}; {@code --every N} takes every N-th clip of each
 * split; {@code --floor-margin} changes the reference's margin over the noise floor (default 6 dB), to see how
 * much the result depends on it.
 */
public final class VadComparison {

    /** A 300-ms hangover in 20-ms frames (the conversation metrics' default). */
    static final int HANGOVER_FRAMES = 15;

    static final double DEFAULT_THRESHOLD = 0.5;

    private static final int THRESHOLDS = 19;

    private static final int WINDOW_SAMPLES = 3 * SpeechGate.SAMPLE_RATE;

    /** The listening conditions, each made from the clean clip. */
    enum Condition {
        CLEAN("clean"),
        WHITE_10("white 10 dB"),
        WHITE_5("white 5 dB"),
        REAL_10("real 10 dB"),
        REAL_5("real 5 dB"),
        TELEPHONE("G.711 phone");

        final String label;

        Condition(String label) {
            this.label = label;
        }
    }

    private VadComparison() {}

    /** Threshold {@code t} of the grid: 0.05 (t + 1). */
    static double threshold(int t) {
        return Math.round(5 * (t + 1)) / 100.0;
    }

    /** Index of {@code probability} in the grid, or -1. */
    static int thresholdIndex(double probability) {
        for (int t = 0; t < THRESHOLDS; t++) {
            if (Math.abs(threshold(t) - probability) < 1e-9) {
                return t;
            }
        }
        return -1;
    }

    /** Gate frame decisions mapped onto {@code frames} 20-ms reference frames. */
    static boolean[] gateOnReference(boolean[] gate, int frames) {
        boolean[] out = new boolean[frames];
        for (int i = 0; i < frames && gate.length > 0; i++) {
            out[i] = gate[Math.min(i, gate.length - 1)];
        }
        return out;
    }

    /**
     * Silero chunk probabilities thresholded onto {@code frames} 20-ms reference frames: frame {@code i} takes the
     * chunk holding its centre, sample {@code 320 i + 160}.
     */
    static boolean[] sileroOnReference(float[] probabilities, int frames, double threshold) {
        boolean[] out = new boolean[frames];
        for (int i = 0; i < frames; i++) {
            int chunk = (SpeechReference.FRAME * i + SpeechReference.FRAME / 2) / SileroVad.CHUNK;
            out[i] = probabilities[Math.min(chunk, probabilities.length - 1)] >= threshold;
        }
        return out;
    }

    /** The seed of one clip's noise in one condition. */
    static long noiseSeed(long base, String file, Condition condition) {
        return base * 1_000_003L + ((long) file.hashCode() << 4) + condition.ordinal();
    }

    /** Everything counted over the clips of one split (by one thread, then merged). */
    static final class Tally {
        final FrameScore[] gate = scores(Condition.values().length);
        final FrameScore[] gateBridged = scores(Condition.values().length);
        final FrameScore[][][] silero;
        final FrameScore[][][] sileroBridged;
        long gateCpuNanos;
        final long[] sileroCpuNanos;
        long audioSamples;
        long clips;
        long unusable;
        long referenceFrames;
        long referenceSpeech;
        long edgeFrames;
        long edgeSpeech;
        long gateChecked;
        long gateAgreed;
        long gateFrameDifference;
        long gateFrames;

        Tally(int models) {
            int conditions = Condition.values().length;
            silero = new FrameScore[models][conditions][];
            sileroBridged = new FrameScore[models][conditions][];
            for (int m = 0; m < models; m++) {
                for (int c = 0; c < conditions; c++) {
                    silero[m][c] = scores(THRESHOLDS);
                    sileroBridged[m][c] = scores(THRESHOLDS);
                }
            }
            sileroCpuNanos = new long[models];
        }

        void add(Tally o) {
            for (int c = 0; c < gate.length; c++) {
                gate[c].add(o.gate[c]);
                gateBridged[c].add(o.gateBridged[c]);
                for (int m = 0; m < silero.length; m++) {
                    for (int t = 0; t < THRESHOLDS; t++) {
                        silero[m][c][t].add(o.silero[m][c][t]);
                        sileroBridged[m][c][t].add(o.sileroBridged[m][c][t]);
                    }
                }
            }
            gateCpuNanos += o.gateCpuNanos;
            for (int m = 0; m < sileroCpuNanos.length; m++) {
                sileroCpuNanos[m] += o.sileroCpuNanos[m];
            }
            audioSamples += o.audioSamples;
            clips += o.clips;
            unusable += o.unusable;
            referenceFrames += o.referenceFrames;
            referenceSpeech += o.referenceSpeech;
            edgeFrames += o.edgeFrames;
            edgeSpeech += o.edgeSpeech;
            gateChecked += o.gateChecked;
            gateAgreed += o.gateAgreed;
            gateFrameDifference += o.gateFrameDifference;
            gateFrames += o.gateFrames;
        }

        /** Silero scores of model {@code m} at threshold {@code t}, pooled over the conditions. */
        FrameScore pooled(int m, int t) {
            FrameScore all = new FrameScore();
            for (FrameScore[] byThreshold : silero[m]) {
                all.add(byThreshold[t]);
            }
            return all;
        }

        private static FrameScore[] scores(int n) {
            FrameScore[] s = new FrameScore[n];
            for (int i = 0; i < n; i++) {
                s[i] = new FrameScore();
            }
            return s;
        }
    }

    /** The detectors and conditions of one run; shared by the worker threads (all immutable or thread-safe). */
    record Setup(
            Path audioDir,
            NoiseRecordings noise,
            List<SileroVad> models,
            GateFrames gate,
            long seed,
            double floorMarginDb) {

        /** Scores one clip in every condition into {@code tally}. */
        void score(String file, Tally tally) {
            float[] clean = SpeechGateRecall.read(audioDir.resolve(file));
            int valid = clean.length;
            SpeechReference reference = SpeechReference.of(clean, valid, floorMarginDb);
            tally.clips++;
            if (!reference.usable()) {
                tally.unusable++;
                return;
            }
            boolean[] ref = reference.frames();
            boolean[] refBridged = FrameScore.bridge(ref, HANGOVER_FRAMES);
            tally.referenceFrames += ref.length;
            tally.referenceSpeech += GateFrames.trueCount(ref);
            for (int i = 0; i < ref.length; i++) {
                if (i < 5 || i >= ref.length - 5) {
                    tally.edgeFrames++;
                    tally.edgeSpeech += ref[i] ? 1 : 0;
                }
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (Condition condition : Condition.values()) {
                float[] x = apply(condition, clean, noiseSeed(seed, file, condition));
                int c = condition.ordinal();
                tally.audioSamples += condition == Condition.CLEAN ? valid : 0;

                long start = threads.getCurrentThreadCpuTime();
                SpeechDecision own = gate.gate().assess(x, valid);
                tally.gateCpuNanos += threads.getCurrentThreadCpuTime() - start;
                boolean[] gateFrames = gate.decide(x, valid);
                int difference =
                        Math.abs(
                                GateFrames.speechFrameCount(own, gateFrames.length)
                                        - GateFrames.trueCount(gateFrames));
                tally.gateChecked++;
                tally.gateAgreed += difference == 0 ? 1 : 0;
                tally.gateFrameDifference += difference;
                tally.gateFrames += gateFrames.length;
                boolean[] g = gateOnReference(gateFrames, ref.length);
                tally.gate[c].add(ref, g);
                tally.gateBridged[c].add(refBridged, FrameScore.bridge(g, HANGOVER_FRAMES));

                for (int m = 0; m < models.size(); m++) {
                    start = threads.getCurrentThreadCpuTime();
                    float[] p = models.get(m).probabilities(x, valid);
                    tally.sileroCpuNanos[m] += threads.getCurrentThreadCpuTime() - start;
                    for (int t = 0; t < THRESHOLDS; t++) {
                        boolean[] s = sileroOnReference(p, ref.length, threshold(t));
                        tally.silero[m][c][t].add(ref, s);
                        tally.sileroBridged[m][c][t].add(
                                refBridged, FrameScore.bridge(s, HANGOVER_FRAMES));
                    }
                }
            }
        }

        private float[] apply(Condition condition, float[] clean, long noiseSeed) {
            return switch (condition) {
                case CLEAN -> clean;
                case WHITE_10 -> NoiseMixer.addWhiteNoise(clean, 10, noiseSeed);
                case WHITE_5 -> NoiseMixer.addWhiteNoise(clean, 5, noiseSeed);
                case REAL_10 ->
                        NoiseMixer.addNoise(clean, noise.segment(clean.length, noiseSeed), 10);
                case REAL_5 ->
                        NoiseMixer.addNoise(clean, noise.segment(clean.length, noiseSeed), 5);
                case TELEPHONE -> TelephoneChannel.apply(clean);
            };
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        List<String> positional = new ArrayList<>();
        List<String> splits = List.of("train", "val");
        Map<String, Path> modelFiles = new LinkedHashMap<>();
        int every = 1;
        int threadCount = 1;
        long seed = 13;
        double floorMargin = SpeechReference.FLOOR_MARGIN_DB;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--splits" -> splits = List.of(args[++i].split(","));
                case "--model" -> {
                    String[] named = args[++i].split("=", 2);
                    if (named.length != 2) {
                        usage("--model takes NAME=PATH");
                    }
                    modelFiles.put(named[0], Path.of(named[1]));
                }
                case "--every" -> every = Integer.parseInt(args[++i]);
                case "--threads" -> threadCount = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--floor-margin" -> floorMargin = Double.parseDouble(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() != 3) {
            usage("three paths expected");
        }
        if (splits.contains("test")) {
            usage("the test split is kept for the model card: use train and val");
        }
        if (modelFiles.isEmpty()) {
            modelFiles.put("v5", SileroVad.fetched("v5"));
            modelFiles.put("v6", SileroVad.fetched("v6"));
        }
        List<String> modelNames = List.copyOf(modelFiles.keySet());
        List<SileroVad> models = new ArrayList<>();
        for (Path file : modelFiles.values()) {
            models.add(SileroVad.load(file));
        }
        Setup setup =
                new Setup(
                        Path.of(positional.get(1)),
                        NoiseRecordings.load(Path.of(positional.get(2)), SpeechGate.SAMPLE_RATE),
                        List.copyOf(models),
                        new GateFrames(SpeechGateConfig.defaults()),
                        seed,
                        floorMargin);
        warmUp(setup);

        Map<String, Tally> bySplit = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threadCount);
        try {
            for (String split : splits) {
                List<String> files = new ArrayList<>();
                List<LabelsCsv.Row> rows = LabelsCsv.read(Path.of(positional.get(0)), split);
                for (int r = 0; r < rows.size(); r += every) {
                    files.add(rows.get(r).file());
                }
                List<Future<Tally>> parts = new ArrayList<>();
                for (int part = 0; part < threadCount; part++) {
                    int first = part;
                    int step = threadCount;
                    parts.add(
                            pool.submit(
                                    () -> {
                                        Tally tally = new Tally(models.size());
                                        for (int k = first; k < files.size(); k += step) {
                                            setup.score(files.get(k), tally);
                                        }
                                        return tally;
                                    }));
                }
                Tally total = new Tally(models.size());
                for (Future<Tally> part : parts) {
                    total.add(part.get());
                }
                bySplit.put(split, total);
                System.err.printf(Locale.ROOT, "%s: %d clips scored%n", split, total.clips);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("scoring failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }

        int[] best = new int[models.size()];
        Tally train = bySplit.get("train");
        for (int m = 0; m < models.size(); m++) {
            best[m] = thresholdIndex(DEFAULT_THRESHOLD);
            if (train != null) {
                double bestF1 = -1;
                for (int t = 0; t < THRESHOLDS; t++) {
                    double f1 = train.pooled(m, t).f1();
                    if (f1 > bestF1) {
                        bestF1 = f1;
                        best[m] = t;
                    }
                }
            }
        }
        String table = table(bySplit, modelNames, best, every, seed, floorMargin);
        System.out.print(table);
        String report = json(bySplit, modelNames, modelFiles, best, every, seed, floorMargin);
        System.out.println(report);
        if (json != null) {
            Files.writeString(json, report + "\n");
        }
    }

    /** Runs every detector on a few seconds of noise first, so that no clip pays for class loading or JIT. */
    private static void warmUp(Setup setup) {
        float[] noise = setup.noise().segment(WINDOW_SAMPLES, 1);
        for (int i = 0; i < 20; i++) {
            setup.gate().gate().assess(noise, noise.length);
            setup.gate().decide(noise, noise.length);
            for (SileroVad model : setup.models()) {
                model.probabilities(noise, noise.length);
            }
        }
    }

    private static String table(
            Map<String, Tally> bySplit,
            List<String> names,
            int[] best,
            int every,
            long seed,
            double floorMargin) {
        StringBuilder out = new StringBuilder();
        out.append(
                String.format(
                        Locale.ROOT,
                        "VAD comparison: every %d-th clip, seed %d; frames of 20 ms; reference %.1f dB over"
                                + " the floor; hangover %d ms%n",
                        every,
                        seed,
                        floorMargin,
                        HANGOVER_FRAMES * 20));
        for (int m = 0; m < names.size(); m++) {
            out.append(
                    String.format(
                            Locale.ROOT,
                            "silero %s: best threshold on train %.2f%n",
                            names.get(m),
                            threshold(best[m])));
        }
        for (Map.Entry<String, Tally> entry : bySplit.entrySet()) {
            Tally t = entry.getValue();
            double seconds = t.audioSamples / (double) SpeechGate.SAMPLE_RATE;
            out.append(
                    String.format(
                            Locale.ROOT,
                            "%n%s: %d clips, %d without a usable reference left out; reference speech %.1f %% of"
                                    + " frames, %.1f %% of the first and last 100 ms; gate frames recovered: %d"
                                    + " of %d clip-conditions match the gate's own count (%d of %d frames"
                                    + " off)%n",
                            entry.getKey(),
                            t.clips,
                            t.unusable,
                            100.0 * t.referenceSpeech / Math.max(1, t.referenceFrames),
                            100.0 * t.edgeSpeech / Math.max(1, t.edgeFrames),
                            t.gateAgreed,
                            t.gateChecked,
                            t.gateFrameDifference,
                            t.gateFrames));
            out.append(
                    String.format(
                            Locale.ROOT,
                            "%-12s %-16s %6s %6s %6s | %6s %6s %6s %8s%n",
                            "condition",
                            "detector",
                            "P",
                            "R",
                            "F1",
                            "P300",
                            "R300",
                            "F1-300",
                            "talk err"));
            for (Condition condition : Condition.values()) {
                int c = condition.ordinal();
                row(out, condition.label, "speech gate", t.gate[c], t.gateBridged[c]);
                for (int m = 0; m < names.size(); m++) {
                    int half = thresholdIndex(DEFAULT_THRESHOLD);
                    row(
                            out,
                            condition.label,
                            "silero " + names.get(m) + " 0.50",
                            t.silero[m][c][half],
                            t.sileroBridged[m][c][half]);
                    if (best[m] != half) {
                        row(
                                out,
                                condition.label,
                                String.format(
                                        Locale.ROOT,
                                        "silero %s %.2f",
                                        names.get(m),
                                        threshold(best[m])),
                                t.silero[m][c][best[m]],
                                t.sileroBridged[m][c][best[m]]);
                    }
                }
            }
            out.append(
                    String.format(
                            Locale.ROOT,
                            "cost per 3 s of audio, thread CPU: speech gate %.3f ms",
                            perWindowMillis(t.gateCpuNanos, seconds)));
            for (int m = 0; m < names.size(); m++) {
                out.append(
                        String.format(
                                Locale.ROOT,
                                ", silero %s %.3f ms",
                                names.get(m),
                                perWindowMillis(t.sileroCpuNanos[m], seconds)));
            }
            out.append(String.format(Locale.ROOT, "%n"));
        }
        return out.toString();
    }

    /** CPU milliseconds per 3 s of audio; each condition's pass is timed, so {@code seconds} counts them all. */
    private static double perWindowMillis(long nanos, double cleanSeconds) {
        double seconds = cleanSeconds * Condition.values().length;
        return seconds == 0 ? Double.NaN : nanos / 1e6 / seconds * 3;
    }

    private static void row(
            StringBuilder out,
            String condition,
            String detector,
            FrameScore raw,
            FrameScore bridged) {
        out.append(
                String.format(
                        Locale.ROOT,
                        "%-12s %-16s %6.3f %6.3f %6.3f | %6.3f %6.3f %6.3f %5.0f ms%n",
                        condition,
                        detector,
                        raw.precision(),
                        raw.recall(),
                        raw.f1(),
                        bridged.precision(),
                        bridged.recall(),
                        bridged.f1(),
                        bridged.talkErrorFrames() * 20));
    }

    private static String json(
            Map<String, Tally> bySplit,
            List<String> names,
            Map<String, Path> files,
            int[] best,
            int every,
            long seed,
            double floorMargin) {
        StringBuilder out = new StringBuilder("{\"every\": ").append(every);
        out.append(", \"seed\": ").append(seed);
        out.append(", \"reference_floor_margin_db\": ").append(number(floorMargin));
        out.append(", \"frame_ms\": 20, \"hangover_ms\": ").append(HANGOVER_FRAMES * 20);
        out.append(", \"models\": {");
        for (int m = 0; m < names.size(); m++) {
            out.append(m == 0 ? "" : ", ")
                    .append(quote(names.get(m)))
                    .append(": {\"file\": ")
                    .append(quote(files.get(names.get(m)).toString()))
                    .append(", \"best_threshold_on_train\": ")
                    .append(number(threshold(best[m])))
                    .append('}');
        }
        out.append("}, \"splits\": {");
        boolean firstSplit = true;
        for (Map.Entry<String, Tally> entry : bySplit.entrySet()) {
            Tally t = entry.getValue();
            double seconds = t.audioSamples / (double) SpeechGate.SAMPLE_RATE;
            out.append(firstSplit ? "" : ", ").append(quote(entry.getKey())).append(": {");
            firstSplit = false;
            out.append("\"clips\": ").append(t.clips);
            out.append(", \"unusable_reference\": ").append(t.unusable);
            out.append(", \"reference_speech_share\": ")
                    .append(number((double) t.referenceSpeech / Math.max(1, t.referenceFrames)));
            out.append(", \"reference_edge_speech_share\": ")
                    .append(number((double) t.edgeSpeech / Math.max(1, t.edgeFrames)));
            out.append(", \"gate_recovery\": {\"clip_conditions\": ")
                    .append(t.gateChecked)
                    .append(", \"matching_count\": ")
                    .append(t.gateAgreed)
                    .append(", \"frames_off\": ")
                    .append(t.gateFrameDifference)
                    .append(", \"frames\": ")
                    .append(t.gateFrames)
                    .append('}');
            out.append(", \"cpu_ms_per_3s\": {\"speech_gate\": ")
                    .append(number(perWindowMillis(t.gateCpuNanos, seconds)));
            for (int m = 0; m < names.size(); m++) {
                out.append(", ")
                        .append(quote("silero_" + names.get(m)))
                        .append(": ")
                        .append(number(perWindowMillis(t.sileroCpuNanos[m], seconds)));
            }
            out.append("}, \"conditions\": {");
            for (Condition condition : Condition.values()) {
                int c = condition.ordinal();
                out.append(c == 0 ? "" : ", ").append(quote(condition.label)).append(": {");
                out.append("\"speech_gate\": ").append(scores(t.gate[c], t.gateBridged[c]));
                for (int m = 0; m < names.size(); m++) {
                    int half = thresholdIndex(DEFAULT_THRESHOLD);
                    out.append(", ")
                            .append(quote("silero_" + names.get(m) + "_0.50"))
                            .append(": ")
                            .append(scores(t.silero[m][c][half], t.sileroBridged[m][c][half]));
                    out.append(", ")
                            .append(
                                    quote(
                                            String.format(
                                                    Locale.ROOT,
                                                    "silero_%s_best_%.2f",
                                                    names.get(m),
                                                    threshold(best[m]))))
                            .append(": ")
                            .append(
                                    scores(
                                            t.silero[m][c][best[m]],
                                            t.sileroBridged[m][c][best[m]]));
                }
                out.append('}');
            }
            out.append("}}");
        }
        return out.append("}}").toString();
    }

    private static String scores(FrameScore raw, FrameScore bridged) {
        return String.format(
                Locale.ROOT,
                "{\"precision\": %s, \"recall\": %s, \"f1\": %s, \"tp\": %d, \"fp\": %d, \"fn\": %d, \"tn\": %d,"
                        + " \"hangover\": {\"precision\": %s, \"recall\": %s, \"f1\": %s,"
                        + " \"talk_error_ms\": %s}}",
                number(raw.precision()),
                number(raw.recall()),
                number(raw.f1()),
                raw.truePositives(),
                raw.falsePositives(),
                raw.falseNegatives(),
                raw.trueNegatives(),
                number(bridged.precision()),
                number(bridged.recall()),
                number(bridged.f1()),
                number(bridged.talkErrorFrames() * 20));
    }

    private static String number(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4f", x) : "null";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void usage(String problem) {
        System.err.println(
                "VadComparison: "
                        + problem
                        + "\nusage: VadComparison LABELS_CSV AUDIO_DIR NOISE_DIR [--splits train,val]"
                        + " [--model NAME=PATH ...] [--every N] [--threads N] [--seed S] [--floor-margin DB] [--json FILE]");
        System.exit(2);
    }
}
