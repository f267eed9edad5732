package io.djlkernel.api.magic;

import java.util.ArrayList;
import java.util.List;

/** Splits a magic's argument string like a shell does: spaces separate, quotes group, backslash escapes. */
public final class MagicArgs {
    private MagicArgs() {
    }

    public static List<String> split(String args) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < args.length(); i++) {
            char c = args.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else if (c == '\\' && quote == '"' && i + 1 < args.length()) word.append(args.charAt(++i));
                else word.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < args.length()) {
                word.append(args.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(word.toString());
                word.setLength(0);
                inWord = false;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unclosed " + quote + " in: " + args);
        if (inWord) words.add(word.toString());
        return words;
    }
}
