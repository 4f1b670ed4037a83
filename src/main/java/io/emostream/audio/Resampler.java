package io.emostream.audio;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Band-limited resampling, a Java port of torchaudio 0.13 {@code functional.resample} with
 * {@code resampling_method="kaiser_window"} and the constants of {@link ResamplerSettings} (as
 * {@code features.resample} in training).
 *
 * <p>As torchaudio's {@code _get_sinc_resample_kernel}, both rates are divided by their gcd ({@code o -> n}); the
 * filter for output phase {@code j} (0..n-1) has taps {@code k = 0 .. 2w+o-1} at sinc positions
 * {@code t = (k - w)/o - j/n} scaled by {@code base = min(o, n) * rolloff}, clamped to +-width, weighted by a Kaiser
 * window and {@code base/o}; {@code _apply_sinc_resample_kernel} pads the input with {@code w} zeros before and
 * {@code w + o} after and takes output {@code b*n + j} as the dot product of phase {@code j}'s taps with the padded
 * input from {@code b*o}; the output is cut to {@code ceil(n * length / o)} samples.
 *
 * <p>Parity detail: torchaudio computes the tap positions {@code t} in float32 when resampling float32 audio (as
 * training does), which moves taps by up to ~1e-4 for rate pairs with a large reduced {@code o} (e.g. 24414 Hz).
 * This class reproduces those float32 position roundings exactly and evaluates sinc and window in float64, which
 * matches torchaudio's float32 output to about 1e-6. Taps whose position is clamped (|t| = width, weight ~1e-13)
 * are omitted. The polyphase kernel ({@code n} phases of about {@code 2*width*o/base} taps) is built once per rate
 * pair and cached; instances are immutable and thread-safe.
 */
public final class Resampler {

    /** Rates accepted by {@link #of}. */
    public static final int MIN_RATE = 1000;
    public static final int MAX_RATE = 384_000;

    private static final ConcurrentHashMap<Long, Resampler> CACHE = new ConcurrentHashMap<>();

    private final int fromRate;
    private final int toRate;
    private final int orig; // fromRate / gcd
    private final int next; // toRate / gcd
    private final int width;
    private final int tapsPerPhase;
    private final int[] phaseStart; // first padded-input offset of each phase's taps
    private final float[] taps; // [next][tapsPerPhase], zero-padded at the end of short phases

    private Resampler(int fromRate, int toRate) {
        this.fromRate = fromRate;
        this.toRate = toRate;
        if (fromRate == toRate) {
            orig = next = 1;
            width = 0;
            tapsPerPhase = 0;
            phaseStart = new int[0];
            taps = new float[0];
            return;
        }
        int gcd = gcd(fromRate, toRate);
        orig = fromRate / gcd;
        next = toRate / gcd;
        int lpw = ResamplerSettings.LOWPASS_FILTER_WIDTH;
        double baseFreq = Math.min(orig, next) * ResamplerSettings.ROLLOFF;
        width = (int) Math.ceil(lpw * (double) orig / baseFreq);
        int kernelLength = 2 * width + orig;
        float baseFreq32 = (float) baseFreq;
        float pi32 = (float) Math.PI;
        double scale = baseFreq / orig;
        double i0Beta = besselI0(ResamplerSettings.BETA);
        double halfSpan = lpw * (double) orig / baseFreq;

        int maxTaps = (int) Math.ceil(2 * halfSpan) + 6;
        int[] starts = new int[next];
        float[] kernel = new float[next * maxTaps];
        int longest = 0;
        for (int j = 0; j < next; j++) {
            float phase = (float) -j / (float) next; // torch.arange(0, -new, -1) / new, float32
            double centre = width + (double) j * orig / next;
            int lo = Math.max(0, (int) Math.floor(centre - halfSpan) - 2);
            int hi = Math.min(kernelLength - 1, (int) Math.ceil(centre + halfSpan) + 2);
            int first = -1;
            int count = 0;
            for (int k = lo; k <= hi; k++) {
                float idx = (float) (k - width) / (float) orig; // torch.arange(-w, w + o) / o, float32
                float t = (phase + idx) * baseFreq32;
                if (t <= -lpw || t >= lpw) {
                    continue; // clamped position: weight ~1e-13, omitted
                }
                if (first < 0) {
                    first = k;
                }
                double ratio = t / (double) lpw;
                double window = besselI0(ResamplerSettings.BETA * Math.sqrt(1 - ratio * ratio)) / i0Beta;
                double x = t * pi32; // float32 product in torch
                float xf = (float) x;
                double sinc = xf == 0f ? 1.0 : Math.sin(xf) / xf;
                kernel[j * maxTaps + (k - first)] = (float) (sinc * window * scale);
                count = k - first + 1;
            }
            starts[j] = Math.max(first, 0);
            longest = Math.max(longest, count);
        }
        tapsPerPhase = longest;
        phaseStart = starts;
        taps = new float[next * longest];
        for (int j = 0; j < next; j++) {
            System.arraycopy(kernel, j * maxTaps, taps, j * longest, longest);
        }
    }

    /** The resampler for a rate pair, built on first use and cached. */
    public static Resampler of(int fromRate, int toRate) {
        checkRate(fromRate, "source");
        checkRate(toRate, "target");
        return CACHE.computeIfAbsent(((long) fromRate << 32) | toRate, key -> new Resampler(fromRate, toRate));
    }

    public int fromRate() {
        return fromRate;
    }

    public int toRate() {
        return toRate;
    }

    /** Output length for {@code inputLength} samples: {@code ceil(toRate * inputLength / fromRate)}. */
    public int outputLength(int inputLength) {
        if (fromRate == toRate) {
            return inputLength;
        }
        return (int) (((long) next * inputLength + orig - 1) / orig);
    }

    /** Resamples a whole buffer (zero signal assumed outside it). Returns a new array; a copy when rates match. */
    public float[] process(float[] input) {
        if (fromRate == toRate) {
            return input.clone();
        }
        int length = input.length;
        float[] out = new float[outputLength(length)];
        int taps = tapsPerPhase;
        float[] kernel = this.taps;
        for (int o = 0; o < out.length; o++) {
            int block = o / next;
            int phase = o - block * next;
            int first = block * orig + phaseStart[phase] - width; // input index of the phase's first tap
            int kernelOffset = phase * taps;
            if (first >= 0 && first + taps <= length) {
                out[o] = dot(input, first, kernel, kernelOffset, taps);
            } else {
                double sum = 0;
                for (int k = Math.max(0, -first); k < taps && first + k < length; k++) {
                    sum += input[first + k] * kernel[kernelOffset + k];
                }
                out[o] = (float) sum;
            }
        }
        return out;
    }

    private static float dot(float[] x, int xOff, float[] k, int kOff, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[xOff + i] * k[kOff + i];
            s1 += x[xOff + i + 1] * k[kOff + i + 1];
            s2 += x[xOff + i + 2] * k[kOff + i + 2];
            s3 += x[xOff + i + 3] * k[kOff + i + 3];
        }
        for (; i < n; i++) {
            s0 += x[xOff + i] * k[kOff + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Modified Bessel function of the first kind, order 0 (power series; converges fast for x < 30). */
    static double besselI0(double x) {
        double term = 1;
        double sum = 1;
        double quarterSquare = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= quarterSquare / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static void checkRate(int rate, String which) {
        if (rate < MIN_RATE || rate > MAX_RATE) {
            throw new IllegalArgumentException(which + " sample rate " + rate + " Hz is outside " + MIN_RATE
                    + ".." + MAX_RATE + " Hz");
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return "Resampler[" + fromRate + " Hz -> " + toRate + " Hz, " + next + " phases x " + tapsPerPhase + " taps]";
    }
}
