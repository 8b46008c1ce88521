package com.acme.keyapiproxy.cache.disk;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import com.acme.keyapiproxy.cache.StoredPage;
import com.acme.keyapiproxy.cache.StoredPageCodec;

/**
 * A page as it is kept on disk: the shared cache's encoding behind a CRC-32C of it, so a
 * damaged or half-written record is found out before it could be answered.
 */
final class PageRecord {

	private static final int CHECKSUM_BYTES = 4;

	private PageRecord() {
	}

	static byte[] encode(StoredPage page) {
		byte[] encoded = StoredPageCodec.encode(page);
		return ByteBuffer.allocate(CHECKSUM_BYTES + encoded.length)
			.putInt(checksum(encoded, 0, encoded.length))
			.put(encoded)
			.array();
	}

	/**
	 * @param superseded whether a newer first page of its influencer was fetched after it
	 * @throws DamagedRecord when the bytes are not a whole page as it was written
	 */
	static StoredPage decode(byte[] record, boolean superseded) {
		if (record.length < CHECKSUM_BYTES) {
			throw new DamagedRecord("a record of " + record.length + " bytes");
		}
		int expected = ByteBuffer.wrap(record).getInt();
		if (checksum(record, CHECKSUM_BYTES, record.length - CHECKSUM_BYTES) != expected) {
			throw new DamagedRecord("a record whose checksum does not match its " + record.length + " bytes");
		}
		byte[] encoded = new byte[record.length - CHECKSUM_BYTES];
		System.arraycopy(record, CHECKSUM_BYTES, encoded, 0, encoded.length);
		try {
			return StoredPageCodec.decode(encoded, superseded);
		}
		catch (IllegalArgumentException unreadable) {
			throw new DamagedRecord(String.valueOf(unreadable.getMessage()));
		}
	}

	private static int checksum(byte[] bytes, int offset, int length) {
		CRC32C crc = new CRC32C();
		crc.update(bytes, offset, length);
		return (int) crc.getValue();
	}

	/** The record on disk is not a page this proxy wrote: it is dropped, never served. */
	static final class DamagedRecord extends RuntimeException {

		DamagedRecord(String what) {
			super(what, null, false, false);
		}

	}

}
