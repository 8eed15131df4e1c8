import 'reflect-metadata'; // @peculiar/x509 resolves its parts with tsyringe, which needs it
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** `@peculiar/x509`, its crypto provider set to Node's WebCrypto. Import it from here. */
export { x509 };
