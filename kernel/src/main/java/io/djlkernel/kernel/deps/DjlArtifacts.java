package io.djlkernel.kernel.deps;

import org.eclipse.aether.artifact.Artifact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code %maven} does with DJL's own artifacts, given the DJL the kernel loads on its class path:
 * <ul>
 *   <li>engines and natives the kernel cannot use next to its own: {@code ai.djl.mxnet:*} (notebooks written for
 *   DJL's MXNet engine, such as d2l-java) and {@code ai.djl.pytorch:pytorch-native-*} (the kernel brings its
 *   libtorch): not added, one line says why;</li>
 *   <li>DJL libraries the kernel does not ship (basicdataset, model-zoo, extensions): resolved at the kernel's DJL
 *   version, so they are compiled against the API that is loaded, unless the version is pinned with Maven's
 *   exact-version syntax {@code [0.23.0]}.</li>
 * </ul>
 * The artifacts the kernel does ship (ai.djl:api, the PyTorch engine, its JNI) are {@link ProvidedArtifacts}.
 */
final class DjlArtifacts {
    /** Where the notices send MXNet users: the section on what differs between DJL's PyTorch and MXNet engines. */
    static final String MXNET_DOC = "docs/tensors.md#notebooks-written-for-djls-mxnet-engine";

    /** DJL's release numbering (0.36.0, 0.23.0-SNAPSHOT); the JNI (2.7.1-0.36.0) and natives (2.7.1) use others. */
    private static final Pattern DJL_VERSION = Pattern.compile("0\\.\\d+\\.\\d+([-.].*)?");
    /** Maven's "exactly this version": {@code [1.0]}. */
    private static final Pattern PINNED = Pattern.compile("\\[([^,\\[\\]()]+)]");

    private final String djlVersion;
    private final String libtorchVersion;

    DjlArtifacts(ProvidedArtifacts provided) {
        this.djlVersion = provided.djlVersion();
        this.libtorchVersion = provided.libtorchVersion();
    }

    /** The version inside {@code [v]}, or null when {@code version} is not a pin. */
    static String pinnedVersion(String version) {
        Matcher m = PINNED.matcher(version.trim());
        return m.matches() ? m.group(1).trim() : null;
    }

    /** Why the kernel does not add {@code a} (one line), or null when it may be added. */
    String refusal(Artifact a) {
        if (djlVersion == null) return null;
        String group = a.getGroupId();
        String name = group + ":" + a.getArtifactId();
        if (group.equals("ai.djl.mxnet")) {
            return name + " not added: this kernel runs DJL " + djlVersion + " on PyTorch" + libtorch()
                    + ", not MXNet; DJL code written for MXNet runs on it, a few calls behave differently (see "
                    + MXNET_DOC + ")";
        }
        if (group.equals("ai.djl.pytorch") && a.getArtifactId().startsWith("pytorch-native-")) {
            return name + " not added: this kernel runs DJL " + djlVersion + " on PyTorch and brings its own libtorch"
                    + libtorch();
        }
        return null;
    }

    /**
     * The kernel's DJL version when {@code a} is a DJL library at another DJL version, else null. Pinned
     * ({@code [v]}) versions are the caller's to leave alone.
     */
    String alignedVersion(Artifact a) {
        if (djlVersion == null || !isDjlLibrary(a)) return null;
        String asked = a.getVersion();
        if (asked.equals(djlVersion) || !DJL_VERSION.matcher(asked).matches()) return null;
        return djlVersion;
    }

    /** The warning for a DJL library pinned to another DJL version than the loaded one, else null. */
    String pinnedNotice(Artifact a) {
        if (djlVersion == null || !isDjlLibrary(a) || a.getVersion().equals(djlVersion)
                || !DJL_VERSION.matcher(a.getVersion()).matches()) {
            return null;
        }
        return a.getGroupId() + ":" + a.getArtifactId() + " " + a.getVersion() + " as pinned, on the kernel's DJL " + djlVersion
                + ": calls into DJL that changed since may fail with NoSuchMethodError";
    }

    String djlVersion() {
        return djlVersion;
    }

    private static boolean isDjlLibrary(Artifact a) {
        String group = a.getGroupId();
        if (!group.equals("ai.djl") && !group.startsWith("ai.djl.")) return false;
        if (group.equals("ai.djl.mxnet")) return false;
        String id = a.getArtifactId();
        return !id.contains("native") && !id.endsWith("-jni") && a.getClassifier().isEmpty();
    }

    private String libtorch() {
        return libtorchVersion == null ? "" : " " + libtorchVersion;
    }

    /** The notice for a direct request moved to the kernel's DJL version. */
    static String alignedNotice(String key, String asked, String aligned) {
        return "using " + key + " " + aligned + " (asked " + asked + ") to match the kernel's DJL " + aligned
                + "; to force " + asked + ": %maven " + key + ":[" + asked + "]";
    }

    /** The notice for a dependency of a requested library moved to the kernel's DJL version. */
    static String alignedDependencyNotice(String key, String asked, String aligned) {
        return "using " + key + " " + aligned + " (a dependency asked " + asked + ") to match the kernel's DJL " + aligned;
    }
}
