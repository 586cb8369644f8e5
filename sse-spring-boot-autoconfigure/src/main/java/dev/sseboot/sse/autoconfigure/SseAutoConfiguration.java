package dev.sseboot.sse.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.sseboot.sse.SseBroker;
import dev.sseboot.sse.broker.BrokerMetrics;
import dev.sseboot.sse.broker.BrokerSettings;
import dev.sseboot.sse.broker.ChannelOptions;
import dev.sseboot.sse.broker.NodeBroker;
import dev.sseboot.sse.broker.NodeStatus;
import dev.sseboot.sse.cluster.ClusterLog;
import dev.sseboot.sse.cluster.ClusterPresence;
import dev.sseboot.sse.diagnostics.SseConfigurationException;
import dev.sseboot.sse.error.SseErrorResponder;
import dev.sseboot.sse.replay.DeliveryTracker;
import dev.sseboot.sse.replay.InMemoryDeliveryTracker;
import dev.sseboot.sse.replay.InMemoryReplayBuffer;
import dev.sseboot.sse.replay.ReplayBuffer;
import dev.sseboot.sse.web.SseStreamController;
import dev.sseboot.sse.web.StreamErrorFilter;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.Ordered;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Auto-configuration of the SSE broker and its stream endpoint. Requires Spring MVC and
 * Spring Security: the endpoint is never served without authentication.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SseEmitter.class, SecurityFilterChain.class, JsonMapper.class })
@ConditionalOnBooleanProperty(name = "sse.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ SseProperties.class, SseSecurityProperties.class, SseClusterProperties.class,
		SseShutdownProperties.class })
@ImportRuntimeHints(SseRuntimeHints.class)
public final class SseAutoConfiguration {

	private static final Log logger = LogFactory.getLog(SseAutoConfiguration.class);

	/** What the broker's shutdown needs after the drain: its close frames, then its links. */
	private static final Duration DRAIN_MARGIN = Duration.ofSeconds(5);

	/** How long the async request outlives the broker's own lifetime limit. */
	private static final Duration EMITTER_TIMEOUT_MARGIN = Duration.ofMinutes(1);

	@Bean
	@ConditionalOnMissingBean(SseBroker.class)
	NodeBroker sseBroker(SseProperties properties, SseSecurityProperties securityProperties,
			SseClusterProperties clusterProperties, SseShutdownProperties shutdownProperties,
			ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<ReplayBuffer> replayBuffer, ObjectProvider<DeliveryTracker> deliveryTracker,
			ObjectProvider<ClusterLog> clusterLog, ObjectProvider<ClusterPresence> presence,
			ObjectProvider<BrokerMetrics> metrics, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<LifecycleProperties> lifecycleProperties, ApplicationEventPublisher eventPublisher) {
		ClusterLog log = clusterLog.getIfAvailable();
		if (log == null && clusterProperties.getType() == SseClusterProperties.Type.REDIS) {
			throw new SseConfigurationException("sse.cluster.type=redis, but there is no Redis connection",
					"Add org.springframework.boot:spring-boot-starter-data-redis and configure spring.data.redis.*, "
							+ "or set sse.cluster.type=none.");
		}
		LifecycleProperties lifecycle = lifecycleProperties.getIfAvailable(LifecycleProperties::new);
		return NodeBroker
			.builder(brokerSettings(properties, securityProperties, clusterProperties, shutdownProperties,
					lifecycle.getTimeoutPerShutdownPhase()))
			.jsonMapper(jsonMapper.getIfAvailable(SseAutoConfiguration::defaultMapper))
			.replayBuffer(replayBuffer.getIfAvailable())
			.deliveryTracker(deliveryTracker.getIfAvailable())
			.clusterLog(log)
			.presence(presence.getIfAvailable())
			.metrics(metrics.getIfAvailable(() -> BrokerMetrics.NONE))
			.observationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP))
			.logUserIds(properties.getLogging().isIncludeUserId())
			.eventPublisher(eventPublisher)
			.build();
	}

	@Bean
	@ConditionalOnBean(NodeBroker.class)
	NodeStatus sseNodeStatus(NodeBroker broker) {
		return broker.status();
	}

	@Bean
	@ConditionalOnMissingBean(ReplayBuffer.class)
	@ConditionalOnBooleanProperty(name = "sse.replay.enabled", matchIfMissing = true)
	InMemoryReplayBuffer sseReplayBuffer(SseProperties properties) {
		SseProperties.Replay replay = properties.getReplay();
		return new InMemoryReplayBuffer(NodeBroker.newEpoch(), replay.getMaxEvents(), replay.getTtl(),
				replay.getMaxBytes().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean(DeliveryTracker.class)
	@ConditionalOnBooleanProperty("sse.replay.track-clients")
	InMemoryDeliveryTracker sseDeliveryTracker(SseProperties properties) {
		return new InMemoryDeliveryTracker(properties.getReplay().getMaxTrackedClients(),
				properties.getReplay().getTtl());
	}

	@Bean
	@ConditionalOnMissingBean
	SseErrorResponder sseErrorResponder(ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<BrokerMetrics> metrics) {
		BrokerMetrics brokerMetrics = BrokerMetrics.guarded(metrics.getIfAvailable(() -> BrokerMetrics.NONE));
		return new SseErrorResponder(jsonMapper.getIfAvailable(SseAutoConfiguration::defaultMapper),
				(code) -> brokerMetrics.refused(code.name()));
	}

	/**
	 * Answers the error dispatch of a refused stream request with the JSON body, before
	 * the application's error page: refusals of the container, the request firewall and
	 * Spring MVC, which answer with a bare status.
	 */
	@Bean
	@ConditionalOnMissingFilterBean(StreamErrorFilter.class)
	FilterRegistrationBean<StreamErrorFilter> sseStreamErrorFilter(SseProperties properties,
			SseErrorResponder errors) {
		FilterRegistrationBean<StreamErrorFilter> registration = new FilterRegistrationBean<>(
				new StreamErrorFilter(properties.getPath(), errors));
		registration.setDispatcherTypes(DispatcherType.ERROR);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	@ConditionalOnBean(NodeBroker.class)
	@ConditionalOnMissingBean
	SseStreamController sseStreamController(NodeBroker broker, SseErrorResponder errors,
			SseProperties properties) {
		return new SseStreamController(broker, errors,
				properties.getConnection().getMaxLifetime().plus(EMITTER_TIMEOUT_MARGIN),
				properties.getConnection().getMaxChannels());
	}

	static BrokerSettings brokerSettings(SseProperties properties, SseSecurityProperties securityProperties,
			SseClusterProperties clusterProperties, SseShutdownProperties shutdownProperties,
			Duration shutdownPhaseTimeout) {
		SseProperties.Connection connection = properties.getConnection();
		BrokerSettings.Builder settings = BrokerSettings.builder()
			.retry(properties.getRetry())
			.heartbeatInterval(properties.getHeartbeat().getInterval())
			.heartbeatAsComment(properties.getHeartbeat().getMode() == SseProperties.Heartbeat.Mode.COMMENT)
			.queueCapacity(connection.getQueueCapacity())
			.maxLifetime(connection.getMaxLifetime(), connection.getLifetimeJitter())
			.maxPerUser(connection.getMaxPerUser(), connection.getOnLimit())
			.maxTotal(connection.getMaxTotal())
			.closeCheckInterval(connection.getCloseCheckInterval())
			.expiryWarning(securityProperties.getExpiryWarning())
			.idempotencyWindow(clusterProperties.getIdempotencyWindow())
			.channelOptions(channelOptions(properties.getChannels()));
		drain(settings, shutdownProperties, shutdownPhaseTimeout);
		if (connection.getWriterThreads() != null) {
			settings.writerThreads(connection.getWriterThreads());
		}
		return settings.build();
	}

	/**
	 * The drain within Boot's wait for the broker's shutdown phase, leaving time for the
	 * close frames: the delay first, then as much of the period as fits.
	 */
	private static void drain(BrokerSettings.Builder settings, SseShutdownProperties shutdown,
			Duration shutdownPhaseTimeout) {
		Duration budget = shutdownPhaseTimeout.minus(DRAIN_MARGIN);
		budget = budget.isNegative() ? Duration.ZERO : budget;
		Duration delay = min(shutdown.getDrainDelay(), budget);
		Duration period = min(shutdown.getDrainPeriod(), budget.minus(delay));
		if (!delay.equals(shutdown.getDrainDelay()) || !period.equals(shutdown.getDrainPeriod())) {
			logger.warn("sse.shutdown.drain-delay and drain-period shortened to " + delay + " and " + period
					+ " to end within spring.lifecycle.timeout-per-shutdown-phase (" + shutdownPhaseTimeout + ")");
		}
		settings.drain(delay, period);
	}

	/** The channels' options, by pattern, as the properties give them. */
	static ChannelOptions channelOptions(Map<String, SseProperties.Channel> channels) {
		Map<String, ChannelOptions.Channel> patterns = new LinkedHashMap<>();
		channels.forEach((pattern, options) -> patterns.put(pattern,
				new ChannelOptions.Channel(options.isReplay(), options.isPresenceEvents(), options.isKeepLatest())));
		return ChannelOptions.of(patterns);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static JsonMapper defaultMapper() {
		return JsonMapper.builder().build();
	}

}
