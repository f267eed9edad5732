package io.djlkernel.kernel.magic;

import io.djlkernel.api.magic.ClosestNames;
import io.djlkernel.api.magic.CellMagic;
import io.djlkernel.api.magic.LineMagic;
import io.djlkernel.api.magic.MagicContext;
import io.djlkernel.api.magic.MagicException;
import io.djlkernel.api.magic.MagicRegistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The registered magics: runs them by name, answers {@code --help}, and suggests names for typos. */
public final class MagicDispatcher implements MagicRegistry {
    record Entry<M>(String name, String summary, String usage, M magic) {
    }

    private final Map<String, Entry<LineMagic>> lineMagics = new ConcurrentHashMap<>();
    private final Map<String, Entry<CellMagic>> cellMagics = new ConcurrentHashMap<>();
    private final Map<String, String> valueTypes = new ConcurrentHashMap<>();
    private final java.util.function.Function<Boolean, MagicContext> contexts;

    /** @param contexts the context a magic runs in, given whether it is used as an expression */
    public MagicDispatcher(java.util.function.Function<Boolean, MagicContext> contexts) {
        this.contexts = contexts;
        MagicBridge.bind(this);
    }

    @Override
    public void registerLine(String name, String summary, String usage, LineMagic magic) {
        lineMagics.put(checkName(name), new Entry<>(name, summary, usage, magic));
    }

    @Override
    public void registerLine(String name, String summary, String usage, String valueType, LineMagic magic) {
        registerLine(name, summary, usage, magic);
        valueTypes.put(name, valueType);
    }

    /** The declared Java type of a line magic's value, or Object. */
    String valueType(String name) {
        return valueTypes.getOrDefault(name, "java.lang.Object");
    }

    @Override
    public void registerCell(String name, String summary, String usage, CellMagic magic) {
        cellMagics.put(checkName(name), new Entry<>(name, summary, usage, magic));
    }

    private static String checkName(String name) {
        if (name == null || !name.matches("[A-Za-z][\\w.-]*")) {
            throw new IllegalArgumentException("bad magic name: " + name);
        }
        return name;
    }

    Object runLine(String name, String args, boolean asExpression) throws Exception {
        Entry<LineMagic> entry = lineMagics.get(name);
        if (entry == null) {
            if (cellMagics.containsKey(name)) {
                throw new MagicException("%" + name + " is a cell magic: put %%" + name + " on the first line of the cell");
            }
            throw unknown("%", name);
        }
        if (isHelp(args)) return helpText("%", entry);
        return entry.magic().run(args, contexts.apply(asExpression));
    }

    Object runCell(String name, String args, String body) throws Exception {
        Entry<CellMagic> entry = cellMagics.get(name);
        if (entry == null) {
            if (lineMagics.containsKey(name)) {
                throw new MagicException("%%" + name + " does not exist; %" + name + " is a line magic: use it on a line of its own");
            }
            throw unknown("%%", name);
        }
        if (isHelp(args)) return helpText("%%", entry);
        return entry.magic().run(args, body, contexts.apply(false));
    }

    /** Every magic name with its percent signs, for completion. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        lineMagics.keySet().forEach(n -> names.add("%" + n));
        cellMagics.keySet().forEach(n -> names.add("%%" + n));
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** One line per magic, for {@code %lsmagic}. */
    String listing() {
        Map<String, String> lines = new TreeMap<>();
        lineMagics.values().forEach(e -> lines.put("%" + e.name(), e.summary()));
        cellMagics.values().forEach(e -> lines.put("%%" + e.name(), e.summary()));
        int width = lines.keySet().stream().mapToInt(String::length).max().orElse(0);
        return lines.entrySet().stream()
                .map(e -> String.format("%-" + width + "s  %s", e.getKey(), e.getValue()))
                .collect(Collectors.joining("\n"));
    }

    /** The usage text of the magic named on a line, for inspect; null if none. */
    String usageOf(String nameWithPercent) {
        boolean cell = nameWithPercent.startsWith("%%");
        String name = nameWithPercent.replaceFirst("^%%?", "");
        Entry<?> entry = cell ? cellMagics.get(name) : lineMagics.get(name);
        if (entry == null) entry = cell ? lineMagics.get(name) : cellMagics.get(name);
        return entry == null ? null : helpText(cell ? "%%" : "%", entry);
    }

    private static boolean isHelp(String args) {
        String a = args.strip();
        return a.equals("--help") || a.equals("-h") || a.equals("-?");
    }

    private static String helpText(String percent, Entry<?> entry) {
        return percent + entry.name() + ": " + entry.summary() + "\n\n" + entry.usage();
    }

    private MagicException unknown(String percent, String name) {
        List<String> known = names();
        List<String> close = known.stream()
                .filter(k -> ClosestNames.distance(k.replaceFirst("^%%?", ""), name) <= (name.length() <= 3 ? 1 : 2)
                        || k.replaceFirst("^%%?", "").startsWith(name))
                .limit(5).collect(Collectors.toList());
        String hint = close.isEmpty() ? "" : " Did you mean " + String.join(", ", close) + "?";
        return new MagicException("Unknown magic " + percent + name + "." + hint + " %lsmagic lists them all.");
    }

}
