import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object, loosely typed: tests read the fields they assert on. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const DEPLOY = fileURLToPath(new URL('../../deploy', import.meta.url));

/** The throwaway admin token the renders use; never a real one. */
export const THROWAWAY_TOKEN = 'throwaway-test-token-0123456789';

/**
 * `kubectl` on the PATH: Debian's package is installed (`apt-get install -y kubectl`) only when it is
 * missing. Throws when it cannot be had, so no test is skipped silently.
 */
export function ensureKubectl(): void {
  if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0) return;
  if (spawnSync('apt-get', ['install', '-y', 'kubectl'], { stdio: 'ignore' }).status !== 0) {
    // Empty or stale package lists: refresh them once.
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', 'kubectl'], { stdio: 'ignore' });
  }
}

/**
 * A copy of `deploy/` in a temporary directory, with a throwaway `base/admin-token.env` (the real one is
 * git-ignored and generated at deploy time), where kustomizations composing it can be rendered.
 */
export class DeployTree {
  private constructor(readonly root: string) {}

  static create(options: { withToken?: boolean } = {}): DeployTree {
    const root = mkdtempSync(join(tmpdir(), 'opamp-nest-deploy-'));
    cpSync(DEPLOY, join(root, 'deploy'), { recursive: true });
    rmSync(join(root, 'deploy/base/admin-token.env'), { force: true });
    if (options.withToken !== false) {
      writeFileSync(join(root, 'deploy/base/admin-token.env'), `token=${THROWAWAY_TOKEN}\n`);
    }
    return new DeployTree(root);
  }

  /** `kubectl kustomize` of a directory under `deploy/`, e.g. `base` or `overlays/odigos`. */
  render(dir: string): KubeObject[] {
    return kustomize(join(this.root, 'deploy', dir));
  }

  /** The base with these components (`deploy/components/<name>`), in this order. */
  renderBaseWith(...components: string[]): KubeObject[] {
    const dir = join(this.root, 'compose', components.join('+') || 'none');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        '  - ../../deploy/base',
        ...(components.length > 0
          ? ['components:', ...components.map((name) => `  - ../../deploy/components/${name}`)]
          : []),
        '',
      ].join('\n'),
    );
    return kustomize(dir);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function kustomize(dir: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJSON() as KubeObject);
}

/** The one object of this kind (and name, when given); throws when there is none or more than one. */
export function one(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  return found[0]!;
}
