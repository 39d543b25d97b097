/**
 * How CI jobs sign in to clouds, read from the workflow's structure:
 * - GitHub Actions: a job that requests an OIDC token (`id-token: write`) yet still passes a stored
 *   static key (`aws-access-key-id`, `credentials_json`, `creds`, or AWS/Azure/Google key variables from
 *   `secrets`) keeps the durable key as a fallback next to the short-lived path.
 * - GitLab CI: a job that uses a stored static cloud key variable (`$AWS_SECRET_ACCESS_KEY`,
 *   `$ARM_CLIENT_SECRET`, `$GOOGLE_APPLICATION_CREDENTIALS`...) where `id_tokens` would let it federate.
 * The reported value is the reference (the secret's name, `$AWS_SECRET_ACCESS_KEY`), so the same stored
 * key used by ten jobs is one finding with ten places.
 */
import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { yamlLibrary } from '../../parsers.js';
import type { RawMatch } from '../pattern.js';
import { matchInText, type StructuralDetector } from './structural-detector.js';

export const GITHUB_STATIC_BESIDE_OIDC = 'github-actions.static-key-beside-oidc';
export const GITLAB_STATIC_CLOUD_KEY = 'gitlab-ci.static-cloud-key';

// The yaml library loads on first use (see parsers.ts): most scans meet no CI file.
const isMap = (node: unknown): node is YAMLMap => yamlLibrary().isMap(node);
const isSeq = (node: unknown): node is YAMLSeq => yamlLibrary().isSeq(node);
const isScalar = (node: unknown): node is Scalar => yamlLibrary().isScalar(node);
const isPair = (node: unknown): node is Pair => yamlLibrary().isPair(node);

const GITHUB_WORKFLOW = /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;
const GITLAB_CI = /(?:^|\/)\.gitlab-ci\.ya?ml$|(?:^|\/)\.gitlab\/ci\/[^/]+\.ya?ml$/;
/** Inputs of the official sign-in actions that take a stored static credential. */
const STATIC_INPUT_NAMES = ['aws-access-key-id', 'aws-secret-access-key', 'credentials_json', 'creds', 'client-secret'];
const STATIC_INPUTS = new Set(STATIC_INPUT_NAMES);
/** Environment variables that carry a static cloud key. */
const STATIC_KEY_NAMES = 'AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|GOOGLE_APPLICATION_CREDENTIALS|GOOGLE_CREDENTIALS|GCP_SA_KEY';
const STATIC_KEY_VARIABLES = new RegExp(`^(?:${STATIC_KEY_NAMES})$`);
/** A GitLab job can only be reported where the text reads one of those variables. */
const STATIC_KEY_READ = new RegExp(`\\$\\{?(?:${STATIC_KEY_NAMES})`);
/** A GitHub job can only be reported where the text names a static-key input or variable. */
const STATIC_KEY_NAMED = new RegExp(`${STATIC_INPUT_NAMES.join('|')}|${STATIC_KEY_NAMES}`);
const SECRETS_REFERENCE = /\$\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}/;
/** Keys at the top of a .gitlab-ci.yml that are not jobs. */
const GITLAB_RESERVED = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);

export const ciIdentityDetector: StructuralDetector = {
  name: 'ci-identity',
  appliesTo: (path, ruleId) => (ruleId === GITLAB_STATIC_CLOUD_KEY ? GITLAB_CI.test(path) : GITHUB_WORKFLOW.test(path)),
  detect(bytes, ruleId) {
    const text = bytes.toString('utf8');
    // Parsing YAML is slow (a few MB/s), and most workflows name neither OIDC nor a static key: a file
    // that lacks the words a finding needs is not parsed at all.
    if (ruleId === GITHUB_STATIC_BESIDE_OIDC && !(text.includes('secrets.') && (text.includes('id-token') || text.includes('write-all')) && STATIC_KEY_NAMED.test(text))) return [];
    if (ruleId === GITLAB_STATIC_CLOUD_KEY && !STATIC_KEY_READ.test(text)) return [];
    const document = yamlLibrary().parseDocument(text, { uniqueKeys: false });
    if (document.errors.length > 0 || !isMap(document.contents)) return [];
    if (ruleId === GITHUB_STATIC_BESIDE_OIDC) return githubStaticBesideOidc(document.contents, text, ruleId);
    if (ruleId === GITLAB_STATIC_CLOUD_KEY) return gitlabStaticKeys(document.contents, text, ruleId);
    return [];
  },
};

function githubStaticBesideOidc(workflow: YAMLMap, text: string, ruleId: string): RawMatch[] {
  const matches: RawMatch[] = [];
  const workflowOidc = requestsIdToken(workflow.get('permissions', true));
  const jobs = workflow.get('jobs', true);
  if (!isMap(jobs)) return [];
  for (const jobPair of jobs.items) {
    const job = jobPair.value;
    if (!isMap(job) || !isScalar(jobPair.key)) continue;
    const jobPermissions = job.get('permissions', true);
    const oidc = jobPermissions === undefined ? workflowOidc : requestsIdToken(jobPermissions);
    if (!oidc) continue;
    for (const reference of staticReferences(job)) {
      matches.push(referenceMatch(text, reference, ruleId, `job ${String(jobPair.key.value)} requests an OIDC token (id-token: write) yet also passes secrets.${reference.name}: the static key stays as a fallback`));
    }
  }
  return matches;
}

function gitlabStaticKeys(pipeline: YAMLMap, text: string, ruleId: string): RawMatch[] {
  const matches: RawMatch[] = [];
  for (const jobPair of pipeline.items) {
    if (!isScalar(jobPair.key) || GITLAB_RESERVED.has(String(jobPair.key.value)) || !isMap(jobPair.value)) continue;
    const job = jobPair.value;
    const federated = job.get('id_tokens', true) !== undefined;
    for (const scalar of scalarsIn(job)) {
      const value = String(scalar.value ?? '');
      for (const found of value.matchAll(/\$\{?([A-Z][A-Z0-9_]*)\}?/g)) {
        if (!STATIC_KEY_VARIABLES.test(found[1]!)) continue;
        const start = sourceStart(text, scalar, found[0]);
        if (start === undefined) continue;
        matches.push(
          matchInText(text, start, found[0], ruleId, federated
            ? `job ${String(jobPair.key.value)} has id_tokens yet still reads the stored key ${found[1]}: the static key stays as a fallback`
            : `job ${String(jobPair.key.value)} signs in with the stored key ${found[1]} instead of id_tokens (OIDC)`),
        );
      }
    }
  }
  return matches;
}

function requestsIdToken(permissions: unknown): boolean {
  if (isScalar(permissions)) return permissions.value === 'write-all';
  if (!isMap(permissions)) return false;
  const idToken = permissions.get('id-token', true);
  return isScalar(idToken) && idToken.value === 'write';
}

interface Reference {
  name: string;
  node: Node;
  matched: string;
}

/** `${{ secrets.X }}` given to a static-key input of a step, or as a static-key variable in `env`. */
function* staticReferences(job: YAMLMap): Iterable<Reference> {
  const steps = job.get('steps', true);
  const scopes: { map: unknown; keyTest: (key: string) => boolean }[] = [{ map: job.get('env', true), keyTest: (key) => STATIC_KEY_VARIABLES.test(key) }];
  if (isSeq(steps)) {
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      scopes.push({ map: step.get('with', true), keyTest: (key) => STATIC_INPUTS.has(key) });
      scopes.push({ map: step.get('env', true), keyTest: (key) => STATIC_KEY_VARIABLES.test(key) });
    }
  }
  for (const { map, keyTest } of scopes) {
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value) || !keyTest(String(pair.key.value))) continue;
      const found = SECRETS_REFERENCE.exec(String(pair.value.value));
      if (found) yield { name: found[1]!, node: pair.value, matched: found[0] };
    }
  }
}

function* scalarsIn(node: unknown): Iterable<Node & { value: unknown }> {
  if (isScalar(node)) yield node as Node & { value: unknown };
  else if (isMap(node)) for (const pair of node.items) yield* scalarsIn(pair.value);
  else if (isSeq(node)) for (const item of node.items) yield* scalarsIn(item);
}

/** Where `fragment` sits in the source text of a scalar (character offset), if it can be found there. */
function sourceStart(text: string, node: Node, fragment: string): number | undefined {
  if (!node.range) return undefined;
  const at = text.slice(node.range[0], node.range[1]).indexOf(fragment);
  return at < 0 ? undefined : node.range[0] + at;
}

/**
 * The secret's name, at the same place the github-actions.* pattern rules capture it: in a job with OIDC
 * this finding (the key is a fallback) takes the place of theirs (a static key is used).
 */
function referenceMatch(text: string, reference: Reference, ruleId: string, evidence: string): RawMatch {
  const start = sourceStart(text, reference.node, reference.matched) ?? reference.node.range?.[0] ?? 0;
  const nameStart = start + reference.matched.indexOf(reference.name, reference.matched.indexOf('secrets.'));
  return matchInText(text, nameStart, reference.name, ruleId, evidence);
}
