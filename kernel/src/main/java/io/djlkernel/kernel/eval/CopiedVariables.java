package io.djlkernel.kernel.eval;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.VarSnippet;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Objects the debugger copies into the session as variables (JupyterLab's "Copy to globals"). The copy is asked
 * for while a cell is paused, and that cell holds JShell; so the object is kept here and the variable declared
 * once JShell is free: when the running cell's code ends, or before the next cell if none ran. The declaration
 * reads the object back through {@link #value}, which is why this class is public.
 */
public final class CopiedVariables {
    private static final Logger LOG = Logger.getLogger(CopiedVariables.class.getName());
    private static final Map<Long, Object> VALUES = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();
    private static final Map<String, String> BOXES = Map.of("int", "Integer", "long", "Long", "double", "Double",
            "float", "Float", "boolean", "Boolean", "char", "Character", "short", "Short", "byte", "Byte");

    private record Pending(String name, List<String> types, Object value, CompletableFuture<String> declared) {
    }

    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();

    /** Called by the declaration's own code, in JShell. */
    public static Object value(long id) {
        return VALUES.get(id);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Queues a variable; the future completes with the type it was declared with (see {@link #declareAll}). */
    CompletableFuture<String> add(String name, List<String> types, Object value) {
        CompletableFuture<String> declared = new CompletableFuture<>();
        pending.add(new Pending(name, List.copyOf(types), value, declared));
        return declared;
    }

    /**
     * Declares the queued variables; call on the thread that drives JShell while no snippet runs.
     *
     * @param madeBy told each snippet that declared one
     */
    void declareAll(JShell shell, Consumer<Snippet> madeBy) {
        for (Pending p; (p = pending.poll()) != null; ) {
            try {
                p.declared().complete(declare(shell, p, madeBy));
            } catch (RuntimeException e) {
                LOG.warning("copying " + p.name() + " to the session failed: " + e);
                p.declared().completeExceptionally(e);
            }
        }
    }

    private static String declare(JShell shell, Pending p, Consumer<Snippet> madeBy) {
        long id = NEXT.incrementAndGet();
        VALUES.put(id, p.value());
        try {
            String read = CopiedVariables.class.getName() + ".value(" + id + "L)";
            // a variable of that name whose type takes the value is assigned: what depends on it stays as it is
            Optional<VarSnippet> existing = shell.variables()
                    .filter(v -> v.name().equals(p.name()) && shell.status(v).isActive()).reduce((a, b) -> b);
            if (existing.isPresent()) {
                String type = existing.get().typeName();
                if (runs(shell, p.name() + " = (" + boxed(type) + ") " + read + ";", madeBy)) return type;
            }
            for (String type : candidates(p)) {
                if (runs(shell, type + " " + p.name() + " = (" + boxed(type) + ") " + read + ";", madeBy)) {
                    LOG.fine(() -> "copied " + p.name() + " to the session as " + type);
                    return type;
                }
            }
            throw new IllegalStateException("JShell took no declaration of " + p.name() + " (tried " + candidates(p) + ")");
        } finally {
            VALUES.remove(id);
        }
    }

    /** The types asked for, then the value's nearest public class, then Object. */
    private static List<String> candidates(Pending p) {
        List<String> types = new ArrayList<>(p.types());
        if (p.value() != null) {
            Class<?> type = p.value().getClass();
            while (type != null && !isPublic(type)) type = type.getSuperclass();
            if (type != null && !type.isArray()) types.add(type.getCanonicalName());
        }
        types.add("Object");
        return types;
    }

    private static boolean isPublic(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers()) || c.isAnonymousClass() || c.isLocalClass()) return false;
        }
        return type.getCanonicalName() != null && !type.isSynthetic() && !type.isHidden();
    }

    private static String boxed(String type) {
        return BOXES.getOrDefault(type, type);
    }

    private static boolean runs(JShell shell, String source, Consumer<Snippet> madeBy) {
        for (SnippetEvent event : shell.eval(source)) {
            if (event.causeSnippet() != null) continue;
            if (!event.status().isActive() || event.exception() != null) return false;
            madeBy.accept(event.snippet());
            return true;
        }
        return false;
    }
}
