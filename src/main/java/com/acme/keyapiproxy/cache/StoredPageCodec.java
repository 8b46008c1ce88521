package com.acme.keyapiproxy.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored page as bytes for the shared cache, prepared answer and all, so every replica
 * answers a page with the same bytes, tag and fetch time. Whether it is superseded is not
 * part of it: that is kept per influencer.
 */
public final class StoredPageCodec {

	private static final int FORMAT = 1;

	private StoredPageCodec() {
	}

	public static byte[] encode(StoredPage page) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(page.weight());
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(FORMAT);
			out.writeLong(page.fetchedAt().getEpochSecond());
			out.writeInt(page.fetchedAt().getNano());
			out.writeBoolean(page.requestId() != null);
			if (page.requestId() != null) {
				out.writeUTF(page.requestId());
			}
			out.writeUTF(page.etag());
			writeBytes(out, page.body());
			out.writeInt(page.items().size());
			for (byte[] item : page.items()) {
				writeBytes(out, item);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/**
	 * @throws IllegalArgumentException when the bytes are not a page of this format
	 */
	public static StoredPage decode(byte[] encoded, boolean superseded) {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
			int format = in.readByte();
			if (format != FORMAT) {
				throw new IllegalArgumentException("unknown page format " + format);
			}
			Instant fetchedAt = Instant.ofEpochSecond(in.readLong(), in.readInt());
			String requestId = in.readBoolean() ? in.readUTF() : null;
			String etag = in.readUTF();
			byte[] body = readBytes(in);
			int count = in.readInt();
			List<byte[]> items = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				items.add(readBytes(in));
			}
			return new StoredPage(List.copyOf(items), requestId, fetchedAt, body, etag, superseded);
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalArgumentException("Not a stored page: " + ex, ex);
		}
	}

	private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
		out.writeInt(bytes.length);
		out.write(bytes);
	}

	private static byte[] readBytes(DataInputStream in) throws IOException {
		byte[] bytes = new byte[in.readInt()];
		in.readFully(bytes);
		return bytes;
	}

}
