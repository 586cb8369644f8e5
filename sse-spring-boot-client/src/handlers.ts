import type { Handler, SseMessage } from './client.js';
import { ParsedEvent } from './parser.js';
import { guarded } from './transports.js';

interface Registration {
  readonly handler: Handler;
  readonly channel: string | null;
}

/** The application's handlers, by event name and, for some, one channel of the stream. */
export class Handlers {
  private readonly registrations = new Map<string, Registration[]>();

  add(event: string, handler: Handler, channel: string | null): void {
    this.registrations.set(event, [...(this.registrations.get(event) ?? []), { handler, channel }]);
  }

  /** Removes a handler for every channel it was added for. */
  remove(event: string, handler: Handler): void {
    const registrations = this.registrations.get(event);
    if (registrations) {
      this.registrations.set(event, registrations.filter((registration) => registration.handler !== handler));
    }
  }

  /** Each handled name alone and after each channel of the stream (the stream asks for `<channel> <event>` names). */
  types(channels: readonly string[]): string[] {
    const types: string[] = [];
    for (const event of this.registrations.keys()) {
      types.push(event, ...channels.map((channel) => channel + ' ' + event));
    }
    return types;
  }

  /** Hands an event to the handlers of its name and channel. */
  dispatch(event: ParsedEvent, id: string | null, channels: readonly string[]): void {
    const name = nameOf(event.type, channels);
    this.deliver(name.event, name.channel, event.data, id, false);
  }

  /** Hands a channel's kept last value (`sse-latest`: `{channel, event, id, data}`) to the handlers of the event it was. */
  dispatchLatest(data: string): void {
    const latest = JSON.parse(data) as { channel: string; event: string; id: string; data: string };
    this.deliver(latest.event, latest.channel, latest.data, latest.id, true);
  }

  private deliver(event: string, channel: string | null, data: string, id: string | null, latest: boolean): void {
    const registrations = this.registrations.get(event);
    if (!registrations || registrations.length === 0) {
      return;
    }
    const message: SseMessage = {
      event,
      channel,
      data,
      id,
      latest,
      json: <T>() => JSON.parse(data) as T
    };
    for (const registration of registrations) {
      if (registration.channel !== null && registration.channel !== channel) {
        continue;
      }
      // One failing handler neither stops the others nor the stream.
      guarded(() => registration.handler(message));
    }
  }
}

/** Splits `<channel> <event>`: channel names hold no spaces, and only the stream's channels count. */
function nameOf(type: string, channels: readonly string[]): { event: string; channel: string | null } {
  const space = type.indexOf(' ');
  if (space > 0 && channels.includes(type.slice(0, space))) {
    return { event: type.slice(space + 1), channel: type.slice(0, space) };
  }
  return { event: type, channel: null };
}
