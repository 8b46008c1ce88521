package com.acme.keyapiproxy.support;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Bytes straight onto a socket, for the requests HTTP clients refuse to send (malformed
 * request lines, bare NULs, header floods, unknown versions): what a careless or hostile
 * caller can put on the wire. The request is sent whole, the sending side closed, and the
 * answer read to the end of the connection.
 */
public final class RawHttp {

	private final int port;

	public RawHttp(int port) {
		this.port = port;
	}

	public Response send(String request) {
		return send(request.getBytes(StandardCharsets.ISO_8859_1));
	}

	public Response send(byte[] request) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			out.write(request);
			out.flush();
			socket.shutdownOutput();
			return Response.parse(socket.getInputStream().readAllBytes());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** One HTTP/1.1 answer: its status, header lines and (de-chunked) body. */
	public record Response(int status, List<String> headerLines, String body) {

		static Response parse(byte[] bytes) {
			String text = new String(bytes, StandardCharsets.ISO_8859_1);
			int headEnd = text.indexOf("\r\n\r\n");
			if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
				throw new IllegalStateException("Not an HTTP/1.1 answer: " + text);
			}
			List<String> lines = List.of(text.substring(0, headEnd).split("\r\n"));
			int status = Integer.parseInt(lines.get(0).substring(9, 12));
			byte[] rest = new byte[bytes.length - headEnd - 4];
			System.arraycopy(bytes, headEnd + 4, rest, 0, rest.length);
			List<String> headers = new ArrayList<>(lines.subList(1, lines.size()));
			boolean chunked = headers.stream()
				.anyMatch((line) -> line.toLowerCase(Locale.ROOT).equals("transfer-encoding: chunked"));
			byte[] body = chunked ? dechunk(rest) : rest;
			return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
		}

		public Optional<String> header(String name) {
			String prefix = name.toLowerCase(Locale.ROOT) + ":";
			return this.headerLines.stream()
				.filter((line) -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
				.map((line) -> line.substring(prefix.length()).trim())
				.findFirst();
		}

		private static byte[] dechunk(byte[] chunked) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			InputStream in = new ByteArrayInputStream(chunked);
			try {
				while (true) {
					String sizeLine = line(in);
					int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
					if (size == 0) {
						return body.toByteArray();
					}
					body.write(in.readNBytes(size));
					line(in);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private static String line(InputStream in) throws IOException {
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = in.read()) != -1 && c != '\n') {
				if (c != '\r') {
					line.append((char) c);
				}
			}
			return line.toString();
		}

	}

}
