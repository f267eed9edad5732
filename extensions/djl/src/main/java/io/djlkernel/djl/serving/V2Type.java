package io.djlkernel.djl.serving;

import ai.djl.ndarray.types.DataType;

/** Open Inference Protocol v2 datatypes (FP16 is binary-only in V2, so JSON requests cannot carry it). */
public enum V2Type {
    BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES;

    /** The V2 type of a DJL array type. */
    public static V2Type of(DataType t) {
        switch (t) {
            case BOOLEAN: return BOOL;
            case UINT8: return UINT8;
            case UINT16: return UINT16;
            case UINT32: return UINT32;
            case UINT64: return UINT64;
            case INT8: return INT8;
            case INT16: return INT16;
            case INT32: return INT32;
            case INT64: return INT64;
            case FLOAT16: return FP16;
            case FLOAT32: return FP32;
            case FLOAT64: return FP64;
            case STRING: return BYTES;
            default: throw new IllegalArgumentException("no V2 datatype for " + t);
        }
    }

    public static V2Type parse(String s) {
        for (V2Type t : values()) if (t.name().equals(s)) return t;
        throw new IllegalArgumentException("unknown datatype '" + s + "' (BOOL, UINT8..UINT64, INT8..INT64, FP32, FP64, BYTES)");
    }

    public boolean isInteger() {
        return ordinal() >= UINT8.ordinal() && ordinal() <= INT64.ordinal();
    }

    /** Inclusive range of an integer type (UINT64 is limited to what a Java long holds). */
    long min() {
        switch (this) {
            case INT8: return Byte.MIN_VALUE;
            case INT16: return Short.MIN_VALUE;
            case INT32: return Integer.MIN_VALUE;
            case INT64: return Long.MIN_VALUE;
            default: return 0;
        }
    }

    long max() {
        switch (this) {
            case UINT8: return 255;
            case UINT16: return 65535;
            case UINT32: return 4294967295L;
            case INT8: return Byte.MAX_VALUE;
            case INT16: return Short.MAX_VALUE;
            case INT32: return Integer.MAX_VALUE;
            default: return Long.MAX_VALUE;
        }
    }
}
