package io.djlkernel.api.magic;

/** Where magics are registered. A name may have a line form, a cell form, or both. */
public interface MagicRegistry {
    /**
     * @param name    without the percent sign
     * @param summary one line for {@code %lsmagic}
     * @param usage   the text {@code %name --help} prints (a usage line, then options)
     */
    void registerLine(String name, String summary, String usage, LineMagic magic);

    /**
     * As {@link #registerLine(String, String, String, LineMagic)}, for a magic whose value has a known Java type
     * (e.g. {@code "java.util.List<java.nio.file.Path>"}), so that {@code var x = %name ...;} gets that type.
     */
    default void registerLine(String name, String summary, String usage, String valueType, LineMagic magic) {
        registerLine(name, summary, usage, magic);
    }

    void registerCell(String name, String summary, String usage, CellMagic magic);
}
