#!/bin/sh
# Runs the emostream command-line tool (produce, demo, classify, ...) inside the service image, on the jars of the
# Quarkus fast-jar layout (application classes in app/, dependencies in lib/). The class path goes in CLASSPATH,
# not -cp: ONNX Runtime's native library misbehaves with very long JVM command lines.
export CLASSPATH="/deployments/app/*:/deployments/lib/main/*:/deployments/lib/boot/*"
exec java ${CLI_JAVA_OPTS:-} -Demostream.home=/deployments io.emostream.cli.Main "$@"
