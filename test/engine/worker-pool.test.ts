/**
 * Closing the worker pool at any moment, even while its threads are still loading their modules, as a
 * command that fails at once does (`sprawl git --range` of a commit that does not exist). Node aborted
 * the whole process with a native assertion when a thread was stopped inside its module loader: about
 * one close in thirty closed 30–80 ms after the pool started, before `close` waited for each thread to
 * take a task first. Run in a child process, which such an abort kills.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const POOL_MODULE = pathToFileURL(path.resolve('dist/engine/worker-pool.js')).href;

describe('WorkerPool.close', () => {
  it('never aborts the process, however soon after the start it is called', () => {
    const script = `
      const { WorkerPool } = await import(${JSON.stringify(POOL_MODULE)});
      for (let round = 0; round < 40; round++) {
        const pool = new WorkerPool({ threads: 2 });
        await new Promise((resolve) => setTimeout(resolve, 30 + (round % 6) * 10));
        await pool.close();
      }
      process.stdout.write('closed 40 pools');
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(result.stderr).not.toContain('Assertion failed');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('closed 40 pools');
  });
});
