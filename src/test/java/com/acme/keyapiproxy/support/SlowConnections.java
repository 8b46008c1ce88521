package com.acme.keyapiproxy.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * A loopback TCP relay that holds each new connection for a while before it reaches the
 * server behind it, as a far vendor, a slow handshake or a middlebox would: bytes the
 * client writes meanwhile wait in the relay. Once through, a connection relays at once.
 */
public final class SlowConnections implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final Duration delay;

	private SlowConnections(int targetPort, Duration delay) throws IOException {
		this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
		this.targetPort = targetPort;
		this.delay = delay;
		daemon(this::accept, "slow-connections");
	}

	public static SlowConnections to(int targetPort, Duration delay) throws IOException {
		return new SlowConnections(targetPort, delay);
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.getLocalPort();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				daemon(() -> relay(client), "slow-connection");
			}
			catch (IOException closed) {
				return;
			}
		}
	}

	private void relay(Socket client) {
		try {
			Thread.sleep(this.delay.toMillis());
			Socket target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
			target.setTcpNoDelay(true);
			client.setTcpNoDelay(true);
			daemon(() -> pipe(target, client), "slow-connection-back");
			pipe(client, target);
		}
		catch (IOException | InterruptedException ex) {
			closeQuietly(client);
		}
	}

	private static void pipe(Socket from, Socket to) {
		byte[] buffer = new byte[8192];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException closed) {
			// Either side went away.
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private static void daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Closing.
		}
	}

}
