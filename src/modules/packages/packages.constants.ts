import { Inject } from '@nestjs/common';

/** DI token of the {@link PackageCatalog} holding packages and their assignments (memory or ConfigMaps). */
export const PACKAGE_CATALOG = 'OPAMP:PACKAGE_CATALOG';

/** Injects the {@link PackageCatalog} under {@link PACKAGE_CATALOG}. */
export const InjectPackageCatalog = (): ParameterDecorator => Inject(PACKAGE_CATALOG);

/** Name of the built-in plugin that offers packages. */
export const PACKAGES_PLUGIN_NAME = 'packages';

/** Order of the packages plugin: after user plugins (100), so a plugin's own offer could be seen first. */
export const PACKAGES_PLUGIN_ORDER = 1000;

/** Agents listed by name in a rollout summary's `failedAgents`, at most. */
export const MAX_LISTED_FAILED_AGENTS = 20;
