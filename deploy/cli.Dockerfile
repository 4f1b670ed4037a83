# emostream command-line tools image (produce, demo, classify, evaluate, bench), apart from the service image:
#   ./mvnw -DskipTests package && docker build -f deploy/cli.Dockerfile -t emostream-cli:latest .
#   docker run emostream-cli:latest produce --call-id c1 a.wav
FROM eclipse-temurin:17-jre

WORKDIR /deployments
COPY cli/target/lib/ /deployments/lib/
COPY cli/target/emostream-cli-*.jar /deployments/lib/
COPY models/emotion-cnn.onnx /deployments/models/emotion-cnn.onnx
COPY demo/conversations/ /deployments/demo/conversations/
COPY deploy/emostream-cli.sh /usr/local/bin/emostream

RUN useradd --system --uid 1001 --home /deployments emostream \
    && mkdir -p /deployments/.emostream && chown -R 1001 /deployments/.emostream \
    && chmod 755 /usr/local/bin/emostream
USER 1001
ENTRYPOINT ["emostream"]
