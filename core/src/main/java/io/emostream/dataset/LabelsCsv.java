package io.emostream.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A labels CSV as used by the training data: a header row with at least {@code file} and {@code emotion}, and
 * optionally {@code split}, {@code exclude} (a non-empty exclude drops the row) and {@code corpus} (the data set a
 * clip comes from, for a per-corpus breakdown; must then be non-empty on every row). Column names are matched
 * ignoring case; fields are RFC 4180 (Commons CSV), trimmed, and may be quoted; blank lines are skipped.
 */
public final class LabelsCsv {

    /** Trimmed fields; blank lines skipped. */
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setTrim(true).get();

    /**
     * One labelled clip.
     *
     * @param line   the line of the file the row ends on (its only line unless a quoted field spans lines)
     * @param split  null when the CSV has no split column
     * @param corpus null when the CSV has no corpus column
     */
    public record Row(int line, String file, String emotion, String split, String corpus) {}

    private LabelsCsv() {}

    /**
     * Reads the rows that are not excluded and, when {@code split} is not null, belong to that split.
     *
     * @throws IllegalArgumentException naming the file (and line) of malformed CSV, a malformed row or a missing
     *                                  column
     * @throws java.nio.charset.CharacterCodingException when the file is not UTF-8
     */
    public static List<Row> read(Path csv, String split) throws IOException {
        return parse(Files.readAllBytes(csv), csv, split);
    }

    /**
     * {@link #read} on the bytes of {@code csv} (which only names it in errors): the fuzz target's way in, without a
     * file write per input.
     */
    static List<Row> parse(byte[] bytes, Path csv, String split) throws IOException {
        // a strict decoder, as Files.readString: malformed UTF-8 is an error, not U+FFFD
        String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        try (CSVParser parser = CSVParser.parse(text, FORMAT)) {
            return rows(parser, csv, split);
        } catch (UncheckedIOException e) {
            // Commons CSV's CSVException (an unterminated quote, text after a closing quote) names
            // the line
            throw new IllegalArgumentException(
                    "labels file " + csv + " is not valid CSV: " + e.getCause().getMessage(), e);
        }
    }

    private static List<Row> rows(CSVParser parser, Path csv, String split) {
        var records = parser.iterator();
        if (!records.hasNext()) {
            throw new IllegalArgumentException(
                    "labels file " + csv + " is empty (expected a header with file,emotion)");
        }
        List<String> header = records.next().toList();
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            columns.put(header.get(i).toLowerCase(Locale.ROOT), i);
        }
        for (String required : List.of("file", "emotion")) {
            if (!columns.containsKey(required)) {
                throw new IllegalArgumentException(
                        "labels file "
                                + csv
                                + ": header "
                                + header
                                + " has no '"
                                + required
                                + "' column");
            }
        }
        if (split != null && !columns.containsKey("split")) {
            throw new IllegalArgumentException(
                    "labels file "
                            + csv
                            + ": --split "
                            + split
                            + " given but the header "
                            + header
                            + " has no 'split' column");
        }
        List<Row> rows = new ArrayList<>();
        while (records.hasNext()) {
            CSVRecord record = records.next();
            int line = (int) parser.getCurrentLineNumber();
            if (record.size() == 1 && record.get(0).isEmpty()) {
                continue; // a line of spaces
            }
            if (record.size() != header.size()) {
                throw new IllegalArgumentException(
                        "labels file "
                                + csv
                                + " line "
                                + line
                                + ": "
                                + record.size()
                                + " fields, the header has "
                                + header.size());
            }
            String exclude = field(record, columns, "exclude");
            if (exclude != null && !exclude.isEmpty()) {
                continue;
            }
            String rowSplit = field(record, columns, "split");
            if (split != null && !split.equals(rowSplit)) {
                continue;
            }
            String file = field(record, columns, "file");
            String emotion = field(record, columns, "emotion");
            if (file.isEmpty() || emotion.isEmpty()) {
                throw new IllegalArgumentException(
                        "labels file " + csv + " line " + line + ": empty file or emotion");
            }
            String corpus = field(record, columns, "corpus");
            if (corpus != null && corpus.isEmpty()) {
                throw new IllegalArgumentException(
                        "labels file "
                                + csv
                                + " line "
                                + line
                                + ": empty corpus (the header has a corpus column, so every row needs one)");
            }
            rows.add(new Row(line, file, emotion, rowSplit, corpus));
        }
        return rows;
    }

    private static String field(CSVRecord record, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        return index == null ? null : record.get(index);
    }
}
