package io.djlkernel.kernel.eval.compile;

import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * How a variable's type, inferred for {@code var}, is written back as source: only where it can be written at all
 * (no intersection, capture or anonymous class) and from the session's package (every enclosing class public,
 * or in {@link PooledJavac#SESSION_PACKAGE}).
 */
public final class TypeNames {
    /** The type in source form: qualified names, or empty when no declaration could spell it. */
    public final String source;
    /** The type as a person reads it: simple names ({@code Map.Entry<String, NDArray>}). */
    public final String display;
    /**
     * The type as JShell declares it: qualified names, but a class a cell declared by its name (JShell imports it),
     * so that JShell lists the variable as {@code Point}, not under its wrapper class.
     */
    public final String forJShell;

    private enum Style { QUALIFIED, SIMPLE, JSHELL }

    private TypeNames(String source, String display, String forJShell) {
        this.source = source;
        this.display = display;
        this.forJShell = forJShell;
    }

    public static Optional<TypeNames> of(TypeMirror type) {
        String source = write(type, Style.QUALIFIED);
        return source == null ? Optional.empty()
                : Optional.of(new TypeNames(source, write(type, Style.SIMPLE), write(type, Style.JSHELL)));
    }

    /** Null when the type cannot be written. */
    private static String write(TypeMirror type, Style style) {
        if (type.getKind().isPrimitive()) return type.getKind().name().toLowerCase(java.util.Locale.ROOT);
        switch (type.getKind()) {
            case ARRAY: {
                String component = write(((ArrayType) type).getComponentType(), style);
                return component == null ? null : component + "[]";
            }
            case DECLARED:
                return declared((DeclaredType) type, style);
            case WILDCARD: {
                WildcardType wildcard = (WildcardType) type;
                if (wildcard.getExtendsBound() != null) {
                    String bound = write(wildcard.getExtendsBound(), style);
                    return bound == null ? null : "? extends " + bound;
                }
                if (wildcard.getSuperBound() != null) {
                    String bound = write(wildcard.getSuperBound(), style);
                    return bound == null ? null : "? super " + bound;
                }
                return "?";
            }
            default:
                return null; // type variables, captures, intersections, unions, null, errors
        }
    }

    private static String declared(DeclaredType type, Style style) {
        TypeElement element = (TypeElement) type.asElement();
        if (!reachable(element)) return null;
        String name = style == Style.SIMPLE || style == Style.JSHELL && inSessionPackage(element)
                ? simpleName(element) : element.getQualifiedName().toString();
        if (type.getTypeArguments().isEmpty()) return name;
        StringJoiner arguments = new StringJoiner(", ", "<", ">");
        for (TypeMirror argument : type.getTypeArguments()) {
            String written = write(argument, style);
            if (written == null) return null;
            arguments.add(written);
        }
        // a parameterized member of a generic class (Outer<T>.Inner<U>) would need the outer's arguments too
        if (type.getEnclosingType().getKind() == TypeKind.DECLARED
                && !((DeclaredType) type.getEnclosingType()).getTypeArguments().isEmpty()) {
            return null;
        }
        return name + arguments;
    }

    /** A top-level or member class that code in the session package can name. */
    private static boolean reachable(TypeElement element) {
        for (Element e = element; e != null && e.getKind() != ElementKind.PACKAGE; e = e.getEnclosingElement()) {
            if (!(e instanceof TypeElement type)) return false;
            if (type.getNestingKind() == NestingKind.ANONYMOUS || type.getNestingKind() == NestingKind.LOCAL) {
                return false;
            }
            if (!type.getModifiers().contains(Modifier.PUBLIC) && !inSessionPackage(type)) return false;
        }
        return true;
    }

    private static boolean inSessionPackage(Element element) {
        Element e = element;
        while (e != null && !(e instanceof PackageElement)) e = e.getEnclosingElement();
        return e != null && ((PackageElement) e).getQualifiedName().contentEquals(PooledJavac.SESSION_PACKAGE);
    }

    /** {@code Map.Entry}; a class declared in a cell by its own name, without JShell's wrapper class. */
    private static String simpleName(TypeElement element) {
        StringBuilder name = new StringBuilder(element.getSimpleName());
        for (Element e = element.getEnclosingElement(); e instanceof TypeElement outer; e = e.getEnclosingElement()) {
            if (inSessionPackage(outer) && outer.getEnclosingElement() instanceof PackageElement) break;
            name.insert(0, outer.getSimpleName() + ".");
        }
        return name.toString();
    }
}
