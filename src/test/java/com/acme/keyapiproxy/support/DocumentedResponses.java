package com.acme.keyapiproxy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The responses docs/openapi.yaml describes, checked against real answers: the status is
 * documented for the operation (a path it does not list must be its {@code NotFound}, a
 * method a listed path does not answer its {@code MethodNotAllowed}), the content type is
 * one documented for that status, the body validates against its schema (OpenAPI 3.1
 * dialect of JSON Schema 2020-12, formats asserted), every required header is there,
 * every documented header validates against its schema, and none of the proxy's own
 * headers turns up where the description does not declare it. {@code HEAD} answers carry
 * no body, so only their status and headers are checked.
 * <p>
 * Thread-safe: the document is read once and compiled schemas are shared.
 */
public final class DocumentedResponses {

	private static final Path CHECKED_IN = Path.of("docs", "openapi.yaml");

	/**
	 * Where the document is registered for the validator; never fetched (the registry
	 * maps it to the file's text).
	 */
	private static final String DOCUMENT_IRI = "https://keyapi-proxy.invalid/openapi.json";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final class Holder {

		static final DocumentedResponses CHECKED_IN_ONE = read(CHECKED_IN);

	}

	private final JsonNode document;

	private final SchemaRegistry schemas;

	private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

	private final Set<String> declaredHeaders;

	private DocumentedResponses(JsonNode document) {
		this.document = document;
		this.schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(),
				(registry) -> registry.schemas(Map.of(DOCUMENT_IRI, JSON.writeValueAsString(document)))
					.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
		this.declaredHeaders = declaredHeaders(document);
	}

	/** docs/openapi.yaml, read once per test run. */
	public static DocumentedResponses checkedIn() {
		return Holder.CHECKED_IN_ONE;
	}

	static DocumentedResponses read(Path description) {
		try {
			return of(Files.readString(description));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A description given as YAML (or JSON) text. */
	public static DocumentedResponses of(String yaml) {
		Object tree = new Yaml().load(yaml);
		return new DocumentedResponses(JSON.valueToTree(tree));
	}

	/**
	 * Fails, naming every drift, unless the description documents this answer exactly.
	 */
	public void assertDocuments(ObservedResponse response) {
		List<String> violations = violations(response);
		if (!violations.isEmpty()) {
			throw new UndocumentedResponse(response, violations);
		}
	}

	/**
	 * What in this answer the description does not document; empty when it documents it
	 * all.
	 */
	public List<String> violations(ObservedResponse response) {
		List<String> violations = new ArrayList<>();
		Optional<Documented> documented = responseFor(response, violations);
		if (documented.isPresent()) {
			checkHeaders(response, documented.get(), violations);
			if (!response.method().equals("HEAD")) {
				checkBody(response, documented.get(), violations);
			}
		}
		return violations;
	}

	/** The documented response object, found where the description keeps it. */
	private record Documented(String pointer, JsonNode response) {
	}

	private Optional<Documented> responseFor(ObservedResponse response, List<String> violations) {
		String template = pathTemplateOf(response.path());
		if (template == null) {
			// A method no path answers (TRACE) is refused as such wherever it is sent.
			return componentResponse(List.of("NotFound", "MethodNotAllowed"), response,
					"no documented path matches " + response.path(), violations);
		}
		String operationPointer = "/paths/" + escape(template) + "/" + response.method().toLowerCase(Locale.ROOT);
		JsonNode operation = this.document.at(operationPointer);
		if (operation.isMissingNode()) {
			return componentResponse(List.of("MethodNotAllowed"), response,
					response.method() + " is not documented for " + template, violations);
		}
		JsonNode responses = operation.get("responses");
		String status = Integer.toString(response.status());
		for (String key : List.of(status, status.charAt(0) + "XX", "default")) {
			if (responses.has(key)) {
				return Optional.of(resolve(operationPointer + "/responses/" + key));
			}
		}
		violations.add("status " + status + " is not documented for " + response.method() + " " + template
				+ " (documented: " + String.join(", ", responses.propertyNames()) + ")");
		return Optional.empty();
	}

	/**
	 * One of the description's reusable problem responses, chosen by the status it
	 * documents.
	 */
	private Optional<Documented> componentResponse(List<String> names, ObservedResponse response, String why,
			List<String> violations) {
		List<String> allowed = new ArrayList<>();
		for (String name : names) {
			Documented component = resolve("/components/responses/" + name);
			int status = component.response()
				.at("/content/application~1problem+json/schema/allOf/1/properties/status/const")
				.asInt();
			if (response.status() == status) {
				return Optional.of(component);
			}
			allowed.add(status + " (components.responses." + name + ")");
		}
		violations.add(why + ", so it must answer " + String.join(" or ", allowed) + ", not " + response.status());
		return Optional.empty();
	}

	private void checkHeaders(ObservedResponse response, Documented documented, List<String> violations) {
		JsonNode headers = documented.response().path("headers");
		Set<String> declaredHere = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		for (String name : headers.propertyNames()) {
			declaredHere.add(name);
			String pointer = documented.pointer() + "/headers/" + escape(name);
			JsonNode header = resolve(pointer).response();
			Optional<String> value = response.header(name);
			if (value.isEmpty()) {
				if (header.path("required").asBoolean(false)) {
					violations.add("header " + name + " is required but absent");
				}
				continue;
			}
			JsonNode schema = header.path("schema");
			if (!schema.isMissingNode()) {
				for (Error error : schemaAt(pointer + "/schema").validate(headerValue(value.get(), schema))) {
					violations.add("header " + name + ": " + value.get() + ": " + error.getMessage());
				}
			}
		}
		for (String name : response.headers().keySet()) {
			if (this.declaredHeaders.contains(name) && !declaredHere.contains(name)) {
				violations.add("header " + name + " is sent but not documented for this status");
			}
		}
	}

	private void checkBody(ObservedResponse response, Documented documented, List<String> violations) {
		JsonNode content = documented.response().path("content");
		Optional<String> contentType = response.header("Content-Type").map(DocumentedResponses::mediaTypeOf);
		if (content.isMissingNode() || content.isEmpty()) {
			if (!response.body().isEmpty()) {
				violations.add("a body is sent where none is documented: " + abbreviated(response.body()));
			}
			return;
		}
		if (contentType.isEmpty() || !content.has(contentType.get())) {
			violations.add("content type " + contentType.orElse("(none)") + " is not documented (documented: "
					+ String.join(", ", content.propertyNames()) + ")");
			return;
		}
		if (response.body().isBlank()) {
			violations.add("no body is sent where one is documented (" + contentType.get() + ")");
			return;
		}
		JsonNode body;
		try {
			body = JSON.readTree(response.body());
		}
		catch (JacksonException ex) {
			violations.add("the body is not JSON: " + abbreviated(response.body()));
			return;
		}
		String schemaPointer = documented.pointer() + "/content/" + escape(contentType.get()) + "/schema";
		for (Error error : schemaAt(schemaPointer).validate(body)) {
			violations.add("body " + error);
		}
	}

	private Schema schemaAt(String pointer) {
		return this.compiled.computeIfAbsent(pointer,
				(key) -> this.schemas.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + key)));
	}

	/** A documented response or header, following a {@code $ref} within the document. */
	private Documented resolve(String pointer) {
		JsonNode node = this.document.at(pointer);
		while (node.has("$ref")) {
			pointer = node.get("$ref").asString().substring(1);
			node = this.document.at(pointer);
		}
		return new Documented(pointer, node);
	}

	private String pathTemplateOf(String path) {
		for (String template : this.document.path("paths").propertyNames()) {
			String regex = "\\Q" + template.replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "\\E";
			if (Pattern.matches(regex, path)) {
				return template;
			}
		}
		return null;
	}

	/**
	 * A header is text; one documented as an integer is validated as the number it spells
	 * (when it spells one).
	 */
	private static JsonNode headerValue(String value, JsonNode schema) {
		if (schema.path("type").asString("").equals("integer") && value.matches("-?[0-9]{1,18}")) {
			return JsonNodeFactory.instance.numberNode(Long.parseLong(value));
		}
		return JsonNodeFactory.instance.stringNode(value);
	}

	private static Set<String> declaredHeaders(JsonNode document) {
		Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		collectHeaderNames(document, names);
		return names;
	}

	private static void collectHeaderNames(JsonNode node, Set<String> names) {
		if (node.has("headers") && node.get("headers").isObject()) {
			names.addAll(node.get("headers").propertyNames());
		}
		for (JsonNode child : node) {
			if (child.isContainer()) {
				collectHeaderNames(child, names);
			}
		}
	}

	private static String mediaTypeOf(String contentType) {
		int parameters = contentType.indexOf(';');
		return ((parameters >= 0) ? contentType.substring(0, parameters) : contentType).trim().toLowerCase(Locale.ROOT);
	}

	private static String escape(String pointerToken) {
		return pointerToken.replace("~", "~0").replace("/", "~1");
	}

	private static String abbreviated(String body) {
		return (body.length() > 300) ? body.substring(0, 300) + "…" : body;
	}

	/**
	 * An answer that docs/openapi.yaml does not describe: the description or the proxy
	 * has drifted.
	 */
	public static final class UndocumentedResponse extends AssertionError {

		UndocumentedResponse(ObservedResponse response, List<String> violations) {
			super("The answer drifted from docs/openapi.yaml (fix the proxy, or the description and regenerate it):\n  - "
					+ String.join("\n  - ", violations) + "\nanswer: " + response);
		}

	}

}
