package io.emostream.dsp;

/**
 * Float32 building blocks computed bit for bit as torch 1.13 computes them on x86-64 CPUs (AVX2 kernels compiled
 * with FMA contraction, SLEEF u10 transcendental functions), so that the Hann window and the mel filterbank equal
 * torchaudio's exactly. Torch's float32 results are not always the correctly rounded ones; the difference is one
 * ulp, but in bands 60+ dB below a frame's peak (the far tails of triangles, window sidelobes) it is visible.
 * Verified against torch.linspace, torch.exp, torch.hann_window and torchaudio.functional.melscale_fbanks.
 */
final class TorchFloat32 {

    private static final float PI_A2 = 3.1414794921875f;
    private static final float PI_B2 = 0.00011315941810607910156f;
    private static final float PI_C2 = 1.9841872589410058936e-09f;
    private static final float ONE_OVER_PI = (float) (1 / Math.PI);

    private TorchFloat32() {}

    /**
     * torch.linspace: {@code start + step*i} (fused) for the first half and {@code end - step*(n-1-i)} (fused) for
     * the second; the vectorised loop computes that base once per 8 lanes, two vectors at a time, and adds
     * {@code step*lane} (not fused) for the other lanes; the tail is done one element at a time.
     */
    static float[] linspace(float start, float end, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        final int lanes = 8;
        int i = 0;
        for (; i <= steps - 2 * lanes; i += lanes) {
            float base = linspaceElement(start, end, step, steps, halfway, i);
            for (int lane = 0; lane < lanes; lane++) {
                out[i + lane] = base + step * (float) lane;
            }
        }
        for (; i < steps; i++) {
            out[i] = linspaceElement(start, end, step, steps, halfway, i);
        }
        return out;
    }

    private static float linspaceElement(
            float start, float end, float step, int steps, int halfway, int i) {
        return i < halfway
                ? Math.fma(step, (float) i, start)
                : Math.fma(-step, (float) (steps - i - 1), end);
    }

    /** torch.exp on float32 (SLEEF expf_u10 with FMA); valid for |d| < 80. */
    static float exp(float d) {
        final float rLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
        final float l2u = 0.693145751953125f;
        final float l2l = 1.428606765330187045e-06f;
        int q = (int) Math.rint(d * rLn2);
        float s = Math.fma((float) q, -l2u, d);
        s = Math.fma((float) q, -l2l, s);
        float u = 0.000198527617612853646278381f;
        u = Math.fma(u, s, 0.00139304355252534151077271f);
        u = Math.fma(u, s, 0.00833336077630519866943359f);
        u = Math.fma(u, s, 0.0416664853692054748535156f);
        u = Math.fma(u, s, 0.166666671633720397949219f);
        u = Math.fma(u, s, 0.5f);
        u = 1.0f + Math.fma(s * s, u, s);
        return u * (float) Math.scalb(1.0, q);
    }

    /** torch.cos on float32 (SLEEF cosf_u1 with FMA, double-float arithmetic); valid for |d| < 125. */
    static float cos(float d) {
        float dq = Math.fma((float) Math.rint(Math.fma(d, ONE_OVER_PI, -0.5f)), 2f, 1f);
        int q = (int) Math.rint(dq);
        // s = d - dq * pi/2 in double-float (hi, lo)
        float[] s = addTwo(d, dq * (-PI_A2 * 0.5f));
        s = addTwo(s[0], s[1], dq * (-PI_B2 * 0.5f));
        s = addTwo(s[0], s[1], dq * (-PI_C2 * 0.5f));
        float tHi = s[0];
        float tLo = s[1];
        // s^2
        float sqHi = s[0] * s[0];
        float sqLo = Math.fma(s[0] + s[0], s[1], Math.fma(s[0], s[0], -sqHi));
        float u = 2.6083159809786593541503e-06f;
        u = Math.fma(u, sqHi, -0.0001981069071916863322258f);
        u = Math.fma(u, sqHi, 0.00833307858556509017944336f);
        // x = 1 + (-0.1666666 + u*s^2) * s^2, double-float
        float aHi = -0.166666597127914428710938f + u * sqHi;
        float aLo = (-0.166666597127914428710938f - aHi) + u * sqHi;
        float mHi = aHi * sqHi;
        float mLo = Math.fma(aHi, sqLo, Math.fma(aLo, sqHi, Math.fma(aHi, sqHi, -mHi)));
        float xHi = 1f + mHi;
        float xLo = ((1f - xHi) + mHi) + mLo;
        float result = Math.fma(tHi, xHi, Math.fma(tLo, xHi, tHi * xLo));
        return (q & 2) == 0 ? -result : result;
    }

    /** torch.hann_window(length) (periodic): cos(i * (2pi/length)) * -0.5 + 0.5, each step in float32. */
    static float[] hannWindow(int length) {
        float step = (float) (Math.PI * 2.0 / length);
        float[] window = new float[length];
        for (int i = 0; i < length; i++) {
            window[i] = cos((float) i * step) * -0.5f + 0.5f;
        }
        return window;
    }

    /** Double-float sum of two floats (SLEEF dfadd2_vf2_vf_vf). */
    private static float[] addTwo(float x, float y) {
        float hi = x + y;
        float v = hi - x;
        float lo = (x - (hi - v)) + (y - v);
        return new float[] {hi, lo};
    }

    /** Double-float (xHi, xLo) plus a float (SLEEF dfadd2_vf2_vf2_vf). */
    private static float[] addTwo(float xHi, float xLo, float y) {
        float hi = xHi + y;
        float v = hi - xHi;
        float lo = (xHi - (hi - v)) + (y - v);
        return new float[] {hi, lo + xLo};
    }
}
