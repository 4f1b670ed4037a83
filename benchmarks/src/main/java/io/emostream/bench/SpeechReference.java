package io.emostream.bench;

import java.util.Arrays;

/**
 * The frame reference of the VAD comparison: which 20-ms frames of a <em>clean</em> clip are speech, by level alone.
 * CREMA-D clips are read sentences with leading and trailing pauses over a steady recording noise floor (on a
 * sample of 485 train clips the 95th-percentile frame is a median 21 dB above the 10th-percentile one, and only
 * 11 dB in one clip of ten), so a margin below the loud frames alone would count the floor of quiet clips as speech.
 * A frame (320 samples, not overlapping) is speech when its mean square, in dBFS, is
 * <ul>
 *   <li>at least a margin, by default {@value #FLOOR_MARGIN_DB} dB, above the clip's {@value #FLOOR_PERCENTILE}th-percentile frame (the
 *       noise floor: the pauses), and</li>
 *   <li>at most {@value #LOUD_RANGE_DB} dB below the clip's {@value #LOUD_PERCENTILE}th-percentile frame (its loud
 *       frames), and</li>
 *   <li>above {@value #ABSOLUTE_FLOOR_DBFS} dBFS.</li>
 * </ul>
 * A clip whose loud frames are less than {@value #MIN_RANGE_DB} dB above its floor has no usable reference (speech
 * barely above the recording noise, or no pause to measure the floor on) and is left out ({@link #usable}).
 */
final class SpeechReference {

    static final int FRAME = 320;
    static final double FLOOR_PERCENTILE = 10;
    static final double LOUD_PERCENTILE = 95;
    static final double FLOOR_MARGIN_DB = 6;
    static final double LOUD_RANGE_DB = 40;
    static final double ABSOLUTE_FLOOR_DBFS = -70;
    static final double MIN_RANGE_DB = 10;

    private final boolean[] speech;
    private final double floorDbfs;
    private final double loudDbfs;

    private SpeechReference(boolean[] speech, double floorDbfs, double loudDbfs) {
        this.speech = speech;
        this.floorDbfs = floorDbfs;
        this.loudDbfs = loudDbfs;
    }

    /** The reference of the first {@code validSamples} samples of a clean 16-kHz clip. */
    static SpeechReference of(float[] clean, int validSamples) {
        return of(clean, validSamples, FLOOR_MARGIN_DB);
    }

    /** The same with another margin above the floor (for the reference's sensitivity). */
    static SpeechReference of(float[] clean, int validSamples, double floorMarginDb) {
        int frames = validSamples / FRAME;
        double[] level = new double[frames];
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int i = f * FRAME; i < (f + 1) * FRAME; i++) {
                sum += (double) clean[i] * clean[i];
            }
            level[f] = 10 * Math.log10(sum / FRAME + 1e-20);
        }
        if (frames == 0) {
            return new SpeechReference(new boolean[0], Double.NaN, Double.NaN);
        }
        double[] sorted = level.clone();
        Arrays.sort(sorted);
        double floor = sorted[(int) Math.floor(FLOOR_PERCENTILE / 100 * (frames - 1))];
        double loud = sorted[(int) Math.floor(LOUD_PERCENTILE / 100 * (frames - 1))];
        double threshold =
                Math.max(
                        Math.max(floor + floorMarginDb, loud - LOUD_RANGE_DB), ABSOLUTE_FLOOR_DBFS);
        boolean[] speech = new boolean[frames];
        for (int f = 0; f < frames; f++) {
            speech[f] = level[f] >= threshold;
        }
        return new SpeechReference(speech, floor, loud);
    }

    /** One decision per 20-ms frame; a copy. */
    boolean[] frames() {
        return speech.clone();
    }

    /** Whether the clip has a reference to score against (loud frames {@value #MIN_RANGE_DB} dB over the floor). */
    boolean usable() {
        return speech.length > 0 && loudDbfs - floorDbfs >= MIN_RANGE_DB;
    }

    double floorDbfs() {
        return floorDbfs;
    }

    double loudDbfs() {
        return loudDbfs;
    }
}
