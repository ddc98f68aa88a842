import { type ChildProcess, spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child's stdout and stderr as they arrive, and its result once it closes (rejected if it cannot start). */
export interface CollectedOutput {
  readonly stderrSoFar: () => string;
  readonly result: Promise<ProcessResult>;
}

/** Collects the output of a child spawned with stdout and stderr piped, until it closes. */
export function collectOutput(child: ChildProcess): CollectedOutput {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const result = new Promise<ProcessResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { stderrSoFar: () => stderr, result };
}

/**
 * Runs a command to completion with `input` on its stdin (none when undefined), collecting its output; the
 * promise rejects if it cannot start, and if it outlives `timeoutMs` it is killed and the error names `what`
 * and carries its stderr so far. A non-zero exit is the caller's to judge.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { what: string; timeoutMs: number; input?: string },
): Promise<ProcessResult> {
  const child = spawn(command, args, {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const output = collectOutput(child);
  if (options.input !== undefined) child.stdin?.end(options.input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${options.what} did not finish within ${options.timeoutMs} ms; stderr: ${output.stderrSoFar()}`,
        ),
      );
    }, options.timeoutMs);
    output.result.then(
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
