/**
 * Expands one secret into the syntaxes it is found in: the same value as an env line, a YAML key, a JSON
 * field, a Python assignment... A rule lists `contexts: [env, yaml, json]` with a `key`, and each context
 * becomes its own example (and its own named test), so a rule is proven in every syntax it claims.
 * The idea is gitleaks' `GenerateSampleSecrets`; the table is ours.
 */
const CONTEXT_TEMPLATES: Readonly<Record<string, (key: string, value: string) => string>> = {
  env: (key, value) => `${key.toUpperCase()}=${value}`,
  'env-quoted': (key, value) => `${key.toUpperCase()}="${value}"`,
  'shell-export': (key, value) => `export ${key.toUpperCase()}="${value}"`,
  yaml: (key, value) => `config:\n  ${key}: ${value}\n`,
  'yaml-quoted': (key, value) => `${key}: '${value}'`,
  json: (key, value) => `{\n  "${key}": "${value}"\n}`,
  python: (key, value) => `${key} = "${value}"`,
  javascript: (key, value) => `const ${camelCase(key)} = '${value}';`,
  go: (key, value) => `${camelCase(key)} := "${value}"`,
  java: (key, value) => `private static final String ${key.toUpperCase()} = "${value}";`,
  ruby: (key, value) => `${key} = '${value}'`,
  php: (key, value) => `$${camelCase(key)} = "${value}";`,
  toml: (key, value) => `[auth]\n${key} = "${value}"\n`,
  ini: (key, value) => `[default]\n${key} = ${value}\n`,
  properties: (key, value) => `${key.replace(/_/g, '.')}=${value}`,
  xml: (key, value) => `<${key}>${value}</${key}>`,
  terraform: (key, value) => `  ${key} = "${value}"`,
  dockerfile: (key, value) => `ENV ${key.toUpperCase()}=${value}`,
  url: (key, value) => `https://api.example.com/v1/items?${key}=${value}`,
  bare: (_key, value) => value,
};

export const KNOWN_CONTEXTS: readonly string[] = Object.keys(CONTEXT_TEMPLATES);

export function isKnownContext(name: string): boolean {
  return Object.hasOwn(CONTEXT_TEMPLATES, name);
}

export function renderContext(context: string, key: string, value: string): string {
  const template = CONTEXT_TEMPLATES[context];
  if (!template) throw new Error(`unknown example context ${context}`);
  return template(key, value);
}

function camelCase(key: string): string {
  return key.toLowerCase().replace(/[_-]+([a-z0-9])/g, (_match, char: string) => char.toUpperCase());
}
