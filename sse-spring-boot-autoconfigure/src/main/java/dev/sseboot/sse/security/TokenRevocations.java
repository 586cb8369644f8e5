package dev.sseboot.sse.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import org.springframework.util.Assert;

/**
 * The deny-list of revoked tokens, by token id ({@code jti}). A revoked token is refused
 * with 403 and the streams open under it are closed with reason {@code revoked}. Each
 * entry is kept until the token would have expired anyway, and the list is bounded: when
 * it is full of unexpired entries, {@link #revoke} fails rather than forget a revocation.
 * <p>
 * The list lives in this node's memory; in cluster mode every revocation reaches every
 * node through the cluster's log.
 */
public final class TokenRevocations {

	private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

	private final int maxEntries;

	private final BiConsumer<String, Instant> onRevoked;

	private final Clock clock;

	/**
	 * Creates a deny-list.
	 * @param maxEntries how many unexpired revocations it holds at most
	 * @param onRevoked called with the id and expiry of each revocation, to close the
	 * token's streams (in cluster mode, on every node)
	 * @param clock the clock that expires entries
	 */
	public TokenRevocations(int maxEntries, BiConsumer<String, Instant> onRevoked, Clock clock) {
		Assert.isTrue(maxEntries > 0, "maxEntries must be positive");
		this.maxEntries = maxEntries;
		this.onRevoked = onRevoked;
		this.clock = clock;
	}

	/**
	 * Revokes a token and closes the streams open under it.
	 * @param tokenId the token's {@code jti}
	 * @param expiresAt the token's {@code exp}: the entry is dropped after it
	 * @throws IllegalStateException if the list is full of unexpired revocations
	 */
	public void revoke(String tokenId, Instant expiresAt) {
		Assert.hasText(tokenId, "tokenId must not be blank");
		if (!this.revoked.containsKey(tokenId) && this.revoked.size() >= this.maxEntries) {
			purgeExpired();
			if (this.revoked.size() >= this.maxEntries) {
				throw new IllegalStateException("The token deny-list holds its maximum of " + this.maxEntries
						+ " unexpired entries: raise sse.security.max-revoked-tokens or issue shorter-lived tokens");
			}
		}
		apply(tokenId, expiresAt);
		this.onRevoked.accept(tokenId, expiresAt);
	}

	/**
	 * Adds a revocation made elsewhere, such as on another node of the cluster, to the
	 * deny-list, without the limit: it must not be forgotten.
	 * @param tokenId the token's {@code jti}
	 * @param expiresAt the token's {@code exp}
	 */
	public void apply(String tokenId, Instant expiresAt) {
		this.revoked.merge(tokenId, expiresAt, (previous, next) -> previous.isAfter(next) ? previous : next);
	}

	/**
	 * Returns whether a token is revoked.
	 * @param tokenId the token's {@code jti}
	 * @return whether it is on the list and not yet expired
	 */
	public boolean isRevoked(String tokenId) {
		Instant expiresAt = this.revoked.get(tokenId);
		if (expiresAt == null) {
			return false;
		}
		if (!this.clock.instant().isBefore(expiresAt)) {
			// Expired tokens are refused anyway: the entry has done its job.
			this.revoked.remove(tokenId, expiresAt);
		}
		return true;
	}

	/**
	 * Returns the number of entries, expired ones not yet purged included.
	 * @return the number of entries
	 */
	public int size() {
		return this.revoked.size();
	}

	private void purgeExpired() {
		Instant now = this.clock.instant();
		this.revoked.entrySet().removeIf((entry) -> !now.isBefore(entry.getValue()));
	}

}
