package io.emostream.dsp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parser for one flat JSON object (string, number, boolean and null values), enough for
 * {@code features.json} without pulling a JSON library into the DSP package. Numbers become {@link Double}.
 */
final class MiniJson {

    private final String text;
    private int pos;

    MiniJson(String text) {
        if (text == null) {
            throw new IllegalArgumentException("features JSON is missing");
        }
        this.text = text;
    }

    Map<String, Object> parseObject() {
        Map<String, Object> out = new LinkedHashMap<>();
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            pos++;
        } else {
            while (true) {
                skipSpace();
                String key = parseString();
                skipSpace();
                expect(':');
                skipSpace();
                if (out.containsKey(key)) {
                    throw error("duplicate key '" + key + "'");
                }
                out.put(key, parseValue());
                skipSpace();
                char c = next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw error("expected ',' or '}' but found '" + c + "'");
                }
            }
        }
        skipSpace();
        if (pos != text.length()) {
            throw error("unexpected text after the object");
        }
        return out;
    }

    private Object parseValue() {
        char c = peek();
        if (c == '"') {
            return parseString();
        }
        if (c == '{' || c == '[') {
            throw error("nested objects and arrays are not supported");
        }
        if (text.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        if (text.startsWith("null", pos)) {
            pos += 4;
            return null;
        }
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (start == pos) {
            throw error("unexpected character '" + c + "'");
        }
        try {
            return Double.valueOf(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("bad number '" + text.substring(start, pos) + "'");
        }
    }

    private String parseString() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                char e = next();
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("truncated \\u escape");
                        }
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw error("unexpected end of text");
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        char found = next();
        if (found != c) {
            throw error("expected '" + c + "' but found '" + found + "'");
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("features JSON: " + message + " at offset " + pos);
    }
}
