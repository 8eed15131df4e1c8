import { Inject } from '@nestjs/common';

/** How the packages module keeps and links uploaded package files. */
export interface PackageFilesOptions {
  /** Directory of the files (`PACKAGE_FILES_DIR`); default none: memory. */
  readonly directory?: string;
  /** Largest accepted upload, bytes (`PACKAGE_FILE_MAX_BYTES`). @default 67108864 */
  readonly maxBytes: number;
  /** Base URL agents download from (`PACKAGE_FILES_URL`); default the origin of the creating call. */
  readonly baseUrl?: string;
  /**
   * Key of the download tokens offered to agents (the admin token, `ADMIN_TOKEN`); default none: the
   * download URLs need no token (the admin listener is then loopback-only).
   */
  readonly downloadKey?: string;
}

/** DI token of the {@link PackageFilesOptions}. */
export const PACKAGE_FILES_OPTIONS = 'OPAMP:PACKAGE_FILES_OPTIONS';

/** DI token of the {@link PackageFileStore}. */
export const PACKAGE_FILE_STORE = 'OPAMP:PACKAGE_FILE_STORE';

/** Injects the {@link PackageFilesOptions}. */
export const InjectPackageFilesOptions = (): ParameterDecorator => Inject(PACKAGE_FILES_OPTIONS);

/** Injects the {@link PackageFileStore}. */
export const InjectPackageFileStore = (): ParameterDecorator => Inject(PACKAGE_FILE_STORE);

/** Path prefix of the download route on the admin listener. */
export const PACKAGE_FILES_PATH = '/package-files';
