package io.djlkernel.djl.serving;

/** The OpenAPI 3 document of an endpoint ({@code GET /openapi.json}). */
final class OpenApi {
    private OpenApi() {
    }

    static String document(ServableModel model, String url) {
        String m = model.name();
        String err = "{\"description\":\"error\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Error\"}}}}";
        String okJson = "{\"description\":\"OK\",\"content\":{\"application/json\":{}}}";
        String image = "\"requestBody\":{\"required\":true,\"content\":{\"multipart/form-data\":{\"schema\":{\"type\":\"object\",\"properties\":{\"file\":{\"type\":\"string\",\"format\":\"binary\"}}}},\"image/*\":{}}}";
        return "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"djl-kernel serving: " + m + "\",\"version\":\"" + InferenceServer.VERSION + "\"},"
                + "\"servers\":[{\"url\":\"" + url + "\"}],"
                + "\"components\":{\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\"}},\"schemas\":{"
                + "\"Error\":{\"type\":\"object\",\"properties\":{\"error\":{\"type\":\"string\"}}},"
                + "\"Tensor\":{\"type\":\"object\",\"required\":[\"name\",\"shape\",\"datatype\",\"data\"],\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"shape\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},\"datatype\":{\"type\":\"string\",\"enum\":[\"BOOL\",\"UINT8\",\"UINT16\",\"UINT32\",\"UINT64\",\"INT8\",\"INT16\",\"INT32\",\"INT64\",\"FP32\",\"FP64\",\"BYTES\"]},"
                + "\"parameters\":{\"type\":\"object\"},\"data\":{\"type\":\"array\",\"items\":{}}}},"
                + "\"InferRequest\":{\"type\":\"object\",\"required\":[\"inputs\"],\"properties\":{\"id\":{\"type\":\"string\"},\"parameters\":{\"type\":\"object\"},"
                + "\"inputs\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Tensor\"}},\"outputs\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}}}},"
                + "\"InferResponse\":{\"type\":\"object\",\"properties\":{\"model_name\":{\"type\":\"string\"},\"model_version\":{\"type\":\"string\"},\"id\":{\"type\":\"string\"},"
                + "\"outputs\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Tensor\"}}}}}},"
                + "\"security\":[{\"bearer\":[]}],"
                + "\"paths\":{"
                + "\"/v2\":{\"get\":{\"summary\":\"server metadata\",\"responses\":{\"200\":" + okJson + "}}},"
                + "\"/v2/health/live\":{\"get\":{\"security\":[],\"responses\":{\"200\":" + okJson + "}}},"
                + "\"/v2/health/ready\":{\"get\":{\"security\":[],\"responses\":{\"200\":" + okJson + ",\"503\":" + err + "}}},"
                + "\"/v2/models/{model}\":{\"get\":{\"summary\":\"model metadata\",\"parameters\":[{\"name\":\"model\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\",\"enum\":[\"" + m + "\"]}}],\"responses\":{\"200\":" + okJson + ",\"404\":" + err + "}}},"
                + "\"/v2/models/{model}/ready\":{\"get\":{\"parameters\":[{\"name\":\"model\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"200\":" + okJson + ",\"404\":" + err + "}}},"
                + "\"/v2/models/{model}/infer\":{\"post\":{\"summary\":\"inference (Open Inference Protocol v2, JSON tensors)\",\"parameters\":[{\"name\":\"model\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}],"
                + "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/InferRequest\"}}}},"
                + "\"responses\":{\"200\":{\"description\":\"OK\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/InferResponse\"}}}},\"400\":" + err + ",\"401\":" + err + ",\"404\":" + err + ",\"413\":" + err + ",\"503\":" + err + ",\"504\":" + err + "}}},"
                + "\"/v2/models/{model}/versions/{version}/infer\":{\"post\":{\"parameters\":[{\"name\":\"model\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}},{\"name\":\"version\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}],"
                + "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/InferRequest\"}}}},\"responses\":{\"200\":" + okJson + ",\"400\":" + err + ",\"404\":" + err + "}}},"
                + "\"/predict\":{\"post\":{\"summary\":\"classify an image: {class_id, probability}\"," + image + ",\"responses\":{\"200\":" + okJson + ",\"400\":" + err + ",\"413\":" + err + "}}},"
                + "\"/predictions/{model}\":{\"post\":{\"summary\":\"DJL Serving / TorchServe style prediction\",\"parameters\":[{\"name\":\"model\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}]," + image + ",\"responses\":{\"200\":" + okJson + ",\"400\":" + err + "}}},"
                + "\"/ping\":{\"get\":{\"security\":[],\"responses\":{\"200\":" + okJson + "}}},"
                + "\"/metrics\":{\"get\":{\"summary\":\"Prometheus text\",\"responses\":{\"200\":{\"description\":\"OK\",\"content\":{\"text/plain\":{}}}}}}"
                + "}}";
    }
}
