package com.acme.keyapiproxy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.acme.keyapiproxy.KeyApiProxyApplication;

/**
 * A single-instance proxy in a JVM of its own, on a ledger file the test chooses, so that
 * it can be ended as a pod is — stopped (SIGTERM, and Boot's graceful shutdown), or
 * killed (SIGKILL) — and a new one started on the same files. Started with flags that
 * shorten a JVM's start (C1 only, Serial GC); its output goes to a file under
 * {@code target/}.
 */
public final class ProxyProcess implements AutoCloseable {

	private static final Duration READY_WITHIN = Duration.ofSeconds(90);

	private final Process process;

	private final ProxyClient client;

	private final Path log;

	private ProxyProcess(Process process, ProxyClient client, Path log) {
		this.process = process;
		this.client = client;
		this.log = log;
	}

	/**
	 * Starts a proxy in front of {@code keyApiBaseUrl} with its ledger at
	 * {@code ledgerFile} and these properties ({@code name=value}) on top, and waits
	 * until it is ready.
	 */
	public static ProxyProcess start(Path ledgerFile, String keyApiBaseUrl, String... properties) {
		try {
			int port = freePort();
			int managementPort = freePort();
			List<String> command = new ArrayList<>(List.of(
					Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
					"-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
					KeyApiProxyApplication.class.getName(), "--server.port=" + port,
					"--management.server.port=" + managementPort, "--keyapi.api-key=" + KeyApiStubs.API_KEY,
					"--keyapi.base-url=" + keyApiBaseUrl, "--proxy.budget.file=" + ledgerFile));
			for (String property : properties) {
				command.add("--" + property);
			}
			Path log = Files.createDirectories(Paths.get("target", "test-proxies"))
				.resolve("proxy-" + UUID.randomUUID() + ".log");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			ProxyProcess proxy = new ProxyProcess(process, new ProxyClient(port, managementPort), log);
			Eventually.until("the proxy in its own JVM is ready (log: " + log + ")", READY_WITHIN,
					() -> !process.isAlive() || proxy.isReady());
			if (!process.isAlive()) {
				throw new IllegalStateException("The proxy ended before it was ready; its log: " + log);
			}
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public ProxyClient client() {
		return this.client;
	}

	public Path log() {
		return this.log;
	}

	/**
	 * Stops it as an orchestrator does (SIGTERM) and waits for it to exit.
	 * @return its exit status (143 after a shutdown on SIGTERM)
	 */
	public int stop() {
		this.process.destroy();
		return exitStatus();
	}

	/**
	 * Kills it (SIGKILL): no shutdown hook, nothing flushed.
	 * @return its exit status (137)
	 */
	public int kill() {
		this.process.destroyForcibly();
		return exitStatus();
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

	private int exitStatus() {
		try {
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The proxy did not exit within 60 s; its log: " + this.log);
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private boolean isReady() {
		try {
			return this.client.management("/actuator/health/readiness").statusCode() == 200;
		}
		catch (RuntimeException notYet) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
