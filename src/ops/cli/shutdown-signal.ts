/**
 * The first SIGINT or SIGTERM asks a long-running command to stop cleanly; `signalled` resolves with it. A
 * second one while the clean stop runs means the operator insists: `onInsist` says what is left behind, and
 * the process exits at once with code 1, as `ferry cluster start` does.
 */
export class ShutdownSignal {
  readonly signalled: Promise<NodeJS.Signals>;
  private received: NodeJS.Signals | undefined;
  private readonly handler: (signal: NodeJS.Signals) => void;

  constructor(onInsist: (signal: NodeJS.Signals) => void = () => undefined) {
    let resolve!: (signal: NodeJS.Signals) => void;
    this.signalled = new Promise((r) => {
      resolve = r;
    });
    this.handler = (signal) => {
      if (this.received !== undefined) {
        process.stderr.write(`ferry: ${signal} again, exiting without waiting for the clean stop\n`);
        onInsist(signal);
        process.exit(1);
      }
      this.received = signal;
      resolve(signal);
    };
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  /** The signal received so far, if any. */
  get signal(): NodeJS.Signals | undefined {
    return this.received;
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}
