#!/usr/bin/env bash
# Assembles one service's runtime tree, exactly what the image's runtime stage holds. docker/app.Dockerfile runs it in
# its prod-deps and collect stages; k8s/tests runs it too, to boot the services from such a tree without a container
# engine. SRC is a built checkout (npm run build, npm run build:native).
#
#   assemble-runtime.sh deps SRC APP DEST [VARIANT]
#       the workspace manifests, then `npm ci --omit=dev --omit=optional` for APP's workspace only; for the
#       predictor also the TensorFlow.js backend of VARIANT (cpu: tfjs-node, gpu: tfjs-node-gpu; none: no native
#       backend, libs/model then runs on wasm or cpu — for machines that cannot fetch libtensorflow, such as CI here)
#   assemble-runtime.sh dist SRC APP DEST
#       the built dist/ of every library and of APP (and APP's static web/, if any), the native binding, DEST/main.js;
#       no specs, no sources
set -euo pipefail

mode="${1:?deps or dist}" src="${2:?SRC}" app="${3:?APP}" dest="${4:?DEST}" variant="${5:-cpu}"
case "$app" in
  ingestor | refiner | predictor | publisher | maintainer) ;;
  *) echo "APP must be ingestor, refiner, predictor, publisher or maintainer, not '$app'" >&2; exit 2 ;;
esac
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
cd "$src"

deps() {
  # npm needs every workspace's package.json to read the lockfile; it installs the dependencies of APP's only.
  cp package.json package-lock.json "$dest/"
  find libs apps test k8s -name node_modules -prune -o -name package.json -exec install -D -m 644 {} "$dest/{}" \;
  (cd "$dest" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error --omit=dev --omit=optional \
    --workspace "@lakehouse/$app" --include-workspace-root=false)
  [ "$app" = predictor ] || return 0
  # Installed beside the tree and merged in without replacing what the lockfile pinned (tfjs-node and tfjs-node-gpu
  # expose the same API; libs/model picks whichever is present, TF_BACKEND can pin it). npm 11 blocks dependency
  # install scripts by default; this one fetches libtensorflow, so it is allowed by name.
  local backend tmp
  case "$variant" in
    cpu) backend=@tensorflow/tfjs-node ;;
    gpu) backend=@tensorflow/tfjs-node-gpu ;;
    none) return 0 ;;
    *) echo "VARIANT must be cpu, gpu or none, not '$variant'" >&2; exit 2 ;;
  esac
  tmp="$(mktemp -d)"
  echo '{"private":true}' >"$tmp/package.json"
  npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error --omit=dev --no-package-lock \
    --allow-scripts="$backend" "$backend@4.22.0"
  cp -rn "$tmp/node_modules/." "$dest/node_modules/"
  rm -rf "$tmp"
}

dist() {
  local lib
  for lib in libs/*/; do
    mkdir -p "$dest/$lib"
    if [ -d "$lib/dist" ]; then cp -r "$lib/dist" "$dest/$lib"; fi
    if [ -d "$lib/native" ]; then cp -r "$lib/native" "$dest/$lib"; fi
  done
  mkdir -p "$dest/apps/$app"
  cp -r "apps/$app/dist" "$dest/apps/$app/"
  # Static files an app serves beside its dist/ (the publisher's dashboard: apps/publisher/web, no build step).
  if [ -d "apps/$app/web" ]; then cp -r "apps/$app/web" "$dest/apps/$app/"; fi
  find "$dest/libs" "$dest/apps" \( -name '*.spec.js' -o -name '*.spec.js.map' -o -name '*.spec.d.ts' \
    -o -name '*.spec.d.ts.map' -o -name '*-spec.js' -o -name '*-spec.js.map' -o -name '*-spec.d.ts' \
    -o -name '*-spec.d.ts.map' -o -name '*.tsbuildinfo' \) -not -path '*/node_modules/*' -delete
  ln -sfn "apps/$app/dist/main.js" "$dest/main.js"
}

case "$mode" in
  deps) deps ;;
  dist) dist ;;
  *) echo "mode must be deps or dist, not '$mode'" >&2; exit 2 ;;
esac
