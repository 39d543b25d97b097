/**
 * Standard input as a source (`sprawl scan -`, `kubectl logs deploy/api | sprawl logs -`): scanned as it
 * arrives, in bounded memory, reported under `--stdin-name` (default `stdin`).
 */
import type { Provenance } from './provenance.js';
import type { ScanItem, StreamInput } from './scan-item.js';

export interface StdinSource {
  root: string;
  items: ScanItem[];
  skipped: [];
  provenanceOf: (id: string) => Provenance[];
  stream: StreamInput;
  inProcess: true;
}

export function stdinSource(name: string, stream: AsyncIterable<Uint8Array> = process.stdin): StdinSource {
  return {
    root: process.cwd(),
    items: [],
    skipped: [],
    provenanceOf: () => [{ kind: 'file', path: name }],
    stream: { id: name, stream },
    // Nothing else to scan: no worker pool to start.
    inProcess: true,
  };
}
