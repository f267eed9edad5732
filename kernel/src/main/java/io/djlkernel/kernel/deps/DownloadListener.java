package io.djlkernel.kernel.deps;

/**
 * What a resolution reports while it downloads. Calls may come from several download threads at once.
 * Nothing is reported for what the local repository already holds.
 */
public interface DownloadListener {
    /** A download began; {@code totalBytes} is -1 when the server did not say. */
    void started(String resource, String repository, long totalBytes);

    /** {@code bytesSoFar} of {@code resource} have arrived. */
    void progressed(String resource, long bytesSoFar, long totalBytes);

    /** The download ended; {@code failure} is null when it succeeded. */
    void done(String resource, long bytes, Exception failure);

    /** The whole resolution ended (successfully or not): the last call. */
    default void finished() {
    }

    DownloadListener NONE = new DownloadListener() {
        @Override
        public void started(String resource, String repository, long totalBytes) {
        }

        @Override
        public void progressed(String resource, long bytesSoFar, long totalBytes) {
        }

        @Override
        public void done(String resource, long bytes, Exception failure) {
        }
    };
}
