package io.emostream.service;

import io.emostream.model.EmotionModel;
import io.emostream.model.ModelOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The emotion model of this instance, loaded once when the bean is created (at startup, because the topology
 * needs it) and closed at shutdown. {@code @Singleton} rather than {@code @ApplicationScoped}: no client proxy,
 * so the model is loaded exactly once in {@link #load()} and never by a proxy's constructor.
 */
@Singleton
public class LoadedModel {

    private static final Logger LOG = Logger.getLogger(LoadedModel.class);

    private final EmostreamConfig config;
    private EmotionModel model;

    @Inject
    public LoadedModel(EmostreamConfig config) {
        this.config = config;
    }

    @PostConstruct
    void load() {
        long start = System.nanoTime();
        model =
                EmotionModel.load(
                        config.model().path(),
                        ModelOptions.defaults()
                                .withIntraOpThreads(config.model().intraOpThreads()));
        LOG.infof(
                "Loaded emotion model %s version %s (labels %s) from %s in %d ms",
                model.modelId(),
                model.modelVersion(),
                model.labels(),
                model.file(),
                (System.nanoTime() - start) / 1_000_000);
    }

    @PreDestroy
    void close() {
        if (model != null) {
            model.close();
        }
    }

    public EmotionModel model() {
        return model;
    }
}
