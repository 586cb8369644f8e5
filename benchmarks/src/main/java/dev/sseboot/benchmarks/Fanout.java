package dev.sseboot.benchmarks;

/**
 * What a bench server does when triggered: one event to every stream, or to one user.
 */
interface Fanout {

	void broadcast(String data);

	void toUser(String userId, String data);

	int connections();

}
