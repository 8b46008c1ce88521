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

/**
 * A replica of {@link ProxyReplicas} in a JVM of its own, so that a test can have it
 * stopped whole — every thread at once, lease renewals included — as a long GC pause, a
 * frozen VM or a {@code SIGSTOP} stops a pod, and resumed. Linux only: its state is read
 * from {@code /proc}, signals are sent with {@code kill(1)}. Its output goes to a file
 * under {@code target/}.
 */
public final class ReplicaProcess implements AutoCloseable {

	private final Process process;

	private final ProxyClient client;

	private final Path log;

	private ReplicaProcess(Process process, ProxyClient client, Path log) {
		this.process = process;
		this.client = client;
		this.log = log;
	}

	/** Whether this machine can stop and resume a process and see that it is stopped. */
	public static boolean supported() {
		return Files.isReadable(Paths.get("/proc/self/stat"));
	}

	/**
	 * Starts {@code main} (a class whose {@code main} runs the proxy, maybe with test
	 * hooks) with the replicas' common properties and these on top, and waits until it is
	 * ready.
	 */
	public static ReplicaProcess start(ProxyReplicas replicas, Class<?> main, String... properties) {
		try {
			int port = freePort();
			int managementPort = freePort();
			List<String> own = new ArrayList<>(List.of(properties));
			own.add("server.port=" + port);
			own.add("management.server.port=" + managementPort);
			List<String> command = new ArrayList<>(
					List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
							System.getProperty("java.class.path"), main.getName()));
			command.addAll(List.of(replicas.arguments(own.toArray(String[]::new))));
			Path log = Files.createDirectories(Paths.get("target", "test-replicas"))
				.resolve(main.getSimpleName() + "-" + UUID.randomUUID() + ".log");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			ReplicaProcess replica = new ReplicaProcess(process, new ProxyClient(port, managementPort), log);
			Eventually.until("the replica in its own JVM is ready (log: " + log + ")", Duration.ofSeconds(90),
					() -> !process.isAlive() || replica.isReady());
			if (!process.isAlive()) {
				throw new IllegalStateException("The replica ended before it was ready; its log: " + log);
			}
			return replica;
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
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
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
