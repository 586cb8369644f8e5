package dev.sseboot.sse.autoconfigure;

import java.net.InetAddress;

import dev.sseboot.sse.control.ControlRequestFilter;
import dev.sseboot.sse.control.SseControlServer;
import dev.sseboot.sse.fixtures.TestTokens;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class SseControlAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class, SseControlAutoConfiguration.class))
		.withPropertyValues("sse.security.jwt.secret=" + TestTokens.SECRET);

	@Test
	void doesNotOpenTheControlListenerByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(SseControlServer.class);
			assertThat(context).doesNotHaveBean("sseControlRequestFilter");
		});
	}

	@Test
	void opensTheControlListenerOnLoopbackWithoutApiKey() {
		this.contextRunner.withPropertyValues("sse.control.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(SseControlServer.class);
			assertThat(context.getBean(SseControlServer.class).getAddress().isLoopbackAddress()).isTrue();
			assertThat(context).getBean("sseControlRequestFilter", FilterRegistrationBean.class)
				.extracting(FilterRegistrationBean::getFilter)
				.isInstanceOf(ControlRequestFilter.class);
		});
	}

	@Test
	void refusesToStartOnNonLoopbackAddressWithoutApiKey() {
		this.contextRunner.withPropertyValues("sse.control.enabled=true", "sse.control.address=0.0.0.0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("sse.control.api-key")
				.hasMessageContaining("0.0.0.0"));
	}

	@Test
	void opensTheControlListenerOnNonLoopbackAddressWithApiKey() {
		this.contextRunner
			.withPropertyValues("sse.control.enabled=true", "sse.control.address=0.0.0.0",
					"sse.control.api-key=a-long-random-key")
			.run((context) -> assertThat(context.getBean(SseControlServer.class).getAddress())
				.isEqualTo(InetAddress.getByName("0.0.0.0")));
	}

	@Test
	void backsOffWhenUserDefinesSseControlServer() {
		this.contextRunner.withPropertyValues("sse.control.enabled=true")
			.withUserConfiguration(CustomControlServer.class)
			.run((context) -> assertThat(context).getBean(SseControlServer.class)
				.isSameAs(context.getBean("customControlServer")));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomControlServer {

		@Bean
		SseControlServer customControlServer() {
			return new SseControlServer(InetAddress.getLoopbackAddress(), 0, false);
		}

	}

}
