package io.emostream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A labels CSV as used by the training data: a header row with at least {@code file} and {@code emotion}, and
 * optionally {@code split}, {@code exclude} (a non-empty exclude drops the row) and {@code corpus} (the data set a
 * clip comes from, for a per-corpus breakdown; must then be non-empty on every row). Fields may be quoted
 * (RFC 4180).
 */
final class LabelsCsv {

    /** One labelled clip; {@code corpus} is null when the CSV has no corpus column. */
    record Row(int line, String file, String emotion, String split, String corpus) {
    }

    private LabelsCsv() {
    }

    /**
     * Reads the rows that are not excluded and, when {@code split} is not null, belong to that split.
     *
     * @throws IllegalArgumentException naming the file and line of a malformed row or a missing column
     */
    static List<Row> read(Path csv, String split) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("labels file " + csv + " is empty (expected a header with file,emotion)");
        }
        List<String> header = parseLine(stripBom(lines.get(0)), csv, 1);
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            columns.put(header.get(i).trim().toLowerCase(), i);
        }
        for (String required : List.of("file", "emotion")) {
            if (!columns.containsKey(required)) {
                throw new IllegalArgumentException("labels file " + csv + ": header " + header + " has no '" + required
                        + "' column");
            }
        }
        if (split != null && !columns.containsKey("split")) {
            throw new IllegalArgumentException("labels file " + csv + ": --split " + split
                    + " given but the header " + header + " has no 'split' column");
        }
        List<Row> rows = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) {
                continue;
            }
            List<String> fields = parseLine(lines.get(n), csv, n + 1);
            if (fields.size() != header.size()) {
                throw new IllegalArgumentException("labels file " + csv + " line " + (n + 1) + ": " + fields.size()
                        + " fields, the header has " + header.size());
            }
            String exclude = field(fields, columns, "exclude");
            if (exclude != null && !exclude.isBlank()) {
                continue;
            }
            String rowSplit = field(fields, columns, "split");
            if (split != null && !split.equals(rowSplit == null ? null : rowSplit.trim())) {
                continue;
            }
            String file = field(fields, columns, "file").trim();
            String emotion = field(fields, columns, "emotion").trim();
            if (file.isEmpty() || emotion.isEmpty()) {
                throw new IllegalArgumentException("labels file " + csv + " line " + (n + 1)
                        + ": empty file or emotion");
            }
            String corpus = field(fields, columns, "corpus");
            if (corpus != null) {
                corpus = corpus.trim();
                if (corpus.isEmpty()) {
                    throw new IllegalArgumentException("labels file " + csv + " line " + (n + 1)
                            + ": empty corpus (the header has a corpus column, so every row needs one)");
                }
            }
            rows.add(new Row(n + 1, file, emotion, rowSplit, corpus));
        }
        return rows;
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static String field(List<String> fields, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        return index == null ? null : fields.get(index);
    }

    static List<String> parseLine(String line, Path csv, int lineNumber) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    current.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(current.toString());
                current.setLength(0);
            } else if (c != '\r') {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("labels file " + csv + " line " + lineNumber + ": unterminated quote");
        }
        fields.add(current.toString());
        return fields;
    }
}
