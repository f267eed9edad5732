package io.github.spencerpark.jupyter.kernel.magic.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a cell magic for {@link Magics#registerMagics}: {@code %%name args} and the cell below. The
 * method takes no parameters or a {@code List<String>} of arguments and the {@code String} body.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface CellMagic {
    /** The magic's name; the method's name when empty. */
    String value() default "";

    String[] aliases() default {};
}
