/**
 * Dependency resolution and the magics that use it: {@code %maven}, {@code %mavenRepo}, {@code %loadFromPOM} /
 * {@code %%loadFromPOM}, {@code %jars}, {@code %classpath}. The kernel calls
 * {@link io.djlkernel.kernel.deps.DependencyMagics#registerAll(io.djlkernel.api.magic.MagicRegistry)} once.
 *
 * <p>{@link io.djlkernel.kernel.deps.MavenResolver} is Apache Maven Resolver 2 wired by hand
 * ({@code RepositorySystemSupplier}, Maven 3's POM reader, the Apache HTTP transport), with
 * {@link io.djlkernel.kernel.deps.MavenSettings} reading settings.xml like {@code mvn}. All coordinates of one call
 * form one graph with Maven's conflict resolution (nearest wins). What the kernel ships
 * ({@link io.djlkernel.kernel.deps.ProvidedArtifacts}, from the kernel jar's {@code pom.properties}) and what an earlier
 * call added are left out of the graph, with their subtrees, and reported in one line each. A miss is never cached
 * (a notebook retries at once). Downloads report to a {@link io.djlkernel.kernel.deps.DownloadListener}; the kernel's is
 * a {@link io.djlkernel.kernel.deps.ProgressBar}: one display, updated in place, nothing when nothing downloads.
 */
package io.djlkernel.kernel.deps;
