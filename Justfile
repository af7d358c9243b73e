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

# Compile to dist/ (the `iofog-router` bin runs from there; `npm ci` does this too)
build:
    npx tsc -p tsconfig.build.json

# Run the controller against the built-in simulator (or a real skrouterd) through scripted edits
demo: build
    node dist/controller/cli/main.js demo

# Benchmarks against the simulator (latency model on), and a real router when one is found
bench:
    npx tsc -p tsconfig.bench.json
    node dist-bench/e2e/bench/client-throughput.js
