# Sourced by tools/containers/*.sh: which container engine to use and how to call it.
#   ENGINE        docker when a Docker daemon answers, else podman (CONTAINER_ENGINE overrides)
#   BUILD_FLAGS   podman: --format docker (the OCI format drops HEALTHCHECK)
#   COMPOSE       the compose command for ENGINE (docker compose / podman-compose 1.6.0 from PyPI)
# shellcheck shell=bash disable=SC2034
_containers_repo="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
PODMAN_COMPOSE_VERSION=1.6.0
PODMAN_COMPOSE="$_containers_repo/.tools/podman-compose/bin/podman-compose"
if [ -z "${CONTAINER_ENGINE:-}" ]; then
  # /usr/local/bin/docker may be a client without a daemon: ask the daemon, not the PATH.
  if command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; then
    CONTAINER_ENGINE=docker
  else
    CONTAINER_ENGINE=podman
  fi
fi
ENGINE="$CONTAINER_ENGINE"
case "$ENGINE" in
  docker) BUILD_FLAGS=(); COMPOSE="docker compose" ;;
  # BUILDAH_FORMAT: `podman-compose build` / `up --build` keep HEALTHCHECK too.
  podman) BUILD_FLAGS=(--format docker); COMPOSE="$PODMAN_COMPOSE"; export BUILDAH_FORMAT=docker ;;
  *) echo "CONTAINER_ENGINE must be docker or podman, not '$ENGINE'" >&2; return 1 ;;
esac
export CONTAINER_ENGINE
