import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { type Awaitable, isThenable } from '../../common/awaitable.js';
import { type OpampPluginHooks } from '../../plugin-api/index.js';
import { ProtocolError, ServerUnavailableError } from '../protocol/index.js';
import { OpampPlugin } from './opamp-plugin.decorator.js';
import { PluginHookStats } from './plugin-hook-stats.js';
import { InjectPluginsOptions, type PluginsOptions } from './plugins.options.js';
import { DuplicatePluginError, PluginTimeoutError } from './plugin.errors.js';

/** The name of a hook. */
export type HookName = keyof OpampPluginHooks;
type Hook<K extends HookName> = NonNullable<OpampPluginHooks[K]>;
/** The arguments a hook takes. */
export type HookArgs<K extends HookName> = Parameters<Hook<K>>;
/** What a hook resolves to. */
export type HookResult<K extends HookName> = Awaited<ReturnType<Hook<K>>>;
/** Hooks whose first answer wins. */
export type DecidingHook =
  'authorize' | 'identify' | 'resourceAttributes' | 'remoteConfig' | 'certificateSubject' | 'recordMapping';
/** Hooks every plugin is called for. */
export type ObservingHook = 'onConnect' | 'onMessage' | 'onStatusChange' | 'onDisconnect';
/** The winning answer of a deciding hook and the plugin that gave it. */
export interface Decision<K extends DecidingHook> {
  readonly plugin: string;
  readonly value: NonNullable<HookResult<K>>;
}
type Answer<K extends HookName> = NonNullable<HookResult<K>>;
const NONE: readonly RegisteredPlugin[] = [];

/** One discovered plugin. */
export interface RegisteredPlugin {
  readonly name: string;
  readonly order: number;
  readonly instance: OpampPluginHooks;
}

const DEFAULT_ORDER = 100;
/** Retry time given to an agent whose identity or authorization a plugin could not decide in time. */
const UNDECIDED_RETRY_MS = 5000;
/** Deciding hooks whose silence must not be mistaken for "no opinion": the server fails closed. */
const FAIL_CLOSED: ReadonlySet<HookName> = new Set<HookName>(['authorize', 'identify']);
const HOOKS: readonly HookName[] = [
  'authorize',
  'identify',
  'resourceAttributes',
  'remoteConfig',
  'certificateSubject',
  'onConnect',
  'onMessage',
  'onStatusChange',
  'onDisconnect',
  'recordMapping',
];

/**
 * Finds every `@OpampPlugin` provider and calls their hooks in order: deciding hooks until one answers,
 * observing hooks on all. Each call is bounded by `PLUGIN_TIMEOUT_MS`; a plugin that throws or hangs is
 * logged with its name and skipped, never failing the message (a thrown `ProtocolError` is the exception:
 * it refuses the message on purpose). Asynchronous calls are timed and failures counted in {@link stats}.
 */
@Injectable()
export class PluginHost implements OnModuleInit {
  /** Durations of asynchronous hook calls and failures, by plugin and hook, for the metrics. */
  readonly stats = new PluginHookStats();
  private readonly logger = new Logger(PluginHost.name);
  private plugins: RegisteredPlugin[] = [];
  private byHook = new Map<HookName, RegisteredPlugin[]>();
  private discovered = false;

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectPluginsOptions() private readonly options: PluginsOptions,
  ) {}

  onModuleInit(): void {
    this.discover();
  }

  /**
   * Finds the plugins, once. Called at module init and by the first question asked, so a module whose
   * own init runs before this one's still sees every plugin (all providers exist by then).
   */
  private discover(): void {
    if (this.discovered) return;
    this.discovered = true;
    const found: RegisteredPlugin[] = [];
    for (const wrapper of this.discovery.getProviders({ metadataKey: OpampPlugin.KEY })) {
      const options = this.discovery.getMetadataByDecorator(OpampPlugin, wrapper);
      if (!options) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn({ plugin: options.name }, 'request-scoped plugins are not supported; skipped');
        continue;
      }
      if (!wrapper.instance) continue;
      found.push({ name: options.name, order: options.order ?? DEFAULT_ORDER, instance: wrapper.instance });
    }
    this.use(found);
  }

  /** The plugins in calling order. */
  get registered(): readonly RegisteredPlugin[] {
    this.discover();
    return this.plugins;
  }

  /** Whether any plugin implements `hook`. */
  implements(hook: HookName): boolean {
    this.discover();
    return (this.byHook.get(hook)?.length ?? 0) > 0;
  }

  /**
   * Asks plugins in order; the first answer other than undefined wins. When a plugin times out on
   * `authorize` or `identify`, the message is refused with Unavailable (retry in 5 s) instead of falling
   * through to the next plugin or the default: an undecided identity is not an anonymous one.
   */
  async decide<K extends DecidingHook>(hook: K, ...args: HookArgs<K>): Promise<Decision<K> | undefined> {
    return this.decideNow(hook, ...args);
  }

  /**
   * {@link decide} without a promise when every plugin answered synchronously (the message pipeline's
   * fast path); a sync `ProtocolError` is thrown.
   */
  decideNow<K extends DecidingHook>(hook: K, ...args: HookArgs<K>): Awaitable<Decision<K> | undefined> {
    this.discover();
    const plugins = this.byHook.get(hook) ?? NONE;
    for (let i = 0; i < plugins.length; i++) {
      const plugin = plugins[i]!;
      const value = this.invoke(plugin, hook, args);
      if (isThenable(value)) return this.decideAsync(plugins, i, value, hook, args);
      if (value !== undefined && value !== null) return { plugin: plugin.name, value };
    }
    return undefined;
  }

  /** Calls `hook` on every plugin, in order, and returns the answers that were not undefined. */
  async observe<K extends ObservingHook>(hook: K, ...args: HookArgs<K>): Promise<Array<Answer<K>>> {
    return this.observeNow(hook, ...args);
  }

  /** {@link observe} without a promise when every plugin answered synchronously. */
  observeNow<K extends ObservingHook>(hook: K, ...args: HookArgs<K>): Awaitable<Array<Answer<K>>> {
    this.discover();
    const plugins = this.byHook.get(hook) ?? NONE;
    if (plugins.length === 0) return [];
    const answers: Array<Answer<K>> = [];
    for (let i = 0; i < plugins.length; i++) {
      const value = this.invoke(plugins[i]!, hook, args);
      if (isThenable(value)) return this.observeAsync(plugins, i, value, answers, hook, args);
      if (value !== undefined && value !== null) answers.push(value as Answer<K>);
    }
    return answers;
  }

  private async decideAsync<K extends DecidingHook>(
    plugins: readonly RegisteredPlugin[],
    from: number,
    pending: Promise<HookResult<K> | undefined>,
    hook: K,
    args: HookArgs<K>,
  ): Promise<Decision<K> | undefined> {
    for (let i = from; i < plugins.length; i++) {
      const value = i === from ? await pending : await this.invoke(plugins[i]!, hook, args);
      if (value !== undefined && value !== null) {
        return { plugin: plugins[i]!.name, value: value as NonNullable<HookResult<K>> };
      }
    }
    return undefined;
  }

  private async observeAsync<K extends ObservingHook>(
    plugins: readonly RegisteredPlugin[],
    from: number,
    pending: Promise<HookResult<K> | undefined>,
    answers: Array<Answer<K>>,
    hook: K,
    args: HookArgs<K>,
  ): Promise<Array<Answer<K>>> {
    for (let i = from; i < plugins.length; i++) {
      const value = i === from ? await pending : await this.invoke(plugins[i]!, hook, args);
      if (value !== undefined && value !== null) answers.push(value as Answer<K>);
    }
    return answers;
  }

  private use(plugins: RegisteredPlugin[]): void {
    const names = new Set<string>();
    for (const plugin of plugins) {
      if (names.has(plugin.name)) throw new DuplicatePluginError(plugin.name);
      names.add(plugin.name);
    }
    this.plugins = [...plugins].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
    this.byHook = new Map(
      HOOKS.map((hook) => [
        hook,
        this.plugins.filter((plugin) => typeof plugin.instance[hook] === 'function'),
      ]),
    );
    if (this.plugins.length > 0) {
      this.logger.log({ plugins: this.plugins.map((p) => `${p.name}(${p.order})`) }, 'OpAMP plugins loaded');
    }
  }

  /**
   * Calls one hook. A synchronous answer is returned as is (it cannot hang, so it needs no timer); a
   * promise is raced against `PLUGIN_TIMEOUT_MS`. Failures are handled by {@link failed}.
   */
  private invoke<K extends HookName>(
    plugin: RegisteredPlugin,
    hook: K,
    args: HookArgs<K>,
  ): Awaitable<HookResult<K> | undefined> {
    const fn = plugin.instance[hook] as unknown as (
      ...a: HookArgs<K>
    ) => HookResult<K> | Promise<HookResult<K>>;
    let value: HookResult<K> | Promise<HookResult<K>>;
    try {
      value = fn.apply(plugin.instance, args);
    } catch (error) {
      return this.failed(plugin, hook, args, error);
    }
    return isThenable(value) ? this.withTimeout(plugin, hook, args, value) : value;
  }

  private async withTimeout<K extends HookName>(
    plugin: RegisteredPlugin,
    hook: K,
    args: HookArgs<K>,
    pending: Promise<HookResult<K>>,
  ): Promise<HookResult<K> | undefined> {
    const timeoutMs = this.options.timeoutMs;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new PluginTimeoutError(plugin.name, hook, timeoutMs)), timeoutMs);
        }),
      ]);
    } catch (error) {
      return this.failed(plugin, hook, args, error);
    } finally {
      clearTimeout(timer);
      this.stats.observe(this.stats.cell(plugin.name, hook), (performance.now() - started) / 1000);
    }
  }

  /** A hook threw or timed out: rethrows a ProtocolError, fails closed on undecided identities, else skips. */
  private failed<K extends HookName>(
    plugin: RegisteredPlugin,
    hook: K,
    args: HookArgs<K>,
    error: unknown,
  ): undefined {
    if (error instanceof ProtocolError) throw error;
    const timedOut = error instanceof PluginTimeoutError;
    this.stats.failed(this.stats.cell(plugin.name, hook), timedOut ? 'timeout' : 'error');
    const agent = agentOf(args);
    if (timedOut && FAIL_CLOSED.has(hook)) {
      const timeoutMs = this.options.timeoutMs;
      this.logger.error(
        { ...agent, plugin: plugin.name, hook, timeoutMs },
        'plugin did not decide in time; refusing',
      );
      throw new ServerUnavailableError(`${hook} did not complete in time; retry later`, UNDECIDED_RETRY_MS);
    }
    this.logger.error(
      { ...agent, plugin: plugin.name, hook, err: error instanceof Error ? error.message : String(error) },
      'plugin hook failed; skipped',
    );
    return undefined;
  }
}

/** `{ agent: displayId }` of the agent a hook was called about (an agent view or a message context), if any. */
function agentOf(args: readonly unknown[]): { agent?: string } {
  const [first] = args;
  if (typeof first !== 'object' || first === null) return {};
  const agent = 'agent' in first ? first.agent : first;
  if (typeof agent === 'object' && agent !== null && 'displayId' in agent) {
    return typeof agent.displayId === 'string' ? { agent: agent.displayId } : {};
  }
  return {};
}
