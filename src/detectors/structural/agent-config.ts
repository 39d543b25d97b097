/**
 * AI-agent and MCP configuration: `.mcp.json`, `.cursor/mcp.json`, `.vscode/mcp.json`,
 * `claude_desktop_config.json`, `.claude/settings*.json`, `.gemini/settings.json`, Windsurf's
 * `mcp_config.json`, Zed's `context_servers`, Continue's config, and Codex's `.codex/config.toml`. Each
 * MCP server's `env`, `headers`, `args` and `url` are read (JSON with comments, as editors allow), and a
 * literal credential there is reported with the server and the field, where `${env:TOKEN}`,
 * `${input:token}` or `$TOKEN` would keep it out of the file. Values a provider rule already names (a
 * GitHub token) are left to that rule.
 */
import type { Node } from 'jsonc-parser';
import { jsoncLibrary, tomlLibrary } from '../../parsers.js';
import type { RawMatch } from '../pattern.js';
import { looksLikeRealSecret } from '../validators/generic-assignment.js';
import { matchInText, type StructuralDetector } from './structural-detector.js';

const CONFIG_FILES = /(?:^|\/)(?:\.mcp\.json|mcp\.json|mcp_config\.json|claude_desktop_config\.json|\.(?:claude|gemini|cursor|vscode|windsurf|continue|zed)\/[^/]*\.json)$/;
/** Codex keeps its MCP servers in TOML: `[mcp_servers.name]` with `env = { … }`. */
const CODEX_CONFIG = /(?:^|\/)\.codex\/config\.toml$/;
const SERVER_MAPS = new Set(['mcpServers', 'servers', 'context_servers', 'mcp_servers']);
const SECRET_NAME = /key|token|secret|passw|pwd|auth|credential|pat\b|bearer/i;
const SECRET_FLAG = /^--?[\w-]*(?:key|token|secret|password|auth)[\w-]*$/i;
/** `${env:X}`, `${input:x}`, `${X}`, `$X`, `{env:X}`, `env:X`, `op://vault/item` (1Password). */
const REFERENCE = /^\$\{[^}]+\}$|^\$[A-Z_][A-Z0-9_]*$|^\{env:[^}]+\}$|^env:|^op:\/\//i;

export const agentConfigDetector: StructuralDetector = {
  name: 'agent-config',
  appliesTo: (path) => CONFIG_FILES.test(path) || CODEX_CONFIG.test(path),
  detect(bytes, ruleId) {
    const text = bytes.toString('utf8');
    if (/^\s*\[mcp_servers\./m.test(text)) return detectInToml(text, ruleId);
    const root = jsoncLibrary().parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
    if (!root) return [];
    const matches: RawMatch[] = [];
    for (const [serverName, server] of serversIn(root)) {
      for (const [field, valueNode] of credentialFields(server)) {
        const found = literalCredential(valueNode, text);
        if (!found) continue;
        const evidence = `a literal value in MCP server "${serverName}", field ${field}, where a reference such as \${env:…} belongs`;
        matches.push(matchInText(text, found.start, found.value, ruleId, evidence, { mcpServer: serverName, field }));
      }
    }
    return matches;
  },
};

/**
 * Codex's TOML config. The TOML parser gives no positions, so each literal is located by searching for
 * its quoted text after its server's table header.
 */
function detectInToml(text: string, ruleId: string): RawMatch[] {
  let config: Record<string, unknown>;
  try {
    config = tomlLibrary().parse(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const servers = config.mcp_servers;
  if (!servers || typeof servers !== 'object') return [];
  const matches: RawMatch[] = [];
  for (const [serverName, server] of Object.entries(servers as Record<string, Record<string, unknown>>)) {
    const header = text.search(new RegExp(`^\\s*\\[mcp_servers\\.${serverName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]`, 'm'));
    for (const section of ['env', 'headers'] as const) {
      const entries = server?.[section];
      if (!entries || typeof entries !== 'object') continue;
      for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
        if (typeof value !== 'string' || !SECRET_NAME.test(key)) continue;
        const literal = value.replace(/^(?:Bearer|Basic|Token|token)\s+/, '');
        if (REFERENCE.test(literal) || literal.includes('${') || !looksLikeRealSecret(literal).ok) continue;
        const at = text.indexOf(literal, Math.max(0, header));
        if (at < 0) continue;
        const evidence = `a literal value in MCP server "${serverName}", field ${section}.${key}, where a reference to an environment variable belongs`;
        matches.push(matchInText(text, at, literal, ruleId, evidence, { mcpServer: serverName, field: `${section}.${key}` }));
      }
    }
  }
  return matches;
}

/** Every `name → server object` under a server map, at any depth (`mcp.servers` in VS Code settings). */
function* serversIn(node: Node): Iterable<[string, Node]> {
  if (node.type !== 'object') return;
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    if (SERVER_MAPS.has(String(key.value)) && value.type === 'object') {
      for (const server of value.children ?? []) {
        const [name, body] = server.children ?? [];
        if (name && body?.type === 'object') yield [String(name.value), body];
      }
    } else {
      yield* serversIn(value);
    }
  }
}

/** The string values of a server worth judging: secret-named env and headers, flag values in args, the URL. */
function credentialFields(server: Node): [string, Node][] {
  const fields: [string, Node][] = [];
  for (const property of server.children ?? []) {
    const [key, value] = property.children ?? [];
    if (!key || !value) continue;
    const name = String(key.value);
    if ((name === 'env' || name === 'headers') && value.type === 'object') {
      for (const entry of value.children ?? []) {
        const [entryKey, entryValue] = entry.children ?? [];
        if (entryKey && entryValue?.type === 'string' && SECRET_NAME.test(String(entryKey.value))) fields.push([`${name}.${String(entryKey.value)}`, entryValue]);
      }
    } else if (name === 'args' && value.type === 'array') {
      const items = value.children ?? [];
      items.forEach((item, index) => {
        if (item.type !== 'string') return;
        const flag = String(item.value);
        const inline = /^(--?[\w-]+)=(.+)$/.exec(flag);
        const next = items[index + 1];
        if (inline && SECRET_FLAG.test(inline[1]!)) fields.push([`args[${index}]`, item]);
        else if (SECRET_FLAG.test(flag) && next?.type === 'string') fields.push([`args[${index + 1}]`, next]);
      });
    } else if ((name === 'url' || name === 'serverUrl') && value.type === 'string') {
      fields.push([name, value]);
    }
  }
  return fields;
}

/** The credential inside a string node, with its offset in the text, when it is a literal and looks real. */
function literalCredential(node: Node, text: string): { value: string; start: number } | undefined {
  const raw = text.slice(node.offset + 1, node.offset + node.length - 1);
  let value = raw;
  let start = node.offset + 1;
  const flag = /^--?[\w-]+=/.exec(value);
  if (flag) {
    value = value.slice(flag[0].length);
    start += flag[0].length;
  }
  const scheme = /^(?:Bearer|Basic|Token|token)\s+/.exec(value);
  if (scheme) {
    value = value.slice(scheme[0].length);
    start += scheme[0].length;
  }
  if (/^[a-z][\w+.-]*:\/\//i.test(value)) {
    // A URL: the credential is a password in it or a token in its query.
    const inUrl = /:\/\/[^/:@\s]+:([^@/\s]+)@|[?&](?:token|key|api_key|apikey|access_token|secret)=([^&#\s]+)/i.exec(value);
    if (!inUrl) return undefined;
    const part = inUrl[1] ?? inUrl[2]!;
    return REFERENCE.test(part) || !looksLikeRealSecret(part).ok ? undefined : { value: part, start: start + value.indexOf(part, inUrl.index) };
  }
  if (REFERENCE.test(value) || value.includes('${') || !looksLikeRealSecret(value).ok) return undefined;
  return { value, start };
}
