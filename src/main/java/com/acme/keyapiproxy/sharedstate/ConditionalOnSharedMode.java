package com.acme.keyapiproxy.sharedstate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/** Matches when {@code spring.data.redis.url} is set: the one switch for shared mode. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@ConditionalOnProperty(SharedModeConfiguration.SWITCH)
public @interface ConditionalOnSharedMode {

}
