package io.djlkernel.kernel.eval;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.util.HashSet;
import java.util.Set;

/**
 * Rewrites the bytecode of cell classes so that an interrupt really stops them on every Java version
 * ({@code Thread.stop} is gone from Java 20 on): a stop check at each method entry and loop back-edge, and
 * {@code System.exit}/{@code Runtime.exit}/{@code Runtime.halt} redirected to {@link CellRuntime}, which ends
 * the cell instead of the kernel. The JDK's own local JShell engine does the same for stop checks.
 */
final class CellInstrumenter {
    private static final String RUNTIME = CellRuntime.class.getName().replace('.', '/');

    private CellInstrumenter() {
    }

    static byte[] instrument(byte[] classBytes) {
        ClassReader reader = new ClassReader(classBytes);
        // No new locals or stack types at branch targets: existing frames stay valid, max stack grows by at most 1.
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) return next;
                return new StopCheckingMethod(next);
            }
        }, 0);
        return writer.toByteArray();
    }

    private static final class StopCheckingMethod extends MethodVisitor {
        private final Set<Label> seen = new HashSet<>();
        /** Before the entry check: where the method's arguments and first line start, for a debugger. */
        private Label entry;
        /** Labels the method's own code starts with (before its first instruction). */
        private final Set<Label> leading = new HashSet<>();
        private boolean instructionSeen;

        StopCheckingMethod(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            entry = new Label();
            super.visitLabel(entry);
            checkStop();
        }

        @Override
        public void visitLabel(Label label) {
            seen.add(label);
            if (!instructionSeen) leading.add(label);
            super.visitLabel(label);
        }

        // The local variable table and first line number keep starting at offset 0, before the inserted check: a
        // debugger that stops at a method's entry (step into) must see its arguments and line.
        @Override
        public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end,
                                       int index) {
            super.visitLocalVariable(name, descriptor, signature, leading.contains(start) ? entry : start, end, index);
        }

        @Override
        public void visitLineNumber(int line, Label start) {
            super.visitLineNumber(line, leading.contains(start) ? entry : start);
        }

        @Override
        public void visitInsn(int opcode) {
            instructionSeen = true;
            super.visitInsn(opcode);
        }

        @Override
        public void visitIntInsn(int opcode, int operand) {
            instructionSeen = true;
            super.visitIntInsn(opcode, operand);
        }

        @Override
        public void visitVarInsn(int opcode, int varIndex) {
            instructionSeen = true;
            super.visitVarInsn(opcode, varIndex);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            instructionSeen = true;
            super.visitTypeInsn(opcode, type);
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
            instructionSeen = true;
            super.visitFieldInsn(opcode, owner, name, descriptor);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, org.objectweb.asm.Handle bootstrap,
                                           Object... arguments) {
            instructionSeen = true;
            super.visitInvokeDynamicInsn(name, descriptor, bootstrap, arguments);
        }

        @Override
        public void visitLdcInsn(Object value) {
            instructionSeen = true;
            super.visitLdcInsn(value);
        }

        @Override
        public void visitIincInsn(int varIndex, int increment) {
            instructionSeen = true;
            super.visitIincInsn(varIndex, increment);
        }

        @Override
        public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
            instructionSeen = true;
            super.visitMultiANewArrayInsn(descriptor, numDimensions);
        }

        @Override
        public void visitJumpInsn(int opcode, Label target) {
            instructionSeen = true;
            if (seen.contains(target)) checkStop(); // a jump backwards: the end of a loop body
            super.visitJumpInsn(opcode, target);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            instructionSeen = true;
            if (anySeen(dflt, labels)) checkStop();
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            instructionSeen = true;
            if (anySeen(dflt, labels)) checkStop();
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            instructionSeen = true;
            if (opcode == Opcodes.INVOKESTATIC && owner.equals("java/lang/System")
                    && name.equals("exit") && descriptor.equals("(I)V")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, RUNTIME, "exit", "(I)V", false);
            } else if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals("java/lang/Runtime")
                    && (name.equals("exit") || name.equals("halt")) && descriptor.equals("(I)V")) {
                String replacement = name.equals("exit") ? "runtimeExit" : "runtimeHalt";
                super.visitMethodInsn(Opcodes.INVOKESTATIC, RUNTIME, replacement, "(Ljava/lang/Runtime;I)V", false);
            } else {
                super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            }
        }

        private boolean anySeen(Label dflt, Label[] labels) {
            if (seen.contains(dflt)) return true;
            for (Label label : labels) {
                if (seen.contains(label)) return true;
            }
            return false;
        }

        private void checkStop() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, RUNTIME, "checkStop", "()V", false);
        }
    }
}
