import { Inject } from '@nestjs/common';

/**
 * DI token of the {@link ConfigStore} holding remote configs and their assignments: the one given as
 * `OpampModule.forRoot({ configStore })`, else the memory store or the ConfigMap store `CONFIG_STORE` picks.
 */
export const CONFIG_STORE = 'OPAMP:CONFIG_STORE';

/** Injects the {@link ConfigStore} under {@link CONFIG_STORE}. */
export const InjectConfigStore = (): ParameterDecorator => Inject(CONFIG_STORE);

/** Name of the built-in plugin that answers `remoteConfig` from the config store. */
export const FLEET_CONFIG_PLUGIN_NAME = 'fleet-config';

/**
 * Order of the fleet-config plugin: late, so other plugins (100 by default)
 * answer `remoteConfig` first and the config store only fills in for agents nobody else configures.
 */
export const FLEET_CONFIG_PLUGIN_ORDER = 1000;

/** ConfigMap annotation: JSON array of the config's assignments (`[{ "name", "agent" | "selector" }]`). */
export const ASSIGNMENTS_ANNOTATION = 'opamp-nest.io/assignments';

/**
 * ConfigMap annotation, a shorthand for Git: a selector `key=value,key2=value2` that becomes an
 * assignment named {@link SELECTOR_ASSIGNMENT_NAME}.
 */
export const SELECTOR_ANNOTATION = 'opamp-nest.io/selector';

/** Name of the assignment written as {@link SELECTOR_ANNOTATION}. */
export const SELECTOR_ASSIGNMENT_NAME = 'selector';

/** ConfigMap annotation: JSON object of file name to content type, for files whose type is not guessed. */
export const CONTENT_TYPES_ANNOTATION = 'opamp-nest.io/content-types';
