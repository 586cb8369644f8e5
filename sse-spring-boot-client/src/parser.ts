/** One event as the `text/event-stream` format dispatches it. */
export interface ParsedEvent {
  /** The `event:` field, or `message` when the event named none. */
  readonly type: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
  /** The last event id seen so far on the stream: ids carry over to events without one. */
  readonly lastEventId: string;
  /** Whether the event had an `id:` line of its own. */
  readonly hasId: boolean;
}

/**
 * An incremental parser of the `text/event-stream` format, following the HTML
 * specification's rules: lines end in `\r\n`, `\r` or `\n` (also across chunks), a leading
 * byte order mark is dropped, `:` lines are comments, one space after the colon is removed,
 * `id:` values with NUL are ignored, `retry:` takes only ASCII digits, and an event without
 * `data:` lines is not dispatched.
 */
export class SseParser {
  private buffer = '';
  private started = false;
  private skipLineFeed = false;
  private data = '';
  private hasData = false;
  private type = '';
  private lastEventId = '';
  private hasId = false;

  /**
   * @param onEvent called for each complete event
   * @param onRetry called with each valid `retry:` value, in milliseconds
   */
  constructor(
    private readonly onEvent: (event: ParsedEvent) => void,
    private readonly onRetry: (milliseconds: number) => void = () => undefined
  ) {}

  /** Feeds decoded text; complete lines are processed, the rest is kept for the next call. */
  push(chunk: string): void {
    let text = this.buffer + chunk;
    this.buffer = '';
    if (!this.started) {
      if (text.length === 0) {
        return;
      }
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
      }
    }
    let start = 0;
    if (this.skipLineFeed && text.length > 0) {
      // The previous chunk ended in \r: a \n opening this one belongs to that line end.
      this.skipLineFeed = false;
      if (text.charCodeAt(0) === 10) {
        start = 1;
      }
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) {
        continue;
      }
      this.line(text.slice(start, i));
      if (c === 13) {
        if (i + 1 === text.length) {
          this.skipLineFeed = true;
        } else if (text.charCodeAt(i + 1) === 10) {
          i++;
        }
      }
      start = i + 1;
    }
    this.buffer = text.slice(start);
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      return;
    }
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) {
      value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data = this.hasData ? this.data + '\n' + value : value;
        this.hasData = true;
        break;
      case 'id':
        if (value.indexOf('\0') < 0) {
          this.lastEventId = value;
          this.hasId = true;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          this.onRetry(parseInt(value, 10));
        }
        break;
      default:
        // Unknown fields are ignored, as browsers do.
        break;
    }
  }

  private dispatch(): void {
    const type = this.type || 'message';
    const data = this.data;
    const hasData = this.hasData;
    const hasId = this.hasId;
    this.type = '';
    this.data = '';
    this.hasData = false;
    this.hasId = false;
    if (hasData) {
      this.onEvent({ type, data, lastEventId: this.lastEventId, hasId });
    }
  }
}
