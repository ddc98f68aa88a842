import { connect, type Socket } from 'node:net';
import { apiSpec } from '../../src/protocol/apis.js';
import { encodeRequest } from '../../src/protocol/frame.js';
import { FrameSplitter } from '../../src/protocol/wire/frame-splitter.js';

/**
 * A bare TCP connection to a broker for tests that must send what no client library would: arbitrary bytes,
 * torn frames, pipelined bursts. Responses are split on their int32 size prefix and queued in arrival order;
 * `closed` settles when the broker (or the test) ends the connection.
 */
export class RawConnection {
  readonly closed: Promise<void>;
  private readonly frames: Buffer[] = [];
  private readonly splitter = new FrameSplitter(256 * 1024 * 1024);
  private waiter: (() => void) | undefined;
  private isClosed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.splitter.push(chunk)) this.frames.push(frame);
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        this.isClosed = true;
        this.waiter?.();
        resolve();
      });
    });
    // A reset from the broker closing on us is an expected outcome here, not a test failure.
    socket.on('error', () => {});
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
    });
  }

  get hasClosed(): boolean {
    return this.isClosed;
  }

  write(data: Buffer | readonly Buffer[]): void {
    if (this.isClosed) return;
    this.socket.write(Buffer.isBuffer(data) ? data : Buffer.concat(data));
  }

  /** The next response frame (without its size prefix), or null when the connection closed first. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.shift();
      if (frame !== undefined) return frame;
      if (this.isClosed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** True when the connection closed within `timeoutMs`. */
  async closesWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.closed.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Half-closes: the client says it will send nothing more, as a client that hangs up does. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One size-prefixed request frame of `apiKey` v`apiVersion` with `body`, encoded by Ferry's codec. */
export function requestFrame(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: unknown,
  clientId: string | null = 'raw-test',
): Buffer {
  const spec = apiSpec(apiKey);
  if (spec === undefined) throw new Error(`no schema for API key ${apiKey}`);
  return Buffer.concat(
    encodeRequest({ apiKey, apiVersion, correlationId, clientId }, spec.request, apiVersion, body),
  );
}
