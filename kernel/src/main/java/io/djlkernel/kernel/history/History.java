package io.djlkernel.kernel.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The session's input history, in memory, answering history_request's three access types the way IPython's
 * history manager does. Only this session exists: session 0 and session 1 both mean it, other sessions are
 * empty. Thread-safe.
 */
public final class History {
    public static final int CURRENT_SESSION = 1;

    private final List<HistoryEntry> entries = new ArrayList<>();

    public synchronized void add(int line, String input) {
        entries.add(new HistoryEntry(CURRENT_SESSION, line, input, null));
    }

    /** Records the text output of a stored line (the execute_result's text/plain). */
    public synchronized void setOutput(int line, String output) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            HistoryEntry e = entries.get(i);
            if (e.line() == line) {
                entries.set(i, new HistoryEntry(e.session(), e.line(), e.input(), output));
                return;
            }
        }
    }

    /** The last {@code n} entries, oldest first. */
    public synchronized List<HistoryEntry> tail(int n) {
        if (n <= 0) return List.of();
        return List.copyOf(entries.subList(Math.max(0, entries.size() - n), entries.size()));
    }

    /**
     * Entries of {@code session} with {@code start <= line < stop}; {@code stop <= 0} means to the end. Session 0
     * is the current one; negative sessions count back from it (there are none before this one).
     */
    public synchronized List<HistoryEntry> range(int session, int start, int stop) {
        if (session != 0 && session != CURRENT_SESSION) return List.of();
        List<HistoryEntry> found = new ArrayList<>();
        for (HistoryEntry e : entries) {
            if (e.line() >= start && (stop <= 0 || e.line() < stop)) found.add(e);
        }
        return found;
    }

    /**
     * Entries whose input matches the glob {@code pattern} ({@code *}, {@code ?}, {@code [abc]}, case-sensitive,
     * matched against the whole input), the last {@code n} of them ({@code n <= 0}: all); with {@code unique}, an
     * input appears once, at its latest line.
     */
    public synchronized List<HistoryEntry> search(String pattern, int n, boolean unique) {
        Pattern regex = globToRegex(pattern == null || pattern.isEmpty() ? "*" : pattern);
        List<HistoryEntry> found = new ArrayList<>();
        for (HistoryEntry e : entries) {
            if (regex.matcher(e.input()).matches()) found.add(e);
        }
        if (unique) {
            Map<String, HistoryEntry> latest = new LinkedHashMap<>();
            for (HistoryEntry e : found) {
                latest.remove(e.input());
                latest.put(e.input(), e);
            }
            found = new ArrayList<>(latest.values());
        }
        if (n > 0 && found.size() > n) found = found.subList(found.size() - n, found.size());
        return List.copyOf(found);
    }

    static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder(glob.length() + 8);
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append("[\\s\\S]*");
                case '?' -> regex.append("[\\s\\S]");
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        regex.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, close);
                        if (set.startsWith("^") || set.startsWith("!")) set = "^" + set.substring(1);
                        regex.append('[').append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                        i = close;
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
