package io.emostream.analysis;

import io.emostream.dsp.SpeechGate.SpeechDecision;

/**
 * A window's result together with the speech gate's verdict. When the gate is bypassed the result is always the
 * model's classification and {@code gate} tells whether the gate would have rejected the window.
 *
 * @param result the window's result ({@link WindowResult#noSpeech} when the gate is enforced and rejected it)
 * @param gate   the speech gate's decision on the window's valid (unpadded) samples, with its frames; null from a
 *               classifier without a gate
 */
public record WindowAnalysis(WindowResult result, SpeechDecision gate) {}
