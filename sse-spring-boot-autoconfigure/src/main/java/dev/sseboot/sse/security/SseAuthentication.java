package dev.sseboot.sse.security;

import java.util.List;

import dev.sseboot.sse.SsePrincipal;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * An authenticated stream request. It keeps the principal, never the token.
 */
public final class SseAuthentication extends AbstractAuthenticationToken {

	private final SsePrincipal principal;

	public SseAuthentication(SsePrincipal principal) {
		super(List.of());
		this.principal = principal;
		setAuthenticated(true);
	}

	@Override
	public SsePrincipal getPrincipal() {
		return this.principal;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public String getName() {
		return this.principal.userId();
	}

}
