package io.djlkernel.djl.debug;

import ai.djl.ndarray.NDList;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.training.ParameterStore;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forward "hooks" for DJL, which has none: for the time of one pass, every child a block keeps in its children list
 * (what SequentialBlock, ParallelBlock and most user blocks call) is replaced there by a {@link Proxy} of
 * {@link Block} that reports each forward call and otherwise delegates to the child. A field of the parent that
 * holds the same child is swapped too when its type admits a proxy ({@code Block}); a field of a concrete type
 * ({@code Linear fc1}) cannot hold one, so calls through it stay unseen, and {@link #unobserved} names such
 * children afterwards rather than dropping them silently. {@link #close} puts every original back, whatever the
 * pass did; nothing else of the block (parameters, shapes, flags) is touched.
 */
final class BlockTaps implements AutoCloseable {
    /** What the taps report. Calls nest: a parent's enter comes before its children's, its exit after theirs. */
    interface Observer {
        void enter(Node node, NDList inputs);

        void exit(Node node, NDList inputs, NDList outputs, long nanos);

        void failed(Node node, Throwable error, long nanos);
    }

    /** One block at one place in the tree; {@code path} is "" for the root, else "/key/key" of DJL's child names. */
    static final class Node {
        final String path;
        final int depth;
        final Block block;
        final Node parent;
        final List<Node> children = new ArrayList<>();
        /** Why this child may not be seen even when its parent runs, or null. */
        String blindSpot;
        int calls;

        Node(String path, int depth, Block block, Node parent) {
            this.path = path;
            this.depth = depth;
            this.block = block;
            this.parent = parent;
        }

        String name() {
            return path.isEmpty() ? "(root)" : path;
        }

        String type() {
            return block.getClass().getSimpleName().isEmpty() ? block.getClass().getName() : block.getClass().getSimpleName();
        }
    }

    private static final Field PAIR_VALUES = accessible(ai.djl.util.PairList.class, "values");
    // AbstractBlock.getChildren() returns a copy: the list its forward iterates is this field
    private static final Field CHILDREN = accessible(AbstractBlock.class, "children");

    private static Field accessible(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private final Deque<Runnable> undo = new ArrayDeque<>();
    /** Nanoseconds spent observing (statistics of outputs), taken out of the enclosing calls' times. */
    private final AtomicLong overhead = new AtomicLong();
    /** The thread running the observed pass: the only one whose calls are reported. */
    private final Thread owner = Thread.currentThread();
    private final Observer observer;
    private final Node root;
    private final Set<Block> visited = Collections.newSetFromMap(new IdentityHashMap<>());

    private BlockTaps(Block block, Observer observer) {
        this.observer = observer;
        this.root = new Node("", 0, block, null);
    }

    /** Taps every child of {@code block}, at any depth; the caller runs the pass through {@link #rootProxy()}. */
    static BlockTaps install(Block block, Observer observer) {
        BlockTaps taps = new BlockTaps(block, observer);
        try {
            taps.tapChildren(taps.root);
        } catch (RuntimeException | Error e) {
            taps.close();
            throw e;
        }
        return taps;
    }

    /** The root wrapped like its children, so the pass itself is reported as the first row. */
    Block rootProxy() {
        return proxy(root);
    }

    private void tapChildren(Node parent) {
        Block block = parent.block;
        if (!visited.add(block)) return; // a block shared at two places: its children are tapped once
        BlockList children = childList(block);
        if (children == null || children.isEmpty()) return;
        List<Block> values = values(children);
        for (int i = 0; i < children.size(); i++) {
            String key = children.keyAt(i);
            Block child = children.valueAt(i);
            Node node = new Node(parent.path + "/" + key, parent.depth + 1, child, parent);
            parent.children.add(node);
            Block proxy = proxy(node);
            boolean inList = false;
            if (values != null && block instanceof AbstractBlock) {
                int index = i;
                values.set(index, proxy);
                undo.push(() -> values.set(index, child));
                inList = true;
            }
            FieldSwap fields = swapFields(block, child, proxy);
            if (fields.unswappable() != null) {
                node.blindSpot = block.getClass().getSimpleName() + "." + fields.unswappable() + " holds it as a "
                        + "concrete type, so calls through that field cannot be observed";
            } else if (!inList && fields.swapped() == 0) {
                node.blindSpot = block.getClass().getSimpleName() + " does not keep it in a children list that "
                        + "can be tapped";
            }
            tapChildren(node);
        }
    }

    /** How many fields holding a child were swapped, and the name of one that could not be (or null). */
    private record FieldSwap(int swapped, String unswappable) {
    }

    private FieldSwap swapFields(Block owner, Block child, Block proxy) {
        int swapped = 0;
        String blind = null;
        for (Class<?> c = owner.getClass(); c != null && c != AbstractBlock.class && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                if (!Block.class.isAssignableFrom(f.getType()) && f.getType() != Object.class) continue;
                Object value;
                try {
                    f.setAccessible(true);
                    value = f.get(owner);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (value != child) continue;
                if (!f.getType().isInstance(proxy) || Modifier.isFinal(f.getModifiers()) && c.isRecord()) {
                    blind = f.getName();
                    continue;
                }
                try {
                    f.set(owner, proxy);
                    undo.push(() -> {
                        try {
                            f.set(owner, child);
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException("could not restore " + f.getDeclaringClass().getSimpleName() + "." + f.getName(), e);
                        }
                    });
                    swapped++;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    blind = f.getName();
                }
            }
        }
        return new FieldSwap(swapped, blind);
    }

    /** The list an AbstractBlock's forward iterates; for other blocks, whatever getChildren() gives. */
    private static BlockList childList(Block block) {
        if (block instanceof AbstractBlock && CHILDREN != null) {
            try {
                return (BlockList) CHILDREN.get(block);
            } catch (IllegalAccessException e) {
                return block.getChildren();
            }
        }
        return block.getChildren();
    }

    @SuppressWarnings("unchecked")
    private static List<Block> values(BlockList list) {
        if (PAIR_VALUES == null) return null;
        try {
            return (List<Block>) PAIR_VALUES.get(list);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private Block proxy(Node node) {
        InvocationHandler handler = new Tap(node, observer, overhead, owner);
        return (Block) Proxy.newProxyInstance(Block.class.getClassLoader(), new Class<?>[]{Block.class}, handler);
    }

    /** Children that never ran although their parent did, with the reason when one is known. */
    List<String> unobserved() {
        List<String> out = new ArrayList<>();
        collectUnobserved(root, out);
        return out;
    }

    private static void collectUnobserved(Node node, List<String> out) {
        for (Node child : node.children) {
            if (node.calls > 0 && child.calls == 0) {
                out.add(child.path + " (" + child.type() + "): not seen in this pass — "
                        + (child.blindSpot != null ? child.blindSpot : "its parent did not call it through the tapped "
                        + "children list (e.g. a field of a concrete type), or did not call it at all"));
            }
            collectUnobserved(child, out);
        }
    }

    /** Puts every original child back, newest change first. */
    @Override
    public void close() {
        RuntimeException first = null;
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /** The proxy's handler: reports forward calls, delegates everything else unchanged. */
    private static final class Tap implements InvocationHandler {
        private final Node node;
        private final Observer observer;
        private final AtomicLong overhead;
        private final Thread owner;

        Tap(Node node, Observer observer, AtomicLong overhead, Thread owner) {
            this.node = node;
            this.observer = observer;
            this.overhead = overhead;
            this.owner = owner;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (name.equals("equals") && args != null && args.length == 1) {
                return proxy == args[0] || node.block.equals(args[0]);
            }
            // another thread using the same block meanwhile (an endpoint serving it) is passed through unobserved
            if (!name.equals("forward") || args == null || args.length < 3 || Thread.currentThread() != owner
                    || !(args[0] instanceof ParameterStore) || !(args[1] instanceof NDList inputs)) {
                return invokeTarget(method, args);
            }
            node.calls++;
            long t0 = System.nanoTime();
            observer.enter(node, inputs);
            long start = System.nanoTime();
            overhead.addAndGet(start - t0);
            long overheadBefore = overhead.get();
            NDList out;
            try {
                out = (NDList) invokeTarget(method, args);
            } catch (Throwable t) {
                observer.failed(node, t, System.nanoTime() - start - (overhead.get() - overheadBefore));
                throw t;
            }
            long end = System.nanoTime();
            // the children's statistics are computed inside this call: not the layer's own time
            try {
                observer.exit(node, inputs, out, end - start - (overhead.get() - overheadBefore));
            } finally {
                overhead.addAndGet(System.nanoTime() - end);
            }
            return out;
        }

        private Object invokeTarget(Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(node.block, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
