/**
 * Scans a stream of bytes (a file, a git blob, stdin) in bounded memory: the bytes go into a buffer of
 * one chunk plus an overlap longer than the longest secret, so a secret across a chunk boundary is seen
 * whole in one chunk and reported once; the next chunk keeps the last bytes before the boundary too (the
 * look-behind), so that a match at its start sees what comes before it. A running line and column count
 * keeps positions right across chunks. Binary content is recognised by a NUL byte in the first 8 KiB (git's own test) and
 * not scanned. Bytes can be pushed (`write`, for streams) or read straight into the buffer (`readFrom`,
 * for files, with no copy).
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { TextDecoder } from 'node:util';
import { createGunzip, gunzipSync } from 'node:zlib';
import { findEncodedMatches } from '../detectors/encoded-text.js';
import { findMatches, type RawMatch } from '../detectors/pattern.js';
import type { CompiledRuleset } from '../ruleset/compile-rules.js';
import type { CatFileSession, ObjectReader } from '../sources/git-cat-file.js';
import type { EntrySkip, ItemOutcome, LocatedMatch, RuleLimit } from './worker-protocol.js';
import { ArchiveError, archiveFormatOf, forEachArchiveEntry, UnpackBudget, type ArchiveFormat } from './archive-entries.js';
import { MatchLimit } from './match-limit.js';
import { byteOrderMarkBytes, countNewlines, MatchLocator, SNIPPET_REACH_BYTES, type ChunkPosition } from './match-locator.js';
import { scanChangedRegion, type PreviousVersion } from './changed-region.js';

const NEWLINE_BYTE = 0x0a;

/** Bytes scanned per step. Large enough that per-chunk overhead is noise, small enough for many workers. */
export const CHUNK_BYTES = 1024 * 1024;
/** Longer than any secret a rule captures (an RSA-8192 PEM block is ~6.5 KB), so none is cut in two. */
export const OVERLAP_BYTES = 16 * 1024;
/**
 * How much of a chunk's end the next chunk keeps before its own bytes, as far as the detector reads back
 * from a match: a `sprawl:allow` 4 KiB back on the line, a second look's window 16 KiB wide. Without it,
 * a match at the very start of a chunk saw no byte before it (`id=abcghp_…` passed for a token there).
 * It shares the buffer: chunks after the first bring this much fewer new bytes.
 */
export const LOOK_BEHIND_BYTES = 16 * 1024;
const BINARY_SNIFF_BYTES = 8000;
const NEWLINE = 0x0a;

/**
 * Matches seen only inside encoded text. One the plain text already shows at the same place (a value
 * that is itself valid base64) is not repeated; the same value encoded elsewhere is another occurrence.
 */
function newEncodedMatches(chunk: Buffer, ruleset: CompiledRuleset, depth: number, acceptFrom: number, acceptBefore: number, plain: readonly RawMatch[], onCut?: () => void): RawMatch[] {
  if (depth < 1) return [];
  const seen = new Set<string>();
  return findEncodedMatches(chunk, ruleset, { depth, acceptFrom, acceptBefore, ...(onCut ? { onCut } : {}) }).filter((match) => {
    const key = `${match.ruleId}\0${match.secret}\0${match.secretStart}`;
    const shownPlain = plain.some((other) => other.ruleId === match.ruleId && other.secret === match.secret && other.secretStart < match.secretEnd && match.secretStart < other.secretEnd);
    if (shownPlain || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * `found` with what the rules left out of the search (past their bound of values, see match-limit.ts)
 * find around the matches to be reported: those values are secrets still, which a snippet must not show.
 * Searched only as far as a snippet shows and a secret reaches, so that a dump's chunks with nothing else
 * to report cost nothing more, and a chunk full of findings at most what those rules would have cost it.
 */
function withSkippedRulesSecrets(chunk: Buffer, ruleset: CompiledRuleset, skipRules: ReadonlySet<string>, found: readonly RawMatch[], reported: readonly RawMatch[]): RawMatch[] {
  const reach = SNIPPET_REACH_BYTES + OVERLAP_BYTES;
  // Only those rules run: the others' matches are in `found` already.
  const otherRules = new Set(ruleset.rules.map((rule) => rule.spec.id).filter((ruleId) => !skipRules.has(ruleId)));
  const secrets = [...found];
  const search = ({ start, end }: { start: number; end: number }) => {
    for (const match of findMatches(chunk.subarray(start, end), ruleset, { skipRules: otherRules })) {
      secrets.push({ ...match, secretStart: start + match.secretStart, secretEnd: start + match.secretEnd });
    }
  };
  // One search per run of reported matches whose surroundings overlap (they come sorted by offset).
  let region: { start: number; end: number } | undefined;
  for (const match of reported) {
    const start = Math.max(0, match.secretStart - reach);
    const end = Math.min(chunk.length, match.secretEnd + reach);
    if (region !== undefined && start <= region.end) region.end = Math.max(region.end, end);
    else {
      if (region !== undefined) search(region);
      region = { start, end };
    }
  }
  if (region !== undefined) search(region);
  return secrets.sort(bySecretStart);
}

/**
 * One secret across a chunk boundary is one finding, as in a file of its own. Where a match of this chunk
 * (`found`) overlaps one the chunk before held back, the more specific rule's stands (as in
 * dropGenericOverlaps, pattern.ts); of two matches of one rule, the earlier (the later is the rule found
 * again from a later start, as a split rule's branch would be: dropSplitRuleOverlaps). Returns the
 * matches that stand, in order.
 */
function settleBoundary(held: readonly RawMatch[], found: readonly RawMatch[], ruleset: CompiledRuleset): RawMatch[] {
  const levelOf = (match: RawMatch) => ruleset.specificityOf.get(match.ruleId) ?? 0;
  const overlap = (a: RawMatch, b: RawMatch) => a.secretStart < b.secretEnd && b.secretStart < a.secretEnd;
  // Only this chunk's first matches can reach back to a held one: `found` is sorted by offset.
  const heldReach = Math.max(...held.map((match) => match.secretEnd));
  const reachingBack = found.filter((match) => match.secretStart < heldReach);
  const heldStanding = held.filter((before) => !reachingBack.some((after) => overlap(before, after) && levelOf(after) < levelOf(before)));
  const foundStanding = found.filter(
    (after) => after.secretStart >= heldReach || !held.some((before) => overlap(before, after) && (levelOf(before) < levelOf(after) || before.ruleId === after.ruleId)),
  );
  return [...heldStanding, ...foundStanding];
}

/**
 * Where the matches begin that the next chunk reports (see `ChunkedScan.held`): the first whose secret or
 * snippet may reach into the overlap, the next chunk's to search, and all after it, to keep their order.
 * One that starts too near the next chunk's start for its snippet to fit there (a secret longer than the
 * look-behind, which no rule has) is reported here.
 */
function firstToHold(matches: readonly RawMatch[], acceptBefore: number, carryFrom: number): number {
  const index = matches.findIndex((match) => match.secretEnd + SNIPPET_REACH_BYTES > acceptBefore && match.secretStart - SNIPPET_REACH_BYTES >= carryFrom);
  return index < 0 ? matches.length : index;
}

/** `offset`, or the first byte of the UTF-8 character it falls inside (after up to three continuation bytes, 10xxxxxx). */
function characterStart(bytes: Buffer, offset: number): number {
  let start = offset;
  while (start > 0 && offset - start < 3 && (bytes[start]! & 0xc0) === 0x80) start--;
  return start;
}

function bySecretStart(a: RawMatch, b: RawMatch): number {
  return a.secretStart - b.secretStart;
}

export interface ChunkedScanResult {
  isBinary: boolean;
  bytes: number;
  matches: LocatedMatch[];
  /** Bytes whose matches were carried over from the version before instead of scanned (see changed-region.ts). */
  carriedBytes?: number;
  /** Rules that reached a bound of matches or values in this input (see match-limit.ts). */
  limits?: RuleLimit[];
  /** Why binary content was not scanned, where there is more to say than that it is binary. */
  binaryDetail?: string;
  /** An archive's files that were not scanned, by their path in it (see archive-entries.ts). */
  entrySkips?: EntrySkip[];
  /** How many of an archive's files (nested archives' included) were binary: counted, not listed. */
  binaryEntries?: number;
}

export class ChunkedScan {
  private filled = 0; // bytes in `buffer`, the first of them carried over from the previous chunk
  private position: ChunkPosition = { fileOffset: 0, linesBefore: 0, columnBefore: 0 };
  /** Bytes at the buffer's start that the chunk before scanned: read by the detector, not reported from (see LOOK_BEHIND_BYTES). */
  private lookBehind = 0;
  /** The secrets of the chunks before that reach into the buffer, at its offsets: this chunk's snippets show them redacted. */
  private carried: RawMatch[] = [];
  /**
   * The last matches of the chunk before, at the buffer's offsets, reported by this chunk instead: it
   * settles those across the boundary with its own (see settleBoundary), and it knows the secrets their
   * snippets may show after them.
   */
  private held: RawMatch[] = [];
  private totalBytes = 0;
  private isFirstChunk = true;
  private isBinary = false;
  private readonly matches: LocatedMatch[] = [];
  private readonly limit = new MatchLimit();
  /**
   * Set when the input is UTF-16 text, which opens with a byte-order mark (PowerShell scripts, `.reg`
   * exports and SQL scripts saved on Windows): every other byte of it is NUL, so it would pass for binary.
   * Its bytes are decoded to UTF-8 as they come and scanned by an inner scan, whose lines and columns are
   * the text's own.
   */
  private utf16: { decoder: TextDecoder; text: ChunkedScan } | undefined;
  /**
   * Set when the input is gzip-compressed (a database dump, a backup, a rotated log committed by mistake)
   * or an archive (zip, jar, tar): its bytes are kept, up to a bound, and at the end decompressed (up to
   * `GUNZIPPED_MAX_BYTES`) or unpacked (see archive-entries.ts), then scanned. Past a bound it is counted
   * as binary, with the reason.
   */
  private kept: { format: 'gzip' | ArchiveFormat; parts: Buffer[]; bytes: number; whole: Buffer | undefined } | undefined;
  private binaryDetail: string | undefined;
  /** The input's size where it is known beforehand (a file's, a blob's): kept bytes then go into one buffer of that size, not pieces joined at the end. */
  private expectedBytes = 0;

  constructor(
    private readonly ruleset: CompiledRuleset,
    private readonly buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES + OVERLAP_BYTES),
    /** How many archives this input is inside (0: a file, a blob); archives unpack while it is below `archiveDepth`. */
    private readonly nesting = 0,
    /** What the outermost input has unpacked so far, shared by every archive inside it (made on first use). */
    private budget: UnpackBudget | undefined = undefined,
  ) {}

  /** Tells the input's size before its bytes come (see `expectedBytes`). */
  expect(size: number): void {
    this.expectedBytes = size;
  }

  /**
   * Scans an input that is whole in memory already (a file inside an archive, a blob read whole). One that
   * is itself compressed or an archive is decompressed or unpacked from these bytes, not copied first.
   */
  scanWhole(bytes: Buffer): ChunkedScanResult {
    const format = isGzip(bytes) ? 'gzip' : archiveFormatOf(bytes);
    if (format === undefined || !this.opens(format)) {
      this.write(bytes);
      return this.end();
    }
    this.isFirstChunk = false;
    this.totalBytes = bytes.length;
    return format === 'gzip' ? this.gunzipped(bytes) : this.unpacked(format, bytes);
  }

  /** Pushes bytes from a stream; scans each chunk as the buffer fills. */
  write(bytes: Uint8Array): void {
    for (let offset = 0; offset < bytes.length && !this.isBinary; ) {
      const taken = Math.min(bytes.length - offset, this.buffer.length - this.filled);
      this.buffer.set(bytes.subarray(offset, offset + taken), this.filled);
      this.filled += taken;
      this.totalBytes += taken;
      offset += taken;
      if (this.filled === this.buffer.length) this.scanChunk(false);
    }
  }

  /**
   * Reads a file descriptor to its end, straight into the buffer. Given the size `fstat` reported, it
   * stops there, as `readFileSync` does, without the read that would only say "end of file": one system
   * call fewer per file (a file that grows meanwhile is scanned as it was). Size 0, which files in /proc
   * report, reads on to the end.
   */
  readFrom(fd: number, size = 0): void {
    if (size > 0) this.expectedBytes = size;
    while (!this.isBinary && (size === 0 || this.totalBytes < size)) {
      const read = readSync(fd, this.buffer, this.filled, this.buffer.length - this.filled, null);
      if (read === 0) return;
      this.filled += read;
      this.totalBytes += read;
      if (this.filled === this.buffer.length) this.scanChunk(false);
    }
  }

  /**
   * Every byte written so far, while they all still fit in the buffer (no chunk has been scanned and
   * carried away yet); valid until the buffer is used for the next input.
   */
  wholeInput(): Buffer | undefined {
    return this.isFirstChunk && this.filled === this.totalBytes ? this.buffer.subarray(0, this.filled) : undefined;
  }

  /** Scans what is left and returns every match, in order. */
  end(): ChunkedScanResult {
    if (!this.isBinary) this.scanChunk(true);
    if (this.kept && !this.isBinary) {
      const bytes = this.kept.whole ? this.kept.whole.subarray(0, this.kept.bytes) : Buffer.concat(this.kept.parts);
      this.kept.parts = [];
      return this.kept.format === 'gzip' ? this.gunzipped(bytes) : this.unpacked(this.kept.format, bytes);
    }
    if (this.isBinary) return { isBinary: true, bytes: this.totalBytes, matches: [], ...(this.binaryDetail ? { binaryDetail: this.binaryDetail } : {}) };
    if (this.utf16) return { ...this.utf16.text.end(), bytes: this.totalBytes };
    const limits = this.limit.reached;
    return { isBinary: false, bytes: this.totalBytes, matches: this.matches, ...(limits ? { limits } : {}) };
  }

  /** The decompressed text scanned as any input is, its matches placed in it; or the reason it is not scanned. */
  private gunzipped(compressed: Buffer): ChunkedScanResult {
    let text: Buffer;
    try {
      text = gunzipSync(compressed, { maxOutputLength: GUNZIPPED_MAX_BYTES });
    } catch (error) {
      const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      const detail = tooLarge ? `gzip-compressed, decompresses to more than ${GUNZIPPED_MAX_BYTES / 1024 / 1024} MB (sprawl logs decompresses any size as it scans)` : 'gzip-compressed, but not valid gzip';
      return { isBinary: true, bytes: this.totalBytes, matches: [], binaryDetail: detail };
    }
    // A `.tar.gz` is one archive, not two: its tar is unpacked at this input's own level.
    const format = archiveFormatOf(text);
    if (format === 'tar' && this.opens(format)) return this.unpacked(format, text);
    // This input's chunks are all scanned, so its buffer is free for the decompressed text. Anything packed
    // in it (gzip in gzip, a zip) counts a level deeper, so that nesting ends at `archiveDepth`.
    const result = new ChunkedScan(this.ruleset, this.buffer, this.nesting + 1, this.budget).scanWhole(text);
    if (result.isBinary) {
      // Gzip within gzip says so once, at the level where it stopped.
      const detail = result.binaryDetail === undefined ? 'gzip-compressed binary content' : result.binaryDetail.startsWith('gzip-compressed') ? result.binaryDetail : `gzip-compressed binary content: ${result.binaryDetail}`;
      return { isBinary: true, bytes: this.totalBytes, matches: [], binaryDetail: detail };
    }
    return { ...result, bytes: this.totalBytes };
  }

  /**
   * Each file of the archive scanned as an input of its own, one level deeper (so an archive inside it is
   * unpacked in turn, up to `archiveDepth`); its matches carry the file's path in the archive. This
   * input's limit on matches holds over all its files together.
   */
  private unpacked(format: ArchiveFormat, archive: Buffer): ChunkedScanResult {
    const matches: LocatedMatch[] = [];
    const entrySkips: EntrySkip[] = [];
    const innerLimits: RuleLimit[] = [];
    let binaryEntries = 0;
    const budget = (this.budget ??= new UnpackBudget());
    try {
      forEachArchiveEntry(format, archive, (entry) => {
        if (entry.problem !== undefined) {
          entrySkips.push({ entry: entry.name, reason: 'unreadable', detail: entry.problem });
          return;
        }
        if (entry.passedOver) {
          binaryEntries++;
          return;
        }
        // This input's chunks are all scanned, so its buffer is free for the files' (one after another).
        const result = new ChunkedScan(this.ruleset, this.buffer, this.nesting + 1, budget).scanWhole(entry.bytes);
        if (result.isBinary) {
          // Plain binary files (class files, images) are counted; one with more to say is named.
          if (result.binaryDetail === undefined) binaryEntries++;
          else entrySkips.push({ entry: entry.name, reason: 'binary', detail: result.binaryDetail });
          return;
        }
        binaryEntries += result.binaryEntries ?? 0;
        // An MCP config or a workflow inside the archive is judged by its structural detector too, by its path there.
        const outcome = withStructuralMatches(outcomeOf(entry.name, result), this.ruleset, entry.name, () => entry.bytes);
        for (const match of outcome.kind === 'scanned' ? outcome.matches : []) {
          if (this.limit.admit(match.ruleId, match.secret)) matches.push({ ...match, entry: match.entry === undefined ? entry.name : `${entry.name}!${match.entry}` });
        }
        for (const skip of result.entrySkips ?? []) entrySkips.push({ ...skip, entry: `${entry.name}!${skip.entry}` });
        innerLimits.push(...(result.limits ?? []));
      }, isWantedWhole, budget);
    } catch (error) {
      if (!(error instanceof ArchiveError)) throw error;
      return { isBinary: true, bytes: this.totalBytes, matches: [], binaryDetail: `a ${format} archive, but ${error.message}` };
    }
    const limits = distinctLimits([...(this.limit.reached ?? []), ...innerLimits]);
    return {
      isBinary: false,
      bytes: this.totalBytes,
      matches,
      ...(limits.length > 0 ? { limits } : {}),
      ...(entrySkips.length > 0 ? { entrySkips } : {}),
      ...(binaryEntries > 0 ? { binaryEntries } : {}),
    };
  }

  /**
   * Whether an input of this format is opened at this input's depth: an archive while it is less than
   * `archiveDepth`; gzip one level further (a `.tar.gz` at the last level, or a gzip file when archives
   * are not unpacked at all), so that gzip inside gzip ends too.
   */
  private opens(format: 'gzip' | ArchiveFormat): boolean {
    return format === 'gzip' ? this.nesting <= this.ruleset.archiveDepth : this.nesting < this.ruleset.archiveDepth;
  }

  /** Starts keeping the input's bytes when its first chunk shows gzip or an archive that is to be unpacked. */
  private keepIfPacked(first: Buffer): void {
    const format = isGzip(first) ? 'gzip' : archiveFormatOf(first);
    if (format === undefined) return;
    if (this.opens(format)) {
      const bound = format === 'gzip' ? GZIP_MAX_BYTES : ARCHIVE_MAX_BYTES;
      const whole = this.expectedBytes > 0 && this.expectedBytes <= bound ? Buffer.allocUnsafe(this.expectedBytes) : undefined;
      this.kept = { format, parts: [], bytes: 0, whole };
    } else {
      // Counted as binary, as before archives were unpacked, and said why.
      this.isBinary = true;
      const what = format === 'gzip' ? 'gzip-compressed' : `a ${format} archive`;
      this.binaryDetail = this.nesting === 0 ? `${what}, not unpacked (--archive-depth 0)` : `${what}, nested ${this.nesting} deep, past --archive-depth ${this.ruleset.archiveDepth}`;
    }
  }

  private scanChunk(isLastChunk: boolean): void {
    const { buffer, filled } = this;
    if (this.isFirstChunk) {
      const encoding = utf16EncodingOf(buffer.subarray(0, filled));
      if (encoding) this.utf16 = { decoder: new TextDecoder(encoding), text: new ChunkedScan(this.ruleset, undefined, this.nesting) };
      else this.keepIfPacked(buffer.subarray(0, filled));
    }
    if (this.kept) {
      this.isFirstChunk = false;
      this.kept.bytes += filled;
      const bound = this.kept.format === 'gzip' ? GZIP_MAX_BYTES : ARCHIVE_MAX_BYTES;
      if (this.kept.bytes > bound) {
        this.isBinary = true;
        const unpacks = this.kept.format === 'gzip' ? ' (sprawl logs decompresses any size as it scans)' : ', not unpacked';
        this.binaryDetail = `${this.kept.format === 'gzip' ? 'gzip-compressed' : `a ${this.kept.format} archive`}, larger than ${bound / 1024 / 1024} MB${unpacks}`;
        this.kept = undefined;
      } else if (this.kept.whole && this.kept.bytes <= this.kept.whole.length) buffer.copy(this.kept.whole, this.kept.bytes - filled, 0, filled);
      else {
        // More bytes than the size told beforehand: what was kept so far, then pieces.
        if (this.kept.whole) this.kept.parts.push(this.kept.whole.subarray(0, this.kept.bytes - filled));
        this.kept.whole = undefined;
        this.kept.parts.push(Buffer.from(buffer.subarray(0, filled)));
      }
      this.filled = 0;
      return;
    }
    if (this.isBinary) return;
    if (this.utf16) {
      this.isFirstChunk = false;
      this.utf16.text.write(Buffer.from(this.utf16.decoder.decode(buffer.subarray(0, filled), { stream: !isLastChunk })));
      this.filled = 0;
      return;
    }
    if (this.isFirstChunk && looksBinary(buffer.subarray(0, filled))) {
      this.isBinary = true;
      return;
    }
    this.isFirstChunk = false;
    const chunk = buffer.subarray(0, filled);
    // Matches starting in the look-behind were the chunk before's to find; those starting in the overlap
    // are the next chunk's, which sees them whole.
    const acceptFrom = this.lookBehind;
    const acceptBefore = isLastChunk ? filled : filled - OVERLAP_BYTES;
    const skipRules = this.limit.rulesToSkip;
    const plain = findMatches(chunk, this.ruleset, { acceptFrom, acceptBefore, skipRules });
    const found = [...plain, ...newEncodedMatches(chunk, this.ruleset, this.ruleset.decodeDepth, acceptFrom, acceptBefore, plain, () => this.limit.decodingCut())].sort(bySecretStart);
    const settled = this.held.length === 0 ? found : settleBoundary(this.held, found, this.ruleset);
    // The next chunk starts with this one's last bytes: its look-behind, then the overlap. It starts on a
    // character's first byte, so that the columns counted on either side of it count whole characters.
    const carryFrom = isLastChunk ? filled : characterStart(chunk, Math.max(0, acceptBefore - LOOK_BEHIND_BYTES));
    const holdFrom = isLastChunk ? settled.length : firstToHold(settled, acceptBefore, carryFrom);
    const reported = (holdFrom === settled.length ? settled : settled.slice(0, holdFrom)).filter((match) => this.limit.admit(match.ruleId, match.secret));
    const near = skipRules === undefined || reported.length === 0 ? found : withSkippedRulesSecrets(chunk, this.ruleset, skipRules, found, reported);
    const secrets = this.carried.length === 0 ? near : [...this.carried, ...near].sort(bySecretStart);
    const locator = new MatchLocator(chunk, this.position, secrets, acceptBefore);
    for (const match of reported) this.matches.push(locator.locate(match));
    if (!isLastChunk) this.carryOver(chunk, carryFrom, acceptBefore, settled.slice(holdFrom), secrets);
  }

  /**
   * Moves the chunk's last bytes, from `carryFrom`, to the buffer's start, where the next chunk begins,
   * with what it needs to know of this one: the matches it reports instead (`held`), the secrets that
   * reach into it, and the line and column where it starts. A function of its own, so that the scan of a
   * file within one chunk (nearly every file) runs none of it.
   */
  private carryOver(chunk: Buffer, carryFrom: number, acceptBefore: number, held: readonly RawMatch[], secrets: readonly RawMatch[]): void {
    const inNextChunk = (match: RawMatch): RawMatch => ({ ...match, secretStart: match.secretStart - carryFrom, secretEnd: match.secretEnd - carryFrom });
    this.held = held.map(inNextChunk);
    this.carried = secrets.filter((match) => match.secretEnd > carryFrom).map(inNextChunk);
    const { linesBefore, columnBefore, fileOffset } = this.position;
    // A line longer than a chunk continues into the next one: carry its column forward.
    const lastNewline = carryFrom === 0 ? -1 : chunk.lastIndexOf(NEWLINE, carryFrom - 1);
    const lineStart = lastNewline < 0 ? byteOrderMarkBytes(chunk, fileOffset) : lastNewline + 1;
    this.position = {
      fileOffset: fileOffset + carryFrom,
      linesBefore: linesBefore + countNewlines(chunk, 0, carryFrom),
      columnBefore: (lastNewline < 0 ? columnBefore : 0) + chunk.toString('utf8', lineStart, carryFrom).length,
    };
    this.buffer.copy(this.buffer, 0, carryFrom, chunk.length);
    this.filled = chunk.length - carryFrom;
    this.lookBehind = acceptBefore - carryFrom;
  }
}

/** Compressed bytes kept for decompression, and the most they may decompress to: memory stays bounded per thread. */
const GZIP_MAX_BYTES = 16 * 1024 * 1024;
const GUNZIPPED_MAX_BYTES = 64 * 1024 * 1024;
/** The largest archive kept whole to be unpacked (a Spring Boot jar is tens of megabytes). */
const ARCHIVE_MAX_BYTES = 64 * 1024 * 1024;

/** Each rule's bound once, however many files of an archive reached it. */
function distinctLimits(limits: readonly RuleLimit[]): RuleLimit[] {
  const seen = new Map<string, RuleLimit>();
  for (const limit of limits) seen.set(`${limit.ruleId}\0${limit.bound}`, limit);
  return [...seen.values()];
}

/** Gzip's magic number and its only compression method, deflate. */
export function isGzip(bytes: Buffer): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

/**
 * The encoding of UTF-16 text, told by its byte-order mark and a NUL byte among its first characters (so
 * that Latin-1 text opening with `ÿþ` is not taken for it); undefined for anything else.
 */
export function utf16EncodingOf(bytes: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  return encoding && bytes.subarray(2, Math.min(bytes.length, BINARY_SNIFF_BYTES)).includes(0) ? encoding : undefined;
}

/**
 * Whether a file inside an archive is unpacked whole, told by its opening: all but plain binary content.
 * Compressed files, archives and UTF-16 text hold NUL bytes too, and are opened.
 */
function isWantedWhole(opening: Buffer): boolean {
  return !looksBinary(opening) || isGzip(opening) || archiveFormatOf(opening) !== undefined || utf16EncodingOf(opening) !== undefined;
}

/** Git's own test for binary content: a NUL byte in the first 8,000 bytes. */
export function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, Math.min(bytes.length, BINARY_SNIFF_BYTES)).includes(0);
}

/**
 * Opened without blocking: a path listed as a file can be a named pipe by the time a worker opens it, and
 * opening a pipe waits for a writer that may never come. For a regular file the flag changes nothing.
 */
const OPEN_FOR_SCAN = constants.O_RDONLY | constants.O_NONBLOCK;

export function scanFile(id: string, absolutePath: string | Buffer, ruleset: CompiledRuleset, buffer?: Buffer): ItemOutcome {
  let fd: number;
  try {
    fd = openSync(absolutePath, OPEN_FOR_SCAN);
  } catch (error) {
    return { id, kind: 'skipped', reason: 'unreadable', detail: errorCode(error) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { id, kind: 'skipped', reason: 'special-file' };
    const scan = new ChunkedScan(ruleset, buffer);
    scan.readFrom(fd, stats.size);
    // A file within one chunk is still whole in the buffer after its scan: a structural detector (every
    // YAML and JSON file has one) reads it there rather than from the disk again.
    const whole = scan.wholeInput();
    const result = scan.end();
    return withStructuralMatches(outcomeOf(id, result), ruleset, id, () => whole ?? readFileSync(absolutePath));
  } catch (error) {
    return { id, kind: 'skipped', reason: 'unreadable', detail: errorCode(error) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Scans a stream (stdin, a gzip file being decompressed) as it arrives: memory stays at one chunk however
 * long the stream, and line numbers are those of the decompressed text.
 */
export async function scanStream(id: string, stream: AsyncIterable<Uint8Array>, ruleset: CompiledRuleset, buffer?: Buffer): Promise<ItemOutcome> {
  const scan = new ChunkedScan(ruleset, buffer);
  try {
    for await (const chunk of stream) scan.write(chunk);
  } catch (error) {
    return { id, kind: 'skipped', reason: 'unreadable', detail: describeStreamError(error) };
  }
  return outcomeOf(id, scan.end());
}

/** A gzip-compressed file (a rotated log), decompressed while it is scanned. */
export function scanGzipFile(id: string, absolutePath: string | Buffer, ruleset: CompiledRuleset, buffer?: Buffer): Promise<ItemOutcome> {
  return scanStream(id, createReadStream(absolutePath).pipe(createGunzip()), ruleset, buffer);
}

function describeStreamError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return `not valid gzip (${(error as Error).message})`;
  return code ?? (error as Error).message;
}

/** Scans bytes already in memory (a git blob, stdin), through the same chunking as files. */
export function scanBytes(id: string, bytes: Uint8Array, ruleset: CompiledRuleset, buffer?: Buffer): ItemOutcome {
  const whole = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return withStructuralMatches(outcomeOf(id, new ChunkedScan(ruleset, buffer).scanWhole(whole)), ruleset, id, () => whole);
}

const LFS_POINTER_PREFIX = Buffer.from('version https://git-lfs.github.com/spec/v1');
/** Git LFS pointer files are about 130 bytes: blobs up to this size are read whole and checked for one. */
const LFS_POINTER_MAX_BYTES = 1024;

/**
 * Scans the blobs of a batch (their ids already requested from this thread's `git cat-file --batch`) as
 * they stream in, each in the memory of one chunk whatever its size, and returns their outcomes in order.
 * A Git LFS pointer is reported, not scanned; a blob the repository lacks, and every blob after one git
 * stops sending, is counted as unreadable.
 */
export async function scanGitBlobs(items: readonly GitBlobItem[], session: CatFileSession, ruleset: CompiledRuleset, buffer?: Buffer): Promise<ItemOutcome[]> {
  const reader = new GitBlobScanner(items, ruleset, buffer);
  try {
    await session.read(items.length, reader);
  } catch (error) {
    // A failure of the scan itself is not git's: it fails the batch, which the pool retries item by item.
    if (reader.scanError !== undefined) throw reader.scanError;
    const detail = (error as Error).message;
    for (const item of items.slice(reader.outcomes.length)) reader.outcomes.push({ id: item.id, kind: 'skipped', reason: 'unreadable', detail });
  }
  return reader.outcomes;
}

interface GitBlobItem {
  id: string;
  path?: string;
}

/**
 * The largest blob read whole into memory so that its next version can be scanned only where it changed
 * (see changed-region.ts), and kept while that version is read: two such blobs per thread at most.
 */
const WHOLE_VERSION_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The thread's two buffers for versions read whole: the one being read and the one before it. Reused,
 * grown only to the largest version met, because a fresh buffer per version left the allocator holding
 * freed buffers of every size, and the process's memory rose with the length of the history.
 */
const MIB = 1024 * 1024;
const wholeVersionBuffers: [Buffer, Buffer] = [Buffer.alloc(0), Buffer.alloc(0)];

/** A buffer of `size` bytes, in whichever of the thread's two is not holding `kept`. */
function wholeVersionBuffer(size: number, kept: Buffer | undefined): Buffer {
  const slot = kept !== undefined && kept.buffer === wholeVersionBuffers[0].buffer ? 1 : 0;
  if (wholeVersionBuffers[slot].length < size) wholeVersionBuffers[slot] = Buffer.allocUnsafeSlow(Math.min(WHOLE_VERSION_MAX_BYTES, Math.ceil(size / MIB) * MIB));
  return wholeVersionBuffers[slot].subarray(0, size);
}

/**
 * Scans each blob as git prints it (see `ObjectReader`). Most go piece by piece into a `ChunkedScan`,
 * in the memory of one chunk whatever their size. A blob whose neighbour in the batch is another version
 * of the same file (the history lists a file's versions together) is read whole instead: the newer one is
 * then scanned only where it differs from the one before (see changed-region.ts).
 */
class GitBlobScanner implements ObjectReader {
  readonly outcomes: ItemOutcome[] = [];
  scanError: unknown;
  private scan: ChunkedScan | undefined;
  /** The blob being read whole, and how much of it has arrived. */
  private whole: Buffer | undefined;
  private wholeFilled = 0;
  /** The blob just scanned, when the one being read is a version of the same file. */
  private previous: PreviousVersion | undefined;

  constructor(
    private readonly items: readonly GitBlobItem[],
    private readonly ruleset: CompiledRuleset,
    private readonly buffer: Buffer | undefined,
  ) {}

  begin(size: number): void {
    const index = this.outcomes.length;
    const path = this.items[index]!.path;
    const hasVersionBeside = path !== undefined && (this.previous !== undefined || this.items[index + 1]?.path === path);
    if (hasVersionBeside && size <= WHOLE_VERSION_MAX_BYTES && this.ruleset.decodeDepth === 0) {
      this.whole = wholeVersionBuffer(size, this.previous?.bytes);
      this.wholeFilled = 0;
      this.scan = undefined;
    } else {
      this.whole = undefined;
      this.scan = new ChunkedScan(this.ruleset, this.buffer);
      this.scan.expect(size);
    }
  }

  piece(bytes: Buffer): void {
    if (this.whole) {
      this.whole.set(bytes, this.wholeFilled);
      this.wholeFilled += bytes.length;
    } else {
      this.guarded(() => this.scan!.write(bytes));
    }
  }

  end(): void {
    this.guarded(() => this.outcomes.push(this.finish(this.items[this.outcomes.length]!)));
  }

  missing(): void {
    const { id } = this.items[this.outcomes.length]!;
    this.previous = undefined;
    this.outcomes.push({ id, kind: 'skipped', reason: 'unreadable', detail: `blob ${id.slice(0, 12)} is missing from the repository` });
  }

  private finish(item: GitBlobItem): ItemOutcome {
    const { id } = item;
    const previous = this.previous;
    this.previous = undefined;
    // A small blob, or one of a structural detector's files, is whole in memory: read so, or still in the scan's buffer.
    const whole = this.whole ?? this.scan!.wholeInput();
    if (whole && whole.length <= LFS_POINTER_MAX_BYTES && whole.subarray(0, LFS_POINTER_PREFIX.length).equals(LFS_POINTER_PREFIX)) {
      return { id, kind: 'skipped', reason: 'lfs-pointer', detail: `blob ${id.slice(0, 12)}` };
    }
    const result = this.whole ? this.scanWhole(this.whole, item, previous) : this.scan!.end();
    return withStructuralMatches(outcomeOf(id, result), this.ruleset, item.path ?? id, () => whole!);
  }

  /** A blob read whole: scanned where it changed since the version before, if that is known, else in chunks; kept for the next version. */
  private scanWhole(bytes: Buffer, item: GitBlobItem, previous: PreviousVersion | undefined): ChunkedScanResult {
    // An archive or compressed version is unpacked whole each time, never compared byte by byte.
    const isText = !looksBinary(bytes) && archiveFormatOf(bytes) === undefined && !isGzip(bytes);
    let result = previous && isText ? scanChangedRegion(previous, bytes, this.ruleset) : undefined;
    result ??= new ChunkedScan(this.ruleset, this.buffer).scanWhole(bytes);
    // A version whose scan reached a bound does not say where all of that rule's matches are: the next one is scanned whole.
    if (isText && !result.limits && this.items[this.outcomes.length + 1]?.path === item.path) this.previous = { bytes, matches: result.matches };
    return result;
  }

  /** Keeps what a scan throws, so the batch fails as a crash would, not as an unreadable blob. */
  private guarded(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.scanError = error;
      throw error;
    }
  }
}

/**
 * Structural detectors read whole files; past this size a file is not a config file of theirs, and the
 * pattern rules alone read it, within their bounds of values and matches (see match-limit.ts). Tried at
 * 8 MiB: a 7.5 MB `kubectl get secrets -A -o yaml` dump took 6 s and 760 MB, 38,000 values a detector
 * reports past any bound.
 */
const STRUCTURAL_MAX_BYTES = 1024 * 1024;

/**
 * Adds what structural detectors find in a file of their kind (an MCP config), judged on the whole
 * file. One value is one finding: a provider rule at the same place keeps it (it knows the provider);
 * a generic rule there gives way to the structural one (which knows the server and field).
 */
function withStructuralMatches(outcome: ItemOutcome, ruleset: CompiledRuleset, fileName: string, readWhole: () => Buffer): ItemOutcome {
  if (outcome.kind !== 'scanned' || ruleset.structural.length === 0 || outcome.bytes > STRUCTURAL_MAX_BYTES) return outcome;
  if (!ruleset.structural.some(({ spec, detector }) => detector.appliesTo(fileName, spec.id))) return outcome;
  return addStructuralMatches(outcome, ruleset, fileName, readWhole());
}

/*
 * The rare path (a workflow, an MCP config) in a function of its own, so that V8 does not compile it into
 * the per-file scan before it ever ran and then throw that code away when the first such file comes
 * (each worker recompiled `scanFile`, the detector inlined, twice per scan for it).
 */
function addStructuralMatches(outcome: Extract<ItemOutcome, { kind: 'scanned' }>, ruleset: CompiledRuleset, fileName: string, bytes: Buffer): ItemOutcome {
  // The detectors parse UTF-8 (PowerShell 5's `>` writes UTF-16): such a file stays with the pattern
  // rules, which read it decoded. Given it, a detector found nothing, and the rules it supersedes gave way.
  if (utf16EncodingOf(bytes) !== undefined) return outcome;
  const isGeneric = (ruleId: string) => (ruleset.specificityOf.get(ruleId) ?? 0) > 0;
  const detected: RawMatch[] = [];
  // Pattern rules whose matches give way here: a detector that read the file judges those values itself.
  const superseded = new Set<string>();
  for (const { spec, detector } of ruleset.structural) {
    if (!detector.appliesTo(fileName, spec.id)) continue;
    const matches = detector.detect(bytes, spec.id);
    if (matches === undefined) continue;
    detected.push(...matches);
    for (const ruleId of detector.supersedes ?? []) superseded.add(ruleId);
  }
  const standing = superseded.size === 0 ? outcome.matches : outcome.matches.filter((match) => !superseded.has(match.ruleId));
  const providerOffsets = new Set(standing.filter((match) => !isGeneric(match.ruleId)).map((match) => match.byteOffset));
  const found = detected.filter((match) => !providerOffsets.has(match.secretStart)).sort((a, b) => a.secretStart - b.secretStart);
  if (found.length === 0) return standing === outcome.matches ? outcome : { ...outcome, matches: standing };
  const structuralOffsets = new Set(found.map((match) => match.secretStart));
  const kept = standing.filter((match) => !(isGeneric(match.ruleId) && structuralOffsets.has(match.byteOffset)));
  // The snippets are made again for the whole file, so that none shows another's value raw: the scan's
  // snippets were made before these values were known. (A match found in decoded text, or in a file inside
  // an archive, keeps its own: its offsets are not offsets in these bytes.)
  const relocated = [
    ...found.map((raw) => ({ raw, scanned: undefined as LocatedMatch | undefined })),
    ...kept
      .filter(isInBytes)
      .map((match) => ({ raw: { ...match, secretStart: match.byteOffset, secretEnd: match.byteOffset + Buffer.byteLength(match.secret) }, scanned: match })),
  ].sort((a, b) => a.raw.secretStart - b.raw.secretStart);
  // A value found in decoded text keeps its snippet, but its encoded run is in these bytes, and another
  // snippet must not show it raw.
  const encodedRuns = kept.filter((match) => match.decodedVia !== undefined && match.entry === undefined).map((match) => ({ ruleId: match.ruleId, secret: match.secret, secretStart: match.byteOffset, secretEnd: encodedRunEnd(bytes, match) }));
  const redacted = [...relocated.map(({ raw }) => raw), ...encodedRuns].sort((a, b) => a.secretStart - b.secretStart);
  const locator = new MatchLocator(bytes, { fileOffset: 0, linesBefore: 0, columnBefore: 0 }, secretsToRedact(redacted, outcome, ruleset, bytes));
  const located = relocated.map(({ raw, scanned }) => {
    const fresh = locator.locate(raw);
    return scanned ? { ...scanned, before: fresh.before, after: fresh.after } : fresh;
  });
  return { ...outcome, matches: [...kept.filter((match) => !isInBytes(match)), ...located] };
}

/** Where the encoded run a decoded match was found in ends in `bytes`: its location spans the run, which is ASCII (base64, hex, percent, `\u` escapes). */
function encodedRunEnd(bytes: Buffer, match: LocatedMatch): number {
  let lineStart = match.byteOffset - (match.column - 1);
  for (let line = match.line; line < match.endLine; line++) {
    const newline = bytes.indexOf(NEWLINE_BYTE, lineStart);
    if (newline < 0) return bytes.length;
    lineStart = newline + 1;
  }
  return Math.min(bytes.length, lineStart + match.endColumn - 1);
}

/**
 * The secrets the remade snippets must not show: the matches they are made for and, where a bound kept
 * matches out of the report (see match-limit.ts), every match in the file, searched again (a file a
 * structural detector reads is at most a megabyte, and few reach a bound).
 */
function secretsToRedact(located: RawMatch[], outcome: Extract<ItemOutcome, { kind: 'scanned' }>, ruleset: CompiledRuleset, bytes: Buffer): RawMatch[] {
  if (outcome.limits === undefined) return located;
  const plain = findMatches(bytes, ruleset);
  const encoded = newEncodedMatches(bytes, ruleset, ruleset.decodeDepth, 0, bytes.length, plain);
  return [...located, ...plain, ...encoded].sort((a, b) => a.secretStart - b.secretStart);
}

function isInBytes(match: LocatedMatch): boolean {
  return match.decodedVia === undefined && match.entry === undefined;
}

function outcomeOf(id: string, result: ChunkedScanResult): ItemOutcome {
  if (result.isBinary) return { id, kind: 'skipped', reason: 'binary', ...(result.binaryDetail ? { detail: result.binaryDetail } : {}) };
  return {
    id,
    kind: 'scanned',
    bytes: result.bytes,
    matches: result.matches,
    ...(result.carriedBytes ? { carriedBytes: result.carriedBytes } : {}),
    ...(result.limits ? { limits: result.limits } : {}),
    ...(result.entrySkips ? { entrySkips: result.entrySkips } : {}),
    ...(result.binaryEntries ? { binaryEntries: result.binaryEntries } : {}),
  };
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
