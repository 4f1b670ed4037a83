package io.emostream.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emostream.analysis.TestSignals;
import io.emostream.dsp.SpeechGate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The speech gate's frame decisions, smoothed by {@link Conversation}, on generated speech-like signals of known
 * timing ({@link TestSignals#speechLike}: voiced syllables at 4 Hz, 125 ms of voice and 125 ms of pause each, over
 * faint breath noise) with pauses of faint noise between the talk. A {@code d}-second stretch of speechLike sounds
 * for {@code d - 0.125} s (its last syllable's pause is silent): that is the known talk of each stretch
 * ({@link #sounding}), and the measured talk must lie within {@link #TOLERANCE} of their sum.
 */
class GateActivityDetectorTest {

    static final long ORIGIN = ConversationTest.ORIGIN;

    /** How far the measured talk or over-talk may lie from the known one (the gate's frames at the edges). */
    static final Duration TOLERANCE = Duration.ofMillis(100);

    /** The sounding part of {@code seconds} of speechLike audio: all but the pause of its last syllable. */
    static Duration sounding(double... seconds) {
        double total = 0;
        for (double s : seconds) {
            total += s - 0.125;
        }
        return Duration.ofMillis(Math.round(total * 1000));
    }

    private final GateActivityDetector detector = new GateActivityDetector();

    @Test
    void frameIsTheGateHopAndEveryWholeFrameGetsADecision() {
        assertEquals(Duration.ofMillis(20), detector.frame());
        assertEquals(150, detector.detect(new float[48000], 16000, 48000).length);
        assertEquals(75, detector.detect(new float[24000], 8000, 12000).length);
        assertEquals(0, detector.detect(new float[100], 16000, 100).length);
    }

    @Test
    void theClassifiersGateDecisionIsReusedAndGivesTheSameFrames() {
        SpeechGate gate =
                new SpeechGate(SpeechGate.SpeechGateConfig.defaults().withMinSpeechRatio(0.5));
        float[] audio = TestSignals.talkScript(16000, 3, 1.0, -0.5, 1.5);
        int valid = 40000; // the rest of the 3-s window is padding, as in a trailing window
        float[] window = java.util.Arrays.copyOf(audio, 48000);
        SpeechGate.SpeechDecision decision = gate.assess(window, valid);
        assertEquals(1 + (valid - 400) / 320, decision.frames().length);
        boolean[] reused = detector.detect(window, 16000, valid, decision);
        assertTrue(java.util.Arrays.equals(detector.detect(window, 16000, valid), reused));
        // without frames (a classifier without a gate) the detector runs the gate itself
        assertTrue(
                java.util.Arrays.equals(
                        reused,
                        detector.detect(
                                window, 16000, valid, new SpeechGate.SpeechDecision(0f, false))));
        assertTrue(java.util.Arrays.equals(reused, detector.detect(window, 16000, valid, null)));
    }

    @Test
    void talkTimeOfSpeechWithPausesIsTheSpeechDurationAtEveryRate() {
        for (int rate : new int[] {8000, 16000, 48000}) {
            // 1.5 s talk, 1 s pause, 2 s talk, 0.5 s pause: 3.5 s of talk in 5 s
            float[] audio = TestSignals.talkScript(rate, 1, 1.5, -1.0, 2.0, -0.5);
            Conversation c =
                    new Conversation(ConversationRules.defaults(), detector.frame(), List.of());
            c.add(
                    "AGENT",
                    ORIGIN,
                    ActivityFrames.ofNewAudio(
                            detector, audio, rate, audio.length, 0, 0, false, null));
            c.end("AGENT");
            SpeakerMetrics m = c.metrics("AGENT");
            assertWithin(sounding(1.5, 2.0), m.talk(), rate + " Hz talk");
            assertEquals(Duration.ofSeconds(5), m.talk().plus(m.silence()), rate + " Hz in all");
            assertEquals(1, m.turns());
        }
    }

    @Test
    void overlappingWindowsCountTheirNewAudioOnce() {
        int rate = 8000;
        float[] audio = TestSignals.talkScript(rate, 5, 2.0, -2.0, 2.0);
        int window = 3 * rate;
        int hop = rate; // 1-s hop: each window adds 1 s of new audio after the first
        Conversation c =
                new Conversation(ConversationRules.defaults(), detector.frame(), List.of());
        long previousEnd = 0;
        long frames = 0;
        for (int start = 0; start + window <= audio.length; start += hop) {
            ActivityFrames f = window(audio, start, start + window, previousEnd, rate);
            assertEquals(frames, f.firstFrame(), "frames follow on");
            frames += f.frames();
            previousEnd = start + window;
            c.add("AGENT", ORIGIN, f);
        }
        c.end("AGENT");
        assertEquals(300, frames); // 6 s of 20-ms frames, each once
        SpeakerMetrics m = c.metrics("AGENT");
        assertWithin(sounding(2.0, 2.0), m.talk(), "talk");
        assertEquals(Duration.ofSeconds(6), m.talk().plus(m.silence()));
    }

    @Test
    void stereoConversationScriptGivesKnownOverTalkAndTurns() {
        int rate = 8000;
        // customer 0-2 s, agent 1.5-4 s, customer 4.5-6 s;
        // sounding 0-1.875 s, 1.5-3.875 s (0.375 s over the customer), 4.5-5.875 s
        float[] customer = TestSignals.talkScript(rate, 11, 2.0, -2.5, 1.5);
        float[] agent = TestSignals.talkScript(rate, 14, -1.5, 2.5, -2.0);
        Conversation c =
                new Conversation(
                        ConversationRules.defaults(),
                        detector.frame(),
                        List.of("CUSTOMER", "AGENT"));
        for (int start = 0; start < customer.length; start += 3 * rate) {
            int end = Math.min(customer.length, start + 3 * rate);
            c.add("CUSTOMER", ORIGIN, window(customer, start, end, start, rate));
            c.add("AGENT", ORIGIN, window(agent, start, end, start, rate));
        }
        c.end("CUSTOMER");
        c.end("AGENT");
        SpeakerMetrics cm = c.metrics("CUSTOMER");
        SpeakerMetrics am = c.metrics("AGENT");
        assertWithin(sounding(2.0, 1.5), cm.talk(), "customer talk");
        assertWithin(sounding(2.5), am.talk(), "agent talk");
        assertWithin(Duration.ofMillis(375), cm.overTalk(), "over-talk");
        assertEquals(cm.overTalk(), am.overTalk());
        assertEquals(2, cm.turns());
        assertEquals(1, am.turns());
    }

    /** The frames of the new audio (from {@code newFrom}) of the window {@code [start, end)} of {@code audio}. */
    private ActivityFrames window(float[] audio, int start, int end, long newFrom, int rate) {
        float[] samples = java.util.Arrays.copyOfRange(audio, start, end);
        return ActivityFrames.ofNewAudio(
                detector, samples, rate, end - start, start, Math.max(start, newFrom), false, null);
    }

    @Test
    void aGapSilenceWindowIsNotAskedAndAllNonSpeech() {
        SpeechActivityDetector refusing =
                new SpeechActivityDetector() {
                    @Override
                    public Duration frame() {
                        return Duration.ofMillis(20);
                    }

                    @Override
                    public boolean[] detect(float[] samples, int sampleRate, int validSamples) {
                        throw new AssertionError("asked about gap silence");
                    }
                };
        ActivityFrames f =
                ActivityFrames.ofNewAudio(
                        refusing, new float[16000], 16000, 16000, 16000, 16000, true, null);
        assertEquals(50, f.frames());
        assertEquals(50, f.firstFrame());
        for (boolean s : f.speech()) {
            assertTrue(!s);
        }
    }

    static void assertWithin(Duration expected, Duration actual, String what) {
        assertTrue(
                actual.minus(expected).abs().compareTo(TOLERANCE) <= 0,
                what
                        + ": "
                        + actual.toMillis()
                        + " ms, expected "
                        + expected.toMillis()
                        + " ± "
                        + TOLERANCE.toMillis());
    }
}
