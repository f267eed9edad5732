package io.github.spencerpark.jupyter.kernel.magic.registry;

import io.djlkernel.api.magic.MagicArgs;
import io.djlkernel.api.magic.MagicRegistry;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;

/**
 * IJava's magics registry over this kernel's: what is registered here is a magic of the notebook like the
 * kernel's own ({@code %lsmagic}, {@code --help}, completion), and {@link #applyLineMagic}/{@link #applyCellMagic}
 * run any magic, the kernel's included.
 */
public class Magics {
    /** Runs a magic by name through the kernel, as if a cell said it; the kernel binds it at start. */
    public interface Runner {
        Object line(String name, List<String> args) throws Exception;

        Object cell(String name, List<String> args, String body) throws Exception;
    }

    private static final String SUMMARY = "registered through IJava's magics API";
    private final MagicRegistry registry;
    private final Runner runner;

    public Magics(MagicRegistry registry, Runner runner) {
        this.registry = registry;
        this.runner = runner;
    }

    @SuppressWarnings("unchecked")
    public <T> T applyLineMagic(String name, List<String> args) throws Exception {
        return (T) runner.line(name, args);
    }

    @SuppressWarnings("unchecked")
    public <T> T applyCellMagic(String name, List<String> args, String body) throws Exception {
        return (T) runner.cell(name, args, body);
    }

    public void registerLineMagic(String name, LineMagicFunction<?> magic) {
        registry.registerLine(name, SUMMARY, "%" + name + " [args...]", (args, context) -> magic.execute(MagicArgs.split(args)));
    }

    public void registerCellMagic(String name, CellMagicFunction<?> magic) {
        registry.registerCell(name, SUMMARY, "%%" + name + " [args...]\n<body>",
                (args, body, context) -> magic.execute(MagicArgs.split(args), body));
    }

    public <T extends LineMagicFunction<?> & CellMagicFunction<?>> void registerLineCellMagic(String name, T magic) {
        registerLineMagic(name, magic);
        registerCellMagic(name, magic);
    }

    /** Registers every {@link LineMagic}/{@link CellMagic} method of {@code magics}' class, called on that object. */
    public void registerMagics(Object magics) {
        registerMagics(magics.getClass(), magics);
    }

    /** Registers every static {@link LineMagic}/{@link CellMagic} method of {@code magicsClass}. */
    public void registerMagics(Class<?> magicsClass) {
        registerMagics(magicsClass, null);
    }

    private void registerMagics(Class<?> magicsClass, Object instance) {
        for (Method method : magicsClass.getDeclaredMethods()) {
            LineMagic line = method.getAnnotation(LineMagic.class);
            CellMagic cell = method.getAnnotation(CellMagic.class);
            if (line == null && cell == null) continue;
            if (instance == null && !Modifier.isStatic(method.getModifiers())) {
                throw new IllegalArgumentException("magic method " + method.getName() + " of " + magicsClass.getName()
                        + " is not static: register an instance with registerMagics(new " + magicsClass.getSimpleName() + "())");
            }
            method.setAccessible(true);
            checkParameters(method, line != null, cell != null);
            if (line != null) {
                LineMagicFunction<Object> function = args -> invoke(method, instance, lineArguments(method, args));
                for (String name : names(method, line.value(), line.aliases())) registerLineMagic(name, function);
            }
            if (cell != null) {
                CellMagicFunction<Object> function = (args, body) -> invoke(method, instance, cellArguments(method, args, body));
                for (String name : names(method, cell.value(), cell.aliases())) registerCellMagic(name, function);
            }
        }
    }

    private static List<String> names(Method method, String value, String[] aliases) {
        List<String> names = new java.util.ArrayList<>();
        names.add(value.isEmpty() ? method.getName() : value);
        names.addAll(List.of(aliases));
        return names;
    }

    /** Accepted shapes: {@code ()}, {@code (List<String>)}, {@code (List<String>, String)} (the body; null for a line). */
    private static void checkParameters(Method method, boolean line, boolean cell) {
        Class<?>[] types = method.getParameterTypes();
        boolean ok = types.length == 0
                || (types.length == 1 && isStringList(method.getGenericParameterTypes()[0]) && !(cell && !line))
                || (types.length == 2 && isStringList(method.getGenericParameterTypes()[0]) && types[1] == String.class);
        if (!ok) {
            throw new IllegalArgumentException("magic method " + method.getName() + " must take (), (List<String> args)"
                    + (cell ? " or (List<String> args, String body)" : "") + ", not " + List.of(types));
        }
    }

    private static boolean isStringList(Type type) {
        if (type == List.class) return true;
        return type instanceof ParameterizedType p && p.getRawType() == List.class
                && p.getActualTypeArguments()[0] == String.class;
    }

    private static Object[] lineArguments(Method method, List<String> args) {
        switch (method.getParameterCount()) {
            case 0: return new Object[0];
            case 1: return new Object[]{args};
            default: return new Object[]{args, null};
        }
    }

    private static Object[] cellArguments(Method method, List<String> args, String body) {
        switch (method.getParameterCount()) {
            case 0: return new Object[0];
            case 1: return new Object[]{args};
            default: return new Object[]{args, body};
        }
    }

    private static Object invoke(Method method, Object instance, Object[] args) throws Exception {
        try {
            return method.invoke(instance, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) throw (Exception) cause;
            if (cause instanceof Error) throw (Error) cause;
            throw e;
        }
    }
}
