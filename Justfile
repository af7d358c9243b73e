# iofog-router tasks. `just --list` explains each recipe; CI runs `just test`.

set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes
default:
    @just --list

# Typecheck, lint, unit tests, then the e2e scenarios on the simulator: what CI runs
test: typecheck lint unit e2e

# Typecheck the whole tree (strict, no emit)
typecheck:
    npx tsc -p tsconfig.json --noEmit

# Type-aware lint (forbids floating and misused promises)
lint:
    npx eslint . --max-warnings 0

# Unit, property and conformance tests (everything but the e2e scenarios)
unit:
    npx vitest run --exclude 'e2e/scenarios/**'

# The e2e scenarios: the built CLI against SKROUTERD_BIN, a container engine, or the simulator
e2e: build
    npx vitest run e2e/scenarios

# Compile to dist/ (the `iofog-router` bin runs from there), then bundle (`npm ci` does both)
build: && bundle
    npx tsc -p tsconfig.build.json

# Bundle the controller as the runtime image runs it: dist/bundle/iofog-router.mjs (esbuild, from the sources, under a second)
bundle:
    node router-build/bundle.mjs

# Run the controller against the built-in simulator (or a real skrouterd) through scripted edits
demo: build
    node dist/controller/cli/main.js demo

# Benchmarks: simulator with its latency model on, plus a real router when SKROUTERD_BIN or a container engine is found; the controller runs from the bundle, as in the image; `just bench --quick` for a smoke run
bench *ARGS: bundle
    npx tsc -p tsconfig.bench.json
    node dist-bench/e2e/bench/main.js {{ARGS}}

# Build the runtime image for linux/amd64 and linux/arm64 (docker buildx bake, else podman); extra arguments go to the builder
image *args:
    #!/usr/bin/env bash
    set -euo pipefail
    export VERSION="${VERSION:-$(node -p 'require("./package.json").version')}"
    export REVISION="${REVISION:-$(git rev-parse HEAD 2>/dev/null || true)}"
    if docker buildx version >/dev/null 2>&1; then
      docker buildx bake -f router-build/docker-bake.hcl runtime {{args}}
    elif command -v podman >/dev/null 2>&1; then
      image="${IMAGE:-iofog-router}:${VERSION}"
      podman manifest rm "$image" >/dev/null 2>&1 || true
      # Every ARG the Containerfile declares that is set here (as bake reads its variables).
      build_args=()
      for name in $(sed -n 's/^ARG \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' router-build/Containerfile | sort -u); do
        if [ -n "${!name+set}" ]; then build_args+=(--build-arg "$name=${!name}"); fi
      done
      platforms="${PLATFORMS:-linux/amd64,linux/arm64}"
      for platform in ${platforms//,/ }; do
        podman build --format docker --platform "$platform" --manifest "$image" --target runtime \
          --ignorefile router-build/Containerfile.dockerignore -f router-build/Containerfile \
          "${build_args[@]}" {{args}} .
      done
    else
      echo "image: needs docker buildx or podman" >&2; exit 1
    fi

# Build the dev overlay (controller over ROUTER_IMAGE, by tag) for this machine's platform and load it as iofog-router:dev
image-dev *args:
    #!/usr/bin/env bash
    set -euo pipefail
    case "$(uname -m)" in x86_64) platform=linux/amd64 ;; aarch64|arm64) platform=linux/arm64 ;; armv7l) platform=linux/arm/v7 ;; *) platform="linux/$(uname -m)" ;; esac
    if docker buildx version >/dev/null 2>&1; then
      PLATFORMS="$platform" docker buildx bake -f router-build/docker-bake.hcl dev --load {{args}}
    elif command -v podman >/dev/null 2>&1; then
      build_args=()
      for name in $(sed -n 's/^ARG \([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' router-build/Containerfile | sort -u); do
        if [ -n "${!name+set}" ]; then build_args+=(--build-arg "$name=${!name}"); fi
      done
      podman build --format docker --platform "$platform" --target dev -t "${IMAGE:-iofog-router}:dev" \
        --ignorefile router-build/Containerfile.dockerignore -f router-build/Containerfile \
        "${build_args[@]}" {{args}} .
    else
      echo "image-dev: needs docker buildx or podman" >&2; exit 1
    fi

# Hardening at full size: faults at the long counts (200 kills/cuts/recreates/flaps, a 60 s Edgelet outage, 5 disk-full cycles), every CLI entry through the real process, and a long fuzz run (FC_RUNS/FC_SEED override)
hardening-long: build
    HOSTILE_LONG=1 FAULTS_LONG=1 npx vitest run e2e/hostile e2e/faults --testTimeout 900000
    FC_RUNS=${FC_RUNS:-200000} FC_SEED=${FC_SEED:-$(date +%s)} npx vitest run e2e/hostile/fuzz.property.test.ts --testTimeout 3600000
