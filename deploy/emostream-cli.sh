#!/bin/sh
# Runs the emostream command-line tool (produce, classify, ...) inside the service image, on the jars of the
# Quarkus fast-jar layout (application classes in app/, dependencies in lib/).
exec java ${CLI_JAVA_OPTS:-} -cp "/deployments/app/*:/deployments/lib/main/*:/deployments/lib/boot/*" \
    io.emostream.cli.Main "$@"
