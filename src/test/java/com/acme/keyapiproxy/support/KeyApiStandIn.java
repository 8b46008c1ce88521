package com.acme.keyapiproxy.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.acme.keyapiproxy.simulator.SlidingSecondLimit;

/**
 * An independent KeyAPI for pacing tests, written on plain sockets with a thread per
 * connection, so each request is stamped the moment its request line arrives (not after a
 * framework has parsed and dispatched it). Like the vendor, it refuses with 429
 * {@code qps limit exceeded} a request that would make more than {@code limit} accepted
 * requests in one sliding second; it can answer after a delay, like a slow vendor.
 */
public final class KeyApiStandIn implements AutoCloseable {

	private static final String PAGE = "{\"code\":0,\"message\":\"success\",\"data\":["
			+ KeyApiStubs.item("7321509771910417101") + "," + KeyApiStubs.item("7321509771910417102")
			+ "],\"requestId\":\"ec8e5830-2766-4199-a054-f5e5b8708b91\"}";

	private static final String REFUSAL = "{\"code\":429,\"data\":null,\"message\":\"qps limit exceeded\"}";

	private final ServerSocket server;

	private final SlidingSecondLimit limit;

	private final Duration answerDelay;

	private final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());

	private final List<Long> refusals = Collections.synchronizedList(new ArrayList<>());

	private final List<Socket> connections = Collections.synchronizedList(new ArrayList<>());

	private KeyApiStandIn(int limit, Duration answerDelay) throws IOException {
		this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
		this.limit = new SlidingSecondLimit(limit);
		this.answerDelay = answerDelay;
		Thread acceptor = new Thread(this::accept, "keyapi-stand-in");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * A stand-in that refuses above {@code limit} requests in any sliding second,
	 * answering at once.
	 */
	public static KeyApiStandIn limitedTo(int limit) throws IOException {
		return new KeyApiStandIn(limit, Duration.ZERO);
	}

	/**
	 * A stand-in that refuses above {@code limit} requests in any sliding second,
	 * answering after a delay.
	 */
	public static KeyApiStandIn limitedTo(int limit, Duration answerDelay) throws IOException {
		return new KeyApiStandIn(limit, answerDelay);
	}

	public int port() {
		return this.server.getLocalPort();
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	/** When each request arrived ({@code System.nanoTime()}), in order. */
	public List<Long> arrivalNanos() {
		synchronized (this.arrivals) {
			return this.arrivals.stream().sorted().toList();
		}
	}

	/** When each refused request arrived ({@code System.nanoTime()}), in order. */
	public List<Long> refusalNanos() {
		synchronized (this.refusals) {
			return this.refusals.stream().sorted().toList();
		}
	}

	/**
	 * The most requests that arrived within any one second, however the second is placed.
	 */
	public static int mostInAnySlidingSecond(List<Long> sortedNanos) {
		int most = 0;
		int first = 0;
		for (int last = 0; last < sortedNanos.size(); last++) {
			while (sortedNanos.get(last) - sortedNanos.get(first) >= TimeUnit.SECONDS.toNanos(1)) {
				first++;
			}
			most = Math.max(most, last - first + 1);
		}
		return most;
	}

	/**
	 * Closes every open connection, as a vendor closing idle connections would; new
	 * requests open new ones.
	 */
	public void closeConnections() {
		synchronized (this.connections) {
			for (Socket connection : this.connections) {
				closeQuietly(connection);
			}
			this.connections.clear();
		}
	}

	@Override
	public void close() {
		closeConnections();
		closeQuietly(this.server);
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket connection = this.server.accept();
				connection.setTcpNoDelay(true);
				this.connections.add(connection);
				Thread serving = new Thread(() -> serve(connection), "keyapi-stand-in-connection");
				serving.setDaemon(true);
				serving.start();
			}
			catch (IOException closed) {
				return;
			}
		}
	}

	private void serve(Socket connection) {
		try (connection) {
			InputStream in = new BufferedInputStream(connection.getInputStream());
			OutputStream out = connection.getOutputStream();
			while (true) {
				String requestLine = readLine(in);
				if (requestLine == null) {
					return;
				}
				long arrived = System.nanoTime();
				while (!readLine(in).isEmpty()) {
					// Headers: a GET has no body.
				}
				this.arrivals.add(arrived);
				boolean admitted = this.limit.admit(arrived);
				if (!admitted) {
					this.refusals.add(arrived);
				}
				else if (!this.answerDelay.isZero()) {
					Thread.sleep(this.answerDelay.toMillis());
				}
				write(out, admitted ? 200 : 429, admitted ? PAGE : REFUSAL);
			}
		}
		catch (IOException | InterruptedException | NullPointerException gone) {
			// The connection was closed.
		}
	}

	private static void write(OutputStream out, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		String head = "HTTP/1.1 " + status + ((status == 200) ? " OK" : " Too Many Requests")
				+ "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
		out.write(head.getBytes(StandardCharsets.US_ASCII));
		out.write(bytes);
		out.flush();
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				int length = line.length();
				return (length > 0 && line.charAt(length - 1) == '\r') ? line.substring(0, length - 1)
						: line.toString();
			}
			line.append((char) b);
		}
		return (line.length() > 0) ? line.toString() : null;
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// Closing.
		}
	}

}
