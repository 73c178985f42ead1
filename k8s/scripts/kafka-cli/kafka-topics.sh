#!/usr/bin/env bash
# Stands in for /opt/kafka/bin/kafka-topics.sh of the apache/kafka image: the same TopicCommand class, from the jars
# that pom.xml resolves (KAFKA_CLI_CLASSPATH_FILE names the classpath file; k8s/scripts/setup-tools.sh --kafka-cli
# writes it).
set -euo pipefail
exec java -Xshare:auto -XX:TieredStopAtLevel=1 -cp "$(cat "${KAFKA_CLI_CLASSPATH_FILE:?}")" \
  org.apache.kafka.tools.TopicCommand "$@"
