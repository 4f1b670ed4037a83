#!/bin/sh
# Runs the emostream command-line tools (produce, demo, classify, ...) in the tools image (deploy/cli.Dockerfile),
# on the cli module's jar and its runtime dependencies. The class path goes in CLASSPATH, not -cp: ONNX Runtime's
# native library misbehaves with very long JVM command lines.
export CLASSPATH="/deployments/lib/*"
exec java ${CLI_JAVA_OPTS:-} -Demostream.home=/deployments io.emostream.cli.Main "$@"
