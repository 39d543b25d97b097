/**
 * `git cat-file --batch`: object contents by id, through one long-lived process instead of a process per
 * object. A worker thread keeps one session per repository, asks for the blobs of each batch it is given
 * and scans them as they stream in, so blob bytes never pass through the main thread and two workers
 * decompress with two git processes at once.
 *
 * Why a push parser: the output is parsed where it arrives, in the pipe's `data` event, and each blob's
 * bytes go straight to the reader (the worker's scan) without a promise per object. The earlier reader,
 * an async loop of `readLine` / `readBytes` per blob, spent a third more CPU on the same bytes and gave
 * V8's optimiser large async functions to compile and recompile in every worker.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { gitEnvironment } from './git-environment.js';

/** Told, object by object and in the order they were requested, what `cat-file --batch` printed. */
export interface ObjectReader {
  /** The next object begins: `size` bytes, given in `piece` calls, then `end`. */
  begin(size: number): void;
  /** The next bytes of the current object; valid only during the call. */
  piece(bytes: Buffer): void;
  end(): void;
  /** The repository lacks the next requested object. */
  missing(): void;
}

interface PendingRead {
  left: number;
  reader: ObjectReader;
  resolve: () => void;
  reject: (error: Error) => void;
}

const NEWLINE = 0x0a;
/** Output held while no read wants it; past this git is paused. */
const HIGH_WATER_BYTES = 16 * 1024 * 1024;

/**
 * Cuts `cat-file --batch` output into objects, whatever the sizes of the chunks it arrives in: a header
 * line (`<id> <type> <size>`, or `<id> missing`), the object's bytes, a newline. A header or an object
 * may be split across any number of chunks; the framing keeps its place between calls.
 */
export class CatFileFraming {
  /** The header line so far, while it is split across chunks. */
  private header = '';
  private inObject = false;
  /** Bytes of the current object still to come (then its newline). */
  private objectLeft = 0;

  /**
   * Parses `chunk` from its start, handing objects to `reader`, until the chunk is used up or `wanted`
   * objects have ended; says how many bytes it used and how many objects ended. Throws on output that
   * is not `--batch` framing (git's output cannot be followed after that).
   */
  parse(chunk: Buffer, reader: ObjectReader, wanted: number): { used: number; ended: number } {
    let at = 0;
    let ended = 0;
    while (at < chunk.length && ended < wanted) {
      if (!this.inObject) {
        const newline = chunk.indexOf(NEWLINE, at);
        if (newline < 0) {
          this.header += chunk.toString('latin1', at);
          return { used: chunk.length, ended };
        }
        const header = this.header + chunk.toString('latin1', at, newline);
        this.header = '';
        at = newline + 1;
        if (header.endsWith(' missing')) {
          reader.missing();
          ended++;
          continue;
        }
        const size = Number(header.slice(header.lastIndexOf(' ') + 1));
        if (header.split(' ').length !== 3 || !Number.isSafeInteger(size) || size < 0) throw new Error(`git cat-file printed an unexpected header: ${header.slice(0, 80)}`);
        reader.begin(size);
        this.inObject = true;
        this.objectLeft = size;
        continue;
      }
      if (this.objectLeft > 0) {
        const taken = Math.min(this.objectLeft, chunk.length - at);
        reader.piece(chunk.subarray(at, at + taken));
        this.objectLeft -= taken;
        at += taken;
        continue;
      }
      if (chunk[at] !== NEWLINE) throw new Error('git cat-file output lost its framing after an object');
      at++;
      this.inObject = false;
      reader.end();
      ended++;
    }
    return { used: at, ended };
  }
}

/**
 * One `git cat-file --batch` process kept open for a repository. `request` queues ids; `read` hands the
 * next requested objects to a reader, in order. The process starts on first use and ends when the
 * thread that opened it does (its pipes close with the thread), or on `close`.
 */
export class CatFileSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private stderr = '';
  private failure: Error | undefined;
  private ended = false;
  /** Output that arrived while no read was waiting for it. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private reads: PendingRead[] = [];
  private readonly framing = new CatFileFraming();
  /** Set once a read failed: the objects requested after it cannot be told apart any more. */
  brokenBy: string | undefined;

  /**
   * `keepsProcessAlive: false` (a worker thread's session): the thread's work, not this process, decides
   * when it is done. A session the main thread reads from must keep the process alive while it waits.
   */
  constructor(
    private readonly root: string,
    private readonly options: { keepsProcessAlive: boolean } = { keepsProcessAlive: false },
  ) {}

  request(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.start().stdin.write(`${ids.join('\n')}\n`);
  }

  /**
   * Hands the next `count` requested objects to `reader` as their bytes arrive; resolves after the last.
   * Rejects when git stops or prints what is not an object (the session is then broken), or when the
   * reader throws.
   */
  read(count: number, reader: ObjectReader): Promise<void> {
    if (this.brokenBy !== undefined) return Promise.reject(new Error(this.brokenBy));
    if (count <= 0) return Promise.resolve();
    this.start();
    return new Promise<void>((resolve, reject) => {
      this.reads.push({ left: count, reader, resolve, reject });
      if (this.reads.length === 1) this.pump();
    });
  }

  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  /** Ends git's input and waits (up to a second) for git to exit, so no process outlives the thread. */
  async closeAndWait(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once('close', () => resolve());
      setTimeout(resolve, 1000).unref();
    });
    this.close();
    await exited;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.root, stdio: ['pipe', 'pipe', 'pipe'], env: gitEnvironment() });
    child.stderr.on('data', (data: Buffer) => {
      this.stderr += data.toString();
    });
    child.on('error', (error) => {
      this.failure = error;
      this.onOutputEnd();
    });
    child.stdin.on('error', () => {
      // git exited; the read that waits for it reports why.
    });
    child.stdout.on('data', (data: Buffer) => {
      this.held.push(data);
      this.heldBytes += data.length;
      this.pump();
      if (this.heldBytes > HIGH_WATER_BYTES) child.stdout.pause();
    });
    // 'close', not the output's 'end': by then git's complaint on stderr has arrived too.
    child.on('close', () => this.onOutputEnd());
    if (!this.options.keepsProcessAlive) child.unref();
    this.child = child;
    return child;
  }

  /** Parses held output for the waiting reads, as far as they want it. */
  private pump(): void {
    while (this.reads.length > 0 && this.held.length > 0) {
      const chunk = this.held[0]!;
      const read = this.reads[0]!;
      let parsed: ReturnType<CatFileFraming['parse']>;
      try {
        parsed = this.framing.parse(chunk, read.reader, read.left);
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      if (parsed.used === chunk.length) this.held.shift();
      else this.held[0] = chunk.subarray(parsed.used);
      this.heldBytes -= parsed.used;
      read.left -= parsed.ended;
      if (read.left === 0) {
        this.reads.shift();
        read.resolve();
      }
    }
    if (this.heldBytes <= HIGH_WATER_BYTES / 2 && this.child?.stdout.isPaused()) this.child.stdout.resume();
    if (this.ended && this.reads.length > 0) this.fail(this.stoppedEarly());
  }

  private onOutputEnd(): void {
    this.ended = true;
    this.pump();
  }

  private stoppedEarly(): Error {
    const reason = this.failure?.message ?? this.stderr.trim().split('\n')[0];
    return new Error(`git cat-file stopped early${reason ? ` (${reason})` : ''}`);
  }

  private fail(error: Error): void {
    this.brokenBy = error.message;
    const reads = this.reads;
    this.reads = [];
    this.held = [];
    this.heldBytes = 0;
    this.close();
    for (const read of reads) read.reject(error);
  }
}
