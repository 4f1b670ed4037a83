package io.emostream.analysis;

import io.emostream.audio.Resampler;
import io.emostream.dsp.FeatureConfig;
import io.emostream.dsp.LogMelSpectrogram;
import io.emostream.dsp.SpeechGate;
import io.emostream.dsp.SpeechGate.SpeechDecision;
import io.emostream.dsp.SpeechGate.SpeechGateConfig;
import io.emostream.model.Circumplex;
import io.emostream.model.EmotionModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analysis of a window of mono audio with an {@link EmotionModel}: resample to the model's rate, fit to the
 * model's window (centre samples of a longer window, zero-padding at the end of a shorter one, as in training),
 * speech gate on the valid (unpadded) samples, log-mel, per-band normalisation, inference, and the circumplex
 * position of the probabilities.
 *
 * <p>Thread-safe: model session, resamplers and speech gate are shared; the log-mel spectrogram is per thread
 * because it keeps scratch buffers. The analyser does not own the model: close the model yourself.
 */
public final class EmotionAnalyser implements WindowClassifier {

    private final EmotionModel model;
    private final FeatureConfig features;
    private final SpeechGateConfig gateConfig;
    private final boolean gateEnforced;
    private final ThreadLocal<LogMelSpectrogram> logMel;
    private final SpeechGate gate;

    /** An analyser with the default speech gate ({@link SpeechGateConfig#defaults()}). */
    public EmotionAnalyser(EmotionModel model) {
        this(model, SpeechGateConfig.defaults());
    }

    /** An analyser that reports windows the speech gate rejects as {@link WindowResult#NO_SPEECH}. */
    public EmotionAnalyser(EmotionModel model, SpeechGateConfig gateConfig) {
        this(model, gateConfig, true);
    }

    private EmotionAnalyser(EmotionModel model, SpeechGateConfig gateConfig, boolean gateEnforced) {
        if (model.features().sampleRate() != SpeechGate.SAMPLE_RATE) {
            throw new IllegalArgumentException(
                    "model "
                            + model.modelId()
                            + " expects "
                            + model.features().sampleRate()
                            + " Hz audio but the speech gate works at "
                            + SpeechGate.SAMPLE_RATE
                            + " Hz");
        }
        this.model = model;
        this.features = model.features();
        this.gateConfig = gateConfig;
        this.gateEnforced = gateEnforced;
        this.logMel = ThreadLocal.withInitial(() -> new LogMelSpectrogram(features));
        this.gate = new SpeechGate(gateConfig);
    }

    /**
     * An analyser on the same model that classifies every window, whatever the gate says; the gate's verdict is
     * still reported ({@link #analyseBatch}) and as {@link WindowResult#speechRatio()}. Used to score a model on
     * labelled clips.
     */
    public EmotionAnalyser bypassingGate() {
        return new EmotionAnalyser(model, gateConfig, false);
    }

    public boolean gateEnforced() {
        return gateEnforced;
    }

    public EmotionModel model() {
        return model;
    }

    @Override
    public WindowResult classify(float[] samples, int sampleRate) {
        return analyseBatch(List.of(samples), sampleRate).get(0).result();
    }

    /** Classifies several windows with one batched inference call; results in input order. */
    public List<WindowResult> classifyBatch(List<float[]> windows, int sampleRate) {
        List<WindowAnalysis> analyses = analyseBatch(windows, sampleRate);
        List<WindowResult> results = new ArrayList<>(analyses.size());
        for (WindowAnalysis analysis : analyses) {
            results.add(analysis.result());
        }
        return results;
    }

    /** As {@link #classifyBatch}, with the speech gate's decision per window. */
    public List<WindowAnalysis> analyseBatch(List<float[]> windows, int sampleRate) {
        int[] valid = new int[windows.size()];
        for (int i = 0; i < valid.length; i++) {
            valid[i] = windows.get(i).length;
        }
        return analyseBatch(windows, sampleRate, valid);
    }

    /**
     * One window whose first {@code validSamples} samples are audio and the rest padding (a stream's trailing
     * window): the gate judges the audio only, the model sees the whole window as it always does. Meant for windows
     * no longer than the model's; the gate's decision carries its frames for the conversation metrics.
     */
    @Override
    public WindowAnalysis analyse(float[] samples, int sampleRate, int validSamples) {
        if (validSamples < 0 || validSamples > samples.length) {
            throw new IllegalArgumentException(
                    "valid samples " + validSamples + " outside 0.." + samples.length);
        }
        return analyseBatch(List.of(samples), sampleRate, new int[] {validSamples}).get(0);
    }

    private List<WindowAnalysis> analyseBatch(
            List<float[]> windows, int sampleRate, int[] validSamples) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        int windowSamples = features.windowSamples();
        int frames = features.frames();
        SpeechDecision[] decisions = new SpeechDecision[windows.size()];
        List<float[]> inputs = new ArrayList<>();
        List<Integer> inputOwners = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            float[] window = windows.get(i);
            float[] atModelRate = toModelRate(window, sampleRate);
            long validAtModelRate =
                    validSamples[i] == window.length
                            ? atModelRate.length
                            : Math.round(
                                    validSamples[i] * (double) features.sampleRate() / sampleRate);
            int valid =
                    (int) Math.min(Math.min(validAtModelRate, atModelRate.length), windowSamples);
            float[] fitted = fitToWindow(atModelRate, windowSamples);
            decisions[i] = gate.assess(fitted, valid);
            if (gateEnforced && !decisions[i].speech()) {
                continue;
            }
            float[] spectrogram = logMel.get().compute(fitted);
            model.normalisation().applyInPlace(spectrogram, frames);
            inputs.add(spectrogram);
            inputOwners.add(i);
        }
        float[][] probabilities = model.predict(inputs.toArray(new float[0][]));
        WindowResult[] results = new WindowResult[windows.size()];
        for (int j = 0; j < probabilities.length; j++) {
            int owner = inputOwners.get(j);
            results[owner] = toResult(probabilities[j], decisions[owner].speechRatio());
        }
        List<WindowAnalysis> analyses = new ArrayList<>(windows.size());
        for (int i = 0; i < windows.size(); i++) {
            WindowResult result =
                    results[i] != null
                            ? results[i]
                            : WindowResult.noSpeech(decisions[i].speechRatio());
            analyses.add(new WindowAnalysis(result, decisions[i]));
        }
        return analyses;
    }

    private float[] toModelRate(float[] samples, int sampleRate) {
        int modelRate = features.sampleRate();
        if (sampleRate == modelRate) {
            return samples;
        }
        return Resampler.of(sampleRate, modelRate)
                .process(samples); // cached per rate pair, thread-safe
    }

    /**
     * Fits a clip to {@code windowSamples} as training does: the centre samples of a longer clip (the extra sample
     * of an odd surplus goes to the end), the clip followed by zeros for a shorter one.
     */
    public static float[] fitToWindow(float[] samples, int windowSamples) {
        if (samples.length == windowSamples) {
            return samples.clone();
        }
        float[] fitted = new float[windowSamples];
        if (samples.length > windowSamples) {
            int start = (samples.length - windowSamples) / 2;
            System.arraycopy(samples, start, fitted, 0, windowSamples);
        } else {
            System.arraycopy(samples, 0, fitted, 0, samples.length);
        }
        return fitted;
    }

    private WindowResult toResult(float[] probabilities, float speechRatio) {
        List<String> labels = model.labels();
        Map<String, Float> byLabel = new LinkedHashMap<>();
        int best = 0;
        for (int k = 0; k < probabilities.length; k++) {
            byLabel.put(labels.get(k), probabilities[k]);
            if (probabilities[k] > probabilities[best]) {
                best = k;
            }
        }
        Circumplex.Point point = model.circumplex().locate(probabilities);
        return new WindowResult(
                true,
                labels.get(best),
                probabilities[best],
                Collections.unmodifiableMap(byLabel),
                point.valence(),
                point.arousal(),
                speechRatio);
    }

    @Override
    public List<String> labels() {
        return model.labels();
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    @Override
    public String modelVersion() {
        return model.modelVersion();
    }
}
