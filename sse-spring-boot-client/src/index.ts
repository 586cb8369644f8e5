export { connect } from './client.js';
export type { ConnectOptions, Handler, HandlerOptions, Resume, SseClient, SseMessage, State, Status, Transport } from './client.js';
export { SseParser } from './parser.js';
export type { ParsedEvent } from './parser.js';
export type { Environment, Refusal } from './transports.js';
