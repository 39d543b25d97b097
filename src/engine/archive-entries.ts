/**
 * The files inside an archive held in memory, one at a time: zip and everything built on it (jar, war,
 * ear, apk, whl, nupkg, vsix, docx and xlsx…), read through adm-zip, and tar, read through node-tar
 * (a `.tar.gz` arrives here already decompressed, see chunked-scan.ts). Formats are told by their magic
 * numbers, not by file names, as binary content is.
 *
 * Archives are where build outputs carry configuration out of a repository: an `application.properties`
 * inside a Spring Boot jar, a `.env` in a release tarball, a key in a Python wheel. gitleaks and
 * trufflehog unpack them too.
 *
 * Bounds keep a worker's memory flat whatever the archive claims: each entry is decompressed here, not by
 * the library, with a limit on its output (a zip bomb's headers lie about sizes), and an archive yields
 * at most `UNPACKED_MAX_BYTES` in all. What is not unpacked (an encrypted entry, an unknown compression
 * method, an entry past a bound) is reported by name with the reason, never dropped silently.
 */
import type AdmZip from 'adm-zip';
import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import type { ReadEntry } from 'tar';
import { tarLibrary, zipLibrary } from '../parsers.js';

export type ArchiveFormat = 'zip' | 'tar';

/**
 * A regular file inside the archive: its bytes; or why they were not unpacked; or `passedOver`, when its
 * opening showed content the caller does not want (see `forEachArchiveEntry`).
 */
export type ArchiveEntry =
  | { name: string; bytes: Buffer; problem?: undefined; passedOver?: undefined }
  | { name: string; problem: string; bytes?: undefined; passedOver?: undefined }
  | { name: string; passedOver: true; bytes?: undefined; problem?: undefined };

/** Says from a file's first bytes (up to `OPENING_BYTES`) whether it is wanted whole. */
export type OpeningTest = (opening: Buffer) => boolean;

/** How much of a file's start `wants` is shown: the 8,000 bytes git's binary test reads. */
export const OPENING_BYTES = 8000;
/** Compressed bytes inflated to show an entry's opening, a step at a time: the last is enough for `OPENING_BYTES` of all but incompressible data. */
const OPENING_INPUT_STEPS = [1024, 8 * 1024];

/** The most one entry may decompress to; a larger one is reported, not scanned. */
export const ENTRY_MAX_BYTES = 32 * 1024 * 1024;
/**
 * The most one input may unpack to in all, nested archives included: a zip of zip bombs, each within its
 * own bounds, could otherwise make gigabytes of work out of megabytes.
 */
export const UNPACKED_MAX_BYTES = 256 * 1024 * 1024;

const ZIP_LOCAL_FILE = Buffer.from('PK\x03\x04', 'latin1');
const ZIP_EMPTY = Buffer.from('PK\x05\x06', 'latin1');
/** `ustar` at offset 257 of the first header: POSIX tar and GNU tar both write it. */
const TAR_MAGIC = Buffer.from('ustar', 'latin1');
const TAR_MAGIC_OFFSET = 257;

/** The archive format the bytes open with, if any. */
export function archiveFormatOf(bytes: Buffer): ArchiveFormat | undefined {
  if (bytes.length >= 4 && (bytes.subarray(0, 4).equals(ZIP_LOCAL_FILE) || bytes.subarray(0, 4).equals(ZIP_EMPTY))) return 'zip';
  if (bytes.length >= TAR_MAGIC_OFFSET + TAR_MAGIC.length && bytes.subarray(TAR_MAGIC_OFFSET, TAR_MAGIC_OFFSET + TAR_MAGIC.length).equals(TAR_MAGIC)) return 'tar';
  return undefined;
}

/** The archive as a whole could not be read (no central directory, a truncated header). */
export class ArchiveError extends Error {}

/**
 * Calls `visit` with each regular file of the archive, in the archive's order (folders and links are
 * not files). `wants` is shown each file's opening first: a file it does not want (a binary file, which
 * the scan would only count) is passed over unpacked, whatever its size, which spares decompressing the
 * shared libraries of a wheel or the classes of a jar. Throws `ArchiveError` when the archive cannot be
 * opened at all; what `visit` throws passes through.
 */
export function forEachArchiveEntry(
  format: ArchiveFormat,
  archive: Buffer,
  visit: (entry: ArchiveEntry) => void,
  wants: OpeningTest = () => true,
  budget = new UnpackBudget(),
): void {
  if (format === 'zip') forEachZipEntry(archive, budget, visit, wants);
  else forEachTarEntry(archive, budget, visit, wants);
}

const TOO_LARGE = `decompresses to more than ${ENTRY_MAX_BYTES / 1024 / 1024} MB`;

/** Counts what an input has unpacked, against `UNPACKED_MAX_BYTES`: one for an input and every archive inside it. */
export class UnpackBudget {
  private unpacked = 0;

  /** Why an entry of this declared size is not unpacked, or undefined when it may be. */
  refusal(size: number): string | undefined {
    if (size > ENTRY_MAX_BYTES) return TOO_LARGE;
    if (this.unpacked + size > UNPACKED_MAX_BYTES) return `past the first ${UNPACKED_MAX_BYTES / 1024 / 1024} MB unpacked from this file and the archives in it`;
    return undefined;
  }

  spend(bytes: number): void {
    this.unpacked += bytes;
  }
}

/** Zip's compression methods that are read: stored and deflated (all that jar, wheel and most zips use). */
const STORED = 0;
const DEFLATED = 8;

/**
 * The most files a zip may list to be unpacked. adm-zip holds about 11 KB of objects per file while the
 * archive is open (a 5,626-file wheel: 61 MB), and a worker thread's heap is capped (worker-pool.ts).
 */
export const ZIP_MAX_ENTRIES = 10_000;

const ZIP_END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** The end record is 22 bytes plus a comment of up to 65,535. */
const ZIP_END_SEARCH_BYTES = 22 + 0xffff;

/**
 * How many files the zip's end record says it lists, read before the archive is opened so that one too
 * large for memory is never parsed (APPNOTE 4.3.16: the total at offset 10). 0xFFFF means "see the
 * ZIP64 record", which only archives of 65,535 files or more need. Undefined when there is no end record
 * (adm-zip then says what is wrong).
 */
function zipEntryCount(archive: Buffer): number | undefined {
  for (let at = archive.length - 22; at >= Math.max(0, archive.length - ZIP_END_SEARCH_BYTES); at--) {
    if (archive.readUInt32LE(at) === ZIP_END_OF_CENTRAL_DIRECTORY) return archive.readUInt16LE(at + 10);
  }
  return undefined;
}

function forEachZipEntry(archive: Buffer, budget: UnpackBudget, visit: (entry: ArchiveEntry) => void, wants: OpeningTest): void {
  const listed = zipEntryCount(archive);
  if (listed !== undefined && listed > ZIP_MAX_ENTRIES) throw new ArchiveError(`it lists more than ${ZIP_MAX_ENTRIES} files, too many to unpack`);
  let entries: AdmZip.IZipEntry[];
  try {
    const AdmZipArchive = zipLibrary();
    entries = new AdmZipArchive(archive).getEntries();
  } catch (error) {
    throw new ArchiveError(`not a readable zip archive (${describe(error)})`);
  }
  for (const entry of entries) {
    if (entry.isDirectory) continue;
    const name = entry.entryName;
    const { method, size, flags } = entry.header;
    // Bit 0 of the flags: encrypted (ZipCrypto or, with method 99, AES).
    if ((flags & 1) !== 0) visit({ name, problem: 'encrypted' });
    else if (method !== STORED && method !== DEFLATED) visit({ name, problem: `compression method ${method} is not supported` });
    else visit(unpackZipEntry(entry, name, method, size, budget, wants));
  }
}

function unpackZipEntry(entry: AdmZip.IZipEntry, name: string, method: number, declaredSize: number, budget: UnpackBudget, wants: OpeningTest): ArchiveEntry {
  let bytes: Buffer;
  try {
    const data = entry.getCompressedData();
    const opening = zipEntryOpening(data, method);
    if (opening !== undefined && !wants(opening)) return { name, passedOver: true };
    const refusal = budget.refusal(declaredSize);
    if (refusal) return { name, problem: refusal };
    // The declared size is the archive's word; the limit on the output is ours.
    bytes = method === STORED ? data : inflateRawSync(data, { maxOutputLength: ENTRY_MAX_BYTES });
  } catch (error) {
    const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    return { name, problem: tooLarge ? TOO_LARGE : `could not be unpacked (${describe(error)})` };
  }
  budget.spend(bytes.length);
  return { name, bytes };
}

/**
 * The first bytes of a zip entry, inflated from the start of its data alone; undefined where that is not
 * enough to tell (the entry is then unpacked whole and judged as any file).
 */
function zipEntryOpening(data: Buffer, method: number): Buffer | undefined {
  if (method === STORED) return data.subarray(0, OPENING_BYTES);
  // A sync flush gives what the first compressed bytes decode to, without the rest of the stream. A
  // kilobyte of input first (it decodes to at most about a megabyte), more where that was not enough.
  for (const inputBytes of OPENING_INPUT_STEPS) {
    try {
      const start = inflateRawSync(data.subarray(0, inputBytes), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 16 * 1024 * 1024 });
      if (start.length >= OPENING_BYTES || data.length <= inputBytes) return start.subarray(0, OPENING_BYTES);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Tar entry types that hold a file's bytes (node-tar's names). */
const TAR_FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

function forEachTarEntry(archive: Buffer, budget: UnpackBudget, visit: (entry: ArchiveEntry) => void, wants: OpeningTest): void {
  // node-tar parses a buffer synchronously: each entry's data and end arrive within `end()` below.
  let visitError: unknown;
  let entriesSeen = 0;
  let firstWarning: string | undefined;
  let lastFile: string | undefined;
  let truncated = false;
  const parser = new (tarLibrary().Parser)({
    // The parser goes on to the next entry only once this one's data has been taken: an entry not wanted
    // is resumed, which lets its data flow away unread.
    onReadEntry: (entry: ReadEntry) => {
      entriesSeen++;
      if (!TAR_FILE_TYPES.has(entry.type)) {
        entry.resume();
        return;
      }
      const name = entry.path;
      lastFile = name;
      // Decided at the first piece of data (the opening, for `wants`); an empty file is wanted.
      let verdict: 'collect' | 'passed-over' | { problem: string } | undefined;
      const parts: Buffer[] = [];
      entry.on('data', (part: Buffer) => {
        if (verdict === undefined) {
          const refusal = budget.refusal(entry.size);
          verdict = !wants(part.subarray(0, OPENING_BYTES)) ? 'passed-over' : refusal ? { problem: refusal } : 'collect';
        }
        if (verdict === 'collect') parts.push(part);
      });
      entry.on('end', () => {
        if (verdict === 'passed-over') guarded(() => visit({ name, passedOver: true }));
        else if (typeof verdict === 'object') {
          const { problem } = verdict;
          guarded(() => visit({ name, problem }));
        } else {
          const bytes = Buffer.concat(parts);
          budget.spend(bytes.length);
          guarded(() => visit({ name, bytes }));
        }
      });
    },
  });
  parser.on('warn', (code: string, message: string | Error) => {
    const text = typeof message === 'string' ? message : message.message;
    firstWarning ??= text;
    // A tar cut short: its last file was scanned as far as it goes, and is named as cut.
    if (code === 'TAR_BAD_ARCHIVE' || /truncated/i.test(text)) truncated = true;
  });
  // What visit throws (a failing scan) must reach the caller, not be swallowed by the parser's events.
  const guarded = (step: () => void) => {
    if (visitError !== undefined) return;
    try {
      step();
    } catch (error) {
      visitError = error;
    }
  };
  try {
    parser.end(archive);
  } catch (error) {
    throw new ArchiveError(`not a readable tar archive (${describe(error)})`);
  }
  if (visitError !== undefined) throw visitError;
  if (entriesSeen === 0) throw new ArchiveError(`not a readable tar archive (${firstWarning ?? 'no entries'})`);
  if (truncated && lastFile !== undefined) visit({ name: lastFile, problem: 'cut short: the archive ends inside this file, which was scanned as far as it goes' });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
