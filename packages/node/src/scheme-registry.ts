// Threshold schemes by id. The node depends on the ThresholdScheme interface only; the
// implementations (FROST, DKLs23) live in @cairn/mpc and register themselves here by being
// exported from it: any export that is a ThresholdScheme (an object with a known `id`, `dkg`
// and `sign`) is picked up, so a new scheme needs no change in the node.
import * as mpc from '@cairn/mpc';
import { SCHEME_IDS, type SchemeId, type ThresholdScheme } from '@cairn/mpc';
import { NodeError } from './errors.ts';

function isScheme(value: unknown): value is ThresholdScheme {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ThresholdScheme>;
  return (
    typeof v.id === 'string' &&
    (SCHEME_IDS as readonly string[]).includes(v.id) &&
    typeof v.dkg === 'function' &&
    typeof v.sign === 'function' &&
    typeof v.verify === 'function'
  );
}

function discover(): Map<SchemeId, ThresholdScheme> {
  const found = new Map<SchemeId, ThresholdScheme>();
  for (const value of Object.values(mpc)) {
    if (isScheme(value) && !found.has(value.id)) found.set(value.id, value);
  }
  return found;
}

const registry = discover();

/** Registers a scheme (tests use this for protocol doubles; production schemes come from @cairn/mpc). */
export function registerScheme(scheme: ThresholdScheme): void {
  registry.set(scheme.id, scheme);
}

/** The scheme with this id; UNSUPPORTED_SCHEME when this build has no implementation of it. */
export function schemeById(id: string): ThresholdScheme {
  const scheme = registry.get(id as SchemeId);
  if (!scheme) {
    throw new NodeError(
      'UNSUPPORTED_SCHEME',
      `scheme ${id} is not available on this node (available: ${[...registry.keys()].join(', ') || 'none'})`,
    );
  }
  return scheme;
}

export function availableSchemes(): SchemeId[] {
  return [...registry.keys()];
}
