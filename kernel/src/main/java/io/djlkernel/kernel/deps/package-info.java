/**
 * Dependency resolution and the magics that use it: {@code %maven}, {@code %mavenRepo}, {@code %loadFromPOM} /
 * {@code %%loadFromPOM}, {@code %jars}, {@code %classpath}. The kernel calls
 * {@link io.djlkernel.kernel.deps.DependencyMagics#registerAll(io.djlkernel.api.magic.MagicRegistry)} once.
 *
 * <p>{@link io.djlkernel.kernel.deps.MavenResolver} is Apache Maven Resolver 2 wired by hand
 * ({@code RepositorySystemSupplier}, Maven 3's POM reader, the Apache HTTP transport), with
 * {@link io.djlkernel.kernel.deps.MavenSettings} reading settings.xml like {@code mvn}. All coordinates of one call
 * form one graph with Maven's conflict resolution (nearest wins). What the kernel ships
 * ({@link io.djlkernel.kernel.deps.ProvidedArtifacts}: the build's list of what it shades in, {@code pom.properties},
 * DJL's own resource files) and what an earlier call added are left out of the graph, with their subtrees, and
 * reported in one line each. {@link io.djlkernel.kernel.deps.DjlArtifacts} adds DJL's rules: MXNet and PyTorch
 * natives are never added, other DJL libraries follow the kernel's DJL version unless pinned ({@code [v]}). A miss is never cached
 * (a notebook retries at once). Downloads report to a {@link io.djlkernel.kernel.deps.DownloadListener}; the kernel's is
 * a {@link io.djlkernel.kernel.deps.ProgressBar}: one display, updated in place, nothing when nothing downloads.
 */
package io.djlkernel.kernel.deps;
