package dev.sseboot.sse;

/**
 * A user went offline: their last stream anywhere in the cluster (or on the node, on its
 * own) closed, or the node that held it stopped beating and its streams were removed.
 * Published as an application event (listen with {@code @EventListener}) once in the
 * cluster, on the node where the stream closed or on the node that removed a dead node's
 * streams.
 *
 * @param userId the user
 * @param nodeLost whether the user's last streams were on a node that died, rather than
 * closed
 */
public record SseUserOfflineEvent(String userId, boolean nodeLost) {

}
