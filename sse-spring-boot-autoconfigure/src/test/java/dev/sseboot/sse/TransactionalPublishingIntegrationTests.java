package dev.sseboot.sse;

import java.time.Duration;

import javax.sql.DataSource;

import dev.sseboot.sse.TransactionalPublishingIntegrationTests.Orders;
import dev.sseboot.sse.fixtures.SseIntegrationTest;
import dev.sseboot.sse.fixtures.TestTokens;
import dev.sseboot.sse.test.SseTestClient;
import dev.sseboot.sse.test.SseTestClient.Event;
import dev.sseboot.sse.test.SseTestClient.Stream;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The recipe for sending only once a database transaction commits, as the documentation
 * of publishing gives it, on a real database (H2) and a real stream: the event of a
 * committed transaction arrives, one of a rolled back transaction never does.
 */
@SseIntegrationTest
@Import(Orders.class)
class TransactionalPublishingIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	Orders orders;

	@Autowired
	SseBroker broker;

	@Test
	void sendsTheEventOfACommittedTransactionAndNeverOneOfARolledBackTransaction() {
		try (Stream stream = new SseTestClient(this.port).openWithBearer("/sse",
				TestTokens.forUser("customer-7", "orders"))) {
			stream.connectionId();
			assertThatIllegalStateException().isThrownBy(() -> this.orders.ship(41, "customer-7", true));
			this.orders.ship(42, "customer-7", false);
			Event shipped = stream.next("order-shipped");
			assertThat(shipped.data()).isEqualTo("{\"orderId\":42,\"customerId\":\"customer-7\"}");
			String marker = this.broker.toUser("customer-7").send("marker", "m");
			assertThat(stream.next((event) -> !event.name().equals("heartbeat"), Duration.ofSeconds(10))
				.id()).isEqualTo(marker);
			assertThat(this.orders.shippedCount()).isOne();
		}
	}

	/** What the application publishes, in its transaction. */
	record OrderShipped(long orderId, String customerId) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class Orders {

		private final JdbcTemplate jdbc;

		private final TransactionTemplate transactions;

		private final ApplicationEventPublisher events;

		Orders(ApplicationEventPublisher events) {
			DataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1");
			this.jdbc = new JdbcTemplate(dataSource);
			this.jdbc.execute("create table if not exists shipped (order_id bigint primary key)");
			this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			this.events = events;
		}

		@Bean
		PlatformTransactionManager ordersTransactionManager() {
			return this.transactions.getTransactionManager();
		}

		@Bean
		ShippingNotifications shippingNotifications(SseBroker broker) {
			return new ShippingNotifications(broker);
		}

		/** Records the shipment and publishes its event, in one transaction. */
		void ship(long orderId, String customerId, boolean fail) {
			this.transactions.executeWithoutResult((status) -> {
				this.jdbc.update("insert into shipped (order_id) values (?)", orderId);
				this.events.publishEvent(new OrderShipped(orderId, customerId));
				if (fail) {
					throw new IllegalStateException("The shipment failed after its event was published");
				}
			});
		}

		int shippedCount() {
			return this.jdbc.queryForObject("select count(*) from shipped", Integer.class);
		}

	}

	/** The recipe: the broker is called once the transaction committed, never before. */
	static class ShippingNotifications {

		private final SseBroker broker;

		ShippingNotifications(SseBroker broker) {
			this.broker = broker;
		}

		@TransactionalEventListener
		void shipped(OrderShipped event) {
			this.broker.toUser(event.customerId()).send("order-shipped", event);
		}

	}

}
