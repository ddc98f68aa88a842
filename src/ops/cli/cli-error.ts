/**
 * An error the operator caused or can act on (an unknown topic, a topic that already exists, a bad flag):
 * `main` prints its message alone, without a stack, and exits with code 1, as Kafka's shell tools do.
 */
export class CliError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CliError';
  }
}
