import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** Names and credentials put into a generated kubeconfig. */
export interface FakeKubeConfigOptions {
  /** Bearer token of the user; default `fake-token`. */
  token?: string;
  /** Default namespace of the context. */
  namespace?: string;
  /** Name used for the cluster, user and context; default `fake-kube`. */
  name?: string;
}

/** A kubeconfig file written to disk. */
export interface KubeConfigFile {
  path: string;
  /** Deletes the file and the temporary directory created for it. */
  dispose: () => Promise<void>;
}

/** Default bearer token of generated kubeconfigs. */
export const DEFAULT_FAKE_TOKEN = 'fake-token';

interface ResolvedOptions {
  token: string;
  namespace?: string;
  name: string;
}

function resolve(options: FakeKubeConfigOptions): ResolvedOptions {
  return {
    token: options.token ?? DEFAULT_FAKE_TOKEN,
    name: options.name ?? 'fake-kube',
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
  };
}

/**
 * A `KubeConfig` for `serverUrl` (`http://127.0.0.1:<port>`) with a token user. Plain HTTP needs
 * `skipTLSVerify: true`, otherwise `@kubernetes/client-node` refuses the cluster.
 */
export function createKubeConfig(serverUrl: string, options: FakeKubeConfigOptions = {}): KubeConfig {
  const { token, namespace, name } = resolve(options);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name, server: serverUrl, skipTLSVerify: true }],
    users: [{ name, token }],
    contexts: [{ name, cluster: name, user: name, ...(namespace !== undefined ? { namespace } : {}) }],
    currentContext: name,
  });
  return kc;
}

/** The kubeconfig file contents (JSON, which is valid YAML) for `serverUrl`. */
export function kubeConfigDocument(serverUrl: string, options: FakeKubeConfigOptions = {}): string {
  const { token, namespace, name } = resolve(options);
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name, cluster: { server: serverUrl, 'insecure-skip-tls-verify': true } }],
      users: [{ name, user: { token } }],
      contexts: [
        { name, context: { cluster: name, user: name, ...(namespace !== undefined ? { namespace } : {}) } },
      ],
      'current-context': name,
      preferences: {},
    },
    null,
    2,
  );
}

/** Writes a kubeconfig for `serverUrl` into a new temporary directory (for code that reads `KUBECONFIG`). */
export async function writeKubeConfigFile(
  serverUrl: string,
  options: FakeKubeConfigOptions = {},
): Promise<KubeConfigFile> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-kube-'));
  const path = join(dir, 'kubeconfig');
  await writeFile(path, kubeConfigDocument(serverUrl, options), { mode: 0o600 });
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}
