package io.emostream.stream;

import io.emostream.analysis.WindowClassifier;
import io.emostream.analysis.WindowResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deterministic stand-in for the ONNX analyser in windowing tests: the label follows the RMS level of the
 * window (loud = angry, ..., quiet = sad, near silence = no speech), so a test picks a label by picking an
 * amplitude. It also records every window it was given, so that tests can check window contents and offsets.
 * <pre>
 *   RMS &lt; 0.02: no speech | &lt; 0.1: sad | &lt; 0.2: neutral | &lt; 0.4: happy | else angry
 * </pre>
 */
final class LoudnessTestClassifier implements WindowClassifier {

    static final List<String> LABELS = List.of("angry", "happy", "neutral", "sad");
    static final float SPEECH_RMS = 0.02f;

    /** A classified window as the classifier saw it. */
    record Call(float[] samples, int sampleRate, WindowResult result) {}

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

    List<Call> calls() {
        return calls;
    }

    @Override
    public WindowResult classify(float[] samples, int sampleRate) {
        WindowResult result = judge(samples, sampleRate);
        calls.add(new Call(samples.clone(), sampleRate, result));
        return result;
    }

    private static WindowResult judge(float[] samples, int sampleRate) {
        int frame = Math.max(1, sampleRate / 100);
        int frames = 0;
        int speechFrames = 0;
        double sum = 0;
        int speechSamples = 0;
        for (int start = 0; start + frame <= samples.length; start += frame) {
            double frameSum = 0;
            for (int i = start; i < start + frame; i++) {
                frameSum += samples[i] * samples[i];
            }
            frames++;
            if (Math.sqrt(frameSum / frame) >= SPEECH_RMS) {
                speechFrames++;
                sum += frameSum;
                speechSamples += frame;
            }
        }
        float speechRatio = frames == 0 ? 0f : (float) speechFrames / frames;
        if (speechFrames == 0) {
            return WindowResult.noSpeech(speechRatio);
        }
        double rms = Math.sqrt(sum / speechSamples); // level of the speech frames only
        String label;
        float confidence;
        float valence;
        float arousal;
        if (rms >= 0.4) {
            label = "angry";
            confidence = 0.8f;
            valence = -0.6f;
            arousal = 0.8f;
        } else if (rms >= 0.2) {
            label = "happy";
            confidence = 0.7f;
            valence = 0.7f;
            arousal = 0.5f;
        } else if (rms >= 0.1) {
            label = "neutral";
            confidence = 0.6f;
            valence = 0f;
            arousal = 0f;
        } else {
            label = "sad";
            confidence = 0.55f;
            valence = -0.5f;
            arousal = -0.4f;
        }
        Map<String, Float> probabilities = new LinkedHashMap<>();
        for (String l : LABELS) {
            probabilities.put(l, l.equals(label) ? confidence : (1f - confidence) / 3f);
        }
        return new WindowResult(
                true, label, confidence, probabilities, valence, arousal, speechRatio);
    }

    @Override
    public List<String> labels() {
        return LABELS;
    }

    @Override
    public String modelId() {
        return "loudness-test";
    }

    @Override
    public String modelVersion() {
        return "1";
    }
}
