/** A scalar attribute value an identity may carry. */
export type IdentityAttributeValue = string | number | boolean;

/**
 * Who an agent is, beyond its instance uid, as decided by the first plugin whose `identify` hook answers.
 * The shape is the same for every convention: a key, labels to select and show agents by, and attributes
 * a plugin keeps for itself or for its record mapping. The registry stays keyed by instance uid.
 */
export interface AgentIdentity {
  /** Name of the plugin that identified the agent (`instance-uid` for the default identity). */
  readonly provider: string;
  /**
   * A stable name of what the agent is, unique on this server for as long as the agent runs (for example
   * `<namespace>/<pod>/<container>`). Shown in the admin API. Default: the instance uid.
   */
  readonly key?: string;
  /** Labels for selection and display: the admin API filters on them and config selectors match them. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Further facts the identifying plugin established (a process id, a pod uid, ...). Shown, never selected on. */
  readonly attributes?: Readonly<Record<string, IdentityAttributeValue>>;
  /**
   * Agent capabilities the agent has without declaring them (AgentCapabilities bits). Some agents send
   * `capabilities = 0` yet require `remote_config` in the first reply; their identity names what they accept.
   */
  readonly impliedCapabilities?: bigint;
}
