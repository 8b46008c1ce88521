package com.acme.keyapiproxy.upstream;

/**
 * What one call to KeyAPI's livestream endpoint asks for, and on whose behalf: the team
 * is named in the attempt log, and its weight sets its share of upstream slots while
 * several teams wait.
 */
public record LivestreamsQuery(String userId, int pageNum, int pageSize, String team, int teamWeight) {
}
