# iofog-router tasks. `just --list` explains each recipe; CI runs `just test`.

set shell := ["bash", "-euo", "pipefail", "-c"]

# List the recipes
default:
    @just --list

# Typecheck, lint and run every test: what CI runs
test: typecheck lint unit

# Typecheck the whole tree (strict, no emit)
typecheck:
    npx tsc -p tsconfig.json --noEmit

# Type-aware lint (forbids floating and misused promises)
lint:
    npx eslint . --max-warnings 0

# Run the unit, property and conformance tests once
unit:
    npx vitest run

# Compile to dist/ (the `iofog-router` bin runs from there; `npm ci` does this too)
build:
    npx tsc -p tsconfig.build.json
