/**
 * `git cat-file --batch`: object contents by id, through one long-lived process instead of a process per
 * object. `CatFileOutput` parses what it prints; `CatFileSession` keeps one process open for a worker
 * thread, which asks for the blobs of each batch it is given and scans them as they stream in, so blob
 * bytes never pass through the main thread and two workers decompress with two git processes at once.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Reads lines and exact byte counts from a stream, for `cat-file --batch` output. Keeps the chunks as
 * they came and copies only what a caller takes, so a backlog of output is never copied again and again.
 */
export class CatFileOutput {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already taken. */
  private offset = 0;
  private bufferedBytes = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  /** git writes faster than blobs are scanned: pause it above this much unread output. */
  private static readonly HIGH_WATER_BYTES = 16 * 1024 * 1024;

  constructor(private readonly stream: NodeJS.ReadableStream) {
    stream.on('data', (data: Buffer) => {
      this.chunks.push(data);
      this.bufferedBytes += data.length;
      if (this.bufferedBytes > CatFileOutput.HIGH_WATER_BYTES) stream.pause();
      this.wake?.();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  /** The next line without its newline; null when the output ended first. */
  async readLine(): Promise<string | null> {
    for (;;) {
      const length = this.lengthUntilNewline();
      if (length >= 0) {
        const line = this.take(length + 1);
        return line.toString('utf8', 0, length);
      }
      if (this.ended) return null;
      await this.waitForData();
    }
  }

  /** The next `count` bytes, in one buffer. */
  async readBytes(count: number): Promise<Buffer> {
    while (this.bufferedBytes < count) {
      if (this.stream.isPaused()) this.stream.resume(); // one object larger than the high-water mark
      if (this.ended) throw new Error('git cat-file output ended inside an object');
      await this.waitForData();
    }
    return this.take(count);
  }

  /**
   * Hands the next `count` bytes to `onChunk` as they arrive, in pieces, without gathering them: a blob
   * of any size is scanned in the memory of a few chunks. A piece is valid only during the call.
   */
  async readInPieces(count: number, onChunk: (piece: Buffer) => void): Promise<void> {
    let left = count;
    while (left > 0) {
      if (this.bufferedBytes === 0) {
        if (this.ended) throw new Error('git cat-file output ended inside an object');
        if (this.stream.isPaused()) this.stream.resume();
        await this.waitForData();
        continue;
      }
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length - this.offset, left);
      onChunk(chunk.subarray(this.offset, this.offset + used));
      this.advance(used);
      left -= used;
      // Let the event loop read the pipe again, so git writes the next piece while this one is scanned.
      if (left > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Bytes before the next newline, or -1 when no newline has arrived yet. */
  private lengthUntilNewline(): number {
    let seen = 0;
    for (let index = 0; index < this.chunks.length; index++) {
      const chunk = this.chunks[index]!;
      const from = index === 0 ? this.offset : 0;
      const newline = chunk.indexOf(0x0a, from);
      if (newline >= 0) return seen + newline - from;
      seen += chunk.length - from;
    }
    return -1;
  }

  /** Removes and returns the next `count` bytes, copying only those. */
  private take(count: number): Buffer {
    const taken = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length - this.offset, count - filled);
      chunk.copy(taken, filled, this.offset, this.offset + used);
      filled += used;
      this.advance(used);
    }
    return taken;
  }

  private advance(count: number): void {
    this.offset += count;
    this.bufferedBytes -= count;
    if (this.offset === this.chunks[0]!.length) {
      this.chunks.shift();
      this.offset = 0;
    }
    if (this.stream.isPaused() && this.bufferedBytes < CatFileOutput.HIGH_WATER_BYTES / 2) this.stream.resume();
  }

  private waitForData(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }
}

/** What `CatFileSession.next` found: a blob's size (its bytes went to the caller), or a missing object. */
export type CatFileObject = { kind: 'blob'; size: number } | { kind: 'missing' };

/**
 * One `git cat-file --batch` process kept open for a repository. `request` queues ids; `next` reads the
 * next requested object, in order. It starts on first use and ends when the thread that opened it does
 * (its pipes close with the thread), or on `close`.
 */
export class CatFileSession {
  private child: ChildProcessWithoutNullStreams | undefined;
  private output: CatFileOutput | undefined;
  private stderr = '';
  private failure: Error | undefined;
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
   * Reads the next requested object. A small blob (`wholeUpTo` bytes or fewer) is returned whole; a
   * larger one is handed to `onPiece` as it streams in.
   */
  async next(onPiece: (piece: Buffer) => void, wholeUpTo: number): Promise<CatFileObject & { bytes?: Buffer }> {
    try {
      return await this.readNext(onPiece, wholeUpTo);
    } catch (error) {
      this.brokenBy = (error as Error).message;
      this.close();
      throw error;
    }
  }

  private async readNext(onPiece: (piece: Buffer) => void, wholeUpTo: number): Promise<CatFileObject & { bytes?: Buffer }> {
    const output = this.output!;
    const header = await output.readLine();
    if (header === null) throw new Error(`git cat-file stopped early${this.failure ? ` (${this.failure.message})` : this.stderr ? ` (${this.stderr.trim().split('\n')[0]})` : ''}`);
    if (header.endsWith(' missing')) return { kind: 'missing' };
    const size = Number(header.split(' ')[2]);
    if (!Number.isSafeInteger(size)) throw new Error(`git cat-file printed an unexpected header: ${header.slice(0, 80)}`);
    let bytes: Buffer | undefined;
    if (size <= wholeUpTo) bytes = await output.readBytes(size);
    else await output.readInPieces(size, onPiece);
    await output.readBytes(1); // the newline after each object
    return { kind: 'blob', size, ...(bytes ? { bytes } : {}) };
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
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.root, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.on('data', (data: Buffer) => {
      this.stderr += data.toString();
    });
    child.on('error', (error) => {
      this.failure = error;
    });
    child.stdin.on('error', () => {
      // git exited; the next read reports it.
    });
    if (!this.options.keepsProcessAlive) child.unref();
    this.child = child;
    this.output = new CatFileOutput(child.stdout);
    return child;
  }
}
