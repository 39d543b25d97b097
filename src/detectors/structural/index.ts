/**
 * Every structural detector, by the name rules use in `detector:`.
 */
import { agentConfigDetector } from './agent-config.js';
import { ciIdentityDetector } from './ci-identity.js';
import { kubernetesSecretDetector } from './kubernetes-secret.js';
import type { StructuralDetector } from './structural-detector.js';

const DETECTORS: readonly StructuralDetector[] = [agentConfigDetector, ciIdentityDetector, kubernetesSecretDetector];
const BY_NAME = new Map(DETECTORS.map((detector) => [detector.name, detector]));

export function structuralDetectorNamed(name: string): StructuralDetector | undefined {
  return BY_NAME.get(name);
}

export function structuralDetectorNames(): string[] {
  return [...BY_NAME.keys()].sort();
}
