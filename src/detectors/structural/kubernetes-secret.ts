/**
 * Kubernetes Secret manifests in YAML or JSON files: every value of a Secret's `data` (base64) and
 * `stringData` (plain text), whatever the order of the keys, in every document of a file and in the
 * items of a `List` (`kubectl get secrets -o yaml`).
 *
 * Why a parser and not only a pattern: a pattern reports one value per match, and its match has to
 * start at `kind: Secret`, so it sees only the first key under `data:`. kubectl sorts the keys, and the
 * first is often `host` or `username`: the token below it went unreported. Parsed, each value is judged
 * by its key and by what it decodes to:
 * - a public certificate (`tls.crt`, `ca.crt`, a PEM `CERTIFICATE`) and values under names that are not
 *   secrets (`host`, `port`, `username`, `namespace`…) are left out;
 * - under a secret's name (`password`, `token`, `.dockerconfigjson`, `tls.key`…) any value counts but a
 *   placeholder or a reference;
 * - under any other name, a value that decodes to binary key material, a private key, or a string the
 *   generic judge takes for a credential.
 * The value is reported as written in the file (base64 for `data`), so its fingerprint is the same as the
 * pattern rules' for the same value. The pattern rules (`kubernetes.secret-manifest.in-text` and the
 * others this detector `supersedes`) still read what it cannot: Markdown, templates that do not parse.
 */
import type { Document, Node, Pair, Scalar } from 'yaml';
import { yamlLibrary } from '../../parsers.js';
import type { RawMatch } from '../pattern.js';
import { isPlaceholderValue, looksLikeRealSecret } from '../validators/generic-assignment.js';
import { matchInText, type StructuralDetector } from './structural-detector.js';

export const SECRET_DATA_RULE = 'kubernetes.secret-manifest';
export const SECRET_STRING_DATA_RULE = 'kubernetes.secret-manifest.string-data';

const MANIFEST_FILES = /\.(?:ya?ml|json)(?:\.[\w-]+)?$/i;
/**
 * `kind: Secret` (YAML) or `"kind": "Secret"` (JSON), case-sensitive as Kubernetes reads it: a file
 * without it is not parsed at all (a large YAML file that mentions the word in a comment cost seconds).
 */
const SECRET_KIND = /\bkind["']?\s*:\s*["']?Secret\b/;
const SECRET_WORD = Buffer.from('Secret');
const SECRET_NAME = /pass|secret|token|key|pwd|credential|auth|dockercfg|dockerconfigjson|private|keystore|\.(?:jks|p12|pfx)$/i;
const NOT_SECRET_NAME =
  /(?:^|[._-])(?:crt|cert|certificate|pub|public[._-]?key|ca[._-]?bundle)$|^(?:host(?:name)?|port|user(?:name)?|login|email|database|db|db[._-]?name|namespace|region|zone|endpoint|url|uri|server|address)$/i;
/** Under a secret's name, a value this long counts even when it is plain (a weak password is still one). */
const MIN_NAMED_VALUE_CHARS = 8;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** As the pattern rules: shorter base64 holds at most 8 bytes (`admin`, a port). */
const MIN_BASE64_CHARS = 12;
const MAX_DEPTH = 8;

/**
 * A file's documents, parsed once for both rules that read it (`data` and `stringData`): the last file
 * asked about is kept. `no-secret` when it names no Secret; undefined when a document does not parse (a
 * Helm template), which may hold a Secret only the pattern rules can see: they keep the whole file then.
 */
function parsedManifests(bytes: Buffer): { text: string; documents: Document.Parsed[] } | 'no-secret' | undefined {
  if (lastParsed?.bytes === bytes) return lastParsed.result;
  const result = parse(bytes);
  lastParsed = { bytes, result };
  return result;
}

let lastParsed: { bytes: Buffer; result: ReturnType<typeof parse> } | undefined;

function parse(bytes: Buffer): { text: string; documents: Document.Parsed[] } | 'no-secret' | undefined {
  // The word first, in the bytes: most YAML and JSON files (every package.json) are not decoded at all.
  if (bytes.indexOf(SECRET_WORD) < 0) return 'no-secret';
  const text = bytes.toString('utf8');
  if (!SECRET_KIND.test(text)) return 'no-secret';
  let documents: Document.Parsed[];
  try {
    documents = yamlLibrary().parseAllDocuments(text) as Document.Parsed[];
  } catch {
    return undefined;
  }
  if (!Array.isArray(documents) || documents.length === 0 || documents.some((document) => document.errors.length > 0)) return undefined;
  return { text, documents };
}

export const kubernetesSecretDetector: StructuralDetector = {
  name: 'kubernetes-secret',
  supersedes: [
    'kubernetes.secret-manifest.in-text',
    'kubernetes.secret-manifest.data-first',
    'kubernetes.secret-manifest.json',
    'kubernetes.secret-manifest.string-data-in-text',
  ],
  appliesTo: (path) => MANIFEST_FILES.test(path),
  detect(bytes, ruleId) {
    const parsed = parsedManifests(bytes);
    if (parsed === 'no-secret') return [];
    if (parsed === undefined) return undefined;
    const { text, documents } = parsed;
    const section = ruleId === SECRET_STRING_DATA_RULE ? 'stringData' : 'data';
    const matches: RawMatch[] = [];
    for (const document of documents) {
      for (const secret of secretsIn(document.contents, 0)) {
        const entries = valueOf(secret, section);
        if (!entries || !yamlLibrary().isMap(entries)) continue;
        const metadata = valueOf(secret, 'metadata');
        const name = (metadata && scalarText(valueOf(metadata, 'name'))) ?? '(unnamed)';
        for (const pair of entries.items as Pair<Node, Node>[]) {
          const key = scalarText(pair.key);
          const value = pair.value;
          if (key === undefined || !yamlLibrary().isScalar(value) || typeof value.value !== 'string') continue;
          const judged = section === 'data' ? judgeDataValue(key, value.value) : judgeStringDataValue(key, value.value);
          if (!judged) continue;
          const written = writtenText(text, value);
          if (!written) continue;
          const evidence = `${section} key "${key}" of Secret "${name}": ${judged}`;
          matches.push(matchInText(text, written.start, written.text, ruleId, evidence, { secretName: name, key }));
        }
      }
    }
    return matches;
  },
};

/** The maps with `kind: Secret` in a document: at its top, or nested (a `List`'s items, a JSON payload). */
function* secretsIn(node: unknown, depth: number): Generator<Node> {
  const yaml = yamlLibrary();
  if (depth > MAX_DEPTH || !node) return;
  if (yaml.isMap(node)) {
    if (scalarText(valueOf(node, 'kind')) === 'Secret') yield node;
    else for (const pair of node.items) yield* secretsIn(pair.value, depth + 1);
  } else if (yaml.isSeq(node)) {
    for (const item of node.items) yield* secretsIn(item, depth + 1);
  }
}

function valueOf(map: Node, key: string): Node | undefined {
  const yaml = yamlLibrary();
  if (!yaml.isMap(map)) return undefined;
  const pair = (map.items as Pair<Node, Node>[]).find((each) => scalarText(each.key) === key);
  return pair?.value ?? undefined;
}

function scalarText(node: unknown): string | undefined {
  return yamlLibrary().isScalar(node) && typeof (node as Scalar).value === 'string' ? ((node as Scalar).value as string) : undefined;
}

/** Why a `data` value (base64) is a credential, or undefined when it is not one. */
function judgeDataValue(key: string, written: string): string | undefined {
  const base64 = written.replace(/\s+/g, '');
  if (base64.length < MIN_BASE64_CHARS || !BASE64.test(base64) || NOT_SECRET_NAME.test(key)) return undefined;
  const decoded = Buffer.from(base64, 'base64');
  const text = decoded.toString('utf8');
  if (text.startsWith('-----BEGIN CERTIFICATE')) return undefined;
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return 'a private key, base64-encoded';
  if (!isText(text)) return `${decoded.length} bytes of binary key material, base64-encoded`;
  return judgeText(key, text.trim(), 'base64-encoded ');
}

/** Why a `stringData` value (plain text) is a credential, or undefined when it is not one. */
function judgeStringDataValue(key: string, value: string): string | undefined {
  if (value.includes('\n') || NOT_SECRET_NAME.test(key)) return undefined;
  return judgeText(key, value.trim(), '');
}

function judgeText(key: string, value: string, how: string): string | undefined {
  if (SECRET_NAME.test(key)) {
    const isValue = value.length >= MIN_NAMED_VALUE_CHARS && !/\s/.test(value) && !isPlaceholderValue(value);
    return isValue ? `a ${how}value under a secret's name` : undefined;
  }
  return looksLikeRealSecret(value).ok ? `a ${how}high-entropy value` : undefined;
}

/** Printable UTF-8 text (with line breaks and tabs), not binary bytes decoded. */
function isText(decoded: string): boolean {
  return !decoded.includes('\ufffd') && !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(decoded);
}

/**
 * Where the value stands in the file and how it is written there: between the quotes of a quoted
 * scalar (escapes as written), the plain scalar itself, or the first line of a block scalar (`|`).
 */
function writtenText(text: string, scalar: Scalar): { start: number; text: string } | undefined {
  const range = scalar.range;
  if (!range) return undefined;
  const [start, end] = range;
  switch (scalar.type) {
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return { start: start + 1, text: text.slice(start + 1, end - 1) };
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      const body = text.slice(start, end);
      const firstLine = /\n[ \t]*(\S[^\r\n]*)/.exec(body);
      if (!firstLine) return undefined;
      return { start: start + firstLine.index + firstLine[0].length - firstLine[1]!.length, text: firstLine[1]!.trimEnd() };
    }
    default:
      return { start, text: text.slice(start, end) };
  }
}
