package io.github.spencerpark.jupyter.kernel.display;

import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** The MIME types a render was asked for, in order; types already put into the output count as fulfilled. */
public class RenderRequestTypes {
    private final List<MIMEType> requested;

    public RenderRequestTypes(Collection<MIMEType> requested) {
        this.requested = new ArrayList<>(requested);
    }

    public List<MIMEType> getRequested() {
        return Collections.unmodifiableList(requested);
    }

    /** The requested type that {@code supportedType} can produce (a concrete one where either is a wildcard), or null. */
    public MIMEType resolveSupportedType(MIMEType supportedType) {
        boolean textPlainRequested = false;
        for (MIMEType type : requested) {
            if (!type.matches(supportedType)) continue;
            boolean concrete = !type.isWildcard() && !type.subtypeIsWildcard();
            if (concrete) {
                // a function that supports anything answers the type asked for, not the text/plain everyone gets
                if (supportedType.isWildcard() && type.equals(MIMEType.TEXT_PLAIN)) {
                    textPlainRequested = true;
                    continue;
                }
                return type;
            }
            if (!supportedType.isWildcard() && !supportedType.subtypeIsWildcard()) return supportedType;
        }
        return textPlainRequested ? MIMEType.TEXT_PLAIN : null;
    }

    public boolean isRequestedExactly(MIMEType type) {
        return requested.contains(type);
    }

    public void removeFulfilledRequests(DisplayData out) {
        requested.removeIf(out::hasDataForType);
    }

    public boolean anyRequestedIsSupported(Collection<MIMEType> supported) {
        for (MIMEType s : supported) {
            for (MIMEType r : requested) if (r.matches(s)) return true;
        }
        return false;
    }

    public boolean isEmpty() {
        return requested.isEmpty();
    }
}
