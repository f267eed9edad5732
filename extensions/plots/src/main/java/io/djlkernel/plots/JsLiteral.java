package io.djlkernel.plots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JavaScript object or array literal, as tablesaw's Pebble templates write them, into JSON-able Java values
 * (LinkedHashMap, ArrayList, String, Long/Double, Boolean, null). Tolerant where those templates are loose:
 * unquoted keys, single-quoted strings, trailing commas, {@code undefined}, NaN and comments. Strings lose the
 * HTML escaping Pebble adds ({@code &quot;} becomes {@code "}). A bare identifier as a value (a variable) is kept
 * as its name in a string: plotly then ignores or shows it, rather than the whole figure failing.
 */
final class JsLiteral {
    private final String src;
    private int pos;

    private JsLiteral(String src, int pos) {
        this.src = src;
        this.pos = pos;
    }

    /** The literal that starts at the first '{' or '[' at or after {@code from}. */
    static Object parseFrom(String src, int from) {
        int start = from;
        while (start < src.length() && src.charAt(start) != '{' && src.charAt(start) != '[') start++;
        if (start >= src.length()) throw new IllegalArgumentException("no object literal after offset " + from);
        return new JsLiteral(src, start).value();
    }

    /** The first object literal assigned in {@code js}: the text after the first '=' ("var trace0 = {...}"). */
    static Object parseAssigned(String js) {
        int eq = js.indexOf('=');
        return parseFrom(js, eq < 0 ? 0 : eq + 1);
    }

    private Object value() {
        skipSpace();
        if (pos >= src.length()) throw error("unexpected end");
        char c = src.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '\'':
            case '"':
                return Html.unescape(string(c));
            default:
                if (src.startsWith("-Infinity", pos)) { // JSON has no infinities: plotly reads null as a gap
                    pos += "-Infinity".length();
                    return null;
                }
                if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) return number();
                if (Character.isJavaIdentifierStart(c)) return word();
                throw error("unexpected '" + c + "'");
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++; // {
        while (true) {
            skipSpace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            String key = key();
            skipSpace();
            expect(':');
            Object v = value();
            if (v != Undefined.VALUE) map.put(key, v);
            skipSpace();
            if (peek() == ',') pos++;
            else if (peek() != '}') throw error("expected ',' or '}'");
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        pos++; // [
        while (true) {
            skipSpace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            Object v = value();
            list.add(v == Undefined.VALUE ? null : v);
            skipSpace();
            if (peek() == ',') pos++;
            else if (peek() != ']') throw error("expected ',' or ']'");
        }
    }

    private String key() {
        char c = peek();
        if (c == '\'' || c == '"') return string(c);
        int start = pos;
        while (pos < src.length() && (Character.isJavaIdentifierPart(src.charAt(pos)))) pos++;
        if (start == pos) throw error("expected a key");
        return src.substring(start, pos);
    }

    private String string(char quote) {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < src.length()) {
            char c = src.charAt(pos++);
            if (c == quote) return sb.toString();
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) break;
            char e = src.charAt(pos++);
            switch (e) {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'u':
                    if (pos + 4 > src.length()) throw error("short \\u escape");
                    sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
                    pos += 4;
                    break;
                case '\n': break; // line continuation
                default: sb.append(e);
            }
        }
        throw error("unterminated string");
    }

    private Object number() {
        int start = pos;
        while (pos < src.length() && "+-.eE0123456789xXabcdefABCDEF".indexOf(src.charAt(pos)) >= 0) pos++;
        String text = src.substring(start, pos);
        try {
            if (text.matches("[-+]?\\d{1,18}")) return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw error("bad number '" + text + "'");
        }
    }

    private Object word() {
        int start = pos;
        while (pos < src.length() && (Character.isJavaIdentifierPart(src.charAt(pos)) || src.charAt(pos) == '.')) pos++;
        String w = src.substring(start, pos);
        switch (w) {
            case "true": return Boolean.TRUE;
            case "false": return Boolean.FALSE;
            case "null":
            case "NaN": // JSON has no NaN: plotly reads null as a gap
                return null;
            case "undefined": return Undefined.VALUE;
            case "Infinity": return null;
            default: return w;
        }
    }

    private void skipSpace() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (src.startsWith("//", pos)) {
                int end = src.indexOf('\n', pos);
                pos = end < 0 ? src.length() : end + 1;
            } else if (src.startsWith("/*", pos)) {
                int end = src.indexOf("*/", pos + 2);
                pos = end < 0 ? src.length() : end + 2;
            } else {
                return;
            }
        }
    }

    private char peek() {
        if (pos >= src.length()) throw error("unexpected end");
        return src.charAt(pos);
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private IllegalArgumentException error(String what) {
        int from = Math.max(0, pos - 30);
        int to = Math.min(src.length(), pos + 30);
        return new IllegalArgumentException(what + " at offset " + pos + " near: "
                + src.substring(from, to).replace('\n', ' '));
    }

    private enum Undefined { VALUE }

    /** Pebble's HTML escaping of template values, undone. */
    static final class Html {
        private Html() {
        }

        static String unescape(String s) {
            if (s.indexOf('&') < 0) return s;
            StringBuilder sb = new StringBuilder(s.length());
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                int semi = c == '&' ? s.indexOf(';', i) : -1;
                if (semi < 0 || semi - i > 10) {
                    sb.append(c);
                    i++;
                    continue;
                }
                String entity = s.substring(i + 1, semi);
                String decoded = decode(entity);
                if (decoded == null) {
                    sb.append(c);
                    i++;
                } else {
                    sb.append(decoded);
                    i = semi + 1;
                }
            }
            return sb.toString();
        }

        private static String decode(String entity) {
            switch (entity) {
                case "quot": return "\"";
                case "amp": return "&";
                case "lt": return "<";
                case "gt": return ">";
                case "apos": return "'";
                default:
                    try {
                        if (entity.startsWith("#x") || entity.startsWith("#X")) {
                            return new String(Character.toChars(Integer.parseInt(entity.substring(2), 16)));
                        }
                        if (entity.startsWith("#")) return new String(Character.toChars(Integer.parseInt(entity.substring(1))));
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                    return null;
            }
        }
    }
}
