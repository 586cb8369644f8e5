package dev.sseboot.sse;

/**
 * A user came online: their first stream anywhere in the cluster (or on the node, on its
 * own) opened. Published as an application event (listen with {@code @EventListener}) once
 * in the cluster, on the node that admitted the stream, and followed by an
 * {@link SseUserOfflineEvent} before the user comes online again.
 *
 * @param userId the user
 */
public record SseUserOnlineEvent(String userId) {

}
