# docker buildx bake -f router-build/docker-bake.hcl [runtime | dev | all] [--push | --load]
#
# Run from the repository root: the build context is "." (the root), the Containerfile is
# router-build/Containerfile and its ignore file router-build/Containerfile.dockerignore.
# Every variable can be set from the environment of the same name, e.g.
#   VERSION=0.2.0 IMAGE=ghcr.io/example/iofog-router docker buildx bake -f router-build/docker-bake.hcl --push

# Image name, without tag.
variable "IMAGE" {
  default = "iofog-router"
}

# Image version: the tag and the org.opencontainers.image.version label.
variable "VERSION" {
  default = "0.0.0-dev"
}

# Commit the image is built from (org.opencontainers.image.revision).
variable "REVISION" {
  default = ""
}

# Repository URL (org.opencontainers.image.source).
variable "SOURCE" {
  default = ""
}

# The released router image and its digest ("sha256:..."): the digest pins what is built.
# linux/arm/v7 and linux/riscv64 have no upstream image: set ROUTER_IMAGE to one built for them
# (router-build/README.md).
variable "ROUTER_IMAGE" {
  default = "quay.io/skupper/skupper-router:3.5.1"
}

variable "ROUTER_DIGEST" {
  # Release builds set this (README: "Pinning the router"). Empty builds from the tag, with a warning.
  default = ""
}

# Version the router must report (`skrouterd --version`); the build fails otherwise.
variable "SKUPPER_ROUTER_VERSION" {
  default = "3.5.1"
}

variable "NODE_IMAGE" {
  default = "docker.io/library/node:20.20.2-bookworm-slim"
}

# Where libstdc++ and libgcc_s for Node come from: the router image's distribution.
variable "LIBS_IMAGE" {
  default = "registry.access.redhat.com/ubi9/ubi-minimal:latest"
}

variable "LIBS_DIR" {
  default = "/usr/lib64"
}

# Comma-separated target platforms.
variable "PLATFORMS" {
  default = "linux/amd64,linux/arm64"
}

group "default" {
  targets = ["runtime"]
}

group "all" {
  targets = ["runtime", "dev"]
}

target "_common" {
  context    = "."
  dockerfile = "router-build/Containerfile"
  platforms  = split(",", PLATFORMS)
  args = {
    ROUTER_IMAGE           = ROUTER_IMAGE
    ROUTER_DIGEST          = ROUTER_DIGEST
    SKUPPER_ROUTER_VERSION = SKUPPER_ROUTER_VERSION
    NODE_IMAGE             = NODE_IMAGE
    LIBS_IMAGE             = LIBS_IMAGE
    LIBS_DIR               = LIBS_DIR
    VERSION                = VERSION
    REVISION               = REVISION
    SOURCE                 = SOURCE
  }
}

# The product image: pinned router, labels, HEALTHCHECK, build-time checks.
target "runtime" {
  inherits = ["_common"]
  target   = "runtime"
  tags     = ["${IMAGE}:${VERSION}"]
}

# Local work: the controller over ROUTER_IMAGE by tag (e.g. a locally built skupper-router).
target "dev" {
  inherits = ["_common"]
  target   = "dev"
  tags     = ["${IMAGE}:dev"]
}
