package com.acme.keyapiproxy.api;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.http.HttpStatus;

import static com.acme.keyapiproxy.api.DocumentedProblem.*;

/**
 * What the controllers' annotations cannot say compactly, added to springdoc's
 * description: the bearer scheme, the response headers, the bodyless 304, every problem
 * each operation can answer (one response per status, its codes as an enum and one
 * example each), and {@code HEAD} of a page, which Spring answers from the {@code GET}
 * mapping.
 */
final class ApiDescription implements OpenApiCustomizer {

	static final String LIVESTREAMS_PATH = "/influencers/{userId}/livestreams";

	static final String USAGE_PATH = "/usage";

	static final String TEAM_TOKEN = "teamToken";

	static final String PROBLEM = "Problem";

	static final String NOT_FOUND_RESPONSE = "NotFound";

	static final String METHOD_NOT_ALLOWED_RESPONSE = "MethodNotAllowed";

	private static final String PROBLEM_JSON = "application/problem+json";

	private static final String PROBLEM_TYPE_PREFIX = "urn:keyapi-proxy:problem:";

	/**
	 * Refused before any controller sees the request, whatever the path: every operation
	 * can answer them.
	 */
	private static final Set<DocumentedProblem> ANY_REQUEST = EnumSet.of(INVALID_REQUEST, NOT_ACCEPTABLE, URI_TOO_LONG,
			HEADERS_TOO_LARGE, INTERNAL_ERROR, HTTP_VERSION_NOT_SUPPORTED);

	private static final Set<DocumentedProblem> LIVESTREAMS_GET = union(ANY_REQUEST,
			EnumSet.of(INVALID_USER_ID, INVALID_PAGE, INVALID_SIZE, UNAUTHENTICATED, TEAM_BUDGET_EXHAUSTED,
					ORGANISATION_BUDGET_EXHAUSTED, UPSTREAM_BAD_RESPONSE, UPSTREAM_AUTH_FAILED,
					UPSTREAM_QUOTA_EXHAUSTED, UPSTREAM_UNAVAILABLE, UPSTREAM_BUSY, UPSTREAM_TIMEOUT, NOT_CACHED));

	/**
	 * HEAD never spends, so it never waits for KeyAPI: a page not cached is
	 * {@code not_cached}.
	 */
	private static final Set<DocumentedProblem> LIVESTREAMS_HEAD = union(ANY_REQUEST,
			EnumSet.of(INVALID_USER_ID, INVALID_PAGE, INVALID_SIZE, UNAUTHENTICATED, NOT_FOUND, NOT_CACHED));

	private static final Set<DocumentedProblem> USAGE_GET = union(ANY_REQUEST,
			EnumSet.of(UNAUTHENTICATED, UPSTREAM_UNAVAILABLE));

	@Override
	public void customise(OpenAPI api) {
		Components components = (api.getComponents() != null) ? api.getComponents() : new Components();
		api.setComponents(components);
		components.addSecuritySchemes(TEAM_TOKEN, new SecurityScheme().type(SecurityScheme.Type.HTTP)
			.scheme("bearer")
			.description("A team's token. Required once teams are configured; with none configured the proxy is "
					+ "open and every caller is team `default`."));
		components.addSchemas(PROBLEM, problemSchema());
		components.addResponses(NOT_FOUND_RESPONSE, problemResponse(List.of(NOT_FOUND), true));
		components.addResponses(METHOD_NOT_ALLOWED_RESPONSE, problemResponse(List.of(METHOD_NOT_ALLOWED), true));
		api.addTagsItem(new Tag().name(LivestreamsController.TAG).description("Cached KeyAPI livestream pages"));
		api.addTagsItem(new Tag().name(UsageController.TAG).description("Credit spend against the monthly budgets"));

		PathItem livestreams = documented(api, LIVESTREAMS_PATH);
		Operation page = livestreams.getGet();
		secure(page);
		ok(page).setHeaders(pageHeaders());
		page.getResponses().addApiResponse("304", notModified());
		addProblems(page.getResponses(), LIVESTREAMS_GET);
		livestreams.setHead(headOf(page));

		Operation usage = documented(api, USAGE_PATH).getGet();
		secure(usage);
		addProblems(usage.getResponses(), USAGE_GET);
	}

	/**
	 * A path springdoc found on a controller of this package (so always there when this
	 * customiser runs).
	 */
	private static PathItem documented(OpenAPI api, String path) {
		return Objects.requireNonNull(api.getPaths().get(path), () -> "springdoc documents no " + path);
	}

	/** The {@code 200} answer springdoc derived from the handler's return type. */
	private static ApiResponse ok(Operation operation) {
		return Objects.requireNonNull(operation.getResponses().get("200"),
				() -> "springdoc documents no 200 for " + operation.getOperationId());
	}

	/** Open mode (no teams configured) takes no token, hence the empty alternative. */
	private static void secure(Operation operation) {
		operation.setSecurity(List.of(new SecurityRequirement().addList(TEAM_TOKEN), new SecurityRequirement()));
	}

	private static Map<String, Header> pageHeaders() {
		Map<String, Header> headers = new LinkedHashMap<>();
		for (ResponseHeader header : List.of(ResponseHeader.CACHE_STATUS, ResponseHeader.AGE, ResponseHeader.ETAG,
				ResponseHeader.CACHE_CONTROL, ResponseHeader.CREDITS_CHARGED)) {
			headers.put(header.headerName(), header.always());
		}
		headers.put(ResponseHeader.RATE_LIMIT_POLICY.headerName(), ResponseHeader.RATE_LIMIT_POLICY.sometimes());
		headers.put(ResponseHeader.RATE_LIMIT.headerName(), ResponseHeader.RATE_LIMIT.sometimes());
		return headers;
	}

	private static ApiResponse notModified() {
		return new ApiResponse().description("If-None-Match names the current ETag: no body").headers(pageHeaders());
	}

	/**
	 * The page's {@code GET} again for {@code HEAD}: same parameters and security, no
	 * bodies, and only what an answer that never spends can be.
	 */
	private static Operation headOf(Operation get) {
		ApiResponses responses = new ApiResponses();
		ApiResponse page = ok(get);
		responses.addApiResponse("200",
				new ApiResponse().description(page.getDescription() + ", headers only").headers(page.getHeaders()));
		responses.addApiResponse("304", notModified());
		for (List<DocumentedProblem> sameStatus : byStatus(LIVESTREAMS_HEAD).values()) {
			responses.addApiResponse(statusOf(sameStatus), problemResponse(sameStatus, false));
		}
		return new Operation().operationId(get.getOperationId() + "Head")
			.summary("The headers of a page, from the cache only")
			.description("Never calls KeyAPI and never spends a credit: a page that is not cached answers "
					+ "`504 not_cached` (no body, as for every HEAD).")
			.tags(get.getTags())
			.parameters(get.getParameters())
			.security(get.getSecurity())
			.responses(responses);
	}

	private static void addProblems(ApiResponses responses, Set<DocumentedProblem> problems) {
		for (List<DocumentedProblem> sameStatus : byStatus(problems).values()) {
			responses.addApiResponse(statusOf(sameStatus), problemResponse(sameStatus, true));
		}
		// Any path or method this description does not list answers the same.
		responses.addApiResponse("404", new ApiResponse().$ref("#/components/responses/" + NOT_FOUND_RESPONSE));
		responses.addApiResponse("405",
				new ApiResponse().$ref("#/components/responses/" + METHOD_NOT_ALLOWED_RESPONSE));
	}

	private static ApiResponse problemResponse(List<DocumentedProblem> sameStatus, boolean withBody) {
		int status = sameStatus.get(0).status();
		ApiResponse response = new ApiResponse()
			.description(sameStatus.stream()
				.map((problem) -> "`" + problem.code() + "`: " + problem.when() + ".")
				.collect(Collectors.joining(" ")))
			.headers(problemHeaders(status));
		if (!withBody) {
			return response;
		}
		Schema<Object> codes = Schemas.string();
		sameStatus.forEach((problem) -> codes.addEnumItemObject(problem.code()));
		Schema<Object> thisStatus = Schemas.object()
			.addProperty("status", Schemas.integer()._const(status))
			.addProperty("code", codes);
		MediaType problemJson = new MediaType().schema(Schemas.allOf(Schemas.ref(PROBLEM), thisStatus));
		for (DocumentedProblem problem : sameStatus) {
			problemJson.addExamples(problem.code(), new Example().summary(problem.when()).value(example(problem)));
		}
		return response.content(new Content().addMediaType(PROBLEM_JSON, problemJson));
	}

	private static Map<String, Header> problemHeaders(int status) {
		Map<String, Header> headers = new LinkedHashMap<>();
		headers.put(ResponseHeader.CREDITS_CHARGED.headerName(), ResponseHeader.CREDITS_CHARGED.sometimes());
		switch (status) {
			case 401 ->
				headers.put(ResponseHeader.WWW_AUTHENTICATE.headerName(), ResponseHeader.WWW_AUTHENTICATE.always());
			case 405 -> headers.put(ResponseHeader.ALLOW.headerName(), ResponseHeader.ALLOW.sometimes());
			case 429 -> {
				headers.put(ResponseHeader.RETRY_AFTER.headerName(), ResponseHeader.RETRY_AFTER.always());
				headers.put(ResponseHeader.RATE_LIMIT_POLICY.headerName(),
						ResponseHeader.RATE_LIMIT_POLICY.sometimes());
				headers.put(ResponseHeader.RATE_LIMIT.headerName(), ResponseHeader.RATE_LIMIT.sometimes());
			}
			case 503 -> headers.put(ResponseHeader.RETRY_AFTER.headerName(), ResponseHeader.RETRY_AFTER.always());
			default -> {
			}
		}
		return headers;
	}

	private static Map<String, Object> example(DocumentedProblem problem) {
		Map<String, Object> example = new LinkedHashMap<>();
		example.put("type", PROBLEM_TYPE_PREFIX + problem.code());
		example.put("title", HttpStatus.valueOf(problem.status()).getReasonPhrase());
		example.put("status", problem.status());
		example.put("detail", problem.when());
		example.put("code", problem.code());
		return example;
	}

	/**
	 * RFC 9457 problem details with the proxy's {@code code}; further members may be
	 * added later.
	 */
	private static Schema<Object> problemSchema() {
		Schema<Object> code = Schemas.string().description("machine-readable: clients switch on it");
		EnumSet.allOf(DocumentedProblem.class)
			.stream()
			.map(DocumentedProblem::code)
			.distinct()
			.forEach(code::addEnumItemObject);
		return Schemas.object()
			.description("RFC 9457 problem details; clients switch on code")
			.addProperty("type", Schemas.string().pattern("^urn:keyapi-proxy:problem:[a-z_]+$"))
			.addProperty("title", Schemas.string())
			.addProperty("status", Schemas.integerBetween(400, 599))
			.addProperty("detail", Schemas.string())
			.addProperty("instance", Schemas.string().description("the request path"))
			.addProperty("code", code)
			.required(List.of("type", "title", "status", "detail", "code"));
	}

	private static Map<Integer, List<DocumentedProblem>> byStatus(Set<DocumentedProblem> problems) {
		return problems.stream()
			.collect(Collectors.groupingBy(DocumentedProblem::status, TreeMap::new, Collectors.toList()));
	}

	private static String statusOf(List<DocumentedProblem> sameStatus) {
		return Integer.toString(sameStatus.get(0).status());
	}

	private static Set<DocumentedProblem> union(Set<DocumentedProblem> first, Set<DocumentedProblem> second) {
		Set<DocumentedProblem> union = EnumSet.copyOf(first);
		union.addAll(second);
		return union;
	}

}
