package dev.sseboot.sse.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Tells a {@link SseConfigurationException} as Spring Boot tells a start-up failure.
 */
class SseConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<SseConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SseConfigurationException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
	}

}
