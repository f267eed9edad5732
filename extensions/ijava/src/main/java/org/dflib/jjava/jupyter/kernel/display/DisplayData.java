package org.dflib.jjava.jupyter.kernel.display;

/** JJava's name for IJava's {@link io.github.spencerpark.jupyter.kernel.display.DisplayData}: the same class underneath. */
public class DisplayData extends io.github.spencerpark.jupyter.kernel.display.DisplayData {
    public DisplayData() {
        super();
    }

    public DisplayData(String textData) {
        super(textData);
    }
}
