import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ApiCall, baseLifeCycle, odigosLifeCycle, SERVER_NAMESPACE } from './life-cycles.js';
import { DeployTree, ensureKubectl, type KubeObject, one, THROWAWAY_TOKEN } from './kustomize.js';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}
interface Probe {
  httpGet: { path: string; port: string | number; scheme?: string };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  ports?: Array<{ name: string; containerPort: number; protocol: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
}
interface Volume {
  name: string;
  hostPath?: { path: string; type?: string };
  secret?: { secretName: string; optional?: boolean; defaultMode?: number };
}
interface PodSpec {
  serviceAccountName: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  dnsPolicy?: string;
  priorityClassName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Array<Record<string, string>>;
  securityContext: SecurityContext;
  initContainers?: Container[];
  containers: Container[];
  volumes?: Volume[];
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const podSpec = (objects: KubeObject[]): PodSpec =>
  (one(objects, 'DaemonSet') as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const server = (objects: KubeObject[]): Container => {
  const containers = podSpec(objects).containers;
  expect(containers.map((c) => c.name)).toEqual(['opamp-nest']);
  return containers[0]!;
};
const envOf = (container: Container): Record<string, EnvVar> =>
  Object.fromEntries((container.env ?? []).map((e) => [e.name, e]));
const valuesOf = (container: Container): Record<string, string | undefined> =>
  Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
const without = (objects: KubeObject[], others: KubeObject[]): KubeObject[] => {
  const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const known = new Set(others.map(key));
  return objects.filter((o) => !known.has(key(o)));
};
const names = (objects: KubeObject[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const DEVICE_ID_NEEDS = ['odigos'];

/** The grants of the rendered roles bound to the server's service account, as `namespace|group|resource|verb` ('*' = any namespace). */
function grantsOf(objects: KubeObject[]): Set<string> {
  const grants = new Set<string>();
  for (const binding of objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')) {
    const { roleRef, subjects } = binding as unknown as {
      roleRef: { kind: string; name: string };
      subjects: Array<{ kind: string; name: string; namespace?: string }>;
    };
    const forServer = subjects.some(
      (s) => s.kind === 'ServiceAccount' && s.name === 'opamp-nest' && s.namespace === SERVER_NAMESPACE,
    );
    if (!forServer) continue;
    const role = one(objects, roleRef.kind, roleRef.name) as unknown as { rules: Rule[] };
    // A Role, or a ClusterRole bound by a RoleBinding, grants only in the binding's namespace.
    const scope = binding.kind === 'RoleBinding' ? binding.metadata.namespace! : '*';
    for (const rule of role.rules) {
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          for (const verb of rule.verbs) grants.add(`${scope}|${group}|${resource}|${verb}`);
        }
      }
    }
  }
  return grants;
}
const allowedBy = (grants: Set<string>) => (call: ApiCall) =>
  grants.has(`*|${call.group}|${call.resource}|${call.verb}`) ||
  (call.namespace !== '' && grants.has(`${call.namespace}|${call.group}|${call.resource}|${call.verb}`));
/** Grants no call used: a namespaced grant counts as used by a call in its namespace. */
const unusedGrants = (grants: Set<string>, calls: ApiCall[]): string[] =>
  [...grants].filter(
    (grant) =>
      !calls.some((call) => {
        const [scope, group, resource, verb] = grant.split('|');
        return (
          group === call.group &&
          resource === call.resource &&
          verb === call.verb &&
          (scope === '*' || scope === call.namespace)
        );
      }),
  );

describe('deploy/ rendered with kubectl kustomize', () => {
  let tree: DeployTree;
  let base: KubeObject[];

  beforeAll(() => {
    ensureKubectl();
    tree = DeployTree.create();
    base = tree.renderBaseWith();
  }, 180_000);
  afterAll(() => tree?.remove());

  describe('the base', () => {
    it('holds the namespace, service account, a namespaced Role, DaemonSet, OpAMP Service and admin Secret, in opamp-nest', () => {
      expect(base.map((o) => o.kind).sort()).toEqual([
        'DaemonSet',
        'Namespace',
        'Role',
        'RoleBinding',
        'Secret',
        'Service',
        'ServiceAccount',
      ]);
      for (const object of base.filter((o) => o.kind !== 'Namespace')) {
        expect([object.kind, object.metadata.namespace]).toEqual([object.kind, SERVER_NAMESPACE]);
      }
    });

    it('mounts nothing and shares nothing with the host', () => {
      const pod = podSpec(base);
      expect(pod.volumes).toBeUndefined();
      expect(pod.initContainers).toBeUndefined();
      expect(server(base).volumeMounts).toBeUndefined();
      expect([pod.hostNetwork, pod.hostPID, pod.hostIPC]).toEqual([undefined, undefined, undefined]);
    });

    it('runs as uid 1000, non-root, with a read-only root filesystem, no capabilities and RuntimeDefault seccomp', () => {
      expect(podSpec(base).securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(server(base).securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it('runs on every Linux node, tainted ones included, as node-critical', () => {
      const pod = podSpec(base);
      expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
      expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
      expect(pod.priorityClassName).toBe('system-node-critical');
      expect(pod.serviceAccountName).toBe('opamp-nest');
    });

    it('sets cpu and memory requests and limits', () => {
      const { requests, limits } = server(base).resources ?? {};
      expect(Object.keys(requests ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(limits ?? {}).sort()).toEqual(['cpu', 'memory']);
    });

    it('serves OpAMP on 4320, the admin API on 4321, probes and metrics on 4322, and probes that port', () => {
      const container = server(base);
      expect(container.ports).toEqual([
        { name: 'op-amp', containerPort: 4320, protocol: 'TCP' },
        { name: 'admin', containerPort: 4321, protocol: 'TCP' },
        { name: 'health', containerPort: 4322, protocol: 'TCP' },
      ]);
      expect(valuesOf(container)).toEqual(
        expect.objectContaining({
          OPAMP_PORT: '4320',
          ADMIN_PORT: '4321',
          HEALTH_HOST: '0.0.0.0',
          HEALTH_PORT: '4322',
        }),
      );
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    });

    it('takes NODE_NAME and POD_NAMESPACE from the downward API', () => {
      const env = envOf(server(base));
      expect(env.NODE_NAME?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
      expect(env.POD_NAMESPACE?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
    });

    it('listens for the admin API on 0.0.0.0 only with a required token from the generated Secret', () => {
      const env = envOf(server(base));
      expect(env.ADMIN_HOST?.value).toBe('0.0.0.0');
      const ref = env.ADMIN_TOKEN?.valueFrom?.secretKeyRef;
      expect(ref).toEqual({
        name: expect.stringMatching(/^opamp-nest-admin-/),
        key: 'token',
        optional: false,
      });
      const secret = one(base, 'Secret', ref!.name) as unknown as { data: Record<string, string> };
      expect(Buffer.from(secret.data.token!, 'base64').toString()).toBe(THROWAWAY_TOKEN);
    });

    it('does not render without an admin token file, so no deployment runs without a token', () => {
      const tokenless = DeployTree.create({ withToken: false });
      try {
        expect(() => tokenless.render('base')).toThrow(/admin-token\.env/);
      } finally {
        tokenless.remove();
      }
    });

    it('routes the OpAMP Service to the node-local pod only', () => {
      const service = one(base, 'Service', 'opamp-nest-local') as unknown as {
        spec: { internalTrafficPolicy: string; ports: Array<{ port: number; targetPort: string }> };
      };
      expect(service.spec.internalTrafficPolicy).toBe('Local');
      expect(service.spec.ports).toEqual([expect.objectContaining({ port: 4320, targetPort: 'op-amp' })]);
    });

    it('grants only the ConfigMaps of its own namespace: no odigos.io rights, no pods, nothing cluster-wide', () => {
      expect([...grantsOf(base)].sort()).toEqual(
        ['create', 'delete', 'get', 'list', 'update', 'watch'].map(
          (verb) => `opamp-nest||configmaps|${verb}`,
        ),
      );
    });
  });

  describe('each component on top of the base', () => {
    it('knows every component: a new one needs its own test here', () => {
      const dirs = readdirSync(new URL('../../deploy/components', import.meta.url)).sort();
      expect(dirs).toEqual([
        'client-certificates',
        'device-id',
        'hub',
        'monitoring',
        'network-policy',
        'odigos',
        'odigos-crd',
        'tls',
      ]);
    });

    it('odigos-crd adds the InstrumentationInstance CRD and nothing else', () => {
      const rendered = tree.renderBaseWith('odigos-crd');
      expect(names(without(rendered, base))).toEqual([
        'CustomResourceDefinition/instrumentationinstances.odigos.io',
      ]);
      expect(one(rendered, 'DaemonSet')).toEqual(one(base, 'DaemonSet'));
    });

    describe('odigos', () => {
      let rendered: KubeObject[];
      beforeAll(() => {
        rendered = tree.renderBaseWith('odigos');
      });

      it('enables the plugin, Kubernetes persistence and the exchange socket', () => {
        expect(valuesOf(server(rendered))).toEqual(
          expect.objectContaining({
            PLUGINS: 'odigos',
            PERSISTENCE: 'kubernetes',
            OPAMP_UNIX_SOCKET: '/var/odigos/exchange/exchange.sock',
          }),
        );
      });

      it('mounts the /var/odigos/exchange hostPath and nothing else, on the host network Odigos agents dial', () => {
        const pod = podSpec(rendered);
        expect(pod.volumes).toEqual([
          { name: 'opamp-exchange', hostPath: { path: '/var/odigos/exchange', type: 'DirectoryOrCreate' } },
        ]);
        expect(server(rendered).volumeMounts).toEqual([
          { name: 'opamp-exchange', mountPath: '/var/odigos/exchange' },
        ]);
        expect([pod.hostNetwork, pod.dnsPolicy]).toEqual([true, 'ClusterFirstWithHostNet']);
      });

      it('hands the directory to uid 1000 from an init container with CHOWN and FOWNER only', () => {
        const [init, ...others] = podSpec(rendered).initContainers ?? [];
        expect(others).toEqual([]);
        expect(init?.command?.join(' ')).toMatch(/chownSync\(d, 1000, 1000\)/);
        expect(init?.securityContext).toEqual({
          runAsNonRoot: false,
          runAsUser: 0,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'], add: ['CHOWN', 'FOWNER'] },
        });
        expect(init?.volumeMounts).toEqual([{ name: 'opamp-exchange', mountPath: '/var/odigos/exchange' }]);
        expect(init?.image).toBe(server(rendered).image);
      });

      it('keeps the server non-root', () => {
        expect(podSpec(rendered).securityContext).toEqual(podSpec(base).securityContext);
        expect(server(rendered).securityContext).toEqual(server(base).securityContext);
      });

      it('adds the Odigos RBAC in a role of its own', () => {
        expect(names(without(rendered, base))).toEqual([
          'ClusterRole/opamp-nest-odigos',
          'ClusterRoleBinding/opamp-nest-odigos',
        ]);
        expect([...grantsOf(rendered)].filter((g) => !grantsOf(base).has(g)).sort()).toEqual([
          '*|odigos.io|instrumentationconfigs|list',
          '*|odigos.io|instrumentationconfigs|watch',
          '*|odigos.io|instrumentationinstances/status|update',
          '*|odigos.io|instrumentationinstances|create',
          '*|odigos.io|instrumentationinstances|delete',
          '*|odigos.io|instrumentationinstances|get',
          '*|odigos.io|instrumentationinstances|list',
          '*||pods/finalizers|update',
          '*||pods|get',
          '*||pods|list',
          '*||pods|watch',
        ]);
      });
    });

    describe('device-id (with odigos)', () => {
      let withOdigos: KubeObject[];
      let rendered: KubeObject[];
      beforeAll(() => {
        withOdigos = tree.renderBaseWith(...DEVICE_ID_NEEDS);
        rendered = tree.renderBaseWith(...DEVICE_ID_NEEDS, 'device-id');
      });

      it('mounts the kubelet pod-resources directory read-only and points the server at its socket', () => {
        const container = server(rendered);
        expect(valuesOf(container).KUBELET_POD_RESOURCES_SOCKET).toBe(
          '/var/lib/kubelet/pod-resources/kubelet.sock',
        );
        expect(container.volumeMounts).toEqual(
          expect.arrayContaining([
            { name: 'pod-resources', mountPath: '/var/lib/kubelet/pod-resources', readOnly: true },
          ]),
        );
        expect(podSpec(rendered).volumes).toEqual(
          expect.arrayContaining([
            {
              name: 'pod-resources',
              hostPath: { path: '/var/lib/kubelet/pod-resources', type: 'Directory' },
            },
          ]),
        );
      });

      it('runs the server as uid 0 and nothing more: not privileged, no capabilities, gid 1000 kept', () => {
        expect(server(rendered).securityContext).toEqual({
          runAsNonRoot: false,
          runAsUser: 0,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(podSpec(rendered).securityContext).toEqual(podSpec(base).securityContext);
        expect(podSpec(rendered).securityContext.runAsGroup).toBe(1000);
      });

      it('adds no object and no RBAC: the socket needs none', () => {
        expect(names(rendered)).toEqual(names(withOdigos));
        expect(grantsOf(rendered)).toEqual(grantsOf(withOdigos));
      });
    });

    describe('client-certificates', () => {
      let rendered: KubeObject[];
      beforeAll(() => {
        rendered = tree.renderBaseWith('tls', 'client-certificates');
      });

      it("signs agents' CSRs with the mounted CA and accepts what it issued for mutual TLS", () => {
        expect(valuesOf(server(rendered))).toEqual(
          expect.objectContaining({
            OPAMP_TLS_CERT_FILE: '/etc/opamp-nest/tls/tls.crt',
            CLIENT_CA_CERT_FILE: '/etc/opamp-nest/client-ca/tls.crt',
            CLIENT_CA_KEY_FILE: '/etc/opamp-nest/client-ca/tls.key',
            OPAMP_TLS_CLIENT_CA_FILE: '/etc/opamp-nest/client-ca/tls.crt',
          }),
        );
      });

      it('mounts the opamp-nest-client-ca Secret read-only beside the listener certificate, nothing else', () => {
        const byName = <T extends { name: string }>(items: T[] | undefined): T[] =>
          [...(items ?? [])].sort((a, b) => a.name.localeCompare(b.name));
        expect(byName(podSpec(rendered).volumes)).toEqual([
          {
            name: 'client-ca',
            secret: { secretName: 'opamp-nest-client-ca', optional: false, defaultMode: 0o440 },
          },
          { name: 'tls', secret: { secretName: 'opamp-nest-tls', optional: false, defaultMode: 0o440 } },
        ]);
        expect(byName(server(rendered).volumeMounts)).toEqual([
          { name: 'client-ca', mountPath: '/etc/opamp-nest/client-ca', readOnly: true },
          { name: 'tls', mountPath: '/etc/opamp-nest/tls', readOnly: true },
        ]);
        expect(server(rendered).securityContext).toEqual(server(base).securityContext);
        expect(names(rendered)).toEqual(names(base));
      });
    });

    describe('tls', () => {
      let rendered: KubeObject[];
      beforeAll(() => {
        rendered = tree.renderBaseWith('tls');
      });

      it('points the OpAMP and admin listeners at the mounted certificate, client CA left to the operator', () => {
        const values = valuesOf(server(rendered));
        expect(values).toEqual(
          expect.objectContaining({
            OPAMP_TLS_CERT_FILE: '/etc/opamp-nest/tls/tls.crt',
            OPAMP_TLS_KEY_FILE: '/etc/opamp-nest/tls/tls.key',
            ADMIN_TLS_CERT_FILE: '/etc/opamp-nest/tls/tls.crt',
            ADMIN_TLS_KEY_FILE: '/etc/opamp-nest/tls/tls.key',
          }),
        );
        expect(values).not.toHaveProperty('OPAMP_TLS_CLIENT_CA_FILE');
      });

      it('mounts the opamp-nest-tls Secret read-only, readable by group 1000 only', () => {
        expect(podSpec(rendered).volumes).toEqual([
          { name: 'tls', secret: { secretName: 'opamp-nest-tls', optional: false, defaultMode: 0o440 } },
        ]);
        expect(server(rendered).volumeMounts).toEqual([
          { name: 'tls', mountPath: '/etc/opamp-nest/tls', readOnly: true },
        ]);
        expect(podSpec(rendered).securityContext).toEqual({
          ...podSpec(base).securityContext,
          fsGroup: 1000,
        });
      });

      it('leaves the probes on plain HTTP (the probes port has no TLS)', () => {
        expect(server(rendered).readinessProbe).toEqual(server(base).readinessProbe);
        expect(names(rendered)).toEqual(names(base));
      });
    });

    describe('hub', () => {
      let rendered: KubeObject[];
      beforeAll(() => {
        rendered = tree.renderBaseWith('hub');
      });
      const hub = (): { pod: PodSpec; container: Container } => {
        const deployment = one(rendered, 'Deployment', 'opamp-nest-hub') as unknown as {
          spec: { replicas: number; template: { spec: PodSpec } };
        };
        const pod = deployment.spec.template.spec;
        expect(pod.containers.map((c) => c.name)).toEqual(['opamp-nest-hub']);
        return { pod, container: pod.containers[0]! };
      };

      it('adds the hub Deployment and Service, its RBAC, and a headless Service over the node servers', () => {
        expect(names(without(rendered, base))).toEqual([
          'Deployment/opamp-nest-hub',
          'Role/opamp-nest-hub',
          'RoleBinding/opamp-nest-hub',
          'Service/opamp-nest-hub',
          'Service/opamp-nest-nodes',
          'ServiceAccount/opamp-nest-hub',
        ]);
        const nodes = one(rendered, 'Service', 'opamp-nest-nodes') as unknown as {
          spec: {
            clusterIP: string;
            selector: Record<string, string>;
            ports: Array<{ name: string; port: number }>;
          };
        };
        expect(nodes.spec.clusterIP).toBe('None');
        expect(nodes.spec.selector).toEqual({ 'app.kubernetes.io/name': 'opamp-nest' });
        expect(nodes.spec.ports.map((p) => [p.name, p.port])).toEqual([
          ['admin', 4321],
          ['health', 4322],
        ]);
      });

      it('runs MODE=hub with the admin token of the generated Secret, presented to the nodes too', () => {
        const { container } = hub();
        expect(valuesOf(container)).toEqual(
          expect.objectContaining({
            MODE: 'hub',
            ADMIN_HOST: '0.0.0.0',
            ADMIN_PORT: '4321',
            HUB_NODE_SERVICE: 'opamp-nest-nodes',
            CONFIG_STORE: 'kubernetes',
          }),
        );
        const secret = one(rendered, 'Secret');
        expect(envOf(container).ADMIN_TOKEN?.valueFrom?.secretKeyRef).toEqual({
          name: secret.metadata.name,
          key: 'token',
          optional: false,
        });
        expect(envOf(container).POD_NAMESPACE?.valueFrom?.fieldRef).toEqual({
          fieldPath: 'metadata.namespace',
        });
        expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'admin' });
      });

      it('runs non-root with a read-only root filesystem under its own service account', () => {
        const { pod, container } = hub();
        expect(pod.serviceAccountName).toBe('opamp-nest-hub');
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(container.securityContext).toEqual(
          expect.objectContaining({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }),
        );
      });

      it('grants the hub only the EndpointSlices and config ConfigMaps of its namespace', () => {
        const role = one(rendered, 'Role', 'opamp-nest-hub') as unknown as { rules: Rule[] };
        expect(role.rules).toEqual([
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
          {
            apiGroups: [''],
            resources: ['configmaps'],
            verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'],
          },
        ]);
        expect(rendered.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
        // The node servers' grants are unchanged.
        expect(grantsOf(rendered)).toEqual(grantsOf(base));
      });
    });

    it('monitoring adds a headless metrics Service on 4322 and a ServiceMonitor scraping /metrics from it', () => {
      const rendered = tree.renderBaseWith('monitoring');
      expect(names(without(rendered, base))).toEqual([
        'Service/opamp-nest-metrics',
        'ServiceMonitor/opamp-nest',
      ]);
      const service = one(rendered, 'Service', 'opamp-nest-metrics') as unknown as {
        metadata: { labels: Record<string, string> };
        spec: { clusterIP: string; ports: Array<{ name: string; port: number; targetPort: string }> };
      };
      expect(service.spec.clusterIP).toBe('None');
      expect(service.spec.ports).toEqual([
        expect.objectContaining({ name: 'metrics', port: 4322, targetPort: 'health' }),
      ]);
      const monitor = one(rendered, 'ServiceMonitor') as unknown as {
        spec: { selector: { matchLabels: Record<string, string> }; endpoints: Array<Record<string, string>> };
      };
      const selects = (labels: Record<string, string> = {}) =>
        Object.entries(monitor.spec.selector.matchLabels).every(([key, value]) => labels[key] === value);
      expect(selects(service.metadata.labels)).toBe(true);
      expect(selects(one(rendered, 'Service', 'opamp-nest-local').metadata.labels)).toBe(false);
      expect(monitor.spec.endpoints).toEqual([
        expect.objectContaining({ port: 'metrics', path: '/metrics' }),
      ]);
    });

    it('network-policy opens OpAMP to all pods, admin to labelled namespaces, probes and metrics to monitoring', () => {
      const rendered = tree.renderBaseWith('network-policy');
      expect(names(without(rendered, base))).toEqual(['NetworkPolicy/opamp-nest']);
      const policy = one(rendered, 'NetworkPolicy') as unknown as {
        spec: {
          podSelector: { matchLabels: Record<string, string> };
          policyTypes: string[];
          ingress: Array<{ ports: Array<{ port: string }>; from: unknown[] }>;
        };
      };
      const podLabels = (
        one(rendered, 'DaemonSet') as unknown as {
          spec: { template: { metadata: { labels: Record<string, string> } } };
        }
      ).spec.template.metadata.labels;
      expect(Object.entries(policy.spec.podSelector.matchLabels).every(([k, v]) => podLabels[k] === v)).toBe(
        true,
      );
      expect(policy.spec.policyTypes).toEqual(['Ingress']);
      const portNames = server(rendered).ports!.map((p) => p.name);
      expect(policy.spec.ingress.map((rule) => [rule.ports.map((p) => p.port), rule.from])).toEqual([
        [['op-amp'], [{ namespaceSelector: {} }]],
        [['admin'], [{ namespaceSelector: { matchLabels: { 'opamp-nest.io/admin-access': 'true' } } }]],
        [
          ['health'],
          [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ],
      ]);
      expect(portNames).toEqual(['op-amp', 'admin', 'health']);
    });
  });

  it('the odigos overlay is the base with odigos-crd, odigos and device-id', () => {
    const overlay = tree.render('overlays/odigos');
    expect(overlay).toEqual(tree.renderBaseWith('odigos-crd', 'odigos', 'device-id'));
    expect(names(without(overlay, base))).toEqual([
      'ClusterRole/opamp-nest-odigos',
      'ClusterRoleBinding/opamp-nest-odigos',
      'CustomResourceDefinition/instrumentationinstances.odigos.io',
    ]);
  });

  describe('RBAC grants exactly the API calls a replayed life cycle makes', () => {
    let baseCalls: ApiCall[];
    let odigosCalls: ApiCall[];
    let odigosGrants: Set<string>;

    beforeAll(async () => {
      baseCalls = await baseLifeCycle();
      odigosCalls = await odigosLifeCycle();
      odigosGrants = grantsOf(tree.renderBaseWith('odigos'));
    }, 60_000);

    it('the base allows every call the server makes without plugins, and grants nothing else', () => {
      expect(baseCalls.filter((call) => !allowedBy(grantsOf(base))(call))).toEqual([]);
      expect(unusedGrants(grantsOf(base), baseCalls)).toEqual([]);
    });

    it('base + odigos allows every call of the Odigos life cycle', () => {
      expect(odigosCalls.filter((call) => !allowedBy(odigosGrants)(call))).toEqual([]);
    });

    it('base + odigos grants nothing that life cycle does not use (pods/finalizers aside, for blockOwnerDeletion)', () => {
      expect(unusedGrants(odigosGrants, odigosCalls)).toEqual(['*||pods/finalizers|update']);
    });

    it('the base alone does not allow the Odigos calls', () => {
      expect(odigosCalls.filter((call) => !allowedBy(grantsOf(base))(call)).map((c) => c.resource)).toEqual(
        expect.arrayContaining([
          'pods',
          'instrumentationconfigs',
          'instrumentationinstances',
          'instrumentationinstances/status',
        ]),
      );
    });
  });
});
