package com.acme.keyapiproxy.sharedstate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

import com.acme.keyapiproxy.KeyApiProxyApplication;
import com.acme.keyapiproxy.support.KeyApiStubs;

/**
 * The proxy, run in a JVM of its own ({@link com.acme.keyapiproxy.support.ProxyProcess}),
 * that stops itself whole ({@code SIGSTOP}) the first time it is about to send KeyAPI a
 * request: after it took the page's lease, reserved and spent the credit and had its turn
 * in line, before its request reaches the send gate — as a long GC pause or a frozen VM
 * would stop it there. {@code SIGCONT} lets it go on from there.
 * <p>
 * The hook is a WebClient filter, added through Boot's {@link WebClientCustomizer} to the
 * builder KeyAPI's client is made with: nothing in the proxy knows of it.
 */
public final class ReplicaThatStopsBeforeItsFirstSend {

	private ReplicaThatStopsBeforeItsFirstSend() {
	}

	public static void main(String[] args) {
		AtomicBoolean stopped = new AtomicBoolean();
		ExchangeFilterFunction stopOnce = ExchangeFilterFunction.ofRequestProcessor((request) -> {
			if (request.url().getPath().equals(KeyApiStubs.PATH) && stopped.compareAndSet(false, true)) {
				stopThisJvm();
			}
			return Mono.just(request);
		});
		WebClientCustomizer hook = (builder) -> builder.filter(stopOnce);
		new SpringApplicationBuilder(KeyApiProxyApplication.class)
			.initializers((ConfigurableApplicationContext context) -> context.getBeanFactory()
				.registerSingleton("stopBeforeTheFirstSend", hook))
			.run(args);
	}

	/**
	 * Returns once the JVM has been stopped and resumed: kill(1) has stopped it before it
	 * exits.
	 */
	private static void stopThisJvm() {
		try {
			new ProcessBuilder("kill", "-STOP", Long.toString(ProcessHandle.current().pid())).inheritIO()
				.start()
				.waitFor();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
