import type { Socket } from 'node:net';
import type { Logger } from '../../common/logger.js';
import { FrameSplitter, FrameTooLargeError } from '../../protocol/wire/frame-splitter.js';

/** What the broker knows about the peer of one connection, for handlers and log lines. */
export interface ConnectionContext {
  readonly id: number;
  readonly remote: string;
}

/**
 * Turns one request frame (header + body, no size prefix) into the response to send: the response frame's
 * chunks (size prefix included), or null when none is owed (Produce with acks=0). A synchronous return is the
 * fast path; a promise is for requests that wait (acks=all, long-polling fetches, group joins). Throwing means
 * the frame could not be understood: the connection is closed.
 */
export interface RequestProcessor {
  process(frame: Buffer, connection: ConnectionContext): Buffer[] | null | Promise<Buffer[] | null>;
}

export interface ConnectionEvents {
  onClose(connection: Connection, reason: string): void;
  onMalformed(connection: Connection, err: Error): void;
}

/** Frames read ahead of processing before the socket is paused: bounds memory under a pipelining client. */
const MAX_QUEUED_FRAMES = 256;

/**
 * One client connection of a broker. Requests are processed one at a time in arrival order, as Kafka's broker
 * does (it mutes a channel until the response is sent): that keeps two produce requests on one connection in
 * order on the log without any further locking. Pipelining still pays, because the next request is already
 * read when the previous one completes. Responses produced synchronously in one drain are written inside one
 * cork/uncork, so a burst of pipelined requests is answered with one syscall.
 */
export class Connection implements ConnectionContext {
  readonly remote: string;
  lastActiveMs: number;
  private readonly splitter: FrameSplitter;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private closed = false;
  private corked = false;
  /** The last complete frame read, for the log line of a malformed one that follows it. */
  private lastFrame: FrameSummary | undefined;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly processor: RequestProcessor,
    private readonly events: ConnectionEvents,
    private readonly logger: Logger,
    maxRequestBytes: number,
    private readonly nowMs: () => number,
  ) {
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.lastActiveMs = nowMs();
    this.splitter = new FrameSplitter(maxRequestBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('peer closed'));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.socket.destroy();
    this.events.onClose(this, reason);
  }

  private onData(chunk: Buffer): void {
    this.lastActiveMs = this.nowMs();
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      this.malformed(err as Error);
      return;
    }
    for (const frame of frames) this.queue.push(frame);
    const last = frames.at(-1);
    if (last !== undefined) this.lastFrame = describeFrame(last);
    if (this.queue.length >= MAX_QUEUED_FRAMES) this.socket.pause();
    this.drain();
  }

  private drain(): void {
    while (!this.busy && !this.closed && this.queue.length > 0) {
      const frame = this.queue.shift()!;
      let result: Buffer[] | null | Promise<Buffer[] | null>;
      try {
        result = this.processor.process(frame, this);
      } catch (err) {
        this.malformed(err as Error);
        return;
      }
      if (result instanceof Promise) {
        this.busy = true;
        result.then(
          (response) => {
            this.busy = false;
            this.send(response);
            this.drain();
          },
          (err: unknown) => this.malformed(err as Error),
        );
        return;
      }
      this.send(result);
    }
    this.maybeResume();
  }

  private send(response: Buffer[] | null): void {
    if (response === null || this.closed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    for (const chunk of response) this.socket.write(chunk);
    // A client that does not read its responses must not make the broker buffer without bound.
    if (this.socket.writableNeedDrain) this.socket.pause();
    this.lastActiveMs = this.nowMs();
  }

  private maybeResume(): void {
    if (this.closed || this.queue.length >= MAX_QUEUED_FRAMES / 2 || this.socket.writableNeedDrain) return;
    if (this.socket.isPaused()) this.socket.resume();
  }

  private malformed(err: Error): void {
    if (this.closed) return;
    this.logger.warn(
      {
        connection: this.id,
        remote: this.remote,
        err: err.message,
        tooLarge: err instanceof FrameTooLargeError,
        // A size prefix read from inside a request means the previous frame ended early: say which it was.
        previousFrame: this.lastFrame,
        bufferedBytes: this.splitter.bufferedBytes,
      },
      'closing connection after a malformed request',
    );
    this.events.onMalformed(this, err);
    this.close(`malformed request: ${err.message}`);
  }
}

interface FrameSummary {
  readonly size: number;
  readonly apiKey?: number;
  readonly apiVersion?: number;
  readonly correlationId?: number;
}

/** A request frame's header fields and size, for a log line (no decode beyond the fixed header). */
function describeFrame(frame: Buffer): FrameSummary {
  if (frame.length < 8) return { size: frame.length };
  return {
    size: frame.length,
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
}
