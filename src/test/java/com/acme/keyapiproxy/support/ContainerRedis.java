package com.acme.keyapiproxy.support;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * {@code redis:7} in a container, for machines with Docker
 * ({@code mvn -Ptestcontainers verify}). Stopping it pauses the container: Redis stops
 * answering (the proxy's commands time out) and resumes with its data.
 */
final class ContainerRedis implements SharedRedis {

	private static final String PASSWORD = "redis-test-" + java.util.UUID.randomUUID();

	private final GenericContainer<?> container;

	private ContainerRedis(GenericContainer<?> container) {
		this.container = container;
	}

	@SuppressWarnings("resource")
	static ContainerRedis startRedis7() {
		GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("redis:7"))
			.withCommand("redis-server", "--appendonly", "yes", "--appendfsync", "everysec", "--requirepass", PASSWORD)
			.withExposedPorts(6379);
		container.start();
		Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-redis-container-stop"));
		return new ContainerRedis(container);
	}

	@Override
	public String url() {
		return "redis://:" + PASSWORD + "@" + this.container.getHost() + ":" + this.container.getMappedPort(6379);
	}

	@Override
	public String password() {
		return PASSWORD;
	}

	@Override
	public void stop() {
		this.container.getDockerClient().pauseContainerCmd(this.container.getContainerId()).exec();
	}

	@Override
	public void start() {
		this.container.getDockerClient().unpauseContainerCmd(this.container.getContainerId()).exec();
	}

}
