package io.github.spencerpark.jupyter.kernel.magic.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a line magic for {@link Magics#registerMagics}: {@code %name args}. The method takes no
 * parameters or a {@code List<String>} of the shell-split arguments; its return value is the magic's value.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface LineMagic {
    /** The magic's name; the method's name when empty. */
    String value() default "";

    String[] aliases() default {};
}
