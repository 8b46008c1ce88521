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
import java.util.function.BiFunction;

import com.acme.keyapiproxy.KeyApiProxyApplication;

/**
 * A proxy in a JVM of its own, so that a test can end it as a pod is ended — stopped
 * (SIGTERM, and Boot's graceful shutdown) or killed (SIGKILL) — and start a new one on
 * the same files, or have it stopped whole ({@code SIGSTOP}: every thread at once, lease
 * renewals included, as a long GC pause or a frozen VM stops a pod) and resumed. Linux
 * only for the latter: its state is read from {@code /proc}, signals are sent with
 * {@code kill(1)}. Its output goes to a file under {@code target/}.
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

	/** Whether this machine can stop and resume a process and see that it is stopped. */
	public static boolean canBeStoppedWhole() {
		return Files.isReadable(Paths.get("/proc/self/stat"));
	}

	/**
	 * Starts a single-instance proxy in front of {@code keyApiBaseUrl} with its ledger at
	 * {@code ledgerFile} and these properties ({@code name=value}) on top, with flags
	 * that shorten a JVM's start (C1 only, Serial GC), and waits until it is ready.
	 */
	public static ProxyProcess start(Path ledgerFile, String keyApiBaseUrl, String... properties) {
		return start(KeyApiProxyApplication.class,
				List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"), (port, managementPort) -> {
					List<String> arguments = new ArrayList<>(List.of("--server.port=" + port,
							"--management.server.port=" + managementPort, "--keyapi.api-key=" + KeyApiStubs.API_KEY,
							"--keyapi.base-url=" + keyApiBaseUrl, "--proxy.budget.file=" + ledgerFile));
					for (String property : properties) {
						arguments.add("--" + property);
					}
					return arguments;
				});
	}

	/**
	 * Starts {@code main} (a class whose {@code main} runs the proxy, maybe with test
	 * hooks) as a replica of {@code replicas}, with their common properties and these on
	 * top, and waits until it is ready.
	 */
	public static ProxyProcess startReplica(ProxyReplicas replicas, Class<?> main, String... properties) {
		return start(main, List.of(), (port, managementPort) -> {
			List<String> own = new ArrayList<>(List.of(properties));
			own.add("server.port=" + port);
			own.add("management.server.port=" + managementPort);
			return List.of(replicas.arguments(own.toArray(String[]::new)));
		});
	}

	/**
	 * {@code arguments} gets the two free ports chosen for it: the API's and the
	 * management one.
	 */
	private static ProxyProcess start(Class<?> main, List<String> jvmFlags,
			BiFunction<Integer, Integer, List<String>> arguments) {
		try {
			int port = freePort();
			int managementPort = freePort();
			List<String> command = new ArrayList<>();
			command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(jvmFlags);
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
			command.addAll(arguments.apply(port, managementPort));
			Path log = Files.createDirectories(Paths.get("target", "test-proxies"))
				.resolve(main.getSimpleName() + "-" + UUID.randomUUID() + ".log");
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

	/** Whether every thread of it is stopped ({@code SIGSTOP}), as the kernel says. */
	public boolean isStopped() {
		try {
			String stat = Files.readString(Paths.get("/proc", Long.toString(this.process.pid()), "stat"));
			// "pid (comm) S …": the state follows the command name, which may itself hold
			// spaces or parentheses.
			char state = stat.charAt(stat.lastIndexOf(')') + 2);
			return state == 'T' || state == 't';
		}
		catch (IOException gone) {
			return false;
		}
	}

	/** Lets a stopped replica go on ({@code SIGCONT}), where it was stopped. */
	public void resume() {
		signal("-CONT");
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

	private void signal(String signal) {
		try {
			int exit = new ProcessBuilder("kill", signal, Long.toString(this.process.pid())).inheritIO()
				.start()
				.waitFor();
			if (exit != 0) {
				throw new IllegalStateException("kill " + signal + " failed with " + exit);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
