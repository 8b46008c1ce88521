# Sourced by deploy/image-check.sh: local stand-ins for the public images the Dockerfile and the compose file name,
# since no registry is reachable here. Each is tagged with the very name it stands in for, so both files are built
# and run unchanged. An image is rebuilt only when its folder under deploy/stand-ins changes.

STAND_INS=deploy/stand-ins
DEBIAN_BASE=keyapi-stand-in/debian:bookworm-minbase
STAND_IN_JDK=${STAND_IN_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}

# What a stand-in is made of: its folder and the image it starts from.
fingerprint() { { cat "$STAND_INS/$1"/*; docker image inspect -f '{{.Id}}' "$2"; } | sha256sum | cut -c1-16; }

# build_stand_in folder tag base context
build_stand_in() {
  local folder=$1 tag=$2 base=$3 context=$4 made_of
  made_of=$(fingerprint "$folder" "$base")
  if [ "$(docker image inspect -f '{{index .Config.Labels "stand-in"}}' "$tag" 2>/dev/null)" = "$made_of" ]; then
    echo "  $tag: cached"
    return
  fi
  echo "  $tag: building"
  quiet_build --network host --label "stand-in=$made_of" --build-arg "BASE=$base" -t "$tag" \
    -f "$STAND_INS/$folder/Dockerfile" "$context" || fail "building the stand-in $tag"
}

debian_base() {
  docker image inspect "$DEBIAN_BASE" >/dev/null 2>&1 && return
  local rootfs="$CACHE/rootfs"
  if [ ! -f "$rootfs/.complete" ]; then
    echo "  debootstrap --variant=minbase bookworm (once per machine)"
    rm -rf "$rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$RUN_DIR/debootstrap.log" 2>&1 \
      || fail "debootstrap (see $RUN_DIR/debootstrap.log)"
    # As in Docker's own Debian images: package scripts never start services, and no download caches are kept.
    printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d" && chmod +x "$rootfs/usr/sbin/policy-rc.d"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    touch "$rootfs/.complete"
  fi
  tar -C "$rootfs" --exclude=./.complete -c . | docker import - "$DEBIAN_BASE" >/dev/null
}

wiremock_jar() {
  local version=$1 jar="$HOME/.m2/repository/org/wiremock/wiremock-standalone/$1/wiremock-standalone-$1.jar"
  [ -f "$jar" ] || mvn -B -q dependency:get -Dartifact="org.wiremock:wiremock-standalone:$version" >&2
  echo "$jar"
}

compose_image() { grep -oE "image: *$1:[^ ]+" docker-compose.yml | head -1 | sed 's/image: *//'; }

build_stand_ins() {
  step "stand-in base images"
  [ -x "$STAND_IN_JDK/bin/java" ] || fail "no JDK at $STAND_IN_JDK for the Temurin stand-in (set STAND_IN_JDK to a Temurin 25)"
  debian_base
  local temurin; temurin=$(grep -m1 -oE '^FROM [^ ]+' Dockerfile | cut -d' ' -f2)
  build_stand_in temurin "$temurin" "$DEBIAN_BASE" "$STAND_IN_JDK"

  local wiremock context="$RUN_DIR/wiremock-context"
  wiremock=$(compose_image wiremock/wiremock)
  mkdir -p "$context" && cp "$STAND_INS/wiremock/"* "$context/"
  cp "$(wiremock_jar "${wiremock##*:}")" "$context/wiremock-standalone.jar"
  build_stand_in wiremock "$wiremock" "$temurin" "$context"
  build_stand_in redis "$(compose_image redis)" "$DEBIAN_BASE" "$STAND_INS/redis"
  build_stand_in nginx "$(compose_image nginx)" "$DEBIAN_BASE" "$STAND_INS/nginx"
  build_stand_in prometheus "$(compose_image prom/prometheus)" "$DEBIAN_BASE" "$STAND_INS/prometheus"
}
