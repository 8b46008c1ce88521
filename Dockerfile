# keyapi-proxy's image. Build the jar first, then the image:
#   mvn -B package -DskipTests && docker build -t keyapi-proxy:0.1.0 .
# Run: docker run -e KEYAPI_API_KEY="$KEY" -p 8080:8080 -p 8081:8081 -v keyapi-ledger:/data keyapi-proxy:0.1.0
# No key or secret is baked in: KEYAPI_API_KEY comes from the environment at run time.

# Stage 1: split the executable jar into layers, most stable first, so a release only ships the layers that changed.
FROM eclipse-temurin:25.0.3_9-jre-noble AS layers
WORKDIR /build
COPY target/keyapi-proxy.jar keyapi-proxy.jar
RUN java -Djarmode=tools -jar keyapi-proxy.jar extract --layers --destination extracted

# Stage 2: the runtime, as a non-root user, with a class-data-sharing archive made by a training run.
FROM eclipse-temurin:25.0.3_9-jre-noble
RUN groupadd --system --gid 10001 proxy \
 && useradd --system --uid 10001 --gid proxy --no-create-home --home-dir /app proxy \
 && mkdir -p /data \
 && chown proxy:proxy /data
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./

# CDS: start the application up to the refresh of its context (KeyAPI is never called at start) and archive the
# classes it loaded; the start then takes about half as long. The key here is a placeholder for this step only.
# The training run takes the same module flag as the real one, or the archive would not match it.
RUN KEYAPI_API_KEY=cds-training-placeholder PROXY_BUDGET_FILE=/tmp/cds-training/credits \
    java --enable-native-access=ALL-UNNAMED -Xlog:cds=off -XX:ArchiveClassesAtExit=keyapi-proxy.jsa \
         -Dspring.context.exit=onRefresh -jar keyapi-proxy.jar \
 && rm -rf /tmp/cds-training

ENV PROXY_BUDGET_FILE=/data/credits
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080 8081
# Exec form: java is PID 1 and gets SIGTERM, and Boot's graceful shutdown (server.shutdown=graceful) lets in-flight
# requests finish. The heap follows the container's memory limit. Netty wants native access on Java 25; the JDK's
# own base archive was dumped without that flag, which CDS reports (harmlessly) at every start: -Xlog:cds=off.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:SharedArchiveFile=keyapi-proxy.jsa", "-Xshare:auto", \
            "-Xlog:cds=off", "--enable-native-access=ALL-UNNAMED", "-jar", "keyapi-proxy.jar"]
