import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectOutput, type ProcessResult } from '../harness/run-process.js';

/**
 * Runs the real `ferry` CLI as a child process: node with the tsx loader on src/ops/cli/main.ts (no npx, so a
 * spawn costs only node's and tsx's start-up). Long-running commands are waited on by their output lines,
 * never by sleeping.
 */

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(REPO_ROOT, 'src/ops/cli/main.ts');

export type CliResult = ProcessResult;

/** Every child still running, so that a suite's afterAll can end them even when a start hung or failed. */
const running = new Set<ChildProcess>();

function ferryProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** SIGKILLs every ferry child of this test file that has not exited, and waits for them. */
export async function killFerryProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

export function runFerry(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return collectOutput(ferryProcess(args, env)).result;
}

/** A `ferry cluster start` child: its bootstrap address once it printed it, and its exit. */
export class FerryCluster {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private constructor(
    private readonly child: ChildProcess,
    readonly bootstrap: string,
    /** The REST view's base URL (`rest=…`, printed before `bootstrap=`) when started with --rest-port. */
    readonly rest: string | undefined,
    exited: Promise<number | null>,
  ) {
    this.exited = exited;
  }

  static start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<FerryCluster> {
    const child = ferryProcess(['cluster', 'start', ...args], env);
    let stdout = '';
    let stderr = '';
    let cluster: FerryCluster | undefined;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (cluster) cluster.stdout = stdout;
        const match = /^bootstrap=(\S+)$/m.exec(stdout);
        if (match && cluster === undefined) {
          const rest = /^rest=(\S+)$/m.exec(stdout)?.[1];
          cluster = new FerryCluster(child, match[1]!, rest, exited);
          cluster.stdout = stdout;
          cluster.stderr = stderr;
          resolve(cluster);
        }
      });
      child.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-20_000);
        if (cluster) cluster.stderr = stderr;
      });
      child.on('error', reject);
      exited.then((code) => {
        if (cluster === undefined) {
          reject(
            new Error(
              `ferry cluster start exited with ${code} before printing bootstrap=:\n${stdout}\n${stderr}`,
            ),
          );
        }
      });
    });
  }

  /** SIGTERM, and the exit code the process then chose. */
  async terminate(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}
