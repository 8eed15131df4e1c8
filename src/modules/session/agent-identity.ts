/** Where in Kubernetes an agent runs, as far as an identity provider could tell. */
export interface KubernetesLocation {
  namespace: string;
  podName: string;
  /** metadata.uid of the Pod, once read from the API (needed for owner references). */
  podUid?: string;
  containerName: string;
  /** The process id inside the container (`process.vpid`, else `process.pid`). */
  processId?: number;
  /** The owning workload, resolved through owner references (`Deployment`, `StatefulSet`, `Pod`, ...). */
  workload?: { kind: string; name: string };
  /** `telemetry.sdk.language` of the agent, when it reported one. */
  language?: string;
  /** Kubelet instrumentation device id, for agents identified by `X-Odigos-DeviceId`. */
  deviceId?: string;
}

/**
 * Who an agent is, beyond its instance uid, as decided by the first plugin whose `identify` hook
 * answers. The registry stays keyed by instance uid; the identity adds what conventions need.
 */
export interface AgentIdentity {
  /** Name of the plugin that identified the agent. */
  readonly provider: string;
  /** Where the agent runs in Kubernetes, when known. */
  readonly kubernetes?: KubernetesLocation;
  /** Free-form labels for selection and display (admin API filters on them). */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Capabilities the agent has without declaring them. Odigos agents send `capabilities = 0` yet require
   * `remote_config` in the first reply, so the Odigos identity implies `AcceptsRemoteConfig`.
   */
  readonly impliedCapabilities?: bigint;
}
