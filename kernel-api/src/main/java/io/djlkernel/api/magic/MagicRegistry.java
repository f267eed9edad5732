package io.djlkernel.api.magic;

/** Where magics are registered. A name may have a line form, a cell form, or both. */
public interface MagicRegistry {
    /**
     * @param name    without the percent sign
     * @param summary one line for {@code %lsmagic}
     * @param usage   the text {@code %name --help} prints (a usage line, then options)
     */
    void registerLine(String name, String summary, String usage, LineMagic magic);

    void registerCell(String name, String summary, String usage, CellMagic magic);
}
