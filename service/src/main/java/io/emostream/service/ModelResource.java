package io.emostream.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emostream.model.EmotionModel;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /model}: which model this instance runs, its labels, feature configuration and evaluation metrics. */
@Path("/model")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    private final LoadedModel loadedModel;
    private final ObjectMapper mapper;

    @Inject
    public ModelResource(LoadedModel loadedModel, ObjectMapper mapper) {
        this.loadedModel = loadedModel;
        this.mapper = mapper;
    }

    @GET
    public Map<String, Object> model() {
        EmotionModel model = loadedModel.model();
        Map<String, String> metadata = model.metadata();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", model.modelId());
        body.put("version", model.modelVersion());
        body.put("file", model.file().toString());
        body.put("labels", model.labels());
        body.put("features", json(metadata.get(EmotionModel.FEATURES_KEY)));
        body.put("metrics", json(metadata.get("emostream.metrics")));
        body.put("trainingData", metadata.get("emostream.training_data"));
        body.put("licence", metadata.get("emostream.licence"));
        Map<String, Object> circumplex = new LinkedHashMap<>();
        for (String label : model.labels()) {
            var point = model.circumplex().placement(label);
            if (point != null) {
                circumplex.put(
                        label, Map.of("valence", point.valence(), "arousal", point.arousal()));
            }
        }
        body.put("circumplex", circumplex);
        return body;
    }

    /** Metadata values that hold JSON are returned as JSON; a value that does not parse is returned as text. */
    private Object json(String text) {
        if (text == null) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(text);
            return node;
        } catch (Exception notJson) {
            return text;
        }
    }
}
