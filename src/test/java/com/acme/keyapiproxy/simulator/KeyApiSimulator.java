package com.acme.keyapiproxy.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for KeyAPI's livestream endpoint, for running the proxy without a key
 * and for benchmarks. It serves plausible, deterministic pages for any numeric user id
 * (the same id always has the same history), checks the bearer key, and answers 429 like
 * the vendor would when more than {@code qps} requests arrive in any sliding second. Test
 * scope only: none of this ships in the jar.
 */
public final class KeyApiSimulator implements AutoCloseable {

	public static final String PATH = "/v1/tiktok/influencer/livestreams/analytics";

	private static final String[] NICKNAMES = { "POP MART US SHOP", "Glow Lab Beauty", "Kitchen Hero Live",
			"Sneaker Drops Daily", "Cozy Home Finds", "Tech Deals Tonight" };

	private static final String[] TITLES = { "NEW FREEBIES!!!", "Flash sale: 50% off everything",
			"Unboxing the new collection", "Q&A + giveaways", "Restock night", "Live demo, ask me anything" };

	private static final String[] REGIONS = { "US", "GB", "ID", "MY", "TH", "VN", "PH" };

	/**
	 * Newest livestream of every simulated influencer starts here; older ones go back
	 * from it.
	 */
	private static final long NEWEST_START = 1_763_942_400L;

	private final HttpServer server;

	private final String apiKey;

	private final SlidingSecondLimit limit;

	private final AtomicLong requests = new AtomicLong();

	private KeyApiSimulator(HttpServer server, String apiKey, int qps) {
		this.server = server;
		this.apiKey = apiKey;
		this.limit = new SlidingSecondLimit(qps);
	}

	public static KeyApiSimulator start(int port, String apiKey, int qps) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
		KeyApiSimulator simulator = new KeyApiSimulator(server, apiKey, qps);
		server.createContext(PATH, simulator::handle);
		server.setExecutor(Executors.newFixedThreadPool(4));
		server.start();
		return simulator;
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	public long requests() {
		return this.requests.get();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	private void handle(HttpExchange exchange) throws IOException {
		this.requests.incrementAndGet();
		try (exchange) {
			if (!("Bearer " + this.apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
				send(exchange, 401, error(401, "Invalid API key"));
				return;
			}
			if (!this.limit.admit(System.nanoTime())) {
				send(exchange, 429, error(429, "qps limit exceeded"));
				return;
			}
			Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
			String userId = query.getOrDefault("user_id", "");
			int page = intOrZero(query.get("page_num"));
			int size = intOrZero(query.get("page_size"));
			if (!userId.matches("[0-9]{1,20}") || page < 1 || page > 100_000 || size < 1 || size > 10) {
				send(exchange, 400, error(400, "Invalid parameters"));
				return;
			}
			send(exchange, 200, page(userId, page, size));
		}
	}

	/**
	 * The page a given influencer has: between 5 and 124 livestreams, newest first,
	 * always the same.
	 */
	static String page(String userId, int page, int size) {
		long seed = userId.hashCode() & 0x7fffffffL;
		int total = 5 + (int) (seed % 120);
		StringBuilder items = new StringBuilder("[");
		for (int index = (page - 1) * size; index < Math.min(total, (long) page * size); index++) {
			if (items.length() > 1) {
				items.append(',');
			}
			items.append(item(userId, seed, index));
		}
		items.append(']');
		return "{\"code\":0,\"message\":\"success\",\"data\":" + items + ",\"requestId\":\""
				+ UUID.nameUUIDFromBytes((userId + ":" + page + ":" + size).getBytes(StandardCharsets.UTF_8)) + "\"}";
	}

	private static String item(String userId, long seed, int index) {
		long mix = (seed * 31 + index) * 2654435761L & 0x7fffffffL;
		long start = NEWEST_START - index * 86_400L - (mix % 30_000);
		long duration = 1_800 + mix % 18_000;
		long views = 500 + mix % 50_000;
		long sales = mix % 400;
		String roomId = "73" + String.format("%017d", (seed * 1_000_003L + index * 7_919L) % 100_000_000_000_000_000L);
		return "{\"cover_url\":\"https://echosell-images.tos-ap-southeast-1.volces.com/live-cover/" + (mix % 100) + "/"
				+ roomId + ".jpeg\",\"create_time\":" + start + ",\"duration\":" + duration + ",\"finish_time\":"
				+ (start + duration) + ",\"nick_name\":\"" + NICKNAMES[(int) (seed % NICKNAMES.length)]
				+ "\",\"region\":\"" + REGIONS[(int) (seed % REGIONS.length)] + "\",\"room_id\":\"" + roomId
				+ "\",\"title\":\"" + TITLES[(int) (mix % TITLES.length)] + "\",\"total_comments_cnt\":" + (mix % 900)
				+ ",\"total_digg_cnt\":" + (mix % 20_000) + ",\"total_followers_cnt\":" + (mix % 300)
				+ ",\"total_joins_cnt\":" + (views * 4 / 5) + ",\"total_product_cnt\":" + (1 + mix % 120)
				+ ",\"total_sale_cnt\":" + sales + ",\"total_sale_gmv_amt\":" + (sales * 2173 % 100_000) / 100.0
				+ ",\"total_views_cnt\":" + views + ",\"user_id\":\"" + userId + "\"}";
	}

	private static String error(int code, String message) {
		return "{\"code\":" + code + ",\"data\":null,\"message\":\"" + message + "\"}";
	}

	private static void send(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static Map<String, String> query(String rawQuery) {
		Map<String, String> values = new HashMap<>();
		if (rawQuery != null) {
			for (String pair : rawQuery.split("&")) {
				int equals = pair.indexOf('=');
				if (equals > 0) {
					values.put(pair.substring(0, equals),
							URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return values;
	}

	private static int intOrZero(String value) {
		return (value != null && value.matches("[0-9]{1,6}")) ? Integer.parseInt(value) : 0;
	}

}
