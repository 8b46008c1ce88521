#!/bin/sh
# As the real image: redis-server runs without protected mode, as the redis user.
if [ "$1" = "redis-server" ]; then
  shift
  exec setpriv --reuid=redis --regid=redis --init-groups redis-server --protected-mode no "$@"
fi
exec "$@"
