package com.acme.keyapiproxy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Debian's {@code redis-server}, run by the tests on a free loopback port with the
 * persistence the runbook asks for (AOF, {@code appendfsync everysec}) and a password, in
 * a directory under {@code target/}.
 */
final class LocalRedisServer implements SharedRedis {

	private static final List<String> CANDIDATES = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");

	/**
	 * Like a production Redis, it wants a password: so every shared-mode test also checks
	 * it never leaks.
	 */
	private static final String PASSWORD = "redis-test-" + UUID.randomUUID();

	private final String executable;

	private final Path directory;

	private final int port;

	private Process process;

	private LocalRedisServer(String executable, Path directory, int port) {
		this.executable = executable;
		this.directory = directory;
		this.port = port;
	}

	/** Debian's {@code redis-server}, or {@code null} when it is not installed. */
	static @Nullable String executable() {
		return CANDIDATES.stream()
			.filter((candidate) -> Files.isExecutable(Paths.get(candidate)))
			.findFirst()
			.orElse(null);
	}

	static LocalRedisServer startOnLoopback() {
		String executable = executable();
		if (executable == null) {
			throw new IllegalStateException("redis-server is not installed");
		}
		try {
			Path directory = Files.createDirectories(Paths.get("target", "test-redis", UUID.randomUUID().toString()));
			LocalRedisServer server = new LocalRedisServer(executable, directory.toAbsolutePath(), freePort());
			server.start();
			Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-redis-stop"));
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public String url() {
		return "redis://:" + PASSWORD + "@127.0.0.1:" + this.port;
	}

	@Override
	public String password() {
		return PASSWORD;
	}

	@Override
	public synchronized void start() {
		try {
			this.process = new ProcessBuilder(this.executable, "--bind", "127.0.0.1", "--port",
					Integer.toString(this.port), "--dir", this.directory.toString(), "--save", "", "--appendonly",
					"yes", "--appendfsync", "everysec", "--daemonize", "no", "--protected-mode", "yes", "--requirepass",
					PASSWORD)
				.redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		waitUntil(true);
	}

	@Override
	public synchronized void stop() {
		if (this.process != null && this.process.isAlive()) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			waitUntil(false);
		}
	}

	private void waitUntil(boolean accepting) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (accepts() != accepting) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("redis-server on port " + this.port + " did not "
						+ (accepting ? "start" : "stop") + "; see " + this.directory.resolve("redis.log"));
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	private boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			socket.getOutputStream().write("PING\r\n".getBytes());
			int reply = socket.getInputStream().read();
			return reply == '+' || reply == '-';
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
