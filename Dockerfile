# keyapi-proxy's image. Build the jar first, then the image:
#   mvn -B package -DskipTests && docker build -t keyapi-proxy:0.1.0 .
# Run: docker run --read-only --tmpfs /tmp -e KEYAPI_API_KEY="$KEY" -p 8080:8080 -p 8081:8081 \
#        -v keyapi-ledger:/data keyapi-proxy:0.1.0
# No key or secret is baked in: KEYAPI_API_KEY comes from the environment at run time.
# deploy/image-check.sh builds and runs it exactly so (CI does, on every change).

# Stage 1: split the executable jar into layers, most stable first: a release with new application code and the same
# dependencies reuses the dependency layers and ships the application layer and the CDS archive made from it.
FROM eclipse-temurin:25.0.5_8-jre-noble AS layers
WORKDIR /build
COPY target/keyapi-proxy.jar keyapi-proxy.jar
RUN java -Djarmode=tools -jar keyapi-proxy.jar extract --layers --destination extracted

# Stage 2: the runtime, as a non-root user, with a class-data-sharing archive made by a training run.
# The base ships a system user and group "proxy" (uid 13): this one is named so it cannot clash.
FROM eclipse-temurin:25.0.5_8-jre-noble
RUN groupadd --system --gid 10001 keyapi-proxy \
 && useradd --system --uid 10001 --gid keyapi-proxy --no-create-home --home-dir /app --shell /usr/sbin/nologin keyapi-proxy \
 && mkdir -p /data \
 && chown keyapi-proxy:keyapi-proxy /data
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
# SQLite's native library (the page cache on disk), for this machine's architecture: loaded from here, not unpacked
# into /tmp at every start (a tmpfs there may be mounted noexec).
COPY target/sqlite-native/org/sqlite/native/Linux/ native/
RUN ln -s "/app/native/$(uname -m)" /app/native/this-machine

# CDS: start the application up to the refresh of its context (KeyAPI is never called at start) and archive the
# classes it loaded; the start then takes about half as long. The key here is a placeholder for this step only.
# An archive is used only by a JVM with the same module flag and the same compressed-oops mode as the training run:
# +UseCompressedOops on both keeps that mode at every heap size (it caps the heap just under 32 GB, where the JVM
# would otherwise switch the mode off and silently drop the archive). The run writes nothing outside its own folder.
RUN mkdir /tmp/cds-training \
 && KEYAPI_API_KEY=cds-training-placeholder PROXY_BUDGET_FILE=/tmp/cds-training/credits \
    java --enable-native-access=ALL-UNNAMED -XX:+UseCompressedOops -XX:-UsePerfData -Xlog:cds=off \
         -Dorg.sqlite.lib.path=/app/native/this-machine -Dorg.sqlite.lib.name=libsqlitejdbc.so \
         -Djava.io.tmpdir=/tmp/cds-training -XX:ArchiveClassesAtExit=keyapi-proxy.jsa \
         -Dspring.context.exit=onRefresh -jar keyapi-proxy.jar \
 && rm -rf /tmp/cds-training

ENV PROXY_BUDGET_FILE=/data/credits
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080 8081
# Ready means the readiness group is UP; the image has no curl, so bash asks the management port itself. Six retries
# give a slow start 30 s (no --start-period: dockerfilelint 1.8 misreads the option's hyphen as an unknown option).
HEALTHCHECK --interval=5s --timeout=3s --retries=6 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8081 && printf 'GET /actuator/health/readiness HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# Exec form: java is PID 1 and gets SIGTERM, and Boot's graceful shutdown (server.shutdown=graceful) lets in-flight
# requests finish. The heap follows the container's memory limit. Netty wants native access on Java 25; the JDK's
# own base archive was dumped without that flag, which CDS reports (harmlessly) at every start: -Xlog:cds=off.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+UseCompressedOops", "-XX:SharedArchiveFile=keyapi-proxy.jsa", \
            "-Xshare:auto", "-Xlog:cds=off", "--enable-native-access=ALL-UNNAMED", \
            "-Dorg.sqlite.lib.path=/app/native/this-machine", "-Dorg.sqlite.lib.name=libsqlitejdbc.so", \
            "-jar", "keyapi-proxy.jar"]
