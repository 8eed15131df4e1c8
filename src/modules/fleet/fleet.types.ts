/** One file of a remote config (an `AgentConfigFile`). */
export interface ConfigFile {
  readonly body: Buffer;
  /** MIME type, e.g. `text/yaml`; may be empty. */
  readonly contentType: string;
}

/** A named remote config: the files sent to agents as `AgentConfigMap`. */
export interface StoredConfig {
  /** Unique name (a Kubernetes object name: lower-case letters, digits, `-` and `.`). */
  readonly name: string;
  /** File name to file; the key `""` is the single file of agents that take one. */
  readonly files: Readonly<Record<string, ConfigFile>>;
  /** `config_hash` agents receive: SHA-256 over the files (`hashConfigMap`). */
  readonly hash: Buffer;
  /** When the config was last written, as an ISO 8601 time. */
  readonly updatedAt: string;
}

/** Who an assignment targets: one agent by display id, or every agent matching a selector. */
export type AssignmentTarget =
  | {
      /** Display id of the agent (a UUID for 16-byte uids). */
      readonly agent: string;
    }
  | {
      /**
       * Every term must match: `key` equals `value` in the agent's identifying or non-identifying
       * attributes, its resource attributes or its identity labels. `{}` matches every agent.
       */
      readonly selector: Readonly<Record<string, string>>;
    };

/** A rule giving a config to agents. Assignments belong to their config and are named within it. */
export type ConfigAssignment = {
  /** Name of the config assigned. */
  readonly config: string;
  /** Name of the assignment, unique within its config. */
  readonly name: string;
} & AssignmentTarget;

/** What changed in a {@link ConfigStore}: the configs whose files or assignments changed, or were deleted. */
export interface ConfigStoreChange {
  readonly configs: readonly string[];
}
