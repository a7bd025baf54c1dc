# syntax=docker/dockerfile:1
# syntax=docker/dockerfile:1
# Kafka image from the project's own broker tooling: the jars pinned by tools/kafka/pom.xml (same Kafka version as
# `npm run kafka start`), run by tools/kafka/kafka.sh in the foreground (`kafka.sh run`), single node, KRaft.
# Build from the repository root: docker build -f docker/kafka.Dockerfile -t pipeline-kafka .
# Topics and the KRaft metadata log live in /var/lib/kafka/data-9092: mount a volume on /var/lib/kafka.

FROM debian:bookworm-slim AS jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*

FROM jre AS jars
RUN apt-get update \
 && apt-get install -y --no-install-recommends maven \
 && rm -rf /var/lib/apt/lists/*
COPY tools/kafka/pom.xml tools/kafka/kafka.sh /opt/kafka/tools/kafka/
COPY tools/lib/background-server.sh /opt/kafka/tools/lib/
# Maven's download cache survives rebuilds (a pom change refetches only what changed).
RUN --mount=type=cache,target=/root/.m2 KAFKA_LIBS_DIR=/opt/kafka/libs bash /opt/kafka/tools/kafka/kafka.sh fetch

FROM jre
RUN groupadd --system kafka && useradd --system --gid kafka --home-dir /var/lib/kafka kafka \
 && mkdir -p /var/lib/kafka && chown kafka:kafka /var/lib/kafka
COPY --from=jars /opt/kafka/libs /opt/kafka/libs
COPY tools/kafka/pom.xml tools/kafka/kafka.sh tools/kafka/tools-log4j2.yaml /opt/kafka/tools/kafka/
COPY tools/lib/background-server.sh /opt/kafka/tools/lib/
COPY docker/kafka-log4j2.yaml /opt/kafka/config/log4j2.yaml
ENV KAFKA_HOME_DIR=/var/lib/kafka \
    KAFKA_LIBS_DIR=/opt/kafka/libs \
    KAFKA_PORT=9092 \
    KAFKA_LISTEN_HOST=0.0.0.0 \
    KAFKA_ADVERTISED_HOST=kafka \
    KAFKA_HEAP="-Xms256m -Xmx512m" \
    KAFKA_TOOL_HEAP="-Xmx128m" \
    KAFKA_LOG4J2_CONFIG=/opt/kafka/config/log4j2.yaml
USER kafka
VOLUME /var/lib/kafka
EXPOSE 9092
HEALTHCHECK --interval=15s --timeout=20s --start-period=30s --retries=4 \
  CMD ["bash", "/opt/kafka/tools/kafka/kafka.sh", "ready"]
ENTRYPOINT ["bash", "/opt/kafka/tools/kafka/kafka.sh"]
CMD ["run"]
